"""Celery tasks for the interventions app: thin wrappers round services, ids only."""

from celery import shared_task

from interventions.attendance import early_warning
from interventions.attendance.folder import folder_import_all
from interventions.attendance.models import EarlyWarning
from interventions.insight import termly
from interventions.outcomes import reports as outcome_reports
from interventions.outcomes import services as outcome_services
from interventions.reminders import services as reminders
from send_hub.lib.tasks import enqueue_on_commit
from staff.models import School


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def impact_report_build_task(intervention_id: int) -> str:
    """Build one intervention's impact report; return its figures hash ("" if it has gone)."""
    report = outcome_reports.impact_report_build(intervention_id=intervention_id)
    return report.figures_hash if report else ""


@shared_task
def impact_reports_build_pending_task() -> int:
    """Fan out one build per report that is due (e.g. asked for while Redis was down)."""
    ids = outcome_services.impact_reports_pending_ids()
    for pk in ids:
        enqueue_on_commit(impact_report_build_task, pk)
    return len(ids)


@shared_task
def reminders_sweep_school_task(school_id: int) -> int:
    """Sweep one school's reminders; return how many were new."""
    return reminders.reminders_sweep_school(school_id=school_id)


@shared_task
def reminders_sweep_task() -> int:
    """Fan out one reminder sweep per school."""
    ids = list(School.objects.values_list("pk", flat=True))
    for pk in ids:
        enqueue_on_commit(reminders_sweep_school_task, pk)
    return len(ids)


@shared_task
def reminders_digest_task() -> int:
    """Send today's one-per-person reminder digests."""
    return reminders.reminders_digest()


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def termly_report_build_task(report_id: int) -> str:
    """Build one queued termly impact report; return its status ("" if another run had it)."""
    report = termly.termly_report_build(report_id=report_id)
    return report.status if report else ""


@shared_task
def termly_reports_build_pending_task() -> int:
    """Send again the termly reports left queued (broker down) or stuck building."""
    ids = termly.termly_reports_pending_ids()
    for pk in ids:
        enqueue_on_commit(termly_report_build_task, pk)
    return len(ids)


@shared_task
def attendance_folder_import_task() -> dict[str, int]:
    """Import the attendance files schools' MIS dropped in the folder overnight."""
    return folder_import_all()


@shared_task
def early_warning_sweep_school_task(school_id: int) -> int:
    """Run one school's early-warning sweep; return how many pupils were newly flagged."""
    return early_warning.early_warning_sweep_school(school_id=school_id)


@shared_task
def early_warning_sweep_task() -> int:
    """Fan out one early-warning sweep per school, and send notices an earlier run could not."""
    ids = list(School.objects.values_list("pk", flat=True))
    for pk in ids:
        enqueue_on_commit(early_warning_sweep_school_task, pk)
    for flag in (
        EarlyWarning.objects.open().filter(notified_at__isnull=True).values_list("pk", flat=True)
    ):
        enqueue_on_commit(early_warning_notify_task, flag)
    return len(ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def early_warning_notify_task(flag_id: int) -> int:
    """E-mail one flag's key adults and SENDCos (content-free); return how many were sent to."""
    return early_warning.early_warning_notify(flag_id=flag_id)
