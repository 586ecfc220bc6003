"""All provision in a term (beside the provision map's sessions): the CSV and PDF downloads.
The page itself is the provision map's (``dashboard.provision``), which shows these figures too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from interventions.evidence.models import ProvisionCost
from interventions.insight.provision_all import KINDS, AllProvision, all_provision
from interventions.insight.views.dashboard import CAPABILITY, _map_filters, _refuse
from send_hub.http import SchoolHttpRequest
from send_hub.lib.csv import csv_download
from staff.audit import log_action
from staff.permissions import requires

ALL_CSV_HEADER = [
    "Pupil",
    "Year group",
    "Primary need",
    *[f"{label} (GBP)" for _, label in KINDS],
    "Total (GBP)",
    "Top-up received (GBP)",
    "Net of top-up (GBP)",
]


def _all(request: SchoolHttpRequest) -> AllProvision:
    _, term, _ = _map_filters(request)
    return all_provision(request.school.pk, term)


def _audit(request: SchoolHttpRequest, kind: str, found: AllProvision) -> None:
    log_action(
        None,
        "interventions.provision_map.exported",
        actor=request.user,
        school=request.school,
        data={"format": kind, "term": found.term.key, "rows": len(found.pupils)},
        request=request,
    )


@requires(CAPABILITY)
@require_safe
def provision_all_csv(request: SchoolHttpRequest) -> HttpResponse:
    """Download all provision in a term as CSV: a row per pupil, then the costs that are no one
    pupil's, then the total (audited: it names pupils)."""
    found = _all(request)
    response, writer = csv_download(f"all-provision-{found.term.key.lower()}.csv")
    writer.writerow(ALL_CSV_HEADER)
    for row in found.pupils:
        writer.writerow(
            [
                f"{row.pupil.legal_surname}, {row.pupil.legal_forename}",
                row.year,
                row.need,
                *[row.cost(code) for code, _ in KINDS],
                row.total,
                row.top_up,
                row.total - row.top_up,
            ]
        )
    class_only = sum((cost for e, _, cost in found.class_support if not e.pupil_id), Decimal(0))
    writer.writerow(
        [
            "In-class support for a class",
            "",
            "",
            "",
            class_only,
            "",
            "",
            "",
            class_only,
            "",
            class_only,
        ]
    )
    school_wide = {
        kind: sum((c.cost for c in found.costs if not c.pupil_id and c.kind == kind), Decimal(0))
        for kind in ProvisionCost.Kind
    }
    not_one = [found.unshared, "", "", *school_wide.values()]
    total = found.unshared + found.school_wide
    writer.writerow(["Not one pupil's", "", "", *not_one, total, "", total])
    t = found.totals
    writer.writerow(
        ["Total", "", "", *[cost for _, _, cost in found.kinds], t["spent"], t["top_up"], t["own"]]
    )
    _audit(request, "all-csv", found)
    return response


@requires(CAPABILITY)
@require_safe
def provision_all_pdf(request: SchoolHttpRequest) -> HttpResponse:
    """Download all provision in a term as an A4 PDF (audited: it names pupils)."""
    from weasyprint import HTML  # slow to import: only when a PDF is asked for

    found = _all(request)
    context: dict[str, Any] = {
        "all": found,
        "term": found.term,
        "school": request.school,
        "generated": timezone.localtime(),
    }
    html = render_to_string(
        "interventions/insight/provision_all_pdf.html", context, request=request
    )
    pdf = HTML(string=html, url_fetcher=_refuse).write_pdf()
    _audit(request, "all-pdf", found)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="all-provision-{found.term.key.lower()}.pdf"'
    )
    return response
