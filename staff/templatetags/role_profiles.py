"""Filters for showing role profiles: text kept one point per line, dates as documents give them."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import template
from django.utils.dateformat import format as date_format

register = template.Library()

# Bullets pasted from a Word document: keep the words, drop the marks.
_BULLET = re.compile("^\\s*(?:[\u2022\u00b7\u25aa\u25e6\u25cf*\u2013-]|\\d+[.)])\\s+")


@register.filter
def points(text: str | None) -> list[str]:
    """Split text kept one point per line into its points, without pasted bullet marks."""
    if not text:
        return []
    return [_BULLET.sub("", line).strip() for line in text.splitlines() if line.strip()]


@register.filter
def profile_date(profile: Any) -> str:
    """Return the profile date as the document gives it (month and year, or a full date)."""
    day: date | None = getattr(profile, "profile_date", None)
    if day is None:
        return ""
    return date_format(day, "F Y" if profile.profile_date_month_only else "j M Y")


@register.filter
def minutes(value: int | None) -> str:
    """Return minutes as hours and minutes: 95 -> "1 h 35 min"."""
    if value is None:
        return "—"
    hours, mins = divmod(int(value), 60)
    if not hours:
        return f"{mins} min"
    return f"{hours} h {mins:02d} min" if mins else f"{hours} h"
