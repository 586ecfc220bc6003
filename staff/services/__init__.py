"""Writes for the staff app, one module per concern: invitations, roles, role profiles, training.

Callers use ``from staff import services`` and ``services.<name>``: every service is named here.
"""

from staff.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_send,
    invitations_pending_ids,
)
from staff.services.profiles import (
    role_profile_adopt,
    role_profile_new_version,
    role_profiles_import,
)
from staff.services.roles import (
    RoleGrantRefused,
    grantable_roles,
    membership_grant,
    membership_roles_change,
    role_change_refusals,
)
from staff.services.training import training_expiring, training_record_save

__all__ = [
    "RoleGrantRefused",
    "grantable_roles",
    "invitation_accept",
    "invitation_create",
    "invitation_send",
    "invitations_pending_ids",
    "membership_grant",
    "membership_roles_change",
    "role_change_refusals",
    "role_profile_adopt",
    "role_profile_new_version",
    "role_profiles_import",
    "training_expiring",
    "training_record_save",
]
