"""Deliver staff's notices to DSLs (a role or safeguarding setting changed) through the bell.

Registered from InterventionsConfig.ready(): staff decides who is told and what, and must not
import this app, so it hands the notice to whoever registered (staff.notices).
"""

from __future__ import annotations

from django.utils import timezone

from interventions.reminders.models import Notification
from staff.notices import DSLNotice


def dsl_notice_deliver(notice: DSLNotice, recipient_ids: list[int]) -> None:
    """Put ``notice`` in each recipient's reminders, in the change's own transaction."""
    today = timezone.localdate()
    Notification.objects.bulk_create(
        [
            Notification(
                school_id=notice.school_id,
                recipient_id=user_id,
                kind=notice.kind[:40],
                text=notice.text[:200],
                url=notice.url,
                due_on=today,
            )
            for user_id in recipient_ids
        ]
    )
