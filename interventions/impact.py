"""The impact report of an intervention: its figures, charts, the PDF, and who may see them.

``impact_figures`` is a pure read over querysets with a fixed number of queries, whatever the
number of sessions or pupils; ``impact_report_build`` stores the figures and the PDF built from
them, and skips rewriting the PDF when the figures have not changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from interventions.measures import Kind, enrolment_measures, gbo_reliable_change
from interventions.models import (
    Enrolment,
    ImpactReport,
    Intervention,
    MeasureRecord,
    Session,
    SessionAttendance,
)
from send_hub.lib.db import count_of
from send_hub.lib.tasks import enqueue_on_commit
from staff.permissions import can

# Part of the figures, so of their hash: bump it when the figures or the PDF's layout change,
# and the next build (or sweep) rewrites every stored PDF.
FIGURES_VERSION = 1
COMMENTS_SHOWN = 10
COMMENT_CHARS = 300
PENNY = Decimal("0.01")
FAR_FUTURE = dt.date(9999, 12, 31)


# --- Who may see impact --------------------------------------------------------------------


def oversees(user: Any, intervention: Intervention) -> bool:
    """Return whether ``user`` runs all interventions in its school (the SENDCo)."""
    return can(user, "interventions.manage", intervention)


def delivers(user: Any, intervention: Intervention) -> bool:
    """Return whether ``user`` leads or assists ``intervention``."""
    from interventions.services import delivers as leads_or_assists

    return leads_or_assists(intervention, user)


def impact_scope(user: Any) -> QuerySet[Intervention]:
    """Return the interventions whose measures and impact ``user`` may see.

    Staff comments are part of impact, so besides the capability it takes managing the
    school's interventions (the SENDCo) or delivering this one, as for session notes.
    """
    visible = Intervention.objects.visible_to(user)
    if can(user, "interventions.manage"):
        return visible
    return visible.delivered_by(user)


def pupil_measure_trends(pupil: Any, user: Any) -> list[dict[str, Any]] | None:
    """Return the pupil's measures per enrolment that ``user`` may see (None: show nothing)."""
    if not can(user, "interventions.view_impact", pupil):
        return None
    enrolments = (
        Enrolment.objects.filter(pupil=pupil, intervention__in=impact_scope(user).values("pk"))
        .select_related("intervention__programme")
        .prefetch_related("targets", "measures")
        .order_by("-joined_on", "-pk")
    )
    trends = []
    for e in enrolments:
        programme = e.intervention.programme
        trends.append(
            {
                "enrolment": e,
                "intervention": e.intervention,
                "measures": enrolment_measures(
                    list(e.measures.all()), list(e.targets.all()), programme.numeric_measure_label
                ),
            }
        )
    return trends


# --- Figures -------------------------------------------------------------------------------


def enrolment_window(prefix: str = "") -> Q:
    """Match sessions dated while the outer enrolment was current."""
    left = Coalesce(OuterRef("left_on"), Value(FAR_FUTURE), output_field=DateField())
    return Q(**{f"{prefix}date__gte": OuterRef("joined_on"), f"{prefix}date__lte": left})


def _enrolments_with_attendance(intervention: Intervention) -> QuerySet[Enrolment]:
    """Return the intervention's enrolments with delivered and attended sessions counted."""
    delivered = Session.objects.filter(
        enrolment_window(), intervention=OuterRef("intervention"), status=Session.Status.DELIVERED
    )
    attended = SessionAttendance.objects.filter(
        enrolment_window("session__"),
        session__intervention=OuterRef("intervention"),
        session__status=Session.Status.DELIVERED,
        pupil=OuterRef("pupil"),
        attendance__in=SessionAttendance.ATTENDED,
    )
    engagement = (
        attended.filter(engagement__isnull=False)
        .order_by()
        .annotate(mean=Func(F("engagement"), function="AVG", output_field=FloatField()))
        .values("mean")
    )
    return (
        Enrolment.objects.filter(intervention=intervention)
        .select_related("pupil")
        .prefetch_related(
            "targets",
            Prefetch("measures", queryset=MeasureRecord.objects.order_by("kind", "taken_on")),
        )
        .annotate(
            sessions_possible=count_of(delivered),
            sessions_attended=count_of(attended),
            mean_engagement=Subquery(engagement),
        )
        .order_by("pupil__legal_surname", "pupil__legal_forename", "joined_on")
    )


