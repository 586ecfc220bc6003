"""Template helpers for Connect: zone badges, the Today flag and the pupil page panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.template import Context
from django.utils import timezone

from interventions.connect.models import CheckIn, CheckInPupil, Placement, ReintegrationStage
from interventions.connect.services import low_checkin_flags
from pupils.models import Pupil
from staff.permissions import can

register = template.Library()

ZONE_CLASSES = {
    "BLUE": "text-bg-primary",
    "GREEN": "text-bg-success",
    "YELLOW": "text-bg-warning",
    "RED": "text-bg-danger",
}
STAGE_CLASSES = {"done": "text-bg-success", "current": "text-bg-primary", "next": "text-bg-light"}


@register.filter
def zone_class(zone: str) -> str:
    """Return the badge class for a zone of regulation (the zone's name is always shown too)."""
    return ZONE_CLASSES.get(zone or "", "text-bg-secondary")


@register.simple_tag
def stage_state(stage: ReintegrationStage, placement: Placement) -> str:
    """Return "done", "current" or "next" for a stage of ``placement``."""
    if stage.number < placement.current_stage:
        return "done"
    return "current" if stage.number == placement.current_stage else "next"


@register.filter
def stage_class(state: str) -> str:
    return STAGE_CLASSES.get(state, "text-bg-light")


@register.inclusion_tag("interventions/connect/today_flags.html", takes_context=True)
def connect_today_flags(context: Context) -> dict[str, Any]:
    """Flag pupils whose last three check-ins were low to their key adult (on Today)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can(user, "interventions.checkin_record"):
        return {"flags": []}
    return {"flags": low_checkin_flags(user)}


@register.inclusion_tag("interventions/connect/pupil_panel.html", takes_context=True)
def pupil_connect_panel(context: Context, pupil: Pupil) -> dict[str, Any]:
    """Show a pupil's check-in trend and Connect placement to those allowed to see them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    out: dict[str, Any] = {"pupil": pupil, "checkins": [], "placement": None}
    if user is None:
        return out
    since = timezone.localdate() - dt.timedelta(days=27)
    if (
        can(user, "interventions.checkin_record", pupil)
        and CheckInPupil.objects.visible_to(user).filter(pupil=pupil).exists()
    ):
        out["checkins"] = list(
            CheckIn.objects.filter(pupil=pupil, date__gte=since).order_by("date")
        )
    if can(user, "interventions.connect_view", pupil):
        out["placement"] = (
            Placement.objects.visible_to(user)
            .current()
            .filter(pupil=pupil)
            .select_related("room")
            .only("school_id", "pupil_id", "room__name", "status", "current_stage")
            .first()
        )
    out["may_monitor"] = can(user, "interventions.behaviour_monitor", pupil)
    return out
