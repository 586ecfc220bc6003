"""Plans and reminders on other apps' pages: the user menu's bell and the pupil page's plans."""

from __future__ import annotations

from typing import Any

from django import template

from interventions import plan_services
from interventions.models import Notification, SupportPlan
from staff.permissions import can

register = template.Library()


@register.inclusion_tag("interventions/plans/bell.html", takes_context=True)
def notification_bell(context: template.Context) -> dict[str, Any]:
    """Render the bell with the signed-in person's unread count (one query)."""
    user = context["request"].user
    if not can(user, "interventions.notifications"):
        return {"show": False}
    unread = Notification.objects.visible_to(user).unread().count()
    return {"show": True, "unread": unread}


@register.inclusion_tag("interventions/plans/pupil_plans.html", takes_context=True)
def pupil_plans(context: template.Context, pupil: Any) -> dict[str, Any]:
    """Render a pupil's open plans and parents' meetings in the last 12 months (of three)."""
    user = context["request"].user
    if not can(user, "interventions.plans_view", pupil):
        return {"show": False}
    plans = (
        SupportPlan.objects.visible_to(user)
        .filter(pupil=pupil)
        .open()
        .select_related("kind", "owner")
    )
    return {
        "show": True,
        "pupil": pupil,
        "plans": list(plans),
        "parent_meetings": plan_services.parent_meetings(pupil),
        "may_start": can(user, "interventions.plans_manage", pupil),
    }
