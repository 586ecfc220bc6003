"""The staff app's models, one module per concern; the app label stays ``staff``.

Import models from here (``from staff.models import Membership``). Migration 0001 names
``staff.models.UserManager`` and ``staff.models._new_nonce``, so both stay importable here.
"""

from staff.models.audit import AuditEvent, AuditEventQuerySet
from staff.models.calendar import SchoolTerm, TrustRole
from staff.models.form_keys import FormSubmission
from staff.models.invitations import INVITATION_SALT, Invitation, InvitationQuerySet, _new_nonce
from staff.models.people import (
    Membership,
    MembershipQuerySet,
    MembershipRole,
    Role,
    School,
    Trust,
    User,
    UserManager,
)
from staff.models.profiles import (
    Accountability,
    Activity,
    Contact,
    Criterion,
    RoleProfile,
    RoleProfileQuerySet,
    SafeguardingDuty,
    Value,
)
from staff.models.records import (
    AreaOfNeed,
    CPDEntry,
    Specialism,
    SupervisionSession,
    TrainingRecord,
    TrainingRecordQuerySet,
    TrainingType,
)

__all__ = [
    "INVITATION_SALT",
    "Accountability",
    "Activity",
    "AreaOfNeed",
    "AuditEvent",
    "AuditEventQuerySet",
    "CPDEntry",
    "Contact",
    "Criterion",
    "FormSubmission",
    "Invitation",
    "InvitationQuerySet",
    "Membership",
    "MembershipQuerySet",
    "MembershipRole",
    "Role",
    "RoleProfile",
    "RoleProfileQuerySet",
    "SafeguardingDuty",
    "School",
    "SchoolTerm",
    "Specialism",
    "SupervisionSession",
    "TrainingRecord",
    "TrainingRecordQuerySet",
    "TrainingType",
    "Trust",
    "TrustRole",
    "User",
    "UserManager",
    "Value",
    "_new_nonce",
]
