"""What works: each programme's completions, change, reliable change, attendance and cost.

Every figure below is worked out by hand from the fixture ``autumn`` builds (Autumn 2025, the
typical dates 1 September to 18 December, as the test school records none).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.insight import outcomes
from interventions.models import Enrolment, Intervention
from staff import terms
from staff.models import Role
from tests.conftest import World
from tests.factories import PupilFactory, member
from tests.interventions.factories import (
    EnrolmentFactory,
    InterventionFactory,
    MeasureRecordFactory,
    ProgrammeFactory,
    cancel,
    deliver,
    goals,
)

pytestmark = pytest.mark.django_db

P, L, A = "PRESENT", "LATE", "ABSENT"
AUTUMN = "2025-AUTUMN"
SUMMER = "2024-SUMMER"


def d(month: int, day: int, year: int = 2025) -> dt.date:
    return dt.date(year, month, day)


def gbo(enrolment: Enrolment, baseline: tuple[int, ...], exit_: tuple[int, ...] | None) -> None:
    """Rate the enrolment's goals at baseline (and exit): one rating per goal, in order."""
    if not enrolment.targets.exists():
        goals(enrolment, *[f"Goal {n}" for n in range(1, len(baseline) + 1)])
    ratings = {f"gbo_{n}": v for n, v in enumerate(baseline, start=1)}
    MeasureRecordFactory(enrolment=enrolment, kind="GBO", point="BASELINE", **ratings)
    if exit_ is not None:
        ratings = {f"gbo_{n}": v for n, v in enumerate(exit_, start=1)}
        MeasureRecordFactory(
            enrolment=enrolment,
            kind="GBO",
            point="EXIT",
            taken_on=enrolment.left_on or d(11, 20),
            **ratings,
        )


def numeric(enrolment: Enrolment, baseline: int, exit_: int | None) -> None:
    MeasureRecordFactory(
        enrolment=enrolment, kind="NUMERIC", point="BASELINE", value=Decimal(baseline)
    )
    if exit_ is not None:
        MeasureRecordFactory(
            enrolment=enrolment,
            kind="NUMERIC",
            point="EXIT",
            taken_on=enrolment.left_on or d(11, 20),
            value=Decimal(exit_),
        )


def sdq(enrolment: Enrolment, baseline: tuple[int, int, int, int], exit_: tuple) -> None:
    names = ("sdq_emotional", "sdq_conduct", "sdq_hyperactivity", "sdq_peer")
    for point, scores, taken_on in (
        ("BASELINE", baseline, enrolment.joined_on),
        ("EXIT", exit_, enrolment.left_on),
    ):
        MeasureRecordFactory(
            enrolment=enrolment,
            kind="SDQ",
            point=point,
            taken_on=taken_on,
            sdq_informant="TEACHER",
            sdq_prosocial=5,
            **dict(zip(names, scores, strict=True)),
        )


@dataclass
class Autumn:
    school: Any
    reading: Any  # programme A: GBO + reading age
    elsa: Any  # programme B: GBO + SDQ
    reading_group: Intervention
    elsa_group: Intervention
    pupils: dict[str, Any]


