"""Audit sign-ins, failed sign-ins and MFA changes.

These are framework events (allauth and django.contrib.auth raise them), so a receiver is the only
place to hear them; each receiver only writes an audit row.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.utils import timezone

from staff.audit import log_action
from staff.middleware import AUTH_AT_SESSION_KEY, MFA_OK_SESSION_KEY
from staff.permissions import TRUST_ROLE_SESSION_KEY, trust_ids_for
from staff.sign_ins import STAGE_PASSWORD, account_for_login


@receiver(auth_signals.user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_AT_SESSION_KEY] = timezone.now().isoformat()
        # Whether to offer the trust view in the menu, decided once per sign-in (the trust view
        # itself checks the role afresh on every request).
        request.session[TRUST_ROLE_SESSION_KEY] = bool(trust_ids_for(user))
    log_action(user, "staff.user.signed_in", actor=user, request=request)


@receiver(auth_signals.user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        log_action(user, "staff.user.signed_out", actor=user, request=request)


@receiver(auth_signals.user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # About the account the e-mail names, so its school sees attempts on it (staff.sign_ins). An
    # e-mail naming no account is not kept (it may be a typo of someone else's); nor the password.
    email = credentials.get("email") or credentials.get("username")
    log_action(
        account_for_login(email),
        "staff.user.sign_in_failed",
        request=request,
        data={"stage": STAGE_PASSWORD},
    )


def _mfa_event(action: str) -> Any:
    def handler(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
        if action == "staff.mfa.removed" and request is not None:
            request.session.pop(MFA_OK_SESSION_KEY, None)
        log_action(user, action, actor=user, request=request, data={"type": authenticator.type})

    return handler


_added = _mfa_event("staff.mfa.added")
_removed = _mfa_event("staff.mfa.removed")
_reset = _mfa_event("staff.mfa.reset")
mfa_signals.authenticator_added.connect(_added, dispatch_uid="audit_mfa_added")
mfa_signals.authenticator_removed.connect(_removed, dispatch_uid="audit_mfa_removed")
mfa_signals.authenticator_reset.connect(_reset, dispatch_uid="audit_mfa_reset")


@receiver(mfa_signals.authentication_failed)
def _mfa_failed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log_action(user, "staff.mfa.code_failed", actor=None, request=request)