def _money(value: Decimal) -> str:
    return str(value.quantize(PENNY, rounding=ROUND_HALF_UP))


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def impact_figures(intervention: Intervention) -> dict[str, Any]:
    """Compute the intervention's impact figures (JSON-safe) in a fixed number of queries.

    Dosage, attendance per pupil, measure change per pupil and for the group, goal outcomes,
    the latest staff comments and the cost. Dates are ISO strings and money is a string in
    pounds, so the figures hash the same every time they are the same.
    """
    ivn = (
        Intervention.objects.select_related("programme", "lead")
        .prefetch_related("assistants")
        .get(pk=intervention.pk)
    )
    programme = ivn.programme
    assistants = sorted(a.full_name or a.email for a in ivn.assistants.all())

    delivered_q = Q(status=Session.Status.DELIVERED)
    cancelled_q = Q(status=Session.Status.CANCELLED)
    sessions = Session.objects.filter(intervention=ivn).aggregate(
        delivered=Count("pk", filter=delivered_q),
        minutes=Sum("minutes", filter=delivered_q),
        first=Min("date", filter=delivered_q),
        last=Max("date", filter=delivered_q),
        cancelled=Count("pk", filter=cancelled_q),
        **{
            f"cancelled_{code}": Count("pk", filter=cancelled_q & Q(cancel_reason=code))
            for code in Session.CancelReason.values
        },
    )
    # A separate query: joining attendance above would count each session once per pupil.
    engagement = SessionAttendance.objects.filter(
        session__intervention=ivn,
        session__status=Session.Status.DELIVERED,
        attendance__in=SessionAttendance.ATTENDED,
    ).aggregate(mean=Avg("engagement"))["mean"]
    delivered = sessions["delivered"]
    minutes = sessions["minutes"] or 0

    # Staff time is what the school pays for: every delivered minute, times everyone in the room.
    staff = 1 + len(assistants)
    rate = programme.cost_per_staff_hour
    staff_cost = (Decimal(minutes) * rate * staff / 60).quantize(PENNY, rounding=ROUND_HALF_UP)
    total_cost = staff_cost + ivn.fixed_costs

    enrolments = list(_enrolments_with_attendance(ivn))
    pupil_ids = {e.pupil_id for e in enrolments}
    rows = []
    for e in enrolments:
        rows.append(
            {
                "enrolment": e.pk,
                "pupil": e.pupil_id,
                "name": e.pupil.display_name,
                "joined_on": e.joined_on.isoformat(),
                "left_on": e.left_on.isoformat() if e.left_on else None,
                "attended": e.sessions_attended,
                "possible": e.sessions_possible,
                "attendance_pct": _pct(e.sessions_attended, e.sessions_possible),
                "engagement": round(float(e.mean_engagement), 1)
                if e.mean_engagement is not None
                else None,
                "measures": enrolment_measures(
                    list(e.measures.all()), list(e.targets.all()), programme.numeric_measure_label
                ),
            }
        )
    attended_total = sum(r["attended"] for r in rows)
    possible_total = sum(r["possible"] for r in rows)

    comments = [
        {
            "date": s["date"].isoformat(),
            "by": s["logged_by__full_name"] or "",
            "text": Truncator(" ".join(s["evaluation"].split())).chars(COMMENT_CHARS),
        }
        for s in Session.objects.filter(intervention=ivn, status=Session.Status.DELIVERED)
        .exclude(evaluation="")
        .order_by("-date", "-logged_at")
        .values("date", "evaluation", "logged_by__full_name")[:COMMENTS_SHOWN]
    ]

    return {
        "version": FIGURES_VERSION,
        "intervention": {
            "id": ivn.pk,
            "name": ivn.name,
            "programme": programme.name,
            "status": ivn.status,
            "status_label": ivn.get_status_display(),
            "start_date": ivn.start_date.isoformat(),
            "completed_on": ivn.completed_on.isoformat() if ivn.completed_on else None,
            "lead": ivn.lead.full_name or ivn.lead.email,
            "assistants": assistants,
            "measures": [m for m in programme.measures if m in Kind.values],
            "numeric_label": programme.numeric_measure_label or "Score",
        },
        "dosage": {
            "planned": ivn.planned_sessions,
            "delivered": delivered,
            "delivered_pct": _pct(delivered, ivn.planned_sessions),
            "cancelled": sessions["cancelled"],
            "cancelled_by_reason": {
                label: sessions[f"cancelled_{code}"]
                for code, label in Session.CancelReason.choices
                if sessions[f"cancelled_{code}"]
            },
            "minutes": minutes,
            "mean_minutes": round(minutes / delivered, 1) if delivered else None,
            "first_date": sessions["first"].isoformat() if sessions["first"] else None,
            "last_date": sessions["last"].isoformat() if sessions["last"] else None,
        },
        "attendance": {
            "attended": attended_total,
            "possible": possible_total,
            "pct": _pct(attended_total, possible_total),
            "engagement": round(float(engagement), 1) if engagement is not None else None,
        },
        "cost": {
            "per_staff_hour": _money(rate),
            "staff_per_session": staff,
            "staff_hours": round(minutes * staff / 60, 2),
            "staff_cost": _money(staff_cost),
            "fixed_costs": _money(ivn.fixed_costs),
            "total": _money(total_cost),
            "pupils": len(pupil_ids),
            "per_pupil": _money(total_cost / len(pupil_ids)) if pupil_ids else None,
        },
        "pupils": rows,
        "group": _group_measures(rows),
        "comments": comments,
    }