def autumn(world: World) -> Autumn:
    """Build the hand-worked school.

    Reading booster (£20 an hour), one group: a lead and an assistant, 4 delivered sessions of
    30 minutes in September (+1 cancelled), £10 of books, completed on 1 December.
      cost: 120 min x £20 x 2 staff / 60 = £80, + £10 = £90
      pupils: Ava, Ben, Cal, Dee and Eve completed (exit measures); Fay left on 20 September
      without an exit measure; Gus stayed to the end but has no exit measure. Took part: 7.
      GBO change per goal: Ava +4 (2->6) and +1 (3->4), Ben +1, Cal +3, Dee -2, Eve 0
        6 goals, sum 7: mean 1.17; reliable (3 or more): Ava and Cal, 2 of 5 pupils = 40%
      reading age: Ava 100->112 (+12), Ben 90->96 (+6): mean +9 over 2 pupils
      attendance of completers: 4 sessions each (20): Ava 4, Ben 4, Cal 3, Dee 2 (one late),
        Eve 4 = 17 of 20 = 85%
      cost per pupil £90 / 7 = £12.86; per pupil with reliable change £90 / 2 = £45.00
    ELSA (£18 an hour), one running group, the lead alone, 3 sessions of 60 minutes:
      cost: 180 x £18 / 60 = £54
      Ivy left 1 October with GBO 2->7 (+5, reliable) and SDQ 18->11 (-7); Jon left 1 October
      with SDQ 20->16 (-4) only; Kit is still in the group. Completed 2 (too small), took part 3.
      GBO mean +5, reliable 1 of 1 = 100%; SDQ mean (-7 - 4) / 2 = -5.5
      attendance: Ivy 3 of 3, Jon 2 of 3 = 5 of 6 = 83.3%
      cost per pupil £54 / 3 = £18.00; per pupil with reliable change £54.00
    The summer before: one reading group (Zoe, GBO 1->5), a session of 30 min alone = £10.
    The other school runs a reading group in the same term: never in this school's figures.
    """
    school = world.school
    lead = world.users["lsa_caseload"]
    reading = ProgrammeFactory(
        school=school,
        name="Reading booster",
        cost_per_staff_hour=Decimal("20.00"),
        measures=["GBO", "NUMERIC"],
        numeric_measure_label="Reading age (months)",
    )
    elsa = ProgrammeFactory(
        school=school, elsa=True, name="ELSA", cost_per_staff_hour=Decimal("18.00")
    )
    reading_group = InterventionFactory(
        school=school,
        programme=reading,
        name="Year 8 reading (autumn)",
        lead=lead,
        start_date=d(9, 8),
        fixed_costs=Decimal("10.00"),
        assistants=[world.users["lsa_no_caseload"]],
    )
    names = ["Ava", "Ben", "Cal", "Dee", "Eve", "Fay", "Gus"]
    pupils = {
        n: PupilFactory(school=school, legal_forename=n, legal_surname="Testpupil") for n in names
    }
    enrol = {n: EnrolmentFactory(intervention=reading_group, pupil=pupils[n]) for n in names}
    Enrolment.objects.filter(pk=enrol["Fay"].pk).update(left_on=d(9, 20))
    enrol["Fay"].refresh_from_db()
    marks = {
        d(9, 8): {"Ava": P, "Ben": P, "Cal": P, "Dee": L, "Eve": P, "Fay": P, "Gus": P},
        d(9, 15): {"Ava": P, "Ben": P, "Cal": A, "Dee": A, "Eve": P, "Fay": P, "Gus": P},
        d(9, 22): {"Ava": P, "Ben": P, "Cal": P, "Dee": A, "Eve": P, "Gus": A},
        d(9, 29): {"Ava": P, "Ben": P, "Cal": P, "Dee": P, "Eve": P, "Gus": P},
    }
    for day, row in marks.items():
        deliver(reading_group, day, minutes=30, attendance={pupils[n]: m for n, m in row.items()})
    cancel(reading_group, d(10, 6))
    gbo(enrol["Ava"], (2, 3), (6, 4))
    gbo(enrol["Ben"], (4,), (5,))
    gbo(enrol["Cal"], (5,), (8,))
    gbo(enrol["Dee"], (6,), (4,))
    gbo(enrol["Eve"], (3,), (3,))
    gbo(enrol["Fay"], (3,), None)
    gbo(enrol["Gus"], (3,), None)
    numeric(enrol["Ava"], 100, 112)
    numeric(enrol["Ben"], 90, 96)
    numeric(enrol["Gus"], 90, None)
    Intervention.objects.filter(pk=reading_group.pk).update(
        status="COMPLETED", completed_on=d(12, 1)
    )

    elsa_group = InterventionFactory(
        school=school, programme=elsa, name="ELSA (autumn)", lead=lead, start_date=d(9, 10)
    )
    e_names = ["Ivy", "Jon", "Kit"]
    pupils |= {
        n: PupilFactory(school=school, legal_forename=n, legal_surname="Testpupil") for n in e_names
    }
    e_enrol = {n: EnrolmentFactory(intervention=elsa_group, pupil=pupils[n]) for n in e_names}
    for day, row in {
        d(9, 10): {"Ivy": P, "Jon": P, "Kit": P},
        d(9, 17): {"Ivy": P, "Jon": A, "Kit": P},
        d(9, 24): {"Ivy": L, "Jon": P, "Kit": P},
    }.items():
        deliver(elsa_group, day, minutes=60, attendance={pupils[n]: m for n, m in row.items()})
    # A session in the spring term: not this term's cost.
    deliver(elsa_group, d(1, 14, 2026), minutes=60, attendance={pupils["Kit"]: P})
    Enrolment.objects.filter(pk__in=[e_enrol["Ivy"].pk, e_enrol["Jon"].pk]).update(left_on=d(10, 1))
    for e in e_enrol.values():
        e.refresh_from_db()
    gbo(e_enrol["Ivy"], (2,), (7,))
    sdq(e_enrol["Ivy"], (5, 4, 6, 3), (3, 2, 4, 2))
    sdq(e_enrol["Jon"], (6, 5, 6, 3), (5, 4, 5, 2))

    # The summer term before (2024/25): one pupil, one session.
    summer_group = InterventionFactory(
        school=school,
        programme=reading,
        name="Year 7 reading (summer)",
        lead=lead,
        start_date=d(5, 1),
    )
    zoe = PupilFactory(school=school, legal_forename="Zoe", legal_surname="Testpupil")
    pupils["Zoe"] = zoe
    z = EnrolmentFactory(intervention=summer_group, pupil=zoe)
    deliver(summer_group, d(5, 5), minutes=30, attendance={zoe: P})
    goals(z, "Goal 1")
    MeasureRecordFactory(enrolment=z, kind="GBO", point="BASELINE", gbo_1=1)
    MeasureRecordFactory(enrolment=z, kind="GBO", point="EXIT", taken_on=d(7, 1), gbo_1=5)
    Intervention.objects.filter(pk=summer_group.pk).update(
        status="COMPLETED", completed_on=d(7, 10)
    )

    # The other school, same term: never counted here.
    elsewhere = InterventionFactory(school=world.other_school, start_date=d(9, 8))
    e = EnrolmentFactory(intervention=elsewhere, pupil=world.other_pupil, left_on=d(10, 1))
    deliver(elsewhere, d(9, 9), minutes=30, attendance={world.other_pupil: P})
    goals(e, "Goal 1")
    MeasureRecordFactory(enrolment=e, kind="GBO", point="BASELINE", gbo_1=1)
    MeasureRecordFactory(enrolment=e, kind="GBO", point="EXIT", taken_on=d(10, 1), gbo_1=9)
    return Autumn(school, reading, elsa, reading_group, elsa_group, pupils)


