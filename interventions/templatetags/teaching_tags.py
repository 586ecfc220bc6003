"""Template helpers for teachers: their Today panel, and teachers' input on the review pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context
from django.urls import reverse

from interventions.ehcp.models import AnnualReview
from interventions.plans.models import SupportPlan
from interventions.teaching.models import ReviewInputRequest
from interventions.teaching.services import default_due
from pupils.models import TeachingClass
from staff.permissions import can

register = template.Library()


@register.simple_tag(takes_context=True)
def review_inputs(
    context: Context, plan: SupportPlan | None = None, review: AnnualReview | None = None
) -> dict[str, Any]:
    """Return teachers' answers to a plan review or annual review, who is awaited, and whether
    (and where) the person may ask: ``{% review_inputs plan=plan as inputs %}`` then include
    interventions/teaching/_review_inputs.html."""
    user = context["request"].user
    inputs = (
        ReviewInputRequest.objects.filter(plan=plan)
        if plan is not None
        else ReviewInputRequest.objects.filter(annual_review=review)
    ).select_related("teacher", "teaching_class")
    subject = plan if plan is not None else review.ehcp  # type: ignore[union-attr]
    may_ask = can(user, "interventions.plans_manage", subject)
    if plan is not None:
        ask_url = reverse("interventions:plan_ask_teachers", args=[plan.pk])
        due = default_due(plan.next_review_on)
    else:
        assert review is not None
        ask_url = reverse("interventions:ehcp_review_ask_teachers", args=[review.pk])
        due = default_due(review.meeting_on)
    rows = list(inputs.order_by("answered_at", "pk"))
    return {
        "answered": [r for r in rows if r.answered_at is not None],
        "waiting": [r for r in rows if r.answered_at is None],
        "progress_labels": ReviewInputRequest.Progress.choices,
        "may_ask": may_ask,
        "ask_url": ask_url,
        "default_due": due,
    }


@register.inclusion_tag("interventions/teaching/_today_panel.html", takes_context=True)
def teacher_today(context: Context) -> dict[str, Any]:
    """A teacher's Today panel: their classes and the review input asked of them."""
    user = context["request"].user
    if not can(user, "interventions.my_classes"):
        return {"show": False}
    return {
        "show": True,
        "classes": TeachingClass.objects.visible_to(user).taught_by(user).order_by("code"),
        "waiting": ReviewInputRequest.objects.visible_to(user)
        .waiting()
        .select_related("pupil")
        .order_by("due_on"),
    }
