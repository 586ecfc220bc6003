"""The Django admin, for HR admins and superusers only (see staff.admin.access).

Admin autodiscovery imports ``staff.admin``: importing each module here registers its admins.
"""

from staff.admin import people, profiles, records, schools
from staff.admin.access import HRAdminMixin, admin_allowed, admin_user, hr_school_ids

__all__ = [
    "HRAdminMixin",
    "admin_allowed",
    "admin_user",
    "hr_school_ids",
    "people",
    "profiles",
    "records",
    "schools",
]
