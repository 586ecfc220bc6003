"""The demo's school calendar: roughly the English holidays, so no session falls in them."""

from __future__ import annotations

import datetime as dt

# (month, first day, last day)
HOLIDAYS = [
    (10, 26, 31),
    (12, 19, 31),
    (1, 1, 4),
    (2, 15, 21),
    (4, 1, 14),
    (5, 25, 31),
    (7, 22, 31),
    (8, 1, 31),
    (9, 1, 2),
]


def in_term(day: dt.date) -> bool:
    """Return whether ``day`` falls outside the demo's school holidays."""
    return not any(day.month == m and a <= day.day <= b for m, a, b in HOLIDAYS)


def weekdays_between(start: dt.date, end: dt.date, weekday: int) -> list[dt.date]:
    """Return the school days (term-time weekdays) on ``weekday`` from ``start`` to ``end``."""
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    days = []
    while first <= end:
        if in_term(first) and first.weekday() < 5:
            days.append(first)
        first += dt.timedelta(days=7)
    return days
