"""The termly report's counts, for every school of a term window at once: the SEN register,
provision and its cost, and reviews held on time. Each is counted in the database for every
school in ``windows`` (school id -> the term's first and last day), so the trust view reuses
them side by side. Nothing from safeguarding is read here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear

from interventions.delivery.models import Intervention
from interventions.ehcp.models import EHCP, AnnualReviewStep
from interventions.insight.costs import with_delivery
from interventions.insight.outcomes import (
    SMALL_GROUP,
    Windows,
    bound,
    took_part,
)
from interventions.plans.models import PlanVersion, SupportPlan
from pupils.models import Provision, Pupil, SENNeed, SENStatus

FIGURES_VERSION = 1


SUPPRESSED = "fewer than 5"


WITHHELD = "withheld"  # a figure that would give a count under 5 away


OVERDUE_LISTED = 40  # the leaders' list of overdue reviews stops here (the count does not)


STALE_BUILD = dt.timedelta(minutes=10)  # a build this old has died: a new request may retry


ON_REGISTER = (Provision.SEN_SUPPORT, Provision.EHCP)


DASH = "\u2013"  # an en dash: nothing to show


def hidden(n: int | None) -> bool:
    """Return whether a count would be suppressed for governors (1 to 4)."""
    return n is not None and 0 < n < SMALL_GROUP


def count_cell(n: int, governors: bool) -> dict[str, Any]:
    """Return a count to show: for governors, 1 to 4 becomes "fewer than 5"."""
    if governors and hidden(n):
        return {"n": None, "shown": SUPPRESSED, "suppressed": True}
    return {"n": n, "shown": f"{n:,}", "suppressed": False}


def share_cell(part: int, whole: int, governors: bool) -> dict[str, Any]:
    """Return ``part`` of ``whole`` as a percentage; for governors, none when either is 1-4."""
    if not whole:
        return {"pct": None, "shown": DASH, "suppressed": False}
    if governors and (hidden(part) or hidden(whole)):
        return {"pct": None, "shown": WITHHELD, "suppressed": True}
    pct = round(100 * part / whole, 1)
    return {"pct": pct, "shown": f"{_number(pct)}%", "suppressed": False}


def suppress_partition(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Withhold a second count when only one part of a total is hidden.

    Otherwise a reader takes the shown parts from the total and has the hidden one back. The
    second is marked "withheld", not "fewer than 5": it may well be larger.
    """
    hidden_cells = [c for c in cells if c["suppressed"]]
    if len(hidden_cells) == 1:
        shown = sorted((c for c in cells if not c["suppressed"] and c["n"]), key=lambda c: c["n"])
        if shown:
            shown[0].update(n=None, shown=WITHHELD, suppressed=True)
    return cells


def _number(value: float | int | Decimal | None) -> str:
    if value is None:
        return DASH
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _signed(value: float | None) -> str:
    if value is None:
        return DASH
    return f"+{_number(value)}" if value > 0 else _number(value)


def _pounds(value: Decimal | str | None) -> str:
    return DASH if value is None else f"£{Decimal(value):,.2f}"


def _shifted(windows: Windows, days: int) -> dict[int, tuple[dt.date, dt.date]]:
    """Return windows whose first day moved by ``days`` (e.g. -1: the day before the term)."""
    return {sid: (s + dt.timedelta(days=days), e) for sid, (s, e) in windows.items()}


def _provision_on(day: str, pupil: str = "pk") -> Subquery:
    """The census provision code open on the outer row's ``day`` (NULL: none recorded)."""
    open_then = SENStatus.objects.filter(
        pupil=OuterRef(pupil), start_date__lte=OuterRef(day)
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef(day)))
    return Subquery(open_then.order_by("-start_date").values("provision")[:1])


