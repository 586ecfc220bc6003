"""Plans and reminders on other apps' pages: the user menu's bell, and the pupil page's plans
and the targets on its overview."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import F
from django.utils import timezone

from interventions.delivery.models import EnrolmentTarget
from interventions.outcomes.impact import in_impact_scope
from interventions.plans import services as plan_services
from interventions.plans.models import PlanTarget, SupportPlan
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


@register.inclusion_tag("interventions/plans/pupil_targets.html", takes_context=True)
def pupil_targets(context: template.Context, pupil: Pupil) -> dict[str, Any]:
    """Render what the pupil is working towards now, for the overview: the open targets of their
    agreed plans (this cycle's, not yet scored), and the goals of the interventions they are in
    that the viewer delivers or manages (the goals are part of the intervention's measures).

    ``pupil`` is the one whose page this is, found in the viewer's scope (``get_object_for``),
    so their plans are the viewer's to see with the capability: ``SupportPlan.visible_to``
    would only ask again whether this pupil is.
    """
    user = context["request"].user
    plan_targets: list[tuple[Any, ...]] = []
    goals: list[tuple[Any, ...]] = []
    sees_plans = can(user, "interventions.plans_view", pupil)
    if sees_plans:
        plan_targets = list(
            PlanTarget.objects.filter(
                plan__pupil=pupil,
                plan__status__in=[SupportPlan.Status.ACTIVE, SupportPlan.Status.UNDER_REVIEW],
                cycle=F("plan__cycle"),
                outcome="",
            )
            .order_by("plan__kind__name", "plan_id", "pk")
            .values_list("plan_id", "plan__kind__name", "wording", "due_on")
        )
    if can(user, "interventions.view_impact", pupil):
        # The pupil's current goals with each intervention's lead, in a plain join (most pupils
        # have none, or a few), then which of those interventions are the viewer's.
        rows = list(
            EnrolmentTarget.objects.filter(enrolment__pupil=pupil, enrolment__left_on__isnull=True)
            .order_by("enrolment__intervention__name", "enrolment_id", "number")
            .values_list(
                "enrolment__intervention_id",
                "enrolment__intervention__name",
                "text",
                "enrolment__intervention__lead_id",
            )
        )
        theirs = in_impact_scope(user, {row[0]: row[3] for row in rows})
        goals = [row[:3] for row in rows if row[0] in theirs]
    today = timezone.localdate()
    return {
        "show": sees_plans or bool(goals),
        "plan_targets": [
            # Past its date and not yet scored (a target carried into a new cycle keeps its
            # date): marked, so nobody reads an old date as the next one.
            {
                "plan": plan,
                "kind": kind,
                "wording": wording,
                "due_on": due_on,
                "overdue": due_on is not None and due_on < today,
            }
            for plan, kind, wording, due_on in plan_targets
        ],
        "goals": [
            {"intervention": intervention, "name": name, "text": text}
            for intervention, name, text in goals
        ],
    }
