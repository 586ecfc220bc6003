"""A page of a list and its totals in one query, where Django's Paginator takes two.

The Paginator counts the whole list (``SELECT COUNT(*)``) and then reads the page. A list whose
query is costly to build and to run (the register's joins, the DSL queue's subqueries) pays for
it twice. Here the page's own query also counts the whole list with window aggregates
(``COUNT(*) OVER ()``), so the page and its totals arrive together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Aggregate, QuerySet, Window


def page_number(raw: str | None) -> int | None:
    """The page asked for when it is a plain page number, from 1 (no page: the first); None
    for anything else, which the Paginator's own rules settle."""
    if raw is None:
        return 1
    if raw.isascii() and raw.isdigit() and int(raw) >= 1:
        return int(raw)
    return None


class CountedPaginator(Paginator):
    """A paginator told its count, counted already with the page's other figures."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def page_with_totals(
    queryset: QuerySet[Any, Any], raw: str | None, per_page: int, totals: Mapping[str, Aggregate]
) -> tuple[Page[Any], dict[str, int]] | None:
    """Return the page ``raw`` asks for and ``totals`` over the whole list, in one query.

    ``totals`` are aggregates, e.g. ``{"shown": Count("pk")}``, each worked out over every row
    of ``queryset`` (not only the page's); the first of them counts the list for the paginator,
    so it must count every row. None when ``raw`` is not a plain page number, or is
    past the last page: the caller then takes the Paginator's way (the last page, the first),
    counting separately as it always has.
    """
    number = page_number(raw)
    if number is None:
        return None
    windows = {f"_total_{name}": Window(aggregate) for name, aggregate in totals.items()}
    start = (number - 1) * per_page
    found = list(queryset.annotate(**windows)[start : start + per_page])
    if not found and number != 1:
        return None
    figures = {name: getattr(found[0], f"_total_{name}") if found else 0 for name in totals}
    listed = next(iter(totals))  # the first total: how many rows the list has
    paginator = CountedPaginator(queryset, per_page, count=figures[listed])
    return Page(found, number, paginator), figures