def _primary_need_on(day: str) -> Subquery:
    open_then = SENNeed.objects.filter(
        status__pupil=OuterRef("pk"), rank=1, status__start_date__lte=OuterRef(day)
    ).filter(Q(status__end_date__isnull=True) | Q(status__end_date__gte=OuterRef(day)))
    return Subquery(open_then.order_by("-status__start_date").values("need")[:1])


def _on_roll(day: str, prefix: str = "") -> Q:
    """Match pupils on roll on the row's ``day``."""
    return (
        Q(**{f"{prefix}admission_date__isnull": True})
        | Q(**{f"{prefix}admission_date__lte": F(day)})
    ) & (Q(**{f"{prefix}leaving_date__isnull": True}) | Q(**{f"{prefix}leaving_date__gte": F(day)}))


def _pupils(windows: Windows) -> QuerySet[Pupil]:
    """The windows' schools' pupils, each with the day before the term and its last day."""
    return Pupil.objects.filter(school_id__in=list(windows)).annotate(
        w_before=bound(_shifted(windows, -1), "school_id", 0),
        w_end=bound(windows, "school_id", 1),
    )


def _per_school(rows: QuerySet[Any], school_field: str = "school_id") -> dict[int, dict[str, Any]]:
    return {r.pop(school_field): r for r in rows}


