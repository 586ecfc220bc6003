"""Interventions: programmes, groups and 1:1s, sessions, measures and impact reports."""

from interventions.models.delivery import (
    Enrolment,
    EnrolmentTarget,
    Intervention,
    Programme,
    ScheduleSlot,
    Session,
    SessionAttendance,
)
from interventions.models.impact import ImpactReport, MeasureRecord

__all__ = [
    "Enrolment",
    "EnrolmentTarget",
    "ImpactReport",
    "Intervention",
    "MeasureRecord",
    "Programme",
    "ScheduleSlot",
    "Session",
    "SessionAttendance",
]
