"""Celery tasks for records management: thin wrappers round the services, ids only."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from records import retention, sar
from send_hub.lib.tasks import enqueue_on_commit
from staff.models import School


@shared_task
def disposal_list_task(school_id: int, on: str | None = None) -> int | None:
    """List one school's records past their rule; return the batch's id (None: nothing due)."""
    school = School.objects.get(pk=school_id)
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    batch = retention.disposal_list(school=school, on=day)
    return batch.pk if batch else None


@shared_task
def disposal_list_monthly_task() -> int:
    """Fan out the monthly listing, one task per school."""
    ids = list(School.objects.values_list("pk", flat=True))
    for pk in ids:
        enqueue_on_commit(disposal_list_task, pk)
    return len(ids)


@shared_task
def sar_bundle_build_task(request_id: int) -> None:
    sar.sar_bundle_build(request_id=request_id)


@shared_task
def sar_reminders_task() -> int:
    """Remind the DPO and head of subject access requests due within a week or overdue."""
    return sar.sar_reminders_send(on=timezone.localdate())
