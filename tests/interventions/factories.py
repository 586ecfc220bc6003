"""factory_boy factories for interventions. Synthetic data only.

Every factory builds a consistent world by default (the programme, pupils and staff all in the
intervention's school), so a test names only what it cares about:

    intervention = InterventionFactory(school=world.school, lead=world.users["lsa_caseload"])
    enrolment = EnrolmentFactory(intervention=intervention, pupil=world.pupil)
    deliver(intervention, dt.date(2025, 10, 6), minutes=30, attendance={world.pupil: "PRESENT"})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from interventions.delivery.kept import SUPPORT_PUPIL
from interventions.models import (
    Enrolment,
    EnrolmentTarget,
    Intervention,
    MeasureRecord,
    Programme,
    ScheduleSlot,
    Session,
    SessionAttendance,
)
from staff.models import Role
from tests.factories import PupilFactory, SchoolFactory, member

START = dt.date(2025, 9, 8)  # a Monday in the autumn term


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Reading booster {n}")
    kind = Programme.Kind.LITERACY
    area = "CL"
    typical_sessions = 12
    sessions_per_week = 2
    session_minutes = 30
    group_size = 4
    staff_per_group = 1
    cost_per_staff_hour = Decimal("15.00")
    measures = factory.LazyFunction(lambda: [Programme.Measure.GBO, Programme.Measure.NUMERIC])
    numeric_measure_label = "Reading age (months)"

    class Params:
        elsa = factory.Trait(
            kind=Programme.Kind.ELSA,
            area="SEMH",
            name=factory.Sequence(lambda n: f"ELSA {n}"),
            group_size=1,
            measures=[Programme.Measure.GBO, Programme.Measure.SDQ],
            numeric_measure_label="",
        )


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    programme = factory.SubFactory(ProgrammeFactory, school=factory.SelfAttribute("..school"))
    name = factory.Sequence(lambda n: f"Year 8 reading group {n}")
    lead = factory.LazyAttribute(lambda o: member(o.school, Role.LSA))
    start_date = START
    planned_sessions = 12
    status = Intervention.Status.RUNNING

    @factory.post_generation
    def assistants(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """``assistants=[user, ...]`` adds assistants; ``assistants=2`` makes two new LSAs."""
        if not create or not extracted:
            return
        people = (
            [member(self.school, Role.LSA) for _ in range(extracted)]
            if isinstance(extracted, int)
            else extracted
        )
        self.assistants.add(*people)


class ScheduleSlotFactory(DjangoModelFactory):
    class Meta:
        model = ScheduleSlot

    intervention = factory.SubFactory(InterventionFactory)
    weekday = 0
    start_time = dt.time(9, 0)
    minutes = 30
    room = "Library"


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    intervention = factory.SubFactory(InterventionFactory)
    pupil = factory.SubFactory(PupilFactory, school=factory.SelfAttribute("..intervention.school"))
    joined_on = factory.SelfAttribute("intervention.start_date")


class EnrolmentTargetFactory(DjangoModelFactory):
    class Meta:
        model = EnrolmentTarget

    enrolment = factory.SubFactory(EnrolmentFactory)
    number = 1
    text = factory.Sequence(lambda n: f"Reads a short passage aloud with confidence ({n})")


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    intervention = factory.SubFactory(InterventionFactory)
    date = factory.SelfAttribute("intervention.start_date")
    status = Session.Status.DELIVERED
    minutes = 30
    logged_by = factory.SelfAttribute("intervention.lead")

    class Params:
        cancelled = factory.Trait(
            status=Session.Status.CANCELLED,
            cancel_reason=Session.CancelReason.STAFF_ABSENT,
            minutes=0,
        )


class SessionAttendanceFactory(DjangoModelFactory):
    class Meta:
        model = SessionAttendance

    session = factory.SubFactory(SessionFactory)
    pupil = factory.SubFactory(
        PupilFactory, school=factory.SelfAttribute("..session.intervention.school")
    )
    attendance = SessionAttendance.Attendance.PRESENT
    engagement = 4


class MeasureRecordFactory(DjangoModelFactory):
    """A GBO baseline by default; pass ``kind``/``point`` and the values you need."""

    class Meta:
        model = MeasureRecord

    enrolment = factory.SubFactory(EnrolmentFactory)
    kind = MeasureRecord.Kind.GBO
    point = MeasureRecord.Point.BASELINE
    taken_on = factory.SelfAttribute("enrolment.joined_on")
    recorded_by = factory.SelfAttribute("enrolment.intervention.lead")


def deliver(
    intervention: Intervention,
    date: dt.date,
    *,
    minutes: int = 30,
    attendance: Mapping[Any, str] | None = None,
    engagement: int | None = 4,
    evaluation: str = "",
    **fields: Any,
) -> Session:
    """Log a delivered session with ``{pupil: "PRESENT" | "LATE" | ...}`` attendance."""
    session = SessionFactory(
        intervention=intervention, date=date, minutes=minutes, evaluation=evaluation, **fields
    )
    SessionAttendance.objects.bulk_create(
        SessionAttendance(
            session=session,
            pupil=pupil,
            attendance=mark,
            engagement=engagement if mark in SessionAttendance.ATTENDED else None,
        )
        for pupil, mark in (attendance or {}).items()
    )
    SUPPORT_PUPIL.changed(pupil.pk for pupil in attendance or {})  # as session_log does
    return session


def cancel(
    intervention: Intervention, date: dt.date, reason: str = Session.CancelReason.STAFF_ABSENT
) -> Session:
    """Log a cancelled session (no minutes, a reason)."""
    return SessionFactory(
        intervention=intervention, date=date, cancelled=True, cancel_reason=reason
    )


def goals(enrolment: Enrolment, *texts: str) -> list[EnrolmentTarget]:
    """Give the enrolment targets (GBO goals) numbered 1, 2, 3 in order."""
    return [
        EnrolmentTargetFactory(enrolment=enrolment, number=n, text=text)
        for n, text in enumerate(texts, start=1)
    ]


__all__ = [
    "START",
    "EnrolmentFactory",
    "EnrolmentTargetFactory",
    "InterventionFactory",
    "MeasureRecordFactory",
    "ProgrammeFactory",
    "ScheduleSlotFactory",
    "SessionAttendanceFactory",
    "SessionFactory",
    "cancel",
    "deliver",
    "goals",
]
