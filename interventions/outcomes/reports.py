"""The stored impact report: its charts, the PDF, and building both from the figures.

``impact_report_build`` stores the figures and the PDF built from them, and skips rewriting the
PDF when the figures have not changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from interventions.delivery.models import Intervention
from interventions.outcomes.impact import figures_hash, impact_figures
from interventions.outcomes.models import ImpactReport

# --- Charts --------------------------------------------------------------------------------

CHART_WIDTH = 360  # a phone's width, so the labels stay readable where the SVG is scaled
CHART_ROW = 46  # a pupil's name, then their baseline and exit bars
CHART_BAR = 10


def bar_chart(
    title: str, rows: list[tuple[str, float | None, float | None]], scale_max: float
) -> dict[str, Any] | None:
    """Lay out a baseline-vs-exit bar chart: per pupil a name, two bars and the values.

    Returns geometry for the SVG in the templates (no drawing logic there), or None when no
    pupil has a value to show. ``scale_max`` is the top of the scale (0: the largest value).
    """
    rows = [r for r in rows if r[1] is not None or r[2] is not None]
    if not rows:
        return None
    top = max([scale_max, *[v for _, b, e in rows for v in (b, e) if v is not None]]) or 1
    bars = []
    for i, (label, baseline, exit_) in enumerate(rows):
        y = i * CHART_ROW
        bars.append(
            {
                "label": label,
                "text_y": y + 12,
                "baseline_y": y + 17,
                "exit_y": y + 17 + CHART_BAR + 1,
                "baseline": baseline,
                "exit": exit_,
                "baseline_w": round(CHART_WIDTH * (baseline or 0) / top, 1),
                "exit_w": round(CHART_WIDTH * (exit_ or 0) / top, 1),
            }
        )
    legend_y = len(rows) * CHART_ROW + 10
    return {
        "title": title,
        "width": CHART_WIDTH,
        "height": legend_y + 6,
        "legend_y": legend_y,
        "bar_height": CHART_BAR,
        "bars": bars,
    }


def impact_charts(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Return one chart per measure the group has values for."""
    charts = []
    rows = figures["pupils"]
    gbo = [
        (r["name"], gbo["mean_baseline"], gbo["mean_exit"])
        for r in rows
        if (gbo := r["measures"].get("gbo"))
    ]
    charts.append(bar_chart("Goal Based Outcomes: mean goal rating (0-10)", gbo, 10))
    numeric = [
        (r["name"], m["baseline"], m["exit"]) for r in rows if (m := r["measures"].get("numeric"))
    ]
    label = figures["intervention"]["numeric_label"]
    charts.append(bar_chart(label, numeric, 0))
    sdq = [
        (
            r["name"],
            m["baseline"]["total"] if m["baseline"] else None,
            m["exit"]["total"] if m["exit"] else None,
        )
        for r in rows
        if (m := r["measures"].get("sdq"))
    ]
    charts.append(bar_chart("SDQ total difficulties (0-40; lower is better)", sdq, 40))
    return [c for c in charts if c]


# --- The stored report and its PDF ---------------------------------------------------------


def render_impact_pdf(figures: dict[str, Any], *, built_at: dt.datetime) -> bytes:
    """Return the PDF of an impact report drawn from ``figures``."""
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    html = render_to_string(
        "interventions/outcomes/impact_pdf.html",
        {
            "figures": figures,
            "charts": impact_charts(figures),
            "built_at": timezone.localtime(built_at),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def impact_report_build(*, intervention_id: int) -> ImpactReport | None:
    """Store the intervention's impact figures and rebuild its PDF if they have changed.

    Safe to run twice: the row is locked while building, and unchanged figures leave the PDF
    as it is. Returns None when the intervention no longer exists.
    """
    with transaction.atomic():
        intervention = Intervention.objects.filter(pk=intervention_id).first()
        if intervention is None:
            return None
        ImpactReport.objects.get_or_create(intervention=intervention)
        report = ImpactReport.objects.select_for_update().get(intervention=intervention)
        now = timezone.now()
        figures = impact_figures(intervention)
        digest = figures_hash(figures)
        stored = report.pdf.name
        has_pdf = bool(stored and report.pdf.storage.exists(stored))
        if digest != report.figures_hash or not has_pdf:
            old_name = report.pdf.name if has_pdf else ""
            pdf = render_impact_pdf(figures, built_at=now)
            report.pdf.save(f"intervention-{intervention.pk}.pdf", ContentFile(pdf), save=False)
            if old_name and old_name != report.pdf.name:
                storage = report.pdf.storage
                transaction.on_commit(lambda: storage.delete(old_name))
        report.figures = figures
        report.figures_hash = digest
        report.built_at = now
        report.save(update_fields=["figures", "figures_hash", "pdf", "built_at"])
        return report
