"""``{% pupil_measure_trends pupil [enrolments] as trends %}``: a pupil's outcome measures on
their page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template

from interventions.outcomes.impact import pupil_measure_trends as trends_for
from pupils.models import Pupil

register = template.Library()


@register.simple_tag(takes_context=True)
def pupil_measure_trends(
    context: template.Context, pupil: Pupil, enrolments: Any = None
) -> list[dict[str, Any]] | None:
    """Return the pupil's measures per enrolment the viewer may see (None: show nothing).

    ``enrolments``: the ones in the viewer's impact scope when the page has them already (the
    pupil page's interventions section); otherwise (absent, so "") they are looked up.
    """
    request = context.get("request")
    if request is None:
        return None
    return trends_for(pupil, request.user, enrolments if isinstance(enrolments, list) else None)


@register.filter
def isodate(value: str | None) -> dt.date | None:
    """Turn a stored ISO date ("2026-03-02") back into a date for the ``date`` filter."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@register.filter
def pounds(value: str | Decimal | None) -> str:
    """Format money as £1,234.50 ("" when there is none)."""
    if value in (None, ""):
        return ""
    try:
        return f"£{Decimal(value):,.2f}"
    except (ArithmeticError, ValueError):
        return ""


@register.filter
def number(value: float | str | None) -> str:
    """Show a figure without a needless ".0" (84.0 -> 84, 3.25 -> 3.25); a dash for none."""
    # A missing figure arrives as None, or as "" from a template variable that is not there.
    if value in (None, ""):
        return "\u2013"  # an en dash
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{float(value):,.2f}".rstrip("0").rstrip(".")


@register.filter
def signed(value: float | str | None) -> str:
    """Show a change with its sign: +5, -1.5, 0."""
    if value in (None, ""):
        return "\u2013"
    change = float(value)
    shown = number(abs(change))
    return f"+{shown}" if change > 0 else f"-{shown}" if change < 0 else "0"
