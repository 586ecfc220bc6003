"""Sign-in history: what is audited about signing in, and the reads behind /staff/sign-ins/.

Attempts live in the one AuditEvent table, about the account they name (object staff.user), so a
school sees attempts on its own people's accounts and nothing else. The attempted password is never
recorded; an e-mail that names no account is not recorded either (it may be a typo of another).
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest

from staff.audit import log_action
from staff.models import AuditEvent, Membership, User

SIGNED_IN = "staff.user.signed_in"
PASSWORD_FAILED = "staff.user.sign_in_failed"  # noqa: S105 (an audit code)
REFUSED = "staff.user.sign_in_refused"
CODE_FAILED = "staff.mfa.code_failed"

# How each action reads in the history, and which ones are failures.
LABELS = {
    SIGNED_IN: "Signed in",
    PASSWORD_FAILED: "Wrong password",
    CODE_FAILED: "Wrong two-factor code",
    REFUSED: "Locked out",
}
FAILED_ACTIONS = frozenset({PASSWORD_FAILED, CODE_FAILED, REFUSED})

STAGE_PASSWORD = "password"  # noqa: S105 (a stage name)
STAGE_TWO_FACTOR = "two_factor"
STAGE_REAUTHENTICATION = "reauthentication"
# Where an attempt was refused unchecked, after too many failures.
STAGE_LABELS = {
    STAGE_PASSWORD: "refused at the password after too many failures",
    STAGE_TWO_FACTOR: "refused at the two-factor code after too many failures",
    STAGE_REAUTHENTICATION: "refused confirming a change after too many failures",
}


def account_for_login(email: Any) -> User | None:
    """Return the account an attempted sign-in e-mail names, if any."""
    if not isinstance(email, str) or not email.strip():
        return None
    return User.objects.filter(email__iexact=email.strip()).first()


def sign_in_refused_log(*, request: HttpRequest | None, account: User | None, stage: str) -> None:
    """Audit an attempt that the failed sign-in limits refused before checking it."""
    log_action(account, REFUSED, request=request, data={"stage": stage})


def members_for_history(school: Any) -> QuerySet[Membership]:
    """Return the school's current memberships whose sign-ins its HR admins and head may read."""
    return (
        Membership.objects.filter(school=school, active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def sign_in_events(
    memberships: QuerySet[Membership], *, failed_only: bool = False
) -> QuerySet[AuditEvent]:
    """Return sign-ins and failed or refused attempts on these members' accounts, newest first."""
    actions = FAILED_ACTIONS if failed_only else set(LABELS)
    return AuditEvent.objects.filter(
        action__in=actions,
        object_type=User._meta.label_lower,
        # Serves from audit_object_idx (object_type, object_id, -at) for one person.
        object_id__in=memberships.annotate(as_text=Cast("user_id", CharField())).values("as_text"),
    ).order_by("-at", "-pk")
