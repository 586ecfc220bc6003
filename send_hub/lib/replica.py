"""Heavy read-only reports may read from a streaming replica (send_hub.db_router).

A report view is marked with ``@reads_from_replica``; while it runs, the router sends its reads
to the ``replica`` database when one is configured (DATABASE_REPLICA_URL) and to the primary
otherwise. Writes always go to the primary, also inside a report (an audit event, say). A
replica may lag the primary by a moment, so only pages that never read back what the same
request wrote, and for which a figure a second old is as good, are marked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("send_hub_reading_replica", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_wanted() -> bool:
    """Return whether the code running now asked for its reads to come from the replica."""
    return _reading_replica.get()


@contextmanager
def replica_reads() -> Iterator[None]:
    """Send the reads inside this block to the replica, when one is configured."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """Mark a read-only report (a view or a task's figures) to read from the replica."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped
