"""Asking for impact reports: now (a person, a late exit measure) or by the periodic sweep."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from interventions.delivery.models import Intervention
from interventions.outcomes.models import ImpactReport
from send_hub.lib.tasks import enqueue_on_commit

IMPACT_REPORT_BUILD = "interventions.tasks.impact_report_build_task"


@transaction.atomic
def request_impact_report(intervention: Intervention) -> ImpactReport:
    """Ask for the intervention's impact report to be built once this transaction commits.

    Call it when an intervention is marked completed, or when someone asks for a fresh report.
    ``requested_at`` is recorded first, so if the broker is down the periodic sweep builds it.
    """
    report, _ = ImpactReport.objects.get_or_create(intervention=intervention)
    report.requested_at = timezone.now()
    report.save(update_fields=["requested_at"])
    enqueue_on_commit(IMPACT_REPORT_BUILD, intervention.pk)
    return report


def impact_reports_pending_ids() -> list[int]:
    """Return interventions whose report is due: completed but never built, or asked for since."""
    never_built = Q(impact_report__isnull=True) | Q(impact_report__built_at__isnull=True)
    requested = Q(impact_report__requested_at__isnull=False) & (
        Q(impact_report__built_at__isnull=True)
        | Q(impact_report__requested_at__gt=F("impact_report__built_at"))
    )
    # Completed again after its last build (completing only queues the build, see delivery).
    stale = Q(impact_report__built_at__date__lt=F("completed_on"))
    return list(
        Intervention.objects.filter(
            (Q(status=Intervention.Status.COMPLETED) & (never_built | stale)) | requested
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
