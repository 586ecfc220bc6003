"""Interventions: programmes, groups and 1:1s, sessions, measures and impact reports."""

from interventions.models.behaviour import BehaviourEvent, BehaviourImport, Removal
from interventions.models.connect import (
    CheckIn,
    CheckInPupil,
    DailyRecord,
    Placement,
    ReintegrationStage,
    Room,
    Zone,
)
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
    "BehaviourEvent",
    "BehaviourImport",
    "CheckIn",
    "CheckInPupil",
    "DailyRecord",
    "Enrolment",
    "EnrolmentTarget",
    "ImpactReport",
    "Intervention",
    "MeasureRecord",
    "Placement",
    "Programme",
    "ReintegrationStage",
    "Removal",
    "Room",
    "ScheduleSlot",
    "Session",
    "SessionAttendance",
    "Zone",
]