def _term(school_id: int, key: str = AUTUMN) -> terms.Term:
    term = terms.term_from_key(school_id, key)
    assert term is not None
    return term


def _by_name(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in figures["programmes"]}


def test_reading_booster_figures_match_the_hand_worked_values(world: World) -> None:
    a = autumn(world)
    figures = outcomes.what_works(a.school.pk, _term(a.school.pk))
    assert figures["term"]["name"] == "Autumn 2025/26"
    reading = _by_name(figures)["Reading booster"]
    assert reading["took_part"] == 7
    assert reading["completed"] == 5
    assert reading["too_small"] is False
    assert reading["gbo_goals"] == 6
    assert reading["gbo_change_sum"] == 7
    assert reading["gbo_mean_change"] == 1.17
    assert reading["gbo_pupils"] == 5
    assert reading["gbo_reliable"] == 2
    assert reading["reliable_pct"] == 40.0
    assert reading["numeric_pupils"] == 2
    assert reading["numeric_mean_change"] == 9.0
    assert reading["sdq_pupils"] == 0
    assert reading["sdq_mean_change"] is None
    assert (reading["attended"], reading["possible"]) == (17, 20)
    assert reading["attendance_pct"] == 85.0
    assert reading["cost"] == "90.00"
    assert reading["cost_per_pupil"] == "12.86"
    assert reading["cost_per_reliable"] == "45.00"


