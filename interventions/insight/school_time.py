"""School time: the days a school is open between two dates, and the sessions its timetable
plans in them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    DateField,
    F,
    Func,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractIsoWeekDay, Greatest, Least
from django.db.models.lookups import GreaterThanOrEqual
from django.db.models.sql.compiler import SQLCompiler

from interventions.delivery.models import (
    ScheduleSlot,
)
from send_hub.lib.db import total_of
from staff import terms


def school_time(school_id: int, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Return the parts of ``start``..``end`` that fall inside the school's half terms.

    One query per academic year the window touches (a term or a week: one, rarely two).
    """
    ranges = []
    for year in range(terms.academic_year_of(start), terms.academic_year_of(end) + 1):
        for half in terms.half_terms(school_id, year):
            lo, hi = max(half.start, start), min(half.end, end)
            if lo <= hi:
                ranges.append((lo, hi))
    return ranges


def school_days(ranges: list[tuple[dt.date, dt.date]]) -> int:
    """Return how many days (weekends included) the ranges cover."""
    return sum((hi - lo).days + 1 for lo, hi in ranges)


class DaysBetween(Func):
    """Whole days from the first date to the second, on PostgreSQL and on SQLite (the demo).

    Django has no portable date difference as a number: PostgreSQL subtracts dates to an
    integer, SQLite needs julianday().
    """

    arity = 2
    output_field = IntegerField()

    def _parts(self, compiler: SQLCompiler) -> tuple[str, str, tuple[Any, ...]]:
        (start_sql, start_params), (end_sql, end_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return start_sql, end_sql, (*end_params, *start_params)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        start_sql, end_sql, params = self._parts(compiler)
        return f"(({end_sql}) - ({start_sql}))", params

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        start_sql, end_sql, params = self._parts(compiler)
        return f"CAST(ROUND(julianday({end_sql}) - julianday({start_sql})) AS integer)", params


def weekly_occurrences(
    ranges: list[tuple[dt.date, dt.date]],
    *,
    weekday: str = "weekday",
    start: str = "intervention__start_date",
    end: str = "intervention__completed_on",
) -> Any:
    """Return an expression counting the dates a weekly slot meets within ``ranges``.

    Per range the slot meets on every date with its ``weekday`` (0 = Monday) from the later of
    the range's start and the intervention's ``start`` to the earlier of the range's end and the
    intervention's ``end`` (open when empty). Arithmetic only, so the database does it:
    with ``span`` days between the two ends and ``offset`` days from the first to the slot's
    weekday, the count is ``(span - offset) // 7 + 1`` when ``span >= offset``, else 0.
    """
    total: Any = Value(0)
    for range_start, range_end in ranges:
        lo = Greatest(F(start), Value(range_start), output_field=DateField())
        hi = Least(
            Coalesce(F(end), Value(range_end), output_field=DateField()),
            Value(range_end),
            output_field=DateField(),
        )
        span = DaysBetween(lo, hi)
        first_weekday = Cast(ExtractIsoWeekDay(lo), IntegerField()) - Value(1)
        offset = (F(weekday) - first_weekday + Value(7)) % Value(7)
        total = total + Case(
            When(GreaterThanOrEqual(span, offset), then=(span - offset) / Value(7) + Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return total


def planned_sessions(ranges: list[tuple[dt.date, dt.date]], slots: QuerySet[ScheduleSlot]) -> Any:
    """Return a subquery totalling ``weekly_occurrences`` over ``slots`` (0 when none)."""
    if not ranges:
        return Value(0)
    return total_of(slots, weekly_occurrences(ranges))
