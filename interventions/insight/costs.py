"""What provision costs: delivered staff time, not timetabled time.

The rule (the same as the impact report's, interventions.impact.impact_figures): a delivered
session costs its minutes x the programme's cost per staff hour x the staff in the room (the lead
plus each assistant) / 60. An intervention's fixed costs count once, in the window it started in.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from interventions.models import Intervention, Session

MONEY = DecimalField(max_digits=12, decimal_places=2)


def _subquery_total(queryset: QuerySet, field: str, expression: object) -> Coalesce:
    """Return a correlated subquery summing ``expression`` per outer intervention (0 if none)."""
    total = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(total=expression)
        .values("total")
    )
    return Coalesce(Subquery(total), Value(0), output_field=IntegerField())


def with_delivery(
    interventions: QuerySet[Intervention], start: dt.date, end: dt.date
) -> QuerySet[Intervention]:
    """Annotate each intervention with what it delivered and cost between ``start`` and ``end``.

    Adds ``delivered_sessions``, ``cancelled_sessions``, ``delivered_minutes``, ``staff_count``,
    ``staff_cost``, ``fixed_cost`` and ``total_cost`` (money as Decimal pounds). Subqueries, not
    joins, so neither attendance nor assistants multiply the rows.
    """
    window = Session.objects.filter(date__gte=start, date__lte=end)
    delivered = window.filter(status=Session.Status.DELIVERED)
    assistants = Intervention.assistants.through.objects.all()
    return (
        interventions.annotate(
            delivered_sessions=_subquery_total(delivered, "intervention", Count("pk")),
            cancelled_sessions=_subquery_total(
                window.filter(status=Session.Status.CANCELLED), "intervention", Count("pk")
            ),
            delivered_minutes=_subquery_total(delivered, "intervention", Sum("minutes")),
            staff_count=Value(1) + _subquery_total(assistants, "intervention", Count("pk")),
        )
        .annotate(
            staff_cost=ExpressionWrapper(
                F("delivered_minutes")
                * F("programme__cost_per_staff_hour")
                * F("staff_count")
                / Value(Decimal(60)),
                output_field=MONEY,
            ),
            fixed_cost=Case(
                When(start_date__gte=start, start_date__lte=end, then=F("fixed_costs")),
                default=Value(Decimal(0)),
                output_field=MONEY,
            ),
        )
        .annotate(
            total_cost=ExpressionWrapper(F("staff_cost") + F("fixed_cost"), output_field=MONEY)
        )
    )
