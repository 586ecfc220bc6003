"""Interventions on other apps' pages: Today's sessions, and the pupil page's section."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Exists, OuterRef
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
    # Whoever may log sessions sees every intervention they deliver in their school, so this is
    # visible_to(user).delivered_by(user) without a second EXISTS for the database to plan.
    mine = (
        Intervention.objects.filter(school_id=user.current_school_id)
        .delivered_by(user)
        .filter(
            status__in=[Intervention.Status.PLANNED, Intervention.Status.RUNNING],
            start_date__lte=today,
        )
    )
    # The person's interventions once, then today's slots among them (no subquery to build).
    others = list(mine.only("pk", "name").order_by("name"))
    by_id = {i.pk: i for i in others}
    slots = list(
        ScheduleSlot.objects.filter(intervention_id__in=by_id, weekday=today.weekday())
        .only("pk", "intervention_id", "start_time", "room")
        .annotate(logged=Exists(Session.objects.filter(slot=OuterRef("pk"), date=today)))
        .order_by("start_time", "pk")
    )
    for slot in slots:
        slot.intervention = by_id[slot.intervention_id]
    return {
        "today": today,
        "slots": [{"slot": s, "logged": s.logged} for s in slots],
        "interventions": others,
    }


@register.simple_tag(takes_context=True)
def pupil_interventions(context: template.Context, pupil: Pupil) -> dict[str, Any] | None:
    """Return the pupil's interventions the viewer may see, with notes only where allowed, and
    those whose measures they may see (``impact``, for ``{% pupil_measure_trends %}``)."""
    user = context["request"].user
    if not can(user, "interventions.view", pupil):
        return None
    visible = Intervention.objects.visible_to(user)
    # What the section shows of each, and what deciding who may read the notes needs: the
    # columns, not whole rows of the intervention, its programme and its lead's account.
    enrolments = list(
        Enrolment.objects.filter(pupil=pupil, intervention__in=visible)
        .select_related("intervention__programme", "intervention__lead")
        .only(
            "pupil_id",
            "intervention_id",
            "joined_on",
            "left_on",
            "intervention__school_id",
            "intervention__name",
            "intervention__programme__numeric_measure_label",
            "intervention__lead__full_name",
        )
        .order_by("-joined_on", "-pk")
    )
    if not enrolments:
        return {"current": [], "past": [], "notes": [], "impact": []}
    # Notes and measures are for the SENDCo and the people who deliver the intervention
    # (outcomes.impact.impact_scope): who delivers which, in one query.
    manages = can(user, "interventions.manage")
    delivers = set()
    if not manages:
        delivers = set(
            Intervention.objects.filter(pk__in={e.intervention_id for e in enrolments})
            .delivered_by(user)
            .values_list("pk", flat=True)
        )
    in_scope = [e for e in enrolments if manages or e.intervention_id in delivers]
    may_read = [
        e.intervention_id
        for e in enrolments
        if can(user, "interventions.view_notes", e.intervention)
        and (can(user, "interventions.manage", e.intervention) or e.intervention_id in delivers)
    ]
    notes = list(
        SessionAttendance.objects.filter(pupil=pupil, session__intervention_id__in=may_read)
        .exclude(note="")
        .select_related("session__intervention")
        .only("note", "session__date", "session__intervention__name")
        .order_by("-session__date")[:5]
    )
    return {
        "current": [e for e in enrolments if e.left_on is None],
        "past": [e for e in enrolments if e.left_on is not None],
        "notes": notes,
        "impact": in_scope,
    }
