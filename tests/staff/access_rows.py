"""Access-matrix rows for role profiles and staff records (see tests/test_access_matrix.py).

The staff URLs that came before these (members, invite, choose_school, accept_invitation) keep
their rows in tests/test_access_matrix.py.
"""

from __future__ import annotations

from typing import Any

from staff.models import Membership, RoleProfile
from tests.access import FORBIDDEN, NOT_FOUND, OK, Row, method_first
from tests.conftest import World


def _lsa_profile(w: World) -> list[Any]:
    """A profile of the first school that lsa_caseload works to (their own)."""
    profile = RoleProfile.objects.create(school=w.school, title="Learning support assistant")
    Membership.objects.filter(user=w.users["lsa_caseload"], school=w.school).update(
        role_profile=profile
    )
    return [profile.pk]


def _lsa_membership(w: World) -> list[Any]:
    return [Membership.objects.get(user=w.users["lsa_caseload"], school=w.school).pk]


# other_school is a SENDCo, DSL and head in another school: leaders' pages open on their own
# school, and the first school's records are out of their scope (404).
PROFILE = {
    "lsa_caseload": OK,  # their own profile
    "sendco": OK,
    "head": OK,
    "hr_admin": OK,
    "other_school": NOT_FOUND,
}
LEADERS_AND_HR = {"sendco": OK, "head": OK, "hr_admin": OK, "other_school": OK}

# A profile page answers a POST 405 before it looks the profile up (or checks who may see it).
PROFILE_REFUSED = method_first(
    "lsa_no_caseload",
    "elsa",
    "teacher",
    "dsl",
    "other_school",
    "inclusion_leader",
    "behaviour_support",
)

ROWS: dict[str, Row] = {
    "staff:org_chart": Row(),
    "staff:my_record": Row(),
    "staff:profiles": Row(default=FORBIDDEN, expect=LEADERS_AND_HR),
    "staff:profile": Row(
        args=_lsa_profile, default=FORBIDDEN, expect=PROFILE, post=PROFILE_REFUSED
    ),
    "staff:profile_pdf": Row(
        args=_lsa_profile, default=FORBIDDEN, expect=PROFILE, post=PROFILE_REFUSED
    ),
    # HR admins keep the records but see nothing drawn from pupils (caseloads, sessions).
    "staff:deployment": Row(
        default=FORBIDDEN, expect={"sendco": OK, "head": OK, "other_school": OK}
    ),
    "staff:training": Row(default=FORBIDDEN, expect=LEADERS_AND_HR),
    # Sign-in history: HR admins and heads (other_school is a head in their own school).
    "staff:sign_ins": Row(
        default=FORBIDDEN, expect={"hr_admin": OK, "head": OK, "other_school": OK}
    ),
    # Who may change which roles is staff.permissions.role_grant_refusal (tests/staff/
    # test_role_grants.py); the page itself opens for heads and HR admins of the school.
    "staff:member_roles": Row(
        args=_lsa_membership,
        default=FORBIDDEN,
        expect={"head": OK, "hr_admin": OK, "other_school": NOT_FOUND},
        post_default=OK,
    ),
    "staff:person": Row(
        args=_lsa_membership,
        default=FORBIDDEN,
        expect={"sendco": OK, "head": OK, "hr_admin": OK, "other_school": NOT_FOUND},
        post=method_first("other_school"),
    ),
}
