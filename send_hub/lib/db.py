"""Small ORM building blocks: correlated subquery totals that never multiply the outer rows."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, F, Field, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def total_of(
    queryset: QuerySet,
    expression: object,
    function: str = "SUM",
    output_field: Field | None = None,
) -> Coalesce:
    """Return a correlated subquery applying ``function`` to ``expression`` over all of
    ``queryset`` (0 when it matches nothing).

    The aggregate is a plain ``Func``, so Django adds no GROUP BY: the subquery returns one row
    whatever the outer reference matches.
    """
    if isinstance(expression, str):
        expression = F(expression)
    template = "COUNT(DISTINCT %(expressions)s)" if function == "COUNT DISTINCT" else None
    extra = {"template": template} if template else {"function": function}
    totalled = queryset.order_by().annotate(n=Func(expression, **extra)).values("n")
    field = output_field or IntegerField()
    zero = Value(Decimal(0)) if isinstance(field, DecimalField) else Value(0)
    return Coalesce(Subquery(totalled, output_field=field), zero, output_field=field)


def count_of(queryset: QuerySet) -> Coalesce:
    """Return a correlated COUNT(*) subquery over ``queryset`` (0 when it matches nothing)."""
    return total_of(queryset, "pk", "COUNT")