def register_counts(windows: Windows) -> dict[int, dict[str, Any]]:
    """Count pupils on roll and on the register at the term's end, and who joined or left it.

    Joined: on the register at the end but not the day before the term began; left: the other
    way round (including pupils who left the school). Two queries for any number of pupils.
    """
    pupils = _pupils(windows).annotate(
        at_end=_provision_on("w_end"), before=_provision_on("w_before")
    )
    on_roll_end = _on_roll("w_end")
    on_roll_before = _on_roll("w_before")
    on_register_end = on_roll_end & Q(at_end__in=ON_REGISTER)
    on_register_before = on_roll_before & Q(before__in=ON_REGISTER)
    rows = _per_school(
        pupils.values("school_id")
        .annotate(
            roll=Count("pk", filter=on_roll_end),
            sen_support=Count("pk", filter=on_roll_end & Q(at_end=Provision.SEN_SUPPORT)),
            ehcp=Count("pk", filter=on_roll_end & Q(at_end=Provision.EHCP)),
            joined=Count("pk", filter=on_register_end & _off_register("w_before", "before")),
            left=Count("pk", filter=on_register_before & _off_register("w_end", "at_end")),
        )
        .order_by()
    )
    needs = (
        pupils.filter(on_register_end)
        .annotate(need=_primary_need_on("w_end"))
        .values("school_id", "need")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[int, dict[str, Any]] = {
        sid: {"roll": 0, "sen_support": 0, "ehcp": 0, "joined": 0, "left": 0, "needs": {}}
        for sid in windows
    }
    for sid, row in rows.items():
        result[sid].update(row)
    for counted in needs:
        result[counted["school_id"]]["needs"][counted["need"] or ""] = counted["n"]
    return result


def _off_register(day: str, provision: str) -> Q:
    """Match pupils not on the register on ``day``: off roll, or no K or E open then.

    Written out rather than negated: NOT on a NULL provision would match nothing.
    """
    return (
        Q(admission_date__gt=F(day))
        | Q(leaving_date__lt=F(day))
        | Q(**{f"{provision}__isnull": True})
        | Q(**{provision: Provision.NONE})
    )


def provision_counts(windows: Windows) -> dict[int, dict[str, Any]]:
    """Sum each school's provision in its term, by area of need: groups, pupils, time and cost.

    One query per distinct term window for the delivery (costs.py's rule) and one for pupils.
    """
    result: dict[int, dict[str, Any]] = {sid: {"areas": {}, "pupils": 0} for sid in windows}

    def area_row(sid: int, area: str) -> dict[str, Any]:
        return result[sid]["areas"].setdefault(
            area,
            {
                "groups": 0,
                "pupils": 0,
                "delivered": 0,
                "cancelled": 0,
                "staff_minutes": 0,
                "cost": Decimal(0),
            },
        )

    by_window: dict[tuple[dt.date, dt.date], list[int]] = {}
    for sid, w in windows.items():
        by_window.setdefault(w, []).append(sid)
    for (start, end), school_ids in by_window.items():
        started = Intervention.objects.filter(school_id__in=school_ids, start_date__lte=end)
        rows = (
            with_delivery(started, start, end)
            .filter(Q(delivered_sessions__gt=0) | Q(total_cost__gt=0))
            .values_list(
                "school_id",
                "programme__area",
                "delivered_sessions",
                "cancelled_sessions",
                "delivered_minutes",
                "staff_count",
                "total_cost",
            )
            .order_by()
        )
        for sid, area, delivered, cancelled, minutes, staff, cost in rows:
            row = area_row(sid, area)
            row["groups"] += 1 if delivered else 0
            row["delivered"] += delivered
            row["cancelled"] += cancelled
            row["staff_minutes"] += minutes * staff
            row["cost"] += Decimal(cost)

    enrolled = took_part(windows)
    for by_area in (
        enrolled.values("intervention__school_id", "intervention__programme__area")
        .annotate(n=Count("pupil_id", distinct=True))
        .order_by()
    ):
        sid, area = by_area["intervention__school_id"], by_area["intervention__programme__area"]
        area_row(sid, area)["pupils"] = by_area["n"]
    for by_school in (
        enrolled.values("intervention__school_id")
        .annotate(n=Count("pupil_id", distinct=True))
        .order_by()
    ):
        result[by_school["intervention__school_id"]]["pupils"] = by_school["n"]
    for school in result.values():
        school["groups"] = sum(a["groups"] for a in school["areas"].values())
        school["delivered"] = sum(a["delivered"] for a in school["areas"].values())
        school["staff_minutes"] = sum(a["staff_minutes"] for a in school["areas"].values())
        school["cost"] = sum((a["cost"] for a in school["areas"].values()), Decimal(0))
    return result


def _date_key(field: str) -> Any:
    """A date as the number YYYYMMDD, so "within 12 months" compares on any database."""
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def review_counts(windows: Windows, *, today: dt.date) -> dict[int, dict[str, Any]]:
    """Count support-plan reviews and EHCP annual review meetings held in the term, and how
    many were on time; and, for a term running today, the reviews overdue now.

    A plan review is on time when held by the date the plan set for it (kept in the version the
    review agreed, plan_services.plan_review_complete). An annual review meeting is on time
    within 12 months of the last meeting, or of the plan's issue for the first (ehcp_clock).
    """
    ids = list(windows)
    result = {
        sid: {
            "plans_held": 0,
            "plans_on_time": 0,
            "ehcp_held": 0,
            "ehcp_on_time": 0,
            "plans_overdue": None,
            "ehcp_overdue": None,
        }
        for sid in ids
    }
    plan_reviews = (
        PlanVersion.objects.filter(plan__school_id__in=ids, snapshot__has_key="review")
        .annotate(
            w_start=bound(windows, "plan__school_id", 0),
            w_end=bound(windows, "plan__school_id", 1),
            # As plain text (ISO dates compare as text): a JSON key's own lookups differ by
            # database.
            held_text=Cast(KT("snapshot__review__held_on"), CharField()),
            due_text=Cast(KT("snapshot__next_review_on"), CharField()),
        )
        .filter(agreed_on__gte=F("w_start"), agreed_on__lte=F("w_end"))
        .values("plan__school_id")
        .annotate(
            plans_held=Count("pk"),
            plans_on_time=Count(
                "pk", filter=Q(due_text__isnull=True) | Q(due_text__gte=F("held_text"))
            ),
        )
        .order_by()
    )
    for sid, row in _per_school(plan_reviews, "plan__school_id").items():
        result[sid].update(row)

    last_meeting = AnnualReviewStep.objects.filter(
        step=AnnualReviewStep.Step.MEETING,
        review__ehcp=OuterRef("review__ehcp"),
        done_on__lt=OuterRef("done_on"),
    ).order_by("-done_on")
    meetings = (
        AnnualReviewStep.objects.filter(
            step=AnnualReviewStep.Step.MEETING, review__ehcp__school_id__in=ids
        )
        .annotate(
            w_start=bound(windows, "review__ehcp__school_id", 0),
            w_end=bound(windows, "review__ehcp__school_id", 1),
        )
        .filter(done_on__gte=F("w_start"), done_on__lte=F("w_end"))
        .annotate(
            since=Coalesce(Subquery(last_meeting.values("done_on")[:1]), "review__ehcp__issued_on")
        )
        .annotate(
            held_key=_date_key("done_on"),
            due_key=_date_key("since") + 10000,  # the same day a year on (29 Feb: 28 Feb)
        )
        .values("review__ehcp__school_id")
        .annotate(
            ehcp_held=Count("pk"),
            ehcp_on_time=Count("pk", filter=Q(held_key__lte=F("due_key"))),
        )
        .order_by()
    )
    for sid, row in _per_school(meetings, "review__ehcp__school_id").items():
        result[sid].update(row)

    running = [sid for sid, (start, end) in windows.items() if start <= today <= end]
    if running:
        for sid in running:
            result[sid]["plans_overdue"] = 0
            result[sid]["ehcp_overdue"] = 0
        for plans in (
            _overdue_plans(running, today).values("school_id").annotate(n=Count("pk")).order_by()
        ):
            result[plans["school_id"]]["plans_overdue"] = plans["n"]
        for ehcps in (
            _overdue_ehcps(running, today).values("school_id").annotate(n=Count("pk")).order_by()
        ):
            result[ehcps["school_id"]]["ehcp_overdue"] = ehcps["n"]
    return result


def _overdue_plans(school_ids: list[int], today: dt.date) -> QuerySet[SupportPlan]:
    return SupportPlan.objects.open().filter(
        school_id__in=school_ids, next_review_on__lt=today, pupil__leaving_date__isnull=True
    )


def _overdue_ehcps(school_ids: list[int], today: dt.date) -> QuerySet[EHCP]:
    return EHCP.objects.live().filter(
        school_id__in=school_ids,
        next_review_due__lt=today,
        pupil__leaving_date__isnull=True,
    )


def overdue_list(school_id: int, today: dt.date) -> list[dict[str, str]]:
    """Return the reviews overdue today, named, for the leaders' version only (capped)."""
    plans = (
        _overdue_plans([school_id], today)
        .order_by("next_review_on", "pk")
        .values(
            "pupil__preferred_forename",
            "pupil__legal_forename",
            "pupil__legal_surname",
            "pupil__preferred_surname",
            "kind__name",
            "next_review_on",
        )[:OVERDUE_LISTED]
    )
    ehcps = (
        _overdue_ehcps([school_id], today)
        .order_by("next_review_due", "pk")
        .values(
            "pupil__preferred_forename",
            "pupil__legal_forename",
            "pupil__legal_surname",
            "pupil__preferred_surname",
            "next_review_due",
        )[:OVERDUE_LISTED]
    )

    def name(row: Mapping[str, Any]) -> str:
        forename = row["pupil__preferred_forename"] or row["pupil__legal_forename"]
        surname = row["pupil__preferred_surname"] or row["pupil__legal_surname"]
        return f"{forename} {surname}"

    rows = [
        {"pupil": name(r), "what": r["kind__name"], "due": r["next_review_on"].isoformat()}
        for r in plans
        if r["next_review_on"] is not None  # always: an overdue plan has a review date
    ] + [
        {"pupil": name(r), "what": "EHCP annual review", "due": r["next_review_due"].isoformat()}
        for r in ehcps
    ]
    return sorted(rows, key=lambda r: (r["due"], r["pupil"]))[:OVERDUE_LISTED]