def test_elsa_figures_match_and_are_marked_too_small(world: World) -> None:
    a = autumn(world)
    elsa = _by_name(outcomes.what_works(a.school.pk, _term(a.school.pk)))["ELSA"]
    assert (elsa["took_part"], elsa["completed"]) == (3, 2)
    assert elsa["too_small"] is True
    assert (elsa["gbo_goals"], elsa["gbo_mean_change"]) == (1, 5.0)
    assert (elsa["gbo_reliable"], elsa["gbo_pupils"], elsa["reliable_pct"]) == (1, 1, 100.0)
    assert (elsa["sdq_pupils"], elsa["sdq_change_sum"], elsa["sdq_mean_change"]) == (2, -11, -5.5)
    assert (elsa["attended"], elsa["possible"], elsa["attendance_pct"]) == (5, 6, 83.3)
    assert elsa["cost"] == "54.00"
    assert elsa["cost_per_pupil"] == "18.00"
    assert elsa["cost_per_reliable"] == "54.00"


def test_the_school_total_adds_the_programmes_up(world: World) -> None:
    a = autumn(world)
    total = outcomes.what_works(a.school.pk, _term(a.school.pk))["total"]
    # 7 + 3 took part, 5 + 2 completed; goals 6 + 1 (sum 7 + 5 = 12): mean 12 / 7 = 1.71;
    # reliable 2 + 1 of 5 + 1 = 50%; £90 + £54 = £144: per pupil £14.40, per reliable £48.00
    assert (total["took_part"], total["completed"]) == (10, 7)
    assert total["gbo_mean_change"] == 1.71
    assert total["reliable_pct"] == 50.0
    assert total["attendance_pct"] == round(100 * 22 / 26, 1)
    assert (total["cost"], total["cost_per_pupil"], total["cost_per_reliable"]) == (
        "144.00",
        "14.40",
        "48.00",
    )
    assert total["numeric_pupils"] == 0  # reading ages are not added to other scales


def test_terms_are_kept_apart(world: World) -> None:
    a = autumn(world)
    summer = _by_name(outcomes.what_works(a.school.pk, _term(a.school.pk, SUMMER)))
    assert list(summer) == ["Reading booster"]
    row = summer["Reading booster"]
    assert (row["took_part"], row["completed"], row["gbo_reliable"]) == (1, 1, 1)
    assert (row["cost"], row["cost_per_pupil"]) == ("10.00", "10.00")
    assert row["too_small"] is True


def test_reliable_change_follows_the_setting(world: World, settings) -> None:
    settings.SEND_HUB_GBO_RELIABLE_CHANGE = 5
    a = autumn(world)
    figures = _by_name(outcomes.what_works(a.school.pk, _term(a.school.pk)))
    assert figures["Reading booster"]["gbo_reliable"] == 0  # nobody rose by 5
    assert figures["Reading booster"]["cost_per_reliable"] is None
    assert figures["ELSA"]["gbo_reliable"] == 1  # Ivy: +5


def test_across_the_trust_rows_merge_by_kind(world: World) -> None:
    autumn(world)
    found = outcomes.terms_for([world.school.pk, world.other_school.pk], AUTUMN)
    rows = outcomes.outcome_tallies(outcomes.windows_of(found))
    assert {(r.school_id, r.name) for r in rows} == {
        (world.school.pk, "Reading booster"),
        (world.school.pk, "ELSA"),
        (world.other_school.pk, rows[-1].name),
    }
    merged = {r.kind: r.tally for r in outcomes.by_kind(rows)}
    # Literacy: the reading booster (5 completed) + the other school's pupil (1): 6 completed,
    # reliable 2 + 1 of 5 + 1
    assert merged["LITERACY"].completed == 6
    assert merged["LITERACY"].gbo_reliable == 3
    assert merged["LITERACY"].reliable_pct == 50.0
    assert merged["LITERACY"].numeric_pupils == 0
    assert merged["ELSA"].completed == 2


