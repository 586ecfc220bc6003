"""The termly impact report: every section's figures on a hand-built school, the governors'
suppression, the build (once per double click), the PDF and its download.

The school is test_what_works.autumn's (Autumn 2025: 1 September to 18 December) with a SEN
register, plan reviews, EHCP annual reviews, Connect placements and removals added here.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from interventions.insight import termly
from interventions.insight.termly import report as termly_report
from interventions.models import (
    EHCP,
    AnnualReview,
    AnnualReviewStep,
    Placement,
    PlanKind,
    ReintegrationStage,
    Removal,
    Room,
    TermlyReport,
)
from interventions.plans import services as plan_services
from pupils.models import Pupil, SENNeed, SENStatus
from send_hub.celery import app as celery_app
from staff import terms
from staff.models import AuditEvent, Role
from tests.conftest import World
from tests.factories import PupilFactory, SchoolFactory, member
from tests.interventions.factories import (
    EnrolmentFactory,
    InterventionFactory,
    MeasureRecordFactory,
    ProgrammeFactory,
    deliver,
    goals,
)
from tests.interventions.test_what_works import AUTUMN, Autumn, autumn, d

pytestmark = pytest.mark.django_db

LEADERS, GOVERNORS = TermlyReport.Version.LEADERS, TermlyReport.Version.GOVERNORS
AFTER = d(1, 31, 2026)  # a day after the autumn term: the whole term is counted
DURING = d(12, 1)  # a day in the autumn term: counted so far, with the reviews overdue then


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEND_HUB_SCHOOL_DAY_MINUTES = 390
    return settings.MEDIA_ROOT


def status(
    pupil: Pupil, provision: str, start: dt.date, end: dt.date | None, need: str = ""
) -> None:
    s = SENStatus.objects.create(pupil=pupil, provision=provision, start_date=start, end_date=end)
    if need:
        SENNeed.objects.create(status=s, rank=1, need=need)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class School:
    a: Autumn
    sendco: Any


def build_school(world: World) -> School:
    """Autumn's school, plus by hand:

    Register (roll at the term's end 11: world.pupil, Ava..Kit less Eve who left on 15 October,
    and Zoe; Lia is admitted in January): K at the end world.pupil (SLCN, since January), Ava
    (ASD, from 1 October) and Dee (MLD, from 1 September); E Ben (ASD, since 2024). Cal came off
    (K to N on 1 December); Eve left the school. Joined 2 (Ava, Dee); left 2 (Cal, Eve).
    Plan reviews this term: world.pupil's on 8 October (due 10 October: on time), Ava's on
    20 October (due 10 October: late); Ben's was in June. Dee's plan was due 15 November and is
    not reviewed (overdue on 1 December).
    EHCP meetings this term: Ben's on 20 October (issued 1 November 2024: on time), Kit's on
    20 September (last meeting 15 September 2024: late). Fay's EHCP was due 1 September 2025
    with no meeting (overdue).
    Connect: Ava 15 September to 10 November (back full time), Ben June to 1 October (ended
    early, specialist provision), Cal from 1 November (current), Dee from 10 December to January
    (current at the end). Stages reviewed this term: Ava's 1 (met) and 2 (partly met).
    Removals: Ava (K, girl, pupil premium) 60 and 180 minutes; Ben (E, boy) a 1.5-day
    suspension (585 minutes); Gus (no SEN, boy, FSM and pupil premium) 45 minutes; Gus again in
    January (not this term); the other school's pupil (never here).
    """
    a = autumn(world)
    p = a.pupils
    school = world.school
    sendco = world.users["sendco"]
    Pupil.objects.filter(pk__in=[p["Ben"].pk, p["Gus"].pk]).update(sex="M")
    Pupil.objects.filter(pk=p["Gus"].pk).update(free_school_meals=True, pupil_premium=True)
    Pupil.objects.filter(pk=p["Ava"].pk).update(pupil_premium=True)
    Pupil.objects.filter(pk=p["Eve"].pk).update(leaving_date=d(10, 15))
    PupilFactory(school=school, admission_date=d(1, 5, 2026))  # Lia: not on roll in autumn
    status(p["Ava"], "K", d(10, 1), None, "ASD")
    status(p["Ben"], "E", d(1, 1, 2024), None, "ASD")
    status(p["Cal"], "K", d(9, 1, 2024), d(11, 30), "MLD")
    status(p["Cal"], "N", d(12, 1), None)
    status(p["Dee"], "K", d(9, 1), None, "MLD")
    status(p["Eve"], "K", d(9, 1, 2024), None, "SPLD")

    kind = PlanKind.objects.get(code="IEP")

    def plan(pupil: Pupil, due: dt.date) -> Any:
        made = plan_services.plan_create(
            pupil=pupil, kind=kind, owner=sendco, by=sendco, next_review_on=due
        )
        plan_services.plan_target_add(plan=made, wording="Reads aloud", area="CL", by=sendco)
        plan_services.plan_agree(plan=made, by=sendco, on=d(6, 1))
        return made

    def review(made: Any, held: dt.date, next_on: dt.date) -> None:
        target = made.targets.get()
        plan_services.plan_review_complete(
            plan=made,
            by=sendco,
            held_on=held,
            attendees=["SENDCo", "Parent"],
            parent_attended=True,
            scores={target.pk: ("PARTLY", "Reads a page")},
            next_review_on=next_on,
        )

    review(plan(world.pupil, d(10, 10)), d(10, 8), d(1, 20, 2026))
    review(plan(p["Ava"], d(10, 10)), d(10, 20), d(2, 1, 2026))
    review(plan(p["Ben"], d(6, 15)), d(6, 10), d(3, 1, 2026))
    plan(p["Dee"], d(11, 15))

    def ehcp(pupil: Pupil, issued: dt.date, due: dt.date) -> EHCP:
        return EHCP.objects.create(
            school=school,
            pupil=pupil,
            coordinator=sendco,
            local_authority="Testshire",
            issued_on=issued,
            next_review_due=due,
        )

    def meeting(plan_: EHCP, on: dt.date) -> None:
        ar = AnnualReview.objects.create(ehcp=plan_, meeting_on=on)
        AnnualReviewStep.objects.create(review=ar, step="MEETING", done_on=on, done_by=sendco)

    ben = ehcp(p["Ben"], d(11, 1, 2024), d(10, 20, 2026))
    meeting(ben, d(10, 20))
    kit = ehcp(p["Kit"], d(6, 1, 2023), d(9, 20, 2026))
    meeting(kit, d(9, 15, 2024))
    meeting(kit, d(9, 20))
    ehcp(p["Fay"], d(9, 1, 2024), d(9, 1))

    room = Room.objects.create(school=school, name="Connect", capacity=8)
    room.leaders.add(sendco)

    def place(pupil: Pupil, start: dt.date, **fields: Any) -> Placement:
        return Placement.objects.create(
            school=school,
            room=room,
            pupil=pupil,
            referral_reason="Synthetic referral",
            start_date=start,
            created_by=sendco,
            **fields,
        )

    ava = place(p["Ava"], d(9, 15), status="COMPLETED", ended_on=d(11, 10), exit_outcome="FULL")
    place(
        p["Ben"],
        d(6, 1),
        status="ENDED_EARLY",
        ended_on=d(10, 1),
        ended_reason="Moved on",
        exit_outcome="SPECIALIST",
    )
    cal = place(p["Cal"], d(11, 1))
    place(p["Dee"], d(12, 10), status="COMPLETED", ended_on=d(1, 20, 2026), exit_outcome="PARTIAL")
    for placement, number, reviewed, outcome in (
        (ava, 1, d(10, 1), "MET"),
        (ava, 2, d(10, 20), "PARTLY"),
        (cal, 1, d(12, 20), "NOT_MET"),  # after the term
        (cal, 2, d(11, 20), ""),  # no outcome yet
    ):
        ReintegrationStage.objects.create(
            placement=placement,
            number=number,
            timetable_percent=20 * number,
            success_criteria="Stays in lessons",
            review_date=reviewed,
            outcome=outcome,
        )

    def removal(pupil: Pupil, kind: str, start: dt.datetime, minutes: int = 0, **f: Any) -> None:
        Removal.objects.create(
            school=pupil.school,
            pupil=pupil,
            kind=kind,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=minutes) if kind != "SUSPENSION" else None,
            reason="Synthetic",
            recorded_by=sendco,
            **f,
        )

    removal(p["Ava"], "REMOVAL", at(d(9, 10), 10), 60)
    removal(p["Ava"], "ISOLATION", at(d(10, 2), 9), 180)
    removal(p["Ben"], "SUSPENSION", at(d(11, 5), 8), suspension_days=Decimal("1.5"))
    removal(p["Gus"], "REMOVAL", at(d(12, 1), 13), 45)
    removal(p["Gus"], "REMOVAL", at(d(1, 10, 2026), 13), 45)
    removal(world.other_pupil, "REMOVAL", at(d(10, 1), 9), 30)
    return School(a, sendco)


def _term(world: World) -> terms.Term:
    term = terms.term_from_key(world.school.pk, AUTUMN)
    assert term is not None
    return term


def _figures(world: World, version: str = LEADERS, today: dt.date = AFTER) -> dict[str, Any]:
    return termly.termly_figures(world.school, _term(world), version, today=today)


def _n(cells: list[dict[str, Any]], column: str = "count") -> dict[str, Any]:
    return {c["label"]: c[column]["n"] for c in cells}


# --- The figures, for leaders ----------------------------------------------------------------


def test_register_counts_at_the_end_of_the_term(world: World) -> None:
    build_school(world)
    r = _figures(world)["register"]
    assert r["roll"]["n"] == 11
    assert _n(r["rows"]) == {"SEN support (K)": 3, "EHC plan (E)": 1, "On the register": 4}
    assert r["rows"][2]["share"]["pct"] == round(100 * 4 / 11, 1)
    assert (r["joined"]["n"], r["left"]["n"]) == (2, 2)
    needs = {n["code"]: n["count"]["n"] for n in r["needs"]}
    assert needs == {"ASD": 2, "MLD": 1, "SLCN": 1}


def test_provision_and_cost_by_area_of_need(world: World) -> None:
    build_school(world)
    p = _figures(world)["provision"]
    rows = {r["label"]: r for r in p["rows"]}
    cl = rows["Cognition and learning"]
    assert (cl["groups"], cl["pupils"]["n"], cl["delivered"], cl["cancelled"]) == (1, 7, 4, 1)
    assert (cl["staff_hours"], cl["cost"]) == ("4", "90.00")
    semh = rows["Social, emotional and mental health"]
    assert (semh["groups"], semh["pupils"]["n"], semh["delivered"], semh["cost"]) == (
        1,
        3,
        3,
        "54.00",
    )
    assert (p["groups"], p["pupils"]["n"], p["delivered"], p["staff_hours"]) == (2, 10, 7, "7")
    assert (p["cost"], p["cost_per_pupil_shown"]) == ("144.00", "£14.40")


def test_outcomes_by_programme_are_what_works(world: World) -> None:
    build_school(world)
    o = _figures(world)["outcomes"]
    rows = {r["name"]: r for r in o["rows"]}
    reading = rows["Reading booster"]
    assert (reading["completed"]["n"], reading["took_part"]["n"]) == (5, 7)
    assert (reading["gbo"], reading["reliable"]["shown"], reading["reliable_of"]) == (
        "+1.17",
        "40%",
        "2 of 5",
    )
    assert (reading["numeric"], reading["attendance"]) == ("+9", "85%")
    assert (reading["cost_per_pupil"], reading["cost_per_reliable"]) == ("£12.86", "£45.00")
    assert rows["ELSA"]["small_label"].startswith("fewer than 5")
    assert rows["ELSA"]["sdq"] == "-5.5"
    assert o["total"]["cost_shown"] == "£144.00"
    assert [c["title"] for c in o["charts"]] == [
        "Pupils with reliable change (GBO)",
        "Cost per pupil this term",
    ]


def test_reviews_held_on_time_and_overdue(world: World) -> None:
    build_school(world)
    r = _figures(world)["reviews"]
    assert (r["plans"]["held"]["n"], r["plans"]["on_time"]["n"], r["plans"]["late"]["n"]) == (
        2,
        1,
        1,
    )
    assert r["plans"]["share"]["pct"] == 50.0
    assert (r["ehcp"]["held"]["n"], r["ehcp"]["on_time"]["n"]) == (2, 1)
    assert r["plans_overdue"] is None  # the term is over: "overdue now" is not its figure

    during = _figures(world, today=DURING)
    assert during["running"] is True
    assert during["reviews"]["plans_overdue"]["n"] == 1  # Dee's
    assert during["reviews"]["ehcp_overdue"]["n"] == 1  # Fay's
    assert [(o["pupil"], o["due"]) for o in during["overdue"]] == [
        ("Fay Testpupil", "2025-09-01"),
        ("Dee Testpupil", "2025-11-15"),
    ]


def test_an_annual_review_a_year_to_the_day_is_on_time(world: World) -> None:
    sendco = world.users["sendco"]
    plan_ = EHCP.objects.create(
        school=world.school,
        pupil=world.pupil,
        coordinator=sendco,
        local_authority="Testshire",
        issued_on=d(2, 29, 2024),
        next_review_due=d(2, 28, 2025),
    )
    for day in (d(10, 3, 2024), d(10, 3), d(12, 1)):  # a year to the day, then early
        ar = AnnualReview.objects.create(ehcp=plan_, meeting_on=day)
        AnnualReviewStep.objects.create(review=ar, step="MEETING", done_on=day, done_by=sendco)
    r = _figures(world)["reviews"]
    assert (r["ehcp"]["held"]["n"], r["ehcp"]["on_time"]["n"]) == (2, 2)


def test_connect_placements_and_reintegration(world: World) -> None:
    build_school(world)
    c = _figures(world)["connect"]
    assert (c["started"]["n"], c["current"]["n"], c["ended"]["n"], c["ended_early"]["n"]) == (
        3,
        2,
        2,
        1,
    )
    outcomes = _n(c["outcomes"])
    assert outcomes["Back in mainstream full time"] == 1
    assert outcomes["Moved to specialist or alternative provision"] == 1
    assert outcomes["Part-time mainstream with support"] == 0
    assert _n(c["stages"]) == {"Met": 1, "Partly met": 1, "Not met": 0}
    assert c["stages_reviewed"]["n"] == 2


def test_removals_by_group_and_kind(world: World) -> None:
    build_school(world)
    r = _figures(world)["removals"]
    assert (r["removals"]["n"], r["pupils"]["n"], r["hours"]) == (4, 3, "14.5")
    assert r["share"]["pct"] == round(100 * 3 / 11, 1)
    groups = {g["label"]: g for g in r["groups"]}

    def row(label: str) -> tuple:
        g = groups[label]
        return (g["size"]["n"], g["pupils"]["n"], g["removals"]["n"], g["hours"])

    assert row("SEN support") == (3, 1, 2, "4")
    assert row("EHCP") == (1, 1, 1, "9.75")
    assert row("No SEN") == (7, 1, 1, "0.75")
    assert row("Girls") == (9, 1, 2, "4")
    assert row("Boys") == (2, 2, 2, "10.5")
    assert row("Free school meals") == (1, 1, 1, "0.75")
    assert row("No free school meals") == (10, 2, 3, "13.75")
    assert row("Pupil premium") == (2, 2, 3, "4.75")
    assert row("No pupil premium") == (9, 1, 1, "9.75")
    assert row("Looked after") == (0, 0, 0, "0")
    assert groups["Boys"]["share"]["pct"] == 100.0
    kinds = {k["label"]: (k["count"]["n"], k["hours"]) for k in r["kinds"]}
    assert kinds == {
        "Removal from lesson": (2, "1.75"),
        "Internal isolation": (1, "3"),
        "Internal exclusion room": (0, "0"),
        "Suspension": (1, "9.75"),
    }


def test_figures_take_the_same_queries_for_more_pupils(world: World) -> None:
    s = build_school(world)
    with CaptureQueriesContext(connection) as few:
        _figures(world, today=DURING)
    for _ in range(8):
        pupil = PupilFactory(school=world.school)
        status(pupil, "K", d(9, 1), None, "SEMH")
        e = EnrolmentFactory(intervention=s.a.reading_group, pupil=pupil)
        goals(e, "Goal 1")
        MeasureRecordFactory(enrolment=e, gbo_1=2)
        MeasureRecordFactory(enrolment=e, point="EXIT", taken_on=d(11, 1), gbo_1=6)
        Removal.objects.create(
            school=world.school,
            pupil=pupil,
            kind="REMOVAL",
            started_at=at(d(10, 6), 9),
            ended_at=at(d(10, 6), 10),
            reason="Synthetic",
            recorded_by=s.sendco,
        )
    with CaptureQueriesContext(connection) as many:
        figures = _figures(world, today=DURING)
    assert figures["register"]["roll"]["n"] == 19
    assert len(many) == len(few) <= 25


# --- The governors' version ------------------------------------------------------------------


def test_governors_see_fewer_than_5_for_counts_1_to_4_and_no_names(world: World) -> None:
    build_school(world)
    g = _figures(world, GOVERNORS, today=DURING)
    assert g["governors"] is True
    assert g["overdue"] == []
    rows = {r["label"]: r for r in g["register"]["rows"]}
    assert rows["SEN support (K)"]["count"]["shown"] == "fewer than 5"
    assert rows["EHC plan (E)"]["count"]["shown"] == "fewer than 5"
    assert rows["On the register"]["count"]["shown"] == "fewer than 5"
    assert rows["On the register"]["share"]["pct"] is None
    assert g["register"]["roll"]["shown"] == "11"
    # Boys (2) are hidden, so girls (9) are hidden too: otherwise 11 - 9 gives boys back.
    groups = {x["label"]: x for x in g["removals"]["groups"]}
    assert groups["Boys"]["size"]["shown"] == "fewer than 5"
    assert groups["Girls"]["size"]["shown"] == "withheld"
    assert groups["No SEN"]["size"]["shown"] == "7"
    assert groups["Boys"]["hours"] == "withheld"
    assert groups["Looked after"]["size"]["shown"] == "0"
    reading = {r["name"]: r for r in g["outcomes"]["rows"]}["Reading booster"]
    assert reading["completed"]["shown"] == "5"
    assert reading["gbo"] == "+1.17"  # 5 completers with goals rated: shown
    assert reading["numeric"] == "withheld"  # a mean reading age over 2 pupils
    assert reading["reliable"]["shown"] == "withheld"  # 2 of 5: the 2 is under 5
    assert reading["cost_per_reliable"] == "withheld"
    assert reading["raw"] is None
    elsa = {r["name"]: r for r in g["outcomes"]["rows"]}["ELSA"]
    assert (elsa["completed"]["shown"], elsa["gbo"], elsa["sdq"]) == (
        "fewer than 5",
        "withheld",
        "withheld",
    )
    assert g["reviews"]["plans_overdue"]["shown"] == "fewer than 5"
    stored = repr(g)
    for name in ("Testpupil", "Ava", "Dee", "Fay"):
        assert name not in stored


def test_a_count_of_zero_or_five_is_shown(world: World) -> None:
    assert termly.count_cell(0, True)["shown"] == "0"
    assert termly.count_cell(5, True)["shown"] == "5"
    assert [termly.count_cell(n, True)["shown"] for n in (1, 4)] == ["fewer than 5"] * 2
    cells = termly.suppress_partition([termly.count_cell(n, True) for n in (3, 12, 20)])
    assert [c["shown"] for c in cells] == ["fewer than 5", "withheld", "20"]


# --- Building: once, by a task, into a PDF ---------------------------------------------------


def _pdf_text(report: TermlyReport) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_double_click_queues_one_build(world: World, django_capture_on_commit_callbacks) -> None:
    build_school(world)
    sendco = world.users["sendco"]
    with django_capture_on_commit_callbacks() as callbacks:
        first, queued = termly.termly_report_request(
            school=world.school, term=_term(world), version=GOVERNORS, by=sendco
        )
        second, queued_again = termly.termly_report_request(
            school=world.school, term=_term(world), version=GOVERNORS, by=sendco
        )
    assert (queued, queued_again) == (True, False)
    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert TermlyReport.objects.count() == 1
    assert AuditEvent.objects.filter(action="interventions.termly_report.requested").count() == 1


def test_the_build_runs_once_and_the_governors_pdf_names_nobody(world: World) -> None:
    build_school(world)
    report, _ = termly.termly_report_request(
        school=world.school, term=_term(world), version=GOVERNORS, by=world.users["sendco"]
    )
    built = termly.termly_report_build(report_id=report.pk)
    assert built is not None and built.status == "READY"
    assert termly.termly_report_build(report_id=report.pk) is None  # a second run does nothing
    text = _pdf_text(built)
    for expected in (
        "Termly impact report: Autumn 2025/26",
        "Governors' version",
        "fewer than 5",
        "Reading booster",
        "£144.00",
        "+1.17",
    ):
        assert expected in text, f"{expected!r} not in the PDF: {text}"
    assert "Testpupil" not in text


def test_the_leaders_pdf_has_exact_counts(world: World) -> None:
    build_school(world)
    report, _ = termly.termly_report_request(
        school=world.school, term=_term(world), version=LEADERS, by=world.users["sendco"]
    )
    text = _pdf_text(termly.termly_report_build(report_id=report.pk))
    for expected in ("Leaders' version", "40%", "2 of 5", "£45.00", "14.5 hours", "85%"):
        assert expected in text, f"{expected!r} not in the PDF: {text}"


def test_a_failed_build_says_so_and_can_be_asked_for_again(world: World, monkeypatch) -> None:
    build_school(world)
    sendco = world.users["sendco"]
    report, _ = termly.termly_report_request(
        school=world.school, term=_term(world), version=LEADERS, by=sendco
    )

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise ValueError("the layout broke")

    monkeypatch.setattr(termly_report, "render_termly_pdf", broken)
    with pytest.raises(ValueError):
        termly.termly_report_build(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.error) == ("FAILED", "the layout broke")
    _, queued = termly.termly_report_request(
        school=world.school, term=_term(world), version=LEADERS, by=sendco
    )
    assert queued is True


def test_a_stuck_build_is_sent_again_by_the_sweep(world: World) -> None:
    report = TermlyReport.objects.create(
        school=world.school,
        term_key=AUTUMN,
        version=LEADERS,
        status="BUILDING",
        requested_at=timezone.now() - dt.timedelta(hours=1),
        started_at=timezone.now() - dt.timedelta(hours=1),
    )
    fresh = TermlyReport.objects.create(
        school=world.school,
        term_key=AUTUMN,
        version=GOVERNORS,
        status="QUEUED",
        requested_at=timezone.now(),
    )
    assert termly.termly_reports_pending_ids() == [report.pk]
    report.refresh_from_db()
    assert report.status == "QUEUED"
    assert fresh.pk not in termly.termly_reports_pending_ids()


def test_a_term_not_started_is_refused(world: World) -> None:
    future = terms.term_from_key(world.school.pk, "2099-AUTUMN")
    with pytest.raises(termly.TermlyReportError, match="has not started"):
        termly.termly_report_request(
            school=world.school, term=future, version=LEADERS, by=world.users["sendco"]
        )


# --- The pages -------------------------------------------------------------------------------


def test_the_sendco_builds_and_downloads_a_report(
    world: World, django_capture_on_commit_callbacks
) -> None:
    build_school(world)
    client = world.client("sendco")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("interventions:termly_report_build"), {"term": AUTUMN, "version": LEADERS}
        )
        client.post(
            reverse("interventions:termly_report_build"), {"term": AUTUMN, "version": LEADERS}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    report = TermlyReport.objects.get()
    page = client.get(reverse("interventions:termly_reports")).content.decode()
    assert "Queued" in page and 'hx-trigger="every 3s"' in page

    termly.termly_report_build(report_id=report.pk)
    page = client.get(reverse("interventions:termly_reports")).content.decode()
    assert "Ready" in page and "every 3s" not in page
    download = client.get(reverse("interventions:termly_report_download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="interventions.termly_report.downloaded").exists()


def test_building_refuses_bad_input_with_a_message(world: World) -> None:
    client = world.client("sendco")
    url = reverse("interventions:termly_report_build")
    response = client.post(url, {"term": "2025-WINTER", "version": LEADERS}, follow=True)
    assert "Choose a term" in response.content.decode()
    response = client.post(url, {"term": AUTUMN, "version": "PARENTS"}, follow=True)
    assert "Choose a term and a version" in response.content.decode()
    response = client.post(url, {"term": "2099-AUTUMN", "version": LEADERS}, follow=True)
    assert "has not started yet" in response.content.decode()
    assert not TermlyReport.objects.exists()


def test_a_report_not_ready_is_not_downloaded(world: World) -> None:
    report = TermlyReport.objects.create(
        school=world.school, term_key=AUTUMN, version=LEADERS, status="QUEUED"
    )
    response = world.client("sendco").get(
        reverse("interventions:termly_report_download", args=[report.pk])
    )
    assert response.status_code == 302


def test_the_reports_page_query_budget(world: World, django_assert_max_num_queries) -> None:
    client = world.client("sendco")
    for key in ("2025-AUTUMN", "2025-SPRING", "2024-SUMMER"):
        for version in (LEADERS, GOVERNORS):
            TermlyReport.objects.create(
                school=world.school, term_key=key, version=version, status="READY"
            )
    with django_assert_max_num_queries(20):
        assert client.get(reverse("interventions:termly_reports")).status_code == 200


# --- A real worker ---------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_pdf(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "worker-media"
    school = SchoolFactory()
    sendco = member(school, Role.SENDCO)
    programme = ProgrammeFactory(school=school, cost_per_staff_hour=Decimal("20.00"))
    group = InterventionFactory(school=school, programme=programme, start_date=d(9, 8))
    pupil = PupilFactory(school=school, legal_forename="Ada", legal_surname="Synthetic")
    enrolment = EnrolmentFactory(intervention=group, pupil=pupil)
    deliver(group, d(9, 9), minutes=45, attendance={pupil: "PRESENT"})  # £15.00
    goals(enrolment, "Reads ten words")
    MeasureRecordFactory(enrolment=enrolment, gbo_1=2)
    term = terms.term_from_key(school.pk, AUTUMN)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            report, _ = termly.termly_report_request(
                school=school, term=term, version=GOVERNORS, by=sendco
            )
            assert TermlyReport.objects.get(pk=report.pk).status == "QUEUED"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            report.refresh_from_db()
            if report.status in ("READY", "FAILED"):
                break
            time.sleep(0.2)
    assert report.status == "READY", report.error
    text = _pdf_text(report)
    assert "£15.00" in text
    assert "Synthetic" not in text
