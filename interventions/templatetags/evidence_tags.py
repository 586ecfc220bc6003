"""Template filters for the evidence pages: money with thousands separated."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value: Decimal | int | None) -> str:
    """Return ``value`` as pounds with separated thousands ("2,359.81"), or a dash."""
    if value is None or value == "":
        return "\u2013"  # an en dash, as the pages show an empty figure
    return f"{Decimal(value):,.2f}"
