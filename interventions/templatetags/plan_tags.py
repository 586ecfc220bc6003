"""Plans and reminders on other apps' pages: the user menu's bell and the pupil page's plans."""

from __future__ import annotations

from typing import Any

from django import template

from interventions.plans import services as plan_services
from interventions.plans.models import SupportPlan
from interventions.reminders.models import Notification
from pupils.models import Pupil
from staff.permissions import can

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_reminders(context: template.Context) -> int | None:
    """Return the signed-in person's unread reminder count (one query), or None without a bell.

    The layout asks once and shows it twice: beside their name, where a phone user sees it
    without opening the menu, and on the menu's Reminders entry.
    """
    user = context["request"].user
    if not can(user, "interventions.notifications"):
        return None
    return Notification.objects.visible_to(user).unread().count()


@register.inclusion_tag("interventions/reminders/bell.html")
def notification_bell(unread: int | None) -> dict[str, Any]:
    """Render the menu's Reminders entry with the count from ``unread_reminders``."""
    return {"show": unread is not None, "unread": unread}


@register.inclusion_tag("interventions/plans/pupil_plans.html", takes_context=True)
def pupil_plans(context: template.Context, pupil: Pupil) -> dict[str, Any]:
    """Render a pupil's open plans and parents' meetings in the last 12 months (of three)."""
    user = context["request"].user
    if not can(user, "interventions.plans_view", pupil):
        return {"show": False}
    plans = (
        SupportPlan.objects.visible_to(user)
        .filter(pupil=pupil)
        .open()
        .select_related("kind")
        .only("school_id", "pupil_id", "kind__name", "status", "next_review_on")
    )
    return {
        "show": True,
        "pupil": pupil,
        "plans": list(plans),
        "parent_meetings": plan_services.parent_meetings(pupil),
        # An archived leaver's records are read-only (records.archive).
        "may_start": can(user, "interventions.plans_manage", pupil) and not pupil.is_archived,
    }
