"""Celery tasks for safeguarding: thin wrappers round services, ids only (no pupil data in Redis).

Beat schedule (send_hub/settings.py CELERY_BEAT_SCHEDULE):
    alerts_email_pending_task   every 5 minutes  (alerts whose e-mail never went out)
    concerns_escalate_due_task  every 15 minutes (untriaged after one school day)
    reminders_daily_task        07:00 on weekdays (overdue actions, file transfers)
"""

from celery import shared_task

from safeguarding import services
from send_hub.lib.tasks import enqueue_on_commit


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def alert_email_task(alert_id: int) -> bool:
    return services.alert_email(alert_id=alert_id)


@shared_task
def alerts_email_pending_task() -> int:
    """Fan out one e-mail per alert still waiting (e.g. queued while Redis was down)."""
    ids = services.alerts_pending_email_ids()
    for pk in ids:
        enqueue_on_commit(alert_email_task, pk)
    return len(ids)


@shared_task
def concern_escalate_task(concern_id: int) -> int:
    return services.concern_escalate(concern_id=concern_id)


@shared_task
def concerns_escalate_due_task() -> int:
    """Fan out one escalation per concern untriaged for more than a school day."""
    ids = services.concerns_due_escalation_ids()
    for pk in ids:
        enqueue_on_commit(concern_escalate_task, pk)
    return len(ids)


@shared_task
def reminders_daily_task() -> int:
    """Remind people of overdue actions and of files that have not moved to a leaver's school."""
    return services.actions_overdue_remind() + services.transfers_remind()
