"""Logging a session (phone first) and a session's page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from interventions.delivery import services
from interventions.delivery.forms import (
    SessionForm,
)
from interventions.delivery.models import (
    Enrolment,
    EnrolmentTarget,
    Intervention,
    ScheduleSlot,
    Session,
    SessionAttendance,
)
from interventions.delivery.views.interventions import _check_delivers, _sees_notes
from pupils.models import Pupil, not_archived_q
from send_hub.http import SchoolHttpRequest
from staff.permissions import get_object_for, requires

# What the session form shows of the group: its name, whether it is ELSA (a plan and an ending
# session), the programme's usual length, and what says who may log it.
SESSION_FORM_READS = (
    "school_id",
    "name",
    "lead_id",
    "programme__kind",
    "programme__session_minutes",
)


@requires("interventions.log_session")
@require_http_methods(["GET", "POST"])
def session_log(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Log a session on a phone: everyone present by default, one tap per change, one line."""
    interventions = Intervention.objects.select_related("programme")
    if request.method == "GET":  # the form reads a few columns (logging reads the whole group)
        interventions = interventions.only(*SESSION_FORM_READS)
    intervention = get_object_for(request, interventions, pk, "interventions.log_session")
    _check_delivers(request, intervention)
    data = request.POST if request.method == "POST" else request.GET
    slot = _slot(intervention, data.get("slot"))
    day = _day(data.get("date"))
    # The places held on the day, with their targets: the same rule the service checks.
    places = list(
        Enrolment.objects.filter(intervention=intervention)
        .held_on(day)
        .filter(not_archived_q("pupil__"))  # an archived leaver's records are read-only
        .select_related("pupil")
        .only("pupil", *(f"pupil__{name}" for name in Pupil.NAME_FIELDS))  # who, by name
        .prefetch_related("targets")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pk")
    )
    pupils = list({place.pupil_id: place.pupil for place in places}.values())
    default_minutes = slot.minutes if slot else intervention.programme.session_minutes
    form = SessionForm(
        request.POST or None, pupils=pupils, initial={"date": day, "minutes": default_minutes}
    )
    already = (
        Session.objects.filter(intervention=intervention, slot=slot, date=day)
        .select_related("logged_by")
        .first()
        if slot
        else None
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            _session, created = services.session_log(
                intervention=intervention,
                client_key=cd["client_key"],
                date=cd["date"],
                slot=slot,
                status=cd["status"],
                minutes=cd["minutes"] or 0,
                cancel_reason=cd["cancel_reason"],
                plan=cd["plan"],
                evaluation=cd["evaluation"],
                is_ending=cd["is_ending"],
                attendance=cd["attendance"],
                by=request.user,
            )
        except services.KeyAlreadyUsed as exc:
            form.add_error(None, exc)
            form.renew_key()  # so the next tap logs this as the new session it is
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                messages.success(request, f"Session logged for {intervention.name}.")
            else:
                # A resend (double tap, or the answer lost on the way back): say so, add nothing.
                messages.info(request, "This session was already saved; nothing new was added.")
            target = reverse("interventions:detail", args=[intervention.pk])
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    targets: dict[int, list[EnrolmentTarget]] = {}
    for place in places:  # each pupil's targets in their place on the day
        targets.setdefault(place.pupil_id, []).extend(place.targets.all())
    rows = [
        {
            "pupil": p,
            "targets": targets.get(p.pk, []),
            "attendance": form.data.get(f"att-{p.pk}", "PRESENT") if form.is_bound else "PRESENT",
            "engagement": form.data.get(f"eng-{p.pk}", "") if form.is_bound else "",
            "note": form.data.get(f"note-{p.pk}", "") if form.is_bound else "",
        }
        for p in pupils
    ]
    context = {
        "intervention": intervention,
        "form": form,
        "slot": slot,
        "day": day,
        "rows": rows,
        "already": already,
        "attendance_choices": SessionAttendance.Attendance.choices,
        # A timetabled slot's day is fixed; an unscheduled session's date is edited in the form,
        # so its draft is kept per intervention (a per-day key would change under the person).
        "draft_key": (
            f"session-{intervention.pk}-{slot.pk}-{day.isoformat()}"
            if slot
            else f"session-{intervention.pk}-adhoc"
        ),
        # Keys this person's recent logs used: a draft still holding one was saved (perhaps by a
        # plain form post), so the phone drops it instead of offering it again.
        "used_keys": list(
            intervention.sessions.filter(logged_by=request.user)
            .order_by("-logged_at")
            .values_list("client_key", flat=True)[:20]
        ),
    }
    template = (
        "interventions/delivery/session_log.html#log_form"
        if request.htmx
        else "interventions/delivery/session_log.html"
    )
    return render(request, template, context)


def _slot(intervention: Intervention, raw: str | None) -> ScheduleSlot | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    slot = intervention.slots.filter(pk=int(raw)).first()
    if slot is None:
        raise Http404
    return slot


def _day(raw: str | None) -> dt.date:
    today = timezone.localdate()
    if not raw:
        return today
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return today
    return min(day, today)


@requires("interventions.view")
@require_GET
def session_detail(request: SchoolHttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """Show one logged session (its notes only to those who may read them)."""
    intervention = get_object_for(request, Intervention.objects, pk, "interventions.view")
    session = (
        intervention.sessions.select_related("logged_by", "slot")
        .prefetch_related(
            Prefetch("attendance", queryset=SessionAttendance.objects.select_related("pupil"))
        )
        .filter(pk=session_pk)
        .first()
    )
    if session is None:
        raise Http404
    context = {
        "intervention": intervention,
        "session": session,
        "sees_notes": _sees_notes(request, intervention),
    }
    return render(request, "interventions/delivery/session_detail.html", context)
