"""Celery tasks for the interventions app: thin wrappers round services, ids only."""

from celery import shared_task

from interventions import impact
from send_hub.lib.tasks import enqueue_on_commit


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def impact_report_build_task(intervention_id: int) -> str:
    """Build one intervention's impact report; return its figures hash ("" if it has gone)."""
    report = impact.impact_report_build(intervention_id=intervention_id)
    return report.figures_hash if report else ""


@shared_task
def impact_reports_build_pending_task() -> int:
    """Fan out one build per report that is due (e.g. asked for while Redis was down)."""
    ids = impact.impact_reports_pending_ids()
    for pk in ids:
        enqueue_on_commit(impact_report_build_task, pk)
    return len(ids)
