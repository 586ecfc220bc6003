"""The provision ledger's arithmetic on a hand-built term, and the SENDCo's alert (once).

Autumn 2025 on the school's own dates: Autumn 1 is Mon 1 Sep to Fri 24 Oct; half term is the
week of 27 Oct; Autumn 2 starts on Wed 5 Nov (two training days) and ends 19 Dec.

Pupil P has an EHCP issued 1 Sep whose section F line plans 2 hours a week, delivered by a
1:1 (slots Mon and Thu, 60 minutes). The ledger from 6 Oct to 16 Nov, in hours:

    week     planned  timetabled  delivered  lost (reason)
    6 Oct    2        2           2          -
    13 Oct   2        2           1          1 staff absence (Mon cancelled, staff absent)
    20 Oct   2        2           0.75       1 pupil absence (Mon delivered, P absent);
                                             Thu delivered in 45 minutes
    27 Oct   half term: no school day, nothing planned, no row
    3 Nov    1.2      1           0          1 cancelled (Thu, school event);
             (3 of 5 school days: 2 x 3/5)   0.2 not scheduled (Mon 3 Nov is no school day)
    10 Nov   2        2           1          1 not recorded (Thu: nothing logged)
    total    9.2                  4.75       52% (4.75 / 9.2 = 51.6)
    last four school weeks (13 Oct - 10 Nov): 2.75 of 7.2 = 38%

P's support plan (active, cycle 1) has a target delivered by a reading group (2 sessions a
week by the programme; slots Tue and Fri, 30 minutes) that P joined on 13 Oct. In sessions:

    6 Oct    0 planned (no place yet)
    13 Oct   2 planned, 2 delivered
    20 Oct   2 planned, 1 delivered, 1 pupil absence (Fri cancelled: pupils absent)
    3 Nov    1.2 planned (Wed-Fri), 1 delivered (Fri 7 Nov); 0.2 not scheduled
    10 Nov   2 planned, 2 delivered
    total    7.2 planned, 6 delivered = 83%; the last four school weeks are the same 83%.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from interventions.evidence.ledger import ledger
from interventions.evidence.models import ProvisionSettings
from interventions.models import (
    EHCP,
    EHCPProvision,
    Notification,
    PlanKind,
    PlanTarget,
    ScheduleSlot,
    Session,
    SupportPlan,
)
from interventions.reminders.services import reminders_sweep_school
from staff.models import Role, SchoolTerm
from tests.factories import PupilFactory, SchoolFactory, member
from tests.interventions.factories import (
    EnrolmentFactory,
    InterventionFactory,
    ProgrammeFactory,
    ScheduleSlotFactory,
    SessionFactory,
    deliver,
)

pytestmark = pytest.mark.django_db

D = dt.date


class Fixture:
    def __init__(self) -> None:
        self.school = SchoolFactory()
        SchoolTerm.objects.create(
            school=self.school,
            academic_year=2025,
            half=SchoolTerm.Half.AUTUMN_1,
            starts_on=D(2025, 9, 1),
            ends_on=D(2025, 10, 24),
        )
        SchoolTerm.objects.create(
            school=self.school,
            academic_year=2025,
            half=SchoolTerm.Half.AUTUMN_2,
            starts_on=D(2025, 11, 5),
            ends_on=D(2025, 12, 19),
        )
        self.sendco = member(self.school, Role.SENDCO)
        self.pupil = PupilFactory(school=self.school)
        # The EHCP's 1:1.
        self.one_to_one = InterventionFactory(school=self.school, start_date=D(2025, 9, 1))
        self.mon = ScheduleSlotFactory(intervention=self.one_to_one, weekday=0, minutes=60)
        self.thu = ScheduleSlotFactory(intervention=self.one_to_one, weekday=3, minutes=60)
        EnrolmentFactory(intervention=self.one_to_one, pupil=self.pupil, joined_on=D(2025, 9, 1))
        ehcp = EHCP.objects.create(
            school=self.school,
            pupil=self.pupil,
            coordinator=self.sendco,
            local_authority="Northshire",
            issued_on=D(2025, 9, 1),
            next_review_due=D(2026, 9, 1),
        )
        self.line = EHCPProvision.objects.create(
            ehcp=ehcp, description="Two hours a week of 1:1 literacy", hours_per_week=2
        )
        self.line.interventions.add(self.one_to_one)
        p = self.pupil
        self._log(self.one_to_one, self.mon, D(2025, 10, 6), {p: "PRESENT"}, 60)
        self._log(self.one_to_one, self.thu, D(2025, 10, 9), {p: "PRESENT"}, 60)
        self._cancel(self.one_to_one, self.mon, D(2025, 10, 13), "STAFF_ABSENT")
        self._log(self.one_to_one, self.thu, D(2025, 10, 16), {p: "PRESENT"}, 60)
        self._log(self.one_to_one, self.mon, D(2025, 10, 20), {p: "ABSENT"}, 60)
        self._log(self.one_to_one, self.thu, D(2025, 10, 23), {p: "PRESENT"}, 45)
        self._cancel(self.one_to_one, self.thu, D(2025, 11, 6), "SCHOOL_EVENT")
        self._log(self.one_to_one, self.mon, D(2025, 11, 10), {p: "LATE"}, 60)
        # The plan's reading group.
        programme = ProgrammeFactory(school=self.school, sessions_per_week=2)
        self.group = InterventionFactory(
            school=self.school, programme=programme, start_date=D(2025, 9, 1)
        )
        tue = ScheduleSlotFactory(intervention=self.group, weekday=1, minutes=30)
        fri = ScheduleSlotFactory(intervention=self.group, weekday=4, minutes=30)
        EnrolmentFactory(intervention=self.group, pupil=self.pupil, joined_on=D(2025, 10, 13))
        plan = SupportPlan.objects.create(
            school=self.school,
            pupil=self.pupil,
            kind=PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0],
            owner=self.sendco,
            status=SupportPlan.Status.ACTIVE,
        )
        target = PlanTarget.objects.create(
            plan=plan, cycle=1, wording="Reads a Year 6 text aloud", area="CL"
        )
        target.interventions.add(self.group)
        self._log(self.group, tue, D(2025, 10, 14), {p: "PRESENT"}, 30)
        self._log(self.group, fri, D(2025, 10, 17), {p: "PRESENT"}, 30)
        self._log(self.group, tue, D(2025, 10, 21), {p: "PRESENT"}, 30)
        self._cancel(self.group, fri, D(2025, 10, 24), "PUPIL_ABSENT")
        self._log(self.group, fri, D(2025, 11, 7), {p: "PRESENT"}, 30)
        self._log(self.group, tue, D(2025, 11, 11), {p: "PRESENT"}, 30)
        self._log(self.group, fri, D(2025, 11, 14), {p: "PRESENT"}, 30)

    def _log(self, intervention: Any, slot: ScheduleSlot, day: dt.date, marks: Any, m: int) -> None:
        deliver(intervention, day, minutes=m, attendance=marks, slot=slot)

    def _cancel(self, intervention: Any, slot: ScheduleSlot, day: dt.date, reason: str) -> None:
        SessionFactory(
            intervention=intervention, slot=slot, date=day, cancelled=True, cancel_reason=reason
        )

    def lines(self) -> dict[str, Any]:
        found = ledger(self.school.pk, D(2025, 10, 6), D(2025, 11, 16), pupil_ids=[self.pupil.pk])
        return {line.unit: line for line in found}


@pytest.fixture
def f() -> Fixture:
    return Fixture()


def _week(line: Any, day: dt.date) -> Any:
    return next(w for w in line.weeks if w.monday == day)


def test_section_f_line_week_by_week_with_reasons(f: Fixture) -> None:
    line = f.lines()["hours"]
    assert [w.monday for w in line.weeks] == [
        D(2025, 10, 6),
        D(2025, 10, 13),
        D(2025, 10, 20),
        # no row for the half-term week of 27 Oct
        D(2025, 11, 3),
        D(2025, 11, 10),
    ]
    assert [(w.planned, w.delivered) for w in line.weeks] == [
        (2, 2),
        (2, 1),
        (2, Decimal("0.75")),
        (Decimal("1.2"), 0),
        (2, 1),
    ]
    assert _week(line, D(2025, 10, 6)).reasons == []
    assert _week(line, D(2025, 10, 13)).reasons == [("Staff absence", 1)]
    assert _week(line, D(2025, 10, 20)).reasons == [("Pupil absence", 1)]
    assert _week(line, D(2025, 10, 20)).shortfall == Decimal("1.25")
    part_week = _week(line, D(2025, 11, 3))
    assert part_week.school_days == 3
    assert part_week.reasons == [("Cancelled", 1), ("Not scheduled", Decimal("0.2"))]
    assert _week(line, D(2025, 11, 10)).reasons == [("Not recorded", 1)]
    assert line.planned == Decimal("9.2")
    assert line.delivered == Decimal("4.75")
    assert line.percent == 52
    assert line.recent_percent == 38  # 2.75 of 7.2 over the last four school weeks
    assert line.below(85)


def test_plan_line_counts_sessions_while_the_pupil_holds_a_place(f: Fixture) -> None:
    line = f.lines()["sessions"]
    assert _week(line, D(2025, 10, 6)).planned == 0  # joined on 13 Oct
    assert [(w.monday, w.planned, w.delivered) for w in line.school_weeks] == [
        (D(2025, 10, 13), 2, 2),
        (D(2025, 10, 20), 2, 1),
        (D(2025, 11, 3), Decimal("1.2"), 1),
        (D(2025, 11, 10), 2, 2),
    ]
    assert _week(line, D(2025, 10, 20)).reasons == [("Pupil absence", 1)]
    assert _week(line, D(2025, 11, 3)).reasons == [("Not scheduled", Decimal("0.2"))]
    assert (line.planned, line.delivered, line.percent) == (Decimal("7.2"), 6, 83)
    assert line.below(85)
    assert not line.below(80)


def test_a_line_is_not_judged_before_four_school_weeks(f: Fixture) -> None:
    found = ledger(f.school.pk, D(2025, 10, 13), D(2025, 11, 9), pupil_ids=[f.pupil.pk])
    plan_line = next(line for line in found if line.unit == "sessions")
    assert len(plan_line.school_weeks) == 3
    assert not plan_line.below(100)


def test_the_sendco_is_alerted_once_a_term_without_naming_the_pupil(f: Fixture) -> None:
    monday = D(2025, 11, 17)
    assert reminders_sweep_school(school_id=f.school.pk, today=monday) >= 1
    alerts = Notification.objects.filter(kind="ledger_below")
    assert [(n.recipient, n.due_on) for n in alerts] == [(f.sendco, D(2025, 9, 1))]
    alert = alerts.get()
    assert f.pupil.legal_surname not in alert.text
    assert "85%" in alert.text and "(2 provision lines)" in alert.text
    assert alert.url == reverse("interventions:ledger_pupil", args=[f.pupil.pk])
    # The next day, and the next week, the same pupil is still below: no second alert.
    reminders_sweep_school(school_id=f.school.pk, today=monday + dt.timedelta(1))
    reminders_sweep_school(school_id=f.school.pk, today=monday + dt.timedelta(7))
    assert Notification.objects.filter(kind="ledger_below").count() == 1


def test_no_alert_when_the_school_sets_a_lower_threshold_and_delivery_meets_it(
    f: Fixture,
) -> None:
    ProvisionSettings.objects.create(school=f.school, ledger_threshold=30)
    reminders_sweep_school(school_id=f.school.pk, today=D(2025, 11, 17))
    assert not Notification.objects.filter(kind="ledger_below").exists()


def test_ledger_queries_do_not_grow_with_pupils(
    f: Fixture, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        other = PupilFactory(school=f.school)
        EnrolmentFactory(intervention=f.group, pupil=other, joined_on=D(2025, 10, 13))
        ehcp = EHCP.objects.create(
            school=f.school,
            pupil=other,
            coordinator=f.sendco,
            local_authority="Northshire",
            issued_on=D(2025, 9, 1),
            next_review_due=D(2026, 9, 1),
        )
        EHCPProvision.objects.create(
            ehcp=ehcp, description="Small group literacy", hours_per_week=1
        ).interventions.add(f.group)
    with django_assert_max_num_queries(12):
        found = ledger(f.school.pk, D(2025, 10, 6), D(2025, 11, 16))
    assert len(found) == 7
    assert Session.objects.count() == 15


@time_machine.travel(dt.datetime(2025, 11, 17, 12, 0, tzinfo=dt.UTC), tick=False)
def test_pages_show_the_lines_with_their_reasons(f: Fixture) -> None:
    client = Client()
    client.force_login(f.sendco)
    page = client.get(reverse("interventions:ledger")).content.decode()
    assert str(f.pupil) in page and "Under 85%" in page
    page = client.get(reverse("interventions:ledger_pupil", args=[f.pupil.pk])).content.decode()
    assert "Two hours a week of 1:1 literacy" in page
    assert "Staff absence 1" in page and "Not recorded 1" in page and "(3 school days)" in page
    # From 1 Sep: the five weeks before 6 Oct planned 2 hours each, none recorded.
    assert "4.75 of 19.20 hours" in page
