"""Safeguarding records: the most sensitive data in SEND Hub. Append-only in PostgreSQL."""

from safeguarding.models.access import Alert, FileAccess
from safeguarding.models.attachments import Attachment
from safeguarding.models.casework import (
    NEUTRAL_FLAG_TEXT,
    Action,
    ActionChild,
    ActionUpdate,
    Agency,
    Decision,
    DecisionChild,
    LatestDecision,
    PupilFlag,
    Referral,
    ReferralUpdate,
)
from safeguarding.models.choices import Involvement, Risk, Status
from safeguarding.models.concerns import (
    AccountShare,
    Addendum,
    AddendumChild,
    Category,
    Concern,
    ConcernPupil,
    ConcernPupilCategory,
    parse_body_map,
    sees_every_concern,
    validate_body_map,
)
from safeguarding.models.school_settings import SafeguardingSettings
from safeguarding.models.transfers import TRANSFER_SCHOOL_DAYS, Transfer, TransferStep

__all__ = [
    "NEUTRAL_FLAG_TEXT",
    "TRANSFER_SCHOOL_DAYS",
    "AccountShare",
    "Action",
    "ActionChild",
    "ActionUpdate",
    "Addendum",
    "AddendumChild",
    "Agency",
    "Alert",
    "Attachment",
    "Category",
    "Concern",
    "ConcernPupil",
    "ConcernPupilCategory",
    "Decision",
    "DecisionChild",
    "FileAccess",
    "Involvement",
    "LatestDecision",
    "PupilFlag",
    "Referral",
    "ReferralUpdate",
    "Risk",
    "SafeguardingSettings",
    "Status",
    "Transfer",
    "TransferStep",
    "parse_body_map",
    "sees_every_concern",
    "validate_body_map",
]
