"""Heavy school reports worked out once and shown again for a few minutes (issue #16).

The provision map, "what works" and the SENDCo's dashboard add up a whole school's sessions,
places, costs, measures and flags, and every leader who opens them in the same few minutes
would otherwise pay for the same sums again. ``worked_out`` keeps a report's result in the cache for
``SEND_HUB_REPORT_CACHE_SECONDS`` (0 turns it off), keyed by the school, the school's date, the
viewer's roles there and whatever else the report depends on (its term and filters). The page
says when its figures were worked out and offers to work them out again (``?refresh=1``), so
nobody mistakes a figure from a few minutes ago for one from now.

Only summaries go through here: the pages people act on (a flag's list of pupils, the
registers, a pupil, the queues) are always worked out fresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from staff.permissions import roles_for

T = TypeVar("T")

REFRESH = "refresh"


@dataclass(frozen=True)
class Worked(Generic[T]):
    """A report's result and when it was worked out."""

    value: T
    at: dt.datetime
    fresh: bool  # worked out for this request (not taken from the cache)


def worked_out(
    request: HttpRequest, name: str, parts: tuple[Hashable, ...], compute: Callable[[], T]
) -> Worked[T]:
    """Return ``compute()``'s result for this school and ``parts``, from the cache when it was
    worked out within the last few minutes and the person did not ask for it afresh."""
    seconds: int = settings.SEND_HUB_REPORT_CACHE_SECONDS
    school_id = getattr(request.user, "current_school_id", None)
    roles = sorted(roles_for(request.user, school_id))
    raw = repr((name, school_id, timezone.localdate().isoformat(), roles, parts))
    key = f"report:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"
    if seconds > 0 and request.GET.get(REFRESH) != "1":
        hit: Worked[T] | None = cache.get(key)
        if hit is not None:
            return Worked(hit.value, hit.at, fresh=False)
    worked = Worked(compute(), timezone.now(), fresh=True)
    if seconds > 0:
        cache.set(key, worked, seconds)
    return worked


def without_refresh(request: HttpRequest) -> str:
    """The request's query string without ``refresh`` (for links that carry the filters)."""
    query = request.GET.copy()
    query.pop(REFRESH, None)
    return query.urlencode()
