"""Every model of the interventions app, defined in its feature package and re-exported here.

The app label stays ``interventions`` (audit rows, capabilities and migrations carry it), so
Django finds the models through this module whichever feature package defines them.
"""

from interventions.attendance.models import (
    AttendanceCode,
    AttendanceImport,
    AttendanceMark,
    EarlyWarning,
    EarlyWarningSettings,
    OffSiteAttendance,
    OffSitePlacement,
    PartTimeTimetable,
)
from interventions.behaviour.models import BehaviourEvent, BehaviourImport, Removal
from interventions.connect.models import (
    CheckIn,
    CheckInPupil,
    DailyRecord,
    Placement,
    ReintegrationStage,
    Room,
    Zone,
)
from interventions.delivery.models import (
    Enrolment,
    EnrolmentTarget,
    Intervention,
    Programme,
    ScheduleSlot,
    Session,
    SessionAttendance,
)
from interventions.ehcp.models import (
    EHCP,
    AnnualReview,
    AnnualReviewAmendment,
    AnnualReviewInvitee,
    AnnualReviewProgress,
    AnnualReviewProvisionCheck,
    AnnualReviewStep,
    EHCPOutcome,
    EHCPProvision,
)
from interventions.evidence.models import (
    InClassSupport,
    ProvisionCost,
    ProvisionSettings,
    TopUpFunding,
)
from interventions.insight.models import TermlyReport
from interventions.outcomes.models import ImpactReport, MeasureRecord
from interventions.plans.models import PlanKind, PlanReview, PlanTarget, PlanVersion, SupportPlan
from interventions.reminders.models import Notification, ReminderSent
from interventions.teaching.models import ReviewInputRequest, StrategyFeedback

__all__ = [
    "EHCP",
    "AnnualReview",
    "AnnualReviewAmendment",
    "AnnualReviewInvitee",
    "AnnualReviewProgress",
    "AnnualReviewProvisionCheck",
    "AnnualReviewStep",
    "AttendanceCode",
    "AttendanceImport",
    "AttendanceMark",
    "BehaviourEvent",
    "BehaviourImport",
    "CheckIn",
    "CheckInPupil",
    "DailyRecord",
    "EHCPOutcome",
    "EHCPProvision",
    "EarlyWarning",
    "EarlyWarningSettings",
    "Enrolment",
    "EnrolmentTarget",
    "ImpactReport",
    "InClassSupport",
    "Intervention",
    "MeasureRecord",
    "Notification",
    "OffSiteAttendance",
    "OffSitePlacement",
    "PartTimeTimetable",
    "Placement",
    "PlanKind",
    "PlanReview",
    "PlanTarget",
    "PlanVersion",
    "Programme",
    "ProvisionCost",
    "ProvisionSettings",
    "ReintegrationStage",
    "ReminderSent",
    "Removal",
    "ReviewInputRequest",
    "Room",
    "ScheduleSlot",
    "Session",
    "SessionAttendance",
    "StrategyFeedback",
    "SupportPlan",
    "TermlyReport",
    "TopUpFunding",
    "Zone",
]
