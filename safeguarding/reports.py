"""Counts for the DSL and for governors. The governors' version names nobody and hides small
numbers, since a count of 1 to 4 in a small school can point to a child."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from pupils.models import NC_YEAR_CHOICES, Provision, SENStatus
from safeguarding.models import (
    Action,
    ActionUpdate,
    Agency,
    Concern,
    ConcernPupil,
    ConcernPupilCategory,
    Decision,
    DecisionChild,
    Involvement,
    Referral,
    ReferralUpdate,
    Status,
)
from staff.models import School

SUPPRESS_BELOW = 5


@dataclass
class Cell:
    label: str
    count: int
    suppressed: bool = False

    @property
    def shown(self) -> str:
        return f"fewer than {SUPPRESS_BELOW}" if self.suppressed else str(self.count)


def suppress(cells: list[Cell]) -> list[Cell]:
    """Hide counts from 1 to 4; if only one is hidden, hide the next smallest too.

    The second rule stops a reader working the hidden number out from a total.
    """
    for cell in cells:
        cell.suppressed = 0 < cell.count < SUPPRESS_BELOW
    hidden = [c for c in cells if c.suppressed]
    if len(hidden) == 1:
        others = sorted(
            (c for c in cells if not c.suppressed and c.count > 0), key=lambda c: c.count
        )
        if others:
            others[0].suppressed = True
    return cells


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Return the last twelve whole months up to today."""
    today = today or timezone.localdate()
    start = dt.date(today.year - 1, today.month, 1)
    return start, today


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)),
    )


def _not_referred(school: School, lo: dt.datetime, hi: dt.datetime) -> int:
    """Count decisions not to refer, one per child; an older decision (no children recorded)
    counts once."""
    decisions = Decision.objects.filter(
        concern__school=school, decided_at__gte=lo, decided_at__lt=hi
    )
    per_child = DecisionChild.objects.filter(decision__in=decisions, not_referred=True).count()
    older = (
        decisions.filter(not_referred=True)
        .exclude(Exists(DecisionChild.objects.filter(decision=OuterRef("pk"))))
        .count()
    )
    return per_child + older


def build(school: School, *, start: dt.date, end: dt.date, governors: bool) -> dict[str, Any]:
    """Return the report's tables for concerns raised between ``start`` and ``end``."""
    lo, hi = _bounds(start, end)
    concerns = Concern.objects.filter(school=school, recorded_at__gte=lo, recorded_at__lt=hi)
    total = concerns.count()
    # Children are counted once per concern they are the subject of.
    subjects = ConcernPupil.objects.filter(
        concern__in=concerns, involvement=Involvement.CONCERN_FOR
    )

    by_category = [
        Cell(r["category__name"], r["n"])
        for r in ConcernPupilCategory.objects.filter(link__concern__in=concerns)
        .values("category__name", "category__position")
        .annotate(n=Count("link__concern", distinct=True))
        .order_by("category__position")
    ]
    by_month = [
        Cell(f"{r['month']:%B %Y}", r["n"])
        for r in concerns.annotate(month=TruncMonth("recorded_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    ]
    # A pupil outside the National Curriculum has no year (None).
    years: dict[int | None, str] = dict(NC_YEAR_CHOICES)
    by_year = [
        Cell(years.get(r["pupil__nc_year"], "Not recorded"), r["n"])
        for r in subjects.values("pupil__nc_year")
        .annotate(n=Count("pk"))
        .order_by("pupil__nc_year")
    ]
    open_sen = SENStatus.objects.filter(pupil=OuterRef("pupil"), end_date__isnull=True)
    provision_labels = dict(Provision.choices)
    by_sen = [
        Cell(f"{provision_labels[r['provision']]} ({r['provision']})", r["n"])
        for r in subjects.annotate(
            provision=Coalesce(Subquery(open_sen.values("provision")[:1]), Value("N"))
        )
        .values("provision")
        .annotate(n=Count("pk"))
        .order_by("provision")
    ]

    all_concerns = Concern.objects.filter(school=school)
    by_status = [
        Cell(Status(r["current_status"]).label, r["n"])
        for r in all_concerns.with_state()
        .values("current_status")
        .annotate(n=Count("pk"))
        .order_by("current_status")
    ]
    open_actions = Action.objects.open().filter(concern__school=school)
    today = timezone.localdate()
    actions = [
        Cell("Open actions", open_actions.count()),
        Cell("of which overdue", open_actions.filter(due_on__lt=today).count()),
    ]
    referrals = Referral.objects.filter(
        concern__school=school, referred_on__gte=start, referred_on__lte=end
    )
    agency_labels = dict(Agency.choices)
    by_agency = [
        Cell(agency_labels[r["agency"]], r["n"])
        for r in referrals.values("agency").annotate(n=Count("pk")).order_by("agency")
    ]
    has_outcome = Exists(ReferralUpdate.objects.filter(referral=OuterRef("pk")))
    outcomes = [
        Cell("Outcome recorded", referrals.filter(has_outcome).count()),
        Cell("Awaiting an outcome", referrals.exclude(has_outcome).count()),
        Cell("Decisions not to refer (one per child)", _not_referred(school, lo, hi)),
    ]
    tables = {
        "by_category": by_category,
        "by_month": by_month,
        "by_year": by_year,
        "by_sen": by_sen,
        "by_status": by_status,
        "actions": actions,
        "by_agency": by_agency,
        "outcomes": outcomes,
    }
    report: dict[str, Any] = {
        "start": start,
        "end": end,
        "total": Cell("Concerns raised", total),
        "governors": governors,
        **tables,
    }
    if governors:
        for cells in tables.values():
            suppress(cells)
        suppress([report["total"]])
        return report
    # The DSL's version lists the open actions and the referrals, with names.
    report["open_action_list"] = (
        open_actions.select_related("owner", "concern")
        .prefetch_related(Prefetch("updates", queryset=ActionUpdate.objects.order_by("at")))
        .order_by("due_on")
    )
    report["referral_list"] = (
        referrals.select_related("pupil", "concern")
        .prefetch_related(
            Prefetch("updates", queryset=ReferralUpdate.objects.order_by("outcome_on"))
        )
        .order_by("-referred_on")
    )
    return report
