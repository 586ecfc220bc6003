"""Counting queries for the benchmarks: a helper, not a benchmark (scripts/bench.sh names those)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class QueryCounter:
    """Count the queries run inside ``connection.execute_wrapper(counter)``.

    Only a count, never the SQL: production settings keep no query log, and storing every
    statement (as CaptureQueriesContext does) would weigh on the time being measured.
    """

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        """Count one query and run it."""
        self.count += 1
        return execute(sql, params, many, context)
