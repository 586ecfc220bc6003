"""Small ORM building blocks: correlated subquery totals that never multiply the outer rows,
and a lock for records the app's database role may not update."""

from __future__ import annotations

import zlib
from decimal import Decimal

from django.db import connection
from django.db.models import (
    DecimalField,
    F,
    Field,
    Func,
    IntegerField,
    Model,
    QuerySet,
    Subquery,
    Value,
)
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


def lock_record(obj: Model) -> None:
    """Hold a lock on one record until the transaction ends, without SELECT ... FOR UPDATE.

    Append-only tables (safeguarding records, the audit trail) grant the app's database role no
    UPDATE privilege, and PostgreSQL asks for it before it takes a row lock; so writers that must
    not interleave on such a record (two DSLs closing one concern) take a transaction-scoped
    advisory lock keyed by table and id instead. SQLite (the demo) serialises writes anyway.
    """
    if connection.vendor != "postgresql":
        return
    table = zlib.crc32(obj._meta.db_table.encode()) - 2**31  # int4 range
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [table, obj.pk % 2**31])
