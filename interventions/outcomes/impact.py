"""The impact of an intervention: its figures, and who may see them.

``impact_figures`` is a pure read over querysets with a fixed number of queries, whatever the
number of sessions or pupils; ``outcomes.reports`` stores them with the PDF drawn from them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

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
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils.text import Truncator

from interventions.delivery.models import (
    Enrolment,
    Intervention,
    Session,
    SessionAttendance,
    delivered,
)
from interventions.outcomes.measures import Kind, enrolment_measures, gbo_reliable_change
from interventions.outcomes.models import MeasureRecord
from pupils.models import Pupil
from send_hub.lib.db import count_of
from staff.models import User
from staff.models.people import roles_for
from staff.permissions import can

if TYPE_CHECKING:
    # A development dependency (django-stubs); annotations only.
    from django_stubs_ext import WithAnnotations

# Part of the figures, so of their hash: bump it when the figures or the PDF's layout change,
# and the next build (or sweep) rewrites every stored PDF.
FIGURES_VERSION = 1
COMMENTS_SHOWN = 10
COMMENT_CHARS = 300
PENNY = Decimal("0.01")
FAR_FUTURE = dt.date(9999, 12, 31)


# --- Who may see impact --------------------------------------------------------------------


def oversees(user: User, intervention: Intervention) -> bool:
    """Return whether ``user`` runs all interventions in its school (the SENDCo)."""
    return can(user, "interventions.manage", intervention)


def delivers(user: User, intervention: Intervention) -> bool:
    """Return whether ``user`` leads or assists ``intervention``."""
    return intervention.is_delivered_by(user)


def impact_scope(user: User) -> QuerySet[Intervention]:
    """Return the interventions whose measures and impact ``user`` may see.

    Staff comments are part of impact, so besides the capability it takes managing the
    school's interventions (the SENDCo) or delivering this one, as for session notes.

    The same rows as ``visible_to(user)``, narrowed to those delivered unless managing, without
    ``visible_to``'s other ways in: those who manage are leaders, who see the school's all, and
    what anyone delivers in the school they see. One filter fewer on every page that asks.
    """
    school_id = getattr(user, "current_school_id", None)
    if school_id is None or not roles_for(user, school_id):
        return Intervention.objects.none()
    mine = Intervention.objects.filter(school_id=school_id)
    if can(user, "interventions.manage"):
        return mine
    return mine.delivered_by(user)


def in_impact_scope(user: User, leads: dict[int, int]) -> set[int]:
    """Return which of the interventions ``leads`` maps to their lead's id are in
    ``impact_scope(user)``; they are the current school's (a pupil's there, say).

    The SENDCo's are all of them, and the ones the person leads are theirs, with no query; only
    the rest ask the database whether the person assists.
    """
    if not leads:
        return set()
    if can(user, "interventions.manage"):
        return set(leads)
    theirs = {pk for pk, lead in leads.items() if lead == user.pk}
    rest = set(leads) - theirs
    if rest:
        theirs |= set(impact_scope(user).filter(pk__in=rest).values_list("pk", flat=True))
    return theirs


def pupil_measure_trends(
    pupil: Pupil, user: User, enrolments: list[Enrolment] | None = None
) -> list[dict[str, Any]] | None:
    """Return the pupil's measures per enrolment that ``user`` may see (None: show nothing).

    ``enrolments``: the pupil's enrolments in ``impact_scope(user)``, newest first, with their
    intervention and programme, when the page has them already (the pupil page's section).
    """
    if not can(user, "interventions.view_impact", pupil):
        return None
    if enrolments is None:
        enrolments = list(
            Enrolment.objects.filter(pupil=pupil, intervention__in=impact_scope(user).values("pk"))
            .select_related("intervention__programme")
            .order_by("-joined_on", "-pk")
        )
    prefetch_related_objects(enrolments, "targets", "measures")
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


class AttendanceCounts(TypedDict):
    """What ``_enrolments_with_attendance`` counts for each enrolment."""

    sessions_possible: int
    sessions_attended: int
    mean_engagement: float | None


if TYPE_CHECKING:
    # An enrolment with its sessions counted.
    CountedEnrolment: TypeAlias = WithAnnotations[Enrolment, AttendanceCounts]


def enrolment_sessions() -> tuple[QuerySet[Session], QuerySet[SessionAttendance]]:
    """Return, for an outer enrolment, the sessions delivered while the pupil held the place
    and the pupil's attendance at them (present or late): the dosage rule of impact and what
    works alike, as subqueries to count."""
    delivered_ = Session.objects.delivered().filter(
        enrolment_window(), intervention=OuterRef("intervention")
    )
    attended = SessionAttendance.objects.filter(
        enrolment_window("session__"),
        delivered("session__"),
        session__intervention=OuterRef("intervention"),
        pupil=OuterRef("pupil"),
        attendance__in=SessionAttendance.ATTENDED,
    )
    return delivered_, attended


def _enrolments_with_attendance(intervention: Intervention) -> QuerySet[CountedEnrolment]:
    """Return the intervention's enrolments with delivered and attended sessions counted."""
    delivered_, attended = enrolment_sessions()
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
            sessions_possible=count_of(delivered_),
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

    delivered_q = delivered()
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
        delivered("session__"),
        session__intervention=ivn,
        attendance__in=SessionAttendance.ATTENDED,
    ).aggregate(mean=Avg("engagement"))["mean"]
    delivered_count = sessions["delivered"]
    minutes = sessions["minutes"] or 0

    # Staff time is what the school pays for: every delivered minute, times everyone in the room.
    staff = 1 + len(assistants)
    rate = programme.cost_per_staff_hour
    staff_cost = (Decimal(minutes) * rate * staff / 60).quantize(PENNY, rounding=ROUND_HALF_UP)
    total_cost = staff_cost + ivn.fixed_costs

    enrolments = list(_enrolments_with_attendance(ivn))
    pupil_ids = {e.pupil_id for e in enrolments}
    # JSON-safe figures, stored as they are (the group's summary reads them back).
    rows: list[dict[str, Any]] = []
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
        for s in Session.objects.delivered()
        .filter(intervention=ivn)
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
            "delivered": delivered_count,
            "delivered_pct": _pct(delivered_count, ivn.planned_sessions),
            "cancelled": sessions["cancelled"],
            "cancelled_by_reason": {
                label: sessions[f"cancelled_{code}"]
                for code, label in Session.CancelReason.choices
                if sessions[f"cancelled_{code}"]
            },
            "minutes": minutes,
            "mean_minutes": round(minutes / delivered_count, 1) if delivered_count else None,
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
