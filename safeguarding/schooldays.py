"""School days: the clock that safeguarding deadlines run on.

Weekdays only for now. Holidays differ by school and local authority; when they arrive they go
into ``is_school_day`` and every deadline (triage, transfers) follows.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def is_school_day(day: dt.date) -> bool:
    """Return whether ``day`` counts as a school day (Monday to Friday; holidays are ignored)."""
    return day.weekday() < 5


def next_school_day(day: dt.date) -> dt.date:
    """Return ``day`` itself if it is a school day, else the first school day after it."""
    while not is_school_day(day):
        day += dt.timedelta(days=1)
    return day


def add_school_days(day: dt.date, days: int) -> dt.date:
    """Return the date ``days`` school days after ``day`` (the first school day after is day 1)."""
    current = day
    counted = 0
    while counted < days:
        current += dt.timedelta(days=1)
        if is_school_day(current):
            counted += 1
    return current


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
