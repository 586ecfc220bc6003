"""School days: the clock that safeguarding deadlines run on.

Triage runs on weekdays: a concern raised on the last day of term still needs a DSL's eyes (the
school arranges DSL cover in holidays). A file transfer counts days the school is open, from the
school's own half terms (staff.terms), so a pupil who leaves at the end of the summer term has
their file sent within the first days of the new term, as the statutory guidance expects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from staff import terms


def is_school_day(day: dt.date) -> bool:
    """Return whether ``day`` counts as a school day (Monday to Friday; holidays are ignored)."""
    return day.weekday() < 5


def next_school_day(day: dt.date) -> dt.date:
    """Return ``day`` itself if it is a school day, else the first school day after it."""
    while not is_school_day(day):
        day += dt.timedelta(days=1)
    return day


def add_school_days(day: dt.date, days: int, *, school_id: int | None = None) -> dt.date:
    """Return the date ``days`` school days after ``day`` (the first school day after is day 1).

    With ``school_id``, only weekdays inside that school's half terms count (holidays do not).
    """
    open_on = _term_days(school_id, day) if school_id is not None else None
    current = day
    counted = 0
    while counted < days:
        current += dt.timedelta(days=1)
        if open_on is not None and current.year > day.year + 1:
            open_on = None  # no terms recorded this far ahead: weekdays serve
        if is_school_day(current) and (open_on is None or open_on(current)):
            counted += 1
    return current


def _term_days(school_id: int, start: dt.date) -> Callable[[dt.date], bool]:
    """Return a test for "inside one of the school's half terms", for the year after ``start``."""
    year = terms.academic_year_of(start)
    halves = [*terms.half_terms(school_id, year), *terms.half_terms(school_id, year + 1)]
    return lambda day: any(h.start <= day <= h.end for h in halves)


def school_day_deadline(moment: dt.datetime, days: int = 1) -> dt.datetime:
    """Return the moment ``days`` school days after ``moment``, at the same time of day.

    Something recorded at a weekend starts its clock at midnight on the next school day, so a
    concern raised on Saturday is due for triage by the end of Monday.
    """
    local = timezone.localtime(moment)
    if not is_school_day(local.date()):
        start = next_school_day(local.date())
        local = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    due = add_school_days(local.date(), days)
    return timezone.make_aware(dt.datetime.combine(due, local.time().replace(tzinfo=None)))