def _group_measures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Summarise the group's change on each measure, from the per-pupil rows."""
    group: dict[str, Any] = {}
    goals = [g for r in rows for g in r["measures"].get("gbo", {}).get("goals", [])]
    paired = [g for g in goals if g["change"] is not None]
    if goals:
        improved = [g for g in paired if g["reliable"] == "improved"]
        pupils_paired = [
            r for r in rows if r["measures"].get("gbo", {}).get("mean_change") is not None
        ]
        pupils_improved = [
            r
            for r in pupils_paired
            if any(g["reliable"] == "improved" for g in r["measures"]["gbo"]["goals"])
        ]
        group["gbo"] = {
            "threshold": gbo_reliable_change(),
            "goals_paired": len(paired),
            "mean_baseline": _mean([g["baseline"] for g in paired]),
            "mean_exit": _mean([g["exit"] for g in paired]),
            "mean_change": _mean([g["change"] for g in paired]),
            "goals_reliably_improved": len(improved),
            "goals_reliably_improved_pct": _pct(len(improved), len(paired)),
            "goals_reliably_deteriorated": sum(
                1 for g in paired if g["reliable"] == "deteriorated"
            ),
            "pupils_paired": len(pupils_paired),
            "pupils_reliably_improved": len(pupils_improved),
            "pupils_reliably_improved_pct": _pct(len(pupils_improved), len(pupils_paired)),
        }
    numeric = [r["measures"]["numeric"] for r in rows if "numeric" in r["measures"]]
    if numeric:
        paired_n = [m for m in numeric if m["change"] is not None]
        group["numeric"] = {
            "label": numeric[0]["label"] or "Score",
            "pupils_paired": len(paired_n),
            "mean_baseline": _mean([m["baseline"] for m in paired_n]),
            "mean_exit": _mean([m["exit"] for m in paired_n]),
            "mean_change": _mean([m["change"] for m in paired_n]),
            "pupils_improved": sum(1 for m in paired_n if m["change"] > 0),
        }
    sdq = [r["measures"]["sdq"] for r in rows if "sdq" in r["measures"]]
    if sdq:
        paired_s = [m for m in sdq if m["change"] is not None]
        group["sdq"] = {
            "pupils_paired": len(paired_s),
            "mean_total_baseline": _mean([m["baseline"]["total"] for m in paired_s]),
            "mean_total_exit": _mean([m["exit"]["total"] for m in paired_s]),
            "mean_change": _mean([m["change"] for m in paired_s]),
            "moved_to_lower_band": sum(1 for m in paired_s if m["band_move"] == "lower"),
            "moved_to_higher_band": sum(1 for m in paired_s if m["band_move"] == "higher"),
        }
    return group


def figures_hash(figures: dict[str, Any]) -> str:
    """Return a stable digest of ``figures``: equal figures, equal hash."""
    canonical = json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


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
        "interventions/impact_pdf.html",
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
        has_pdf = bool(report.pdf) and report.pdf.storage.exists(report.pdf.name)
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


@transaction.atomic
def request_impact_report(intervention: Intervention) -> ImpactReport:
    """Ask for the intervention's impact report to be built once this transaction commits.

    Call it when an intervention is marked completed, or when someone asks for a fresh report.
    ``requested_at`` is recorded first, so if the broker is down the periodic sweep builds it.
    """
    from interventions.tasks import impact_report_build_task

    report, _ = ImpactReport.objects.get_or_create(intervention=intervention)
    report.requested_at = timezone.now()
    report.save(update_fields=["requested_at"])
    enqueue_on_commit(impact_report_build_task, intervention.pk)
    return report


def impact_reports_pending_ids() -> list[int]:
    """Return interventions whose report is due: completed but never built, or asked for since."""
    never_built = Q(impact_report__isnull=True) | Q(impact_report__built_at__isnull=True)
    requested = Q(impact_report__requested_at__isnull=False) & (
        Q(impact_report__built_at__isnull=True)
        | Q(impact_report__requested_at__gt=F("impact_report__built_at"))
    )
    return list(
        Intervention.objects.filter(
            (Q(status=Intervention.Status.COMPLETED) & never_built) | requested
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