def test_terms_for_uses_each_schools_own_dates(world: World) -> None:
    from staff.models.calendar import SchoolTerm

    SchoolTerm.objects.create(
        school=world.school,
        academic_year=2025,
        half="AUTUMN_1",
        starts_on=d(9, 3),
        ends_on=d(10, 24),
    )
    SchoolTerm.objects.create(
        school=world.school,
        academic_year=2025,
        half="AUTUMN_2",
        starts_on=d(11, 3),
        ends_on=d(12, 19),
    )
    found = outcomes.terms_for([world.school.pk, world.other_school.pk], AUTUMN)
    assert (found[world.school.pk].start, found[world.school.pk].end) == (d(9, 3), d(12, 19))
    assert found[world.school.pk].recorded is True
    assert (found[world.other_school.pk].start, found[world.other_school.pk].end) == (
        d(9, 1),
        d(12, 18),
    )
    assert outcomes.terms_for([world.school.pk], "2025-WINTER") == {}


def _more_completers(world: World, intervention: Intervention, n: int) -> None:
    for _ in range(n):
        e = EnrolmentFactory(intervention=intervention, pupil=PupilFactory(school=world.school))
        gbo(e, (2, 2, 2), (5, 6, 7))
        numeric(e, 80, 90)
        deliver_mark = intervention.sessions.filter(status="DELIVERED").first()
        deliver_mark.attendance.create(pupil=e.pupil, attendance=P, engagement=3)


def test_figures_take_the_same_queries_for_more_pupils(world: World) -> None:
    a = autumn(world)
    term = _term(a.school.pk)
    with CaptureQueriesContext(connection) as few:
        outcomes.what_works(a.school.pk, term)
    _more_completers(world, a.reading_group, 12)
    with CaptureQueriesContext(connection) as many:
        figures = outcomes.what_works(a.school.pk, term)
    assert _by_name(figures)["Reading booster"]["completed"] == 17
    assert len(many) == len(few) <= 6


# --- The page ----------------------------------------------------------------------------


def test_the_page_shows_the_figures_and_marks_small_groups(world: World) -> None:
    autumn(world)
    response = world.client("sendco").get(reverse("interventions:what_works"), {"term": AUTUMN})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reading booster" in html
    assert "£12.86" in html and "£45.00" in html
    assert "40%" in html
    assert outcomes.SMALL_LABEL in html  # ELSA: 2 completed
    assert "<svg" in html
    # No pupil is named on this page.
    assert "Testpupil" not in html


def test_the_page_refuses_a_made_up_term_clearly(world: World) -> None:
    response = world.client("sendco").get(
        reverse("interventions:what_works"), {"term": "1999-WINTER"}
    )
    assert response.status_code == 200
    assert "Choose a term from the list" in response.content.decode()


def test_the_page_query_budget_does_not_grow_with_pupils(
    world: World, django_assert_max_num_queries: Any
) -> None:
    a = autumn(world)
    client = world.client("sendco")
    url = reverse("interventions:what_works")
    # Worked out each time, not kept (report_cache): the sums are what must not grow.
    fresh = {"term": AUTUMN, "refresh": "1"}
    client.get(url, fresh)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url, fresh)
    _more_completers(world, a.reading_group, 15)
    with CaptureQueriesContext(connection) as many:
        client.get(url, fresh)
    assert len(many) == len(few)
    with django_assert_max_num_queries(30):
        client.get(url, fresh)


def test_the_head_sees_what_works_and_an_lsa_does_not(world: World) -> None:
    head = member(world.school, Role.HEAD)
    client = world.client("anonymous")
    client.force_login(head)
    assert client.get(reverse("interventions:what_works")).status_code == 200
    assert world.client("lsa_caseload").get(reverse("interventions:what_works")).status_code == 403
