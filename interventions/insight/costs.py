"""What provision costs: delivered staff time, not timetabled time.

The rule (the same as the impact report's, interventions.outcomes.impact.impact_figures): a
delivered session costs its minutes x the programme's cost per staff hour x the staff in the
room (the lead plus each assistant) / 60. An intervention's fixed costs count once, in the
window it started in.

A pupil's share (the provision map's per-pupil cost, an EHCP's section F evidence): each
delivered session's cost is split equally among the pupils who attended it (present or late). A
session nobody attended costs the intervention but no pupil; fixed costs (resources, licences)
are the intervention's, not any one pupil's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.db.models.sql.compiler import SQLCompiler

from interventions.delivery.models import Intervention, Session, SessionAttendance, delivered
from send_hub.lib.db import count_of, total_of

if TYPE_CHECKING:
    # A development dependency (django-stubs); annotations only.
    from django_stubs_ext import WithAnnotations

MONEY = DecimalField(max_digits=12, decimal_places=2)


class Divide(Func):
    """``numerator / denominator`` as money: exact numeric division on PostgreSQL, and real
    (not whole-number) division on SQLite, the zero-install demo, which stores 15.00 as the
    integer 15 and casts Django's decimal expressions to integers where it can."""

    arity = 2
    arg_joiner = " / "
    template = "(%(expressions)s)"

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        (num_sql, num_params), (den_sql, den_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return f"(CAST({num_sql} AS REAL) / ({den_sql}))", (*num_params, *den_params)


# A pupil's share of one session: kept to six places so that sums round once, at the end.
SHARE = DecimalField(max_digits=16, decimal_places=6)


class DeliveryFigures(TypedDict):
    """What ``with_delivery()`` adds to each intervention (money in pounds)."""

    delivered_sessions: int
    cancelled_sessions: int
    delivered_minutes: int
    staff_count: int
    staff_cost: Decimal
    fixed_cost: Decimal
    total_cost: Decimal


class CostShare(TypedDict):
    """What ``with_cost_share()`` adds to each attendance row."""

    session_attendees: int
    session_staff: int
    cost_share: Decimal


if TYPE_CHECKING:
    Delivered: TypeAlias = WithAnnotations[Intervention, DeliveryFigures]
    SharedAttendance: TypeAlias = WithAnnotations[SessionAttendance, CostShare]


def with_delivery(
    interventions: QuerySet[Intervention], start: dt.date, end: dt.date
) -> QuerySet[Delivered]:
    """Annotate each intervention with what it delivered and cost between ``start`` and ``end``.

    Adds ``delivered_sessions``, ``cancelled_sessions``, ``delivered_minutes``, ``staff_count``,
    ``staff_cost``, ``fixed_cost`` and ``total_cost`` (money as Decimal pounds). Subqueries, not
    joins, so neither attendance nor assistants multiply the rows.
    """
    window = Session.objects.filter(intervention=OuterRef("pk"), date__gte=start, date__lte=end)
    delivered = window.delivered()
    assistants = Intervention.assistants.through.objects.filter(intervention=OuterRef("pk"))
    return (
        interventions.annotate(
            delivered_sessions=count_of(delivered),
            cancelled_sessions=count_of(window.filter(status=Session.Status.CANCELLED)),
            delivered_minutes=total_of(delivered, "minutes"),
            staff_count=Value(1) + count_of(assistants),
        )
        .annotate(
            staff_cost=Divide(
                F("delivered_minutes") * F("programme__cost_per_staff_hour") * F("staff_count"),
                Value(60),
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


def with_cost_share(attendance: QuerySet[SessionAttendance]) -> QuerySet[SharedAttendance]:
    """Keep the pupils who attended delivered sessions and annotate each row's ``cost_share``.

    ``cost_share`` is the session's staff cost (as ``with_delivery`` prices it) divided by the
    number of pupils who attended that session; ``session_attendees`` and ``session_staff`` are
    annotated too. Sum ``cost_share`` over a pupil's rows for what their provision cost.
    """
    attendees = SessionAttendance.objects.filter(
        session=OuterRef("session"), attendance__in=SessionAttendance.ATTENDED
    )
    assistants = Intervention.assistants.through.objects.filter(
        intervention=OuterRef("session__intervention")
    )
    return (
        attendance.filter(delivered("session__"), attendance__in=SessionAttendance.ATTENDED)
        .annotate(
            session_attendees=count_of(attendees),
            session_staff=Value(1) + count_of(assistants),
        )
        .annotate(
            cost_share=Divide(
                F("session__minutes")
                * F("session__intervention__programme__cost_per_staff_hour")
                * F("session_staff"),
                Value(60) * F("session_attendees"),
                output_field=SHARE,
            )
        )
    )
