"""In-app notices to a school's DSLs when who can open the safeguarding file changes.

Staff must not import the apps above it, and the bell in the user menu belongs to interventions,
so delivery is registered from that app's ``AppConfig.ready()``:

    from staff.notices import register_dsl_notice_deliverer
    register_dsl_notice_deliverer(dsl_notice_deliver)  # interventions: a Notification per DSL

A deliverer is called as ``deliverer(notice, recipient_ids)`` inside the change's transaction,
so the notice and the change are saved together or not at all. With none registered the change is
still in the audit trail (staff.audit), which is what every caller writes first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from staff.models import Membership, Role


@dataclass(frozen=True)
class DSLNotice:
    """What the DSLs are told: plain words that name staff, never a pupil."""

    school_id: int
    kind: str  # the audit code of the change, e.g. "staff.membership.roles_changed"
    text: str
    url: str = ""


DSLNoticeDeliverer = Callable[[DSLNotice, list[int]], None]
_deliverers: list[DSLNoticeDeliverer] = []


def register_dsl_notice_deliverer(deliverer: DSLNoticeDeliverer) -> DSLNoticeDeliverer:
    """Add a way of telling DSLs (safe to call twice; usable as a decorator)."""
    if deliverer not in _deliverers:
        _deliverers.append(deliverer)
    return deliverer


def dsl_user_ids(school_id: int) -> list[int]:
    """Return the people who hold the DSL role (deputies included) in ``school_id`` now."""
    return list(
        Membership.objects.active()
        .filter(school_id=school_id)
        .with_role(Role.DSL)
        .values_list("user_id", flat=True)
        .order_by("user_id")
    )


def dsls_notify(
    *, school_id: int, kind: str, text: str, url: str = "", also: Iterable[int] = ()
) -> list[int]:
    """Tell the school's DSLs (and ``also``: say, a DSL just removed) ``text``; return who."""
    recipients = sorted(set(dsl_user_ids(school_id)) | set(also))
    if recipients:
        notice = DSLNotice(school_id=school_id, kind=kind, text=text, url=url)
        for deliver in _deliverers:
            deliver(notice, recipients)
    return recipients
