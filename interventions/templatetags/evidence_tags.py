"""Template filters and tags for the evidence pages: money with thousands separated, and the
pupil page's links to their evidence pack and provision ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from pupils.models import Pupil
from staff.permissions import can

register = template.Library()


@register.filter
def money(value: Decimal | int | None) -> str:
    """Return ``value`` as pounds with separated thousands ("2,359.81"), or a dash."""
    if value is None or value == "":
        return "\u2013"  # an en dash, as the pages show an empty figure
    return f"{Decimal(value):,.2f}"


@register.inclusion_tag("interventions/evidence/pupil_links.html", takes_context=True)
def evidence_links(context: template.Context, pupil: Pupil) -> dict[str, Any]:
    """Render the pupil page's links to their evidence pack and ledger, for leaders only."""
    show = can(context["request"].user, "interventions.view_provision", pupil)
    return {"show": show, "pupil": pupil}
