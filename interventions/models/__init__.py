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
from interventions.models.plans import (
    EHCP,
    AnnualReview,
    AnnualReviewStep,
    EHCPOutcome,
    EHCPProvision,
    Notification,
    PlanKind,
    PlanReview,
    PlanTarget,
    PlanVersion,
    ReminderSent,
    SupportPlan,
)
from interventions.models.reports import TermlyReport

__all__ = [
    "EHCP",
    "AnnualReview",
    "AnnualReviewStep",
    "BehaviourEvent",
    "BehaviourImport",
    "CheckIn",
    "CheckInPupil",
    "DailyRecord",
    "EHCPOutcome",
    "EHCPProvision",
    "Enrolment",
    "EnrolmentTarget",
    "ImpactReport",
    "Intervention",
    "MeasureRecord",
    "Notification",
    "Placement",
    "PlanKind",
    "PlanReview",
    "PlanTarget",
    "PlanVersion",
    "Programme",
    "ReintegrationStage",
    "ReminderSent",
    "Removal",
    "Room",
    "ScheduleSlot",
    "Session",
    "SessionAttendance",
    "SupportPlan",
    "TermlyReport",
    "Zone",
]
