"""Write the audit trail: one append-only AuditEvent table for the whole app."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest

from staff.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the client address, read as the sign-in limits read it (SEND_HUB_CLIENT_IP_HEADER)."""
    if request is None:
        return None
    try:
        return get_account_adapter().get_client_ip(request)
    except PermissionDenied:
        return None


def log_action(
    obj: Model | None,
    action: str,
    *,
    actor: Any = None,
    school: Any = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record ``action`` (``<app>.<entity>.<past_verb>``) on ``obj``, in the change's transaction.

    ``data`` must hold ids and codes only: never a pupil's name or a concern's text.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if school is None and obj is not None:
        school_id = getattr(obj, "school_id", None)
    else:
        school_id = getattr(school, "pk", school)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        school_id=school_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
        ip_address=client_ip(request),
    )
