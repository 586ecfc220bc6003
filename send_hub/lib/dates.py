"""How dates read in text: "2 Dec 2026", the same style as the templates' DATE_FORMAT."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import dateformat, timezone


def nice_date(value: dt.date | dt.datetime) -> str:
    """Return a date as people read it on every page: "2 Dec 2026" (a datetime's local day)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, "j M Y")


def nice_datetime(value: dt.datetime) -> str:
    """Return a moment as "14:05 on 2 Dec 2026", in local time."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value:%H:%M} on {nice_date(value)}"


def nice_day(value: dt.date) -> str:
    """Return a day within a year people already know, e.g. "2 Dec" (chart labels)."""
    return dateformat.format(value, "j M")


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by whole months, clamped to the month's last day (29 Feb -> 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
