"""Safeguarding records: the most sensitive data in SEND Hub. Append-only in PostgreSQL."""

from safeguarding.models.access import Alert, FileAccess, SafeguardingSettings
from safeguarding.models.casework import (
    NEUTRAL_FLAG_TEXT,
    Action,
    ActionUpdate,
    Agency,
    Decision,
    PupilFlag,
    Referral,
    ReferralUpdate,
)
from safeguarding.models.concerns import (
    Addendum,
    Category,
    Concern,
    ConcernPupil,
    ConcernPupilCategory,
    Involvement,
    Risk,
    Status,
    parse_body_map,
    sees_every_concern,
    validate_body_map,
)
from safeguarding.models.transfers import TRANSFER_SCHOOL_DAYS, Transfer, TransferStep

__all__ = [
    "NEUTRAL_FLAG_TEXT",
    "TRANSFER_SCHOOL_DAYS",
    "Action",
    "ActionUpdate",
    "Addendum",
    "Agency",
    "Alert",
    "Category",
    "Concern",
    "ConcernPupil",
    "ConcernPupilCategory",
    "Decision",
    "FileAccess",
    "Involvement",
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
