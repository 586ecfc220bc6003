"""Celery tasks for the staff app: thin wrappers round services, ids only."""

from celery import shared_task

from send_hub.lib.tasks import enqueue_on_commit
from staff import services


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def invitation_send_task(invitation_id: int) -> bool:
    return services.invitation_send(invitation_id=invitation_id)


@shared_task
def invitations_send_pending_task() -> int:
    """Fan out one send per invitation still waiting (e.g. queued while Redis was down)."""
    ids = services.invitations_pending_ids()
    for pk in ids:
        enqueue_on_commit(invitation_send_task, pk)
    return len(ids)
