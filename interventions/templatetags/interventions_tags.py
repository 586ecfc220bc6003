"""Interventions on other apps' pages: Today's sessions, and the pupil page's section."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from interventions.delivery.models import (
    Enrolment,
    Intervention,
    ScheduleSlot,
    Session,
    SessionAttendance,
)
from pupils.models import Pupil
from staff.permissions import can

register = template.Library()


@register.simple_tag(takes_context=True)
def todays_sessions(context: template.Context) -> dict[str, Any] | None:
    """Return today's scheduled sessions for the signed-in person, and which are logged."""
    request = context["request"]
    user = request.user
    if not can(user, "interventions.log_session"):
        return None
    today = timezone.localdate()
    mine = (
        Intervention.objects.visible_to(user)
        .delivered_by(user)
        .filter(
            status__in=[Intervention.Status.PLANNED, Intervention.Status.RUNNING],
            start_date__lte=today,
        )
    )
    slots = list(
        ScheduleSlot.objects.filter(intervention__in=mine, weekday=today.weekday())
        .select_related("intervention__programme")
        .order_by("start_time")
    )
    logged = set(
        Session.objects.filter(slot__in=slots, date=today).values_list("slot_id", flat=True)
    )
    others = list(mine.select_related("programme").order_by("name"))
    return {
        "today": today,
        "slots": [{"slot": s, "logged": s.pk in logged} for s in slots],
        "interventions": others,
    }


@register.simple_tag(takes_context=True)
def pupil_interventions(context: template.Context, pupil: Pupil) -> dict[str, Any] | None:
    """Return the pupil's interventions the viewer may see, with notes only where allowed."""
    user = context["request"].user
    if not can(user, "interventions.view", pupil):
        return None
    visible = Intervention.objects.visible_to(user)
    enrolments = list(
        Enrolment.objects.filter(pupil=pupil, intervention__in=visible)
        .select_related("intervention__programme", "intervention__lead")
        .order_by("-joined_on")
    )
    if not enrolments:
        return {"current": [], "past": [], "notes": []}
    may_read = [
        e.intervention_id
        for e in enrolments
        if can(user, "interventions.view_notes", e.intervention)
        and (
            can(user, "interventions.manage", e.intervention)
            or e.intervention.is_delivered_by(user)
        )
    ]
    notes = list(
        SessionAttendance.objects.filter(pupil=pupil, session__intervention_id__in=may_read)
        .exclude(note="")
        .select_related("session__intervention")
        .order_by("-session__date")[:5]
    )
    return {
        "current": [e for e in enrolments if e.left_on is None],
        "past": [e for e in enrolments if e.left_on is not None],
        "notes": notes,
    }
