"""The SENDCo's dashboard: every flag and every count against a small school built by hand.

``clinic()`` builds the school below; each test states the figure it expects and why. Today is
Wednesday 4 March 2026 (spring 2, typical term dates): the "no session" cut-off is Wednesday
18 February and "due within 14 days" means by Wednesday 18 March.

Pupils on roll (year, census provision, primary need):
    Ava   Y7  K SLCN   Reading booster (I1); plan review overdue; check-ins falling 4 -> 3;
                       rest breaks with no assessment date; Connect since 21 Jan for 6 weeks
                       (its planned end is today: not yet past it)
    Ben   Y7  K SEMH   Reading booster; plan review due in exactly 14 days; left the ELSA block
                       (I3) on 20 Jan with no exit measure; check-ins 4 -> 3.2 (not enough)
    Cal   Y8  E ASD    Social skills (I2), last session 10 Feb: no session for 14 days; EHCP
                       annual review due 10 Mar; check-ins green -> yellow (zones only); extra
                       time with no normal way of working
    Dee   Y9  E ASD    Social skills since 24 Feb (too new to be quiet); annual review under way:
                       report due today, LA decision due in 14 days; 9 check-ins only
    Eli   Y7  N        no SEN status at all; 10 falling check-ins, but the newest on 20 Jan
    Fay   Y8  N        an N status; left the ELSA block 74 days ago with no exit measure
    Hal   Y9  K SPLD   left the ELSA block on 1 Feb with an exit measure: no current provision
    Ivy   Y10 K SEMH   in Connect since 5 Jan for 6 weeks: past its planned length
    Jon   Y10 E ASD    no provision at all; EHCP review decided "maintain", final plan not in
Gus (Y8, K, no provision) has left the school: he counts nowhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interventions.insight import dashboard as board
from interventions.insight import flags as flag_lists
from interventions.models import (
    EHCP,
    AnnualReview,
    AnnualReviewStep,
    CheckIn,
    EHCPProvision,
    Enrolment,
    MeasureRecord,
    Placement,
    PlanKind,
    Programme,
    Room,
    ScheduleSlot,
    SupportPlan,
)
from interventions.reminders import services as reminders
from pupils.models import AccessArrangement, KeyAdult, Pupil, SENStatus
from staff.models import Role
from tests.factories import PupilFactory, SchoolFactory, left_on, member, on_register
from tests.interventions.factories import (
    InterventionFactory,
    ProgrammeFactory,
    cancel,
    deliver,
)
from tests.pages import main_of

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 4)
NOON = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)
D = dt.date


@dataclass
class Clinic:
    school: Any
    other_school: Any
    sendco: Any
    head: Any
    teacher: Any
    lsa1: Any
    lsa2: Any
    elsa: Any
    p: dict[str, Pupil]
    i: dict[str, Any]


def _pupil(school: Any, name: str, year: int | None, *status: str, **fields: Any) -> Pupil:
    pupil = PupilFactory(
        school=school, legal_forename=name, legal_surname="Testpupil", nc_year=year, **fields
    )
    if status:
        on_register(pupil, *status)
    return pupil


def _slot(intervention: Any, weekday: int, minutes: int) -> ScheduleSlot:
    return ScheduleSlot.objects.create(
        intervention=intervention, weekday=weekday, start_time=dt.time(9, 0), minutes=minutes
    )


def _enrol(intervention: Any, pupil: Pupil, joined: dt.date, left: dt.date | None = None) -> Any:
    return Enrolment.objects.create(
        intervention=intervention, pupil=pupil, joined_on=joined, left_on=left
    )


def _checkins(pupil: Pupil, by: Any, days: list[dt.date], **values: Any) -> None:
    for day in days:
        CheckIn.objects.create(school=pupil.school, pupil=pupil, date=day, recorded_by=by, **values)


# The ten school days before today: the five earlier, then the five newest.
EARLIER = [D(2026, 2, 18), D(2026, 2, 19), D(2026, 2, 20), D(2026, 2, 23), D(2026, 2, 24)]
NEWEST = [D(2026, 2, 25), D(2026, 2, 26), D(2026, 2, 27), D(2026, 3, 2), D(2026, 3, 3)]


def clinic() -> Clinic:
    """Build the school described in the module docstring."""
    school = SchoolFactory(name="Brookfield Test School")
    other_school = SchoolFactory(name="Elsewhere Test School", trust=school.trust)
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    head = member(school, Role.HEAD, full_name="Hari Testhead")
    teacher = member(school, Role.TEACHER, full_name="Tess Testteacher")
    lsa1 = member(school, Role.LSA, full_name="Lee Testone")
    lsa2 = member(school, Role.LSA, full_name="Lou Testtwo")
    elsa = member(school, Role.ELSA, full_name="Elle Testelsa")

    p = {
        "ava": _pupil(school, "Ava", 7, "K", "SLCN"),
        "ben": _pupil(school, "Ben", 7, "K", "SEMH"),
        "cal": _pupil(school, "Cal", 8, "E", "ASD"),
        "dee": _pupil(school, "Dee", 9, "E", "ASD"),
        "eli": _pupil(school, "Eli", 7),
        "fay": _pupil(school, "Fay", 8, "N"),
        "hal": _pupil(school, "Hal", 9, "K", "SPLD"),
        "ivy": _pupil(school, "Ivy", 10, "K", "SEMH"),
        "jon": _pupil(school, "Jon", 10, "E", "ASD"),
        "gus": _pupil(school, "Gus", 8, "K", "MLD"),  # leaves on 1 Feb 2026 (below)
    }
    # Another school's pupil with everything wrong: never counted here.
    stranger = _pupil(other_school, "Zed", 7, "E", "ASD")
    SupportPlan.objects.create(
        school=other_school,
        pupil=stranger,
        kind=PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0],
        owner=member(other_school, Role.SENDCO),
        status=SupportPlan.Status.ACTIVE,
        next_review_on=D(2026, 1, 1),
    )

    reading = ProgrammeFactory(
        school=school, name="Reading booster", area="CL", cost_per_staff_hour=Decimal("15.00")
    )
    social = ProgrammeFactory(
        school=school,
        name="Social skills",
        area="SEMH",
        cost_per_staff_hour=Decimal("20.00"),
        measures=["GBO"],
    )
    elsa_programme = ProgrammeFactory(
        school=school, elsa=True, name="ELSA", cost_per_staff_hour=Decimal("18.00")
    )
    motor = ProgrammeFactory(
        school=school,
        name="Fine motor",
        area="SP",
        cost_per_staff_hour=Decimal("12.00"),
        measures=[],
    )
    spelling = ProgrammeFactory(school=school, name="Spelling", area="CL")

    # I1: Mon and Thu, 30 minutes, led by Lee with Lou assisting; £40 of books.
    i1 = InterventionFactory(
        school=school,
        programme=reading,
        name="Y7 reading booster",
        lead=lsa1,
        assistants=[lsa2],
        start_date=D(2026, 1, 5),
        fixed_costs=Decimal("40.00"),
    )
    _slot(i1, 0, 30)
    _slot(i1, 3, 30)
    _enrol(i1, p["ava"], D(2026, 1, 5))
    _enrol(i1, p["ben"], D(2026, 1, 5))
    deliver(i1, D(2026, 1, 5), minutes=30, attendance={p["ava"]: "PRESENT", p["ben"]: "PRESENT"})
    deliver(i1, D(2026, 1, 8), minutes=30, attendance={p["ava"]: "PRESENT", p["ben"]: "ABSENT"})
    cancel(i1, D(2026, 1, 12))
    deliver(i1, D(2026, 2, 23), minutes=40, attendance={p["ava"]: "LATE", p["ben"]: "PRESENT"})
    deliver(i1, D(2026, 3, 2), minutes=30, attendance={p["ava"]: "PRESENT", p["ben"]: "ABSENT"})

    # I2: Tue, 60 minutes, led by Lou.
    i2 = InterventionFactory(
        school=school, programme=social, name="Social skills group", lead=lsa2,
        start_date=D(2026, 1, 6),
    )  # fmt: skip
    _slot(i2, 1, 60)
    _enrol(i2, p["cal"], D(2026, 1, 6))
    _enrol(i2, p["dee"], D(2026, 2, 24))
    deliver(i2, D(2026, 1, 6), minutes=60, attendance={p["cal"]: "PRESENT"})
    deliver(i2, D(2026, 2, 10), minutes=60, attendance={p["cal"]: "PRESENT"})

    # I3: an ELSA block, Wed, completed on 20 Jan; £12 of resources (an autumn cost).
    i3 = InterventionFactory(
        school=school,
        programme=elsa_programme,
        name="ELSA friendship block",
        lead=elsa,
        start_date=D(2025, 11, 3),
        status="COMPLETED",
        completed_on=D(2026, 1, 20),
        fixed_costs=Decimal("12.00"),
    )
    _slot(i3, 2, 30)
    _enrol(i3, p["ben"], D(2025, 11, 3), D(2026, 1, 20))
    _enrol(i3, p["fay"], D(2025, 11, 3), D(2025, 12, 20))
    hal_in_i3 = _enrol(i3, p["hal"], D(2025, 11, 3), D(2026, 2, 1))
    MeasureRecord.objects.create(
        enrolment=hal_in_i3, kind="GBO", point="EXIT", taken_on=D(2026, 2, 1), gbo_1=7
    )
    deliver(i3, D(2025, 11, 5), minutes=30, attendance={p["ben"]: "PRESENT", p["fay"]: "PRESENT"})
    deliver(i3, D(2026, 1, 7), minutes=30, attendance={p["ben"]: "PRESENT", p["hal"]: "PRESENT"})
    deliver(i3, D(2026, 1, 14), minutes=30, attendance={p["ben"]: "PRESENT", p["hal"]: "REFUSED"})

    # I4: planned, not started (its slot is not "planned" this week: it is not running).
    i4 = InterventionFactory(
        school=school, programme=reading, name="Y8 reading booster", lead=lsa1,
        start_date=D(2026, 3, 10), status="PLANNED",
    )  # fmt: skip
    _slot(i4, 2, 30)
    _enrol(i4, p["eli"], D(2026, 3, 10))

    # I6: fine motor (no measures), Fri, completed 2 Feb.
    i6 = InterventionFactory(
        school=school, programme=motor, name="Fine motor group", lead=lsa2,
        start_date=D(2026, 1, 5), status="COMPLETED", completed_on=D(2026, 2, 2),
    )  # fmt: skip
    _slot(i6, 4, 20)
    _enrol(i6, p["dee"], D(2026, 1, 5), D(2026, 2, 2))
    deliver(i6, D(2026, 1, 9), minutes=20, attendance={p["dee"]: "PRESENT"})

    # I7: an autumn spelling group, over before spring began.
    i7 = InterventionFactory(
        school=school, programme=spelling, name="Autumn spelling", lead=lsa1,
        start_date=D(2025, 9, 15), status="COMPLETED", completed_on=D(2025, 12, 15),
    )  # fmt: skip
    _slot(i7, 0, 30)
    _enrol(i7, p["fay"], D(2025, 9, 15), D(2025, 12, 15))
    deliver(i7, D(2025, 9, 15), minutes=30, attendance={p["fay"]: "PRESENT"})

    # Another school's intervention: never on this school's map.
    i5 = InterventionFactory(school=other_school, name="Elsewhere group")
    _enrol(i5, stranger, D(2026, 1, 5))

    # Key adults: Lee has Ava (twice over: key worker and 1:1) and Ben, and Gus who left;
    # Lou has Cal, and had Dee.
    for pupil, staff, kind in (
        (p["ava"], lsa1, "KEY_WORKER"),
        (p["ava"], lsa1, "ONE_TO_ONE"),
        (p["ben"], lsa1, "KEY_WORKER"),
        (p["gus"], lsa1, "KEY_WORKER"),
        (p["cal"], lsa2, "KEY_WORKER"),
    ):
        KeyAdult.objects.create(pupil=pupil, staff=staff, kind=kind, start_date=D(2025, 9, 3))
    KeyAdult.objects.create(
        pupil=p["dee"], staff=lsa2, kind="KEY_WORKER", start_date=D(2025, 9, 3),
        end_date=D(2026, 1, 31),
    )  # fmt: skip

    # Support plans.
    iep = PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0]
    for pupil, status, due in (
        (p["ava"], "ACTIVE", D(2026, 2, 27)),
        (p["ben"], "DRAFT", D(2026, 3, 18)),
        (p["cal"], "ACTIVE", D(2026, 3, 19)),
        (p["dee"], "CLOSED", D(2026, 1, 1)),
    ):
        SupportPlan.objects.create(
            school=school, pupil=pupil, kind=iep, owner=sendco, status=status,
            next_review_on=due,
        )  # fmt: skip

    # EHCPs.
    def ehcp(pupil: Pupil, due: dt.date, **fields: Any) -> EHCP:
        return EHCP.objects.create(
            school=school, pupil=pupil, coordinator=sendco, local_authority="Testshire",
            issued_on=D(2024, 3, 1), next_review_due=due, **fields,
        )  # fmt: skip

    cal_plan = ehcp(p["cal"], D(2026, 3, 10))
    line = EHCPProvision.objects.create(
        ehcp=cal_plan, description="A small social skills group", hours_per_week=Decimal("1.00")
    )
    line.interventions.add(i2)
    dee_review = AnnualReview.objects.create(
        ehcp=ehcp(p["dee"], D(2026, 6, 1)), meeting_on=D(2026, 2, 18)
    )
    jon_review = AnnualReview.objects.create(
        ehcp=ehcp(p["jon"], D(2027, 1, 1), phase_transfer="SCHOOL", transfer_year=2026),
        meeting_on=D(2025, 11, 5),
        la_decision="MAINTAIN",
    )
    ehcp(p["ivy"], D(2025, 6, 1), ceased_on=D(2025, 12, 1))
    for review, steps in (
        (dee_review, ["INVITATIONS", "MEETING"]),
        (jon_review, ["INVITATIONS", "MEETING", "REPORT", "LA_DECISION"]),
    ):
        for step in steps:
            AnnualReviewStep.objects.create(
                review=review, step=step, done_on=review.meeting_on, done_by=sendco
            )

    # Connect.
    room = Room.objects.create(school=school, name="Connect", capacity=6)
    room.leaders.add(sendco)
    for pupil, start in ((p["ivy"], D(2026, 1, 5)), (p["ava"], D(2026, 1, 21))):
        Placement.objects.create(
            school=school, room=room, pupil=pupil, referral_reason="Synthetic referral",
            start_date=start, planned_weeks=6, created_by=sendco,
        )  # fmt: skip

    # Check-ins.
    _checkins(p["ava"], lsa1, EARLIER, scale=4)
    _checkins(p["ava"], lsa1, NEWEST, scale=3)
    _checkins(p["ben"], lsa1, EARLIER, scale=4)
    _checkins(p["ben"], lsa1, NEWEST[:1], scale=4)
    _checkins(p["ben"], lsa1, NEWEST[1:], scale=3)
    _checkins(p["cal"], lsa2, EARLIER, zone="GREEN")
    _checkins(p["cal"], lsa2, NEWEST, zone="YELLOW")
    _checkins(p["dee"], lsa2, EARLIER[1:], scale=5)
    _checkins(p["dee"], lsa2, NEWEST, scale=1)
    _checkins(p["eli"], sendco, [D(2026, 1, d) for d in (5, 6, 7, 8, 9)], scale=5)
    _checkins(p["eli"], sendco, [D(2026, 1, d) for d in (12, 13, 14, 15, 20)], scale=1)

    # Exam access arrangements.
    for pupil, kind, until, nwow, assessed in (
        (p["cal"], "EXTRA_TIME_25", None, "", D(2025, 6, 1)),
        (p["ava"], "REST_BREAKS", None, "Takes a break each hour", None),
        (p["dee"], "READER", D(2026, 1, 31), "", None),
        (p["dee"], "SCRIBE", None, "Uses a scribe in English", D(2025, 6, 1)),
    ):
        AccessArrangement.objects.create(
            pupil=pupil, kind=kind, valid_from=D(2025, 9, 1), valid_to=until,
            normal_way_of_working=nwow, assessment_date=assessed,
        )  # fmt: skip

    # Gus left on 1 Feb 2026, after his records were made (they are then archived).
    left_on(p["gus"], D(2026, 2, 1))
    return Clinic(
        school, other_school, sendco, head, teacher, lsa1, lsa2, elsa, p,
        {"i1": i1, "i2": i2, "i3": i3, "i4": i4, "i5": i5, "i6": i6, "i7": i7},
    )  # fmt: skip


def as_user(user: Any, school: Any) -> Any:
    """Give ``user`` a current school, as the middleware does for a request."""
    user.current_school_id = school.pk
    return user


@pytest.fixture
def c() -> Clinic:
    return clinic()


def _flagged(c: Clinic, slug: str) -> set[str]:
    flag = flag_lists.flag_by_slug(slug)
    assert flag is not None
    pupils = flag.select(board.base_pupils(as_user(c.sendco, c.school)), TODAY)
    return set(pupils.values_list("legal_forename", flat=True))


# --- Register counts -------------------------------------------------------------------------


def test_register_counts_pupils_on_roll_by_provision_need_and_year(c: Clinic) -> None:
    counts = board.register_counts(as_user(c.sendco, c.school))
    # On roll: nine (Gus has left). K: Ava, Ben, Hal, Ivy. E: Cal, Dee, Jon. N: Eli, Fay.
    assert (counts["total"], counts["k"], counts["e"], counts["n"]) == (9, 4, 3, 2)
    assert [(r["code"], r["k"], r["e"]) for r in counts["by_need"]] == [
        ("ASD", 0, 3),
        ("SEMH", 2, 0),
        ("SPLD", 1, 0),  # ties in name order: "Specific..." before "Speech..."
        ("SLCN", 1, 0),
    ]
    assert [(r["label"], r["n"], r["k"], r["e"], r["total"]) for r in counts["by_year"]] == [
        ("Year 7", 1, 2, 0, 3),
        ("Year 8", 1, 0, 1, 2),
        ("Year 9", 0, 1, 1, 2),
        ("Year 10", 0, 1, 1, 2),
    ]


# --- Flags -----------------------------------------------------------------------------------


def test_no_current_provision_is_sen_pupils_in_neither_a_running_intervention_nor_connect(
    c: Clinic,
) -> None:
    # Hal left his only intervention; Jon never had any. Ivy and Ava are in Connect (Ava in a
    # group too); Dee's place started 24 Feb; Gus has no provision but has left the school.
    assert _flagged(c, "no-provision") == {"Hal", "Jon"}
    reasons = flag_lists.flag_by_slug("no-provision").why([c.p["hal"].pk, c.p["jon"].pk], TODAY)
    assert [r.text for r in reasons[c.p["hal"].pk]] == [
        "Last provision: ELSA friendship block, ended 1 Feb 2026"
    ]
    assert [r.text for r in reasons[c.p["jon"].pk]] == ["No provision recorded"]


def test_no_session_for_14_days_needs_a_running_intervention_joined_14_days_ago(
    c: Clinic,
) -> None:
    # Cal's last session was 10 Feb, before the 18 Feb cut-off. Ben's last session row is
    # 2 Mar (marked absent): a session was logged, as the reminder rule counts it. Dee joined
    # on 24 Feb, less than 14 days ago.
    assert _flagged(c, "no-session") == {"Cal"}


def test_no_session_flag_matches_the_caseload_reminder_for_caseload_pupils(c: Clinic) -> None:
    # The reminder sweep flags key-adult links; on Lee's and Lou's caseloads only Cal is quiet
    # (Gus has left). The dashboard's rule gives the same pupil.
    due = reminders.reminders_due(school=c.school, today=TODAY)
    quiet_links = {d.object_id for d in due if d.kind == "caseload_quiet"}
    quiet_pupils = set(
        KeyAdult.objects.filter(pk__in=quiet_links).values_list("pupil__legal_forename", flat=True)
    )
    assert quiet_pupils == {"Cal"} == _flagged(c, "no-session")


def test_plan_review_flag_is_open_plans_overdue_or_due_within_14_days(c: Clinic) -> None:
    # Ava's review was due 27 Feb; Ben's (a draft) is due on 18 Mar, exactly 14 days away.
    # Cal's is 15 days away, Dee's plan is closed, and the other school's pupil is not ours.
    assert _flagged(c, "plan-review") == {"Ava", "Ben"}


def test_ehcp_flag_is_reviews_due_and_statutory_steps_late_or_due(c: Clinic) -> None:
    # Cal: annual review due 10 Mar, none under way. Dee: meeting 18 Feb, report due 4 Mar
    # (today) and LA decision due 18 Mar. Jon: the LA maintained, so no final plan is
    # expected; his school-move deadline (15 Feb) has passed. Ivy's EHCP has ceased.
    assert _flagged(c, "ehcp") == {"Cal", "Dee"}
    reasons = flag_lists.flag_by_slug("ehcp").why([c.p["cal"].pk, c.p["dee"].pk], TODAY)
    assert [r.text for r in reasons[c.p["cal"].pk]] == ["Annual review due in 6 days (10 Mar 2026)"]
    assert [r.text for r in reasons[c.p["dee"].pk]] == [
        "Report to the LA: due today (4 Mar 2026)",
        "LA decision expected: due in 14 days (18 Mar 2026)",
    ]


def test_ehcp_flag_shows_a_phase_transfer_deadline_within_14_days(c: Clinic, settings) -> None:
    settings.SEND_HUB_PHASE_TRANSFER_SCHOOL = "03-15"  # Jon moves school in September 2026
    assert _flagged(c, "ehcp") == {"Cal", "Dee", "Jon"}
    reasons = flag_lists.flag_by_slug("ehcp").why([c.p["jon"].pk], TODAY)
    assert [r.text for r in reasons[c.p["jon"].pk]] == [
        "Phase transfer: amended plan due in 11 days (15 Mar 2026)"
    ]


def test_exit_measure_flag_matches_the_reminder_rule(c: Clinic) -> None:
    # Ben left the ELSA block 43 days ago without one; Hal has his; Fay left 74 days ago;
    # Dee's fine motor group records no measures.
    assert _flagged(c, "exit-measure") == {"Ben"}
    due = reminders.reminders_due(school=c.school, today=TODAY)
    missing = {d.object_id for d in due if d.kind == "exit_measure_missing"}
    assert set(
        Enrolment.objects.filter(pk__in=missing).values_list("pupil__legal_forename", flat=True)
    ) == {"Ben"}


def test_falling_check_ins_compare_the_newest_five_with_the_five_before(c: Clinic) -> None:
    # Ava: mean 4.0 then 3.0 (a drop of exactly 1). Cal: green (5) then yellow (3). Ben: 4.0
    # then 3.2 (0.8). Dee: only nine. Eli: a big drop, but the newest was on 20 Jan.
    assert _flagged(c, "checkin-trend") == {"Ava", "Cal"}
    reasons = flag_lists.flag_by_slug("checkin-trend").why([c.p["ava"].pk], TODAY)
    assert reasons[c.p["ava"].pk][0].text == (
        "Mean of the last 5 check-ins 3.0, of the 5 before 4.0"
    )


def test_connect_flag_is_placements_past_their_planned_weeks(c: Clinic) -> None:
    # Ivy: 5 Jan + 6 weeks = 16 Feb, past. Ava: 21 Jan + 6 weeks = 4 Mar, today: not yet past.
    assert _flagged(c, "connect-overdue") == {"Ivy"}
    reasons = flag_lists.flag_by_slug("connect-overdue").why([c.p["ivy"].pk], TODAY)
    assert reasons[c.p["ivy"].pk][0].text == (
        "Connect since 5 Jan 2026, still running: planned for 6 weeks, to 16 Feb 2026 "
        "(16 days over)"
    )


def test_access_arrangement_flag_is_valid_arrangements_missing_evidence(c: Clinic) -> None:
    # Cal: no normal way of working. Ava: no assessment date. Dee's reader has expired and
    # her scribe has both.
    assert _flagged(c, "access-evidence") == {"Ava", "Cal"}
    reasons = flag_lists.flag_by_slug("access-evidence").why([c.p["cal"].pk], TODAY)
    assert reasons[c.p["cal"].pk][0].text == "Extra time (25%): no normal way of working"


def test_flag_counts_in_page_order(c: Clinic) -> None:
    counts = [(f.slug, n) for f, n in flag_lists.flag_counts(as_user(c.sendco, c.school), TODAY)]
    assert counts == [
        ("no-provision", 2),
        ("no-session", 1),
        ("plan-review", 2),
        ("ehcp", 2),
        ("exit-measure", 1),
        ("checkin-trend", 2),
        ("connect-overdue", 1),
        ("access-evidence", 2),
    ]


# --- Staff caseloads -------------------------------------------------------------------------


def test_staff_caseloads_count_pupils_and_this_weeks_sessions(c: Clinic) -> None:
    rows = {
        m.user.full_name: (m.caseload, m.sessions_delivered, m.sessions_planned)
        for m in board.staff_caseloads(c.school.pk, TODAY)
    }
    # Week of Mon 2 Mar. Lee: Ava and Ben (Gus has left); leads I1 (Mon, Thu) and planned I4
    # (not running); delivered Monday's I1. Lou: Cal (Dee's link ended); assists I1 and leads
    # I2 (Tue, not logged). Elle, an ELSA, has nothing running this week. The SENDCo, head and
    # teacher have no caseload and deliver nothing, so are not listed.
    assert rows == {
        "Lee Testone": (2, 1, 2),
        "Lou Testtwo": (1, 1, 3),
        "Elle Testelsa": (0, 0, 0),
    }


def test_staff_planned_sessions_are_zero_in_a_holiday_week(c: Clinic) -> None:
    # Half term (typical dates): 13 to 21 February. Nothing is planned in the week of 16 Feb.
    rows = {
        m.user.full_name: m.sessions_planned
        for m in board.staff_caseloads(c.school.pk, D(2026, 2, 18))
    }
    assert rows["Lee Testone"] == 0 and rows["Lou Testtwo"] == 0


# --- The pages -------------------------------------------------------------------------------


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@time_machine.travel(NOON, tick=False)
def test_dashboard_shows_counts_flags_and_caseloads(c: Clinic) -> None:
    response = _client(c.sendco).get(reverse("interventions:sendco"))
    assert response.status_code == 200
    page = response.content.decode()
    flags = {f.slug: n for f, n in response.context["flags"]}
    assert flags["no-session"] == 1
    assert reverse("interventions:sendco_flag", args=["no-session"]) in page
    assert "Lee Testone" in page and "Lou Testtwo" in page
    assert reverse("staff:person", args=[c.lsa1.memberships.get().pk]) in page
    # A SENDCo who is not on the DSL team sees nothing of safeguarding here.
    assert "DSL" not in main_of(response)


@time_machine.travel(NOON, tick=False)
def test_a_sendco_who_is_also_dsl_sees_only_neutral_safeguarding_counts(c: Clinic) -> None:
    from tests.safeguarding.helpers import make_concern

    dsl_sendco = member(c.school, Role.SENDCO, Role.DSL, full_name="Dana Testdsl")
    world = SimpleNamespace(pupil=c.p["cal"], users={"teacher": c.teacher})
    make_concern(
        world, text="Synthetic concern text for the test.", childs_words="Synthetic words."
    )
    page = _client(dsl_sendco).get(reverse("interventions:sendco")).content.decode()
    assert "1 concern not yet triaged" in page
    assert "Synthetic concern text" not in page and "Synthetic words" not in page
    assert "neglect" not in page.lower()
    # The same concern leaves a SENDCo without the DSL role none the wiser.
    plain = main_of(_client(c.sendco).get(reverse("interventions:sendco")))
    assert "not yet triaged" not in plain and "DSL" not in plain


@time_machine.travel(NOON, tick=False)
def test_flag_page_lists_the_pupils_with_why_and_links(c: Clinic) -> None:
    response = _client(c.sendco).get(reverse("interventions:sendco_flag", args=["no-session"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("pupils:detail", args=[c.p["cal"].pk]) in page
    assert "Last session 10 Feb 2026 (22 days ago)" in page
    assert reverse("interventions:detail", args=[c.i["i2"].pk]) in page
    assert "Ava" not in main_of(response)


@time_machine.travel(NOON, tick=False)
def test_unknown_flag_is_404(c: Clinic) -> None:
    response = _client(c.sendco).get(reverse("interventions:sendco_flag", args=["nonsense"]))
    assert response.status_code == 404


@time_machine.travel(NOON, tick=False)
def test_the_head_sees_the_dashboard_and_a_teacher_does_not(c: Clinic) -> None:
    assert _client(c.head).get(reverse("interventions:sendco")).status_code == 200
    assert _client(c.teacher).get(reverse("interventions:sendco")).status_code == 403


@time_machine.travel(NOON, tick=False)
def test_today_and_the_top_bar_link_the_dashboard_for_leaders_only(c: Clinic) -> None:
    url = reverse("interventions:sendco")
    assert url in _client(c.sendco).get(reverse("core:today")).content.decode()
    assert url in _client(c.head).get(reverse("core:today")).content.decode()
    assert url not in _client(c.lsa1).get(reverse("core:today")).content.decode()


# --- Query budgets ---------------------------------------------------------------------------


def _more_pupils(c: Clinic, n: int) -> None:
    """Add ``n`` pupils who each raise most flags, with a key adult and a session."""
    for k in range(n):
        pupil = _pupil(c.school, f"Extra{k}", 7 + k % 4, "E" if k % 2 else "K", "SLCN")
        KeyAdult.objects.create(
            pupil=pupil, staff=c.lsa1, kind="KEY_WORKER", start_date=D(2025, 9, 3)
        )
        _enrol(c.i["i2"], pupil, D(2026, 1, 6))
        SupportPlan.objects.create(
            school=c.school, pupil=pupil, kind=PlanKind.objects.get(code="IEP"),
            owner=c.sendco, status="ACTIVE", next_review_on=D(2026, 3, 1),
        )  # fmt: skip
        _checkins(pupil, c.lsa1, EARLIER, scale=5)
        _checkins(pupil, c.lsa1, NEWEST, scale=2)
        AccessArrangement.objects.create(pupil=pupil, kind="READER", valid_from=D(2025, 9, 1))
        deliver(c.i["i1"], D(2026, 1, 22) + dt.timedelta(weeks=k), attendance={pupil: "PRESENT"})


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    "url_name,args",
    [("interventions:sendco", [])]
    + [("interventions:sendco_flag", [flag.slug]) for flag in flag_lists.flags()],
)
def test_dashboard_queries_do_not_grow_with_pupils(c: Clinic, url_name: str, args: list) -> None:
    client = _client(c.sendco)
    # The dashboard's figures are kept a few minutes (report_cache): count them worked out.
    url = reverse(url_name, args=args)
    if url_name == "interventions:sendco":
        url += "?refresh=1"
    client.get(url)  # warm the per-request caches (session, roles)
    before = _queries(client, url)
    _more_pupils(c, 12)
    assert _queries(client, url) == before
    assert before <= 30


def test_status_and_need_fixtures_are_what_the_docstring_says(c: Clinic) -> None:
    # A guard for the fixture itself: Fay has an N status, Eli none, Gus has left.
    assert SENStatus.objects.get(pupil=c.p["fay"]).provision == "N"
    assert not SENStatus.objects.filter(pupil=c.p["eli"]).exists()
    assert Pupil.objects.on_roll().filter(pk=c.p["gus"].pk).count() == 0
    assert Programme.objects.filter(school=c.school).count() == 5
    assert timezone.is_aware(NOON)
