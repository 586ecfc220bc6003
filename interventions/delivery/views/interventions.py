"""The catalogue, interventions, enrolments and targets."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interventions.delivery import services
from interventions.delivery.forms import (
    EnrolPupilsForm,
    EnrolSearchForm,
    InterventionForm,
    LeaveForm,
    ProgrammeForm,
    SlotFormSet,
    StatusForm,
    TargetsForm,
)
from interventions.delivery.models import (
    Enrolment,
    Intervention,
    Programme,
    Session,
    SessionAttendance,
    delivered,
)
from pupils.models import Pupil, PupilQuerySet
from send_hub.http import SchoolHttpRequest
from staff.models import User
from staff.permissions import can, get_object_for, requires

SESSIONS_SHOWN = 20


def _check_delivers(request: SchoolHttpRequest, intervention: Intervention) -> None:
    """403 unless the signed-in person leads or assists this intervention."""
    if not intervention.is_delivered_by(request.user):
        raise PermissionDenied


def _sees_notes(request: SchoolHttpRequest, intervention: Intervention) -> bool:
    if not can(request.user, "interventions.view_notes", intervention):
        return False
    return can(request.user, "interventions.manage", intervention) or intervention.is_delivered_by(
        request.user
    )


@requires("interventions.view")
@require_GET
def programme_list(request: SchoolHttpRequest) -> HttpResponse:
    """List the school's programmes with how many interventions run each."""
    programmes = Programme.objects.filter(school=request.school).annotate(
        running=Count("interventions", filter=Q(interventions__status=Intervention.Status.RUNNING))
    )
    return render(request, "interventions/delivery/programmes.html", {"programmes": programmes})


@requires("interventions.manage")
@require_http_methods(["GET", "POST"])
def programme_add(request: SchoolHttpRequest) -> HttpResponse:
    """Add a programme to the school's catalogue."""
    return _programme_form(request, Programme(school=request.school))


@requires("interventions.manage")
@require_http_methods(["GET", "POST"])
def programme_edit(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Edit a programme in the catalogue."""
    programme = Programme.objects.filter(school=request.school, pk=pk).first()
    if programme is None:
        raise Http404
    return _programme_form(request, programme)


def _programme_form(request: SchoolHttpRequest, programme: Programme) -> HttpResponse:
    form = ProgrammeForm(request.POST or None, instance=programme, school=request.school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{programme.name} saved.")
        return redirect("interventions:programmes")
    return render(
        request,
        "interventions/delivery/programme_form.html",
        {"form": form, "programme": programme},
    )


@requires("interventions.view")
@require_GET
def intervention_list(request: SchoolHttpRequest) -> HttpResponse:
    """List interventions: all of the school's for the SENDCo, one's own for staff."""
    status = request.GET.get("status") or "current"
    interventions = (
        Intervention.objects.visible_to(request.user)
        .select_related("programme", "lead")
        .annotate(
            pupils=Count("enrolments", filter=Q(enrolments__left_on__isnull=True), distinct=True),
            delivered=Count("sessions", filter=delivered("sessions__"), distinct=True),
        )
        .order_by("name")
    )
    if status == "current":
        interventions = interventions.filter(
            status__in=[Intervention.Status.PLANNED, Intervention.Status.RUNNING]
        )
    elif status in Intervention.Status.values:
        interventions = interventions.filter(status=status)
    context = {
        "interventions": interventions,
        "status": status,
        "statuses": Intervention.Status.choices,
    }
    return render(request, "interventions/delivery/list.html", context)


@requires("interventions.manage")
@require_http_methods(["GET", "POST"])
def intervention_add(request: SchoolHttpRequest) -> HttpResponse:
    """Set up a new group or 1:1."""
    return _intervention_form(request, Intervention(school=request.school))


@requires("interventions.manage")
@require_http_methods(["GET", "POST"])
def intervention_edit(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Change an intervention's staff, schedule or plan."""
    intervention = get_object_for(request, Intervention.objects, pk, "interventions.manage")
    return _intervention_form(request, intervention)


def _intervention_form(request: SchoolHttpRequest, intervention: Intervention) -> HttpResponse:
    initial_slots = [
        {"weekday": s.weekday, "start_time": s.start_time, "minutes": s.minutes, "room": s.room}
        for s in (intervention.slots.all() if intervention.pk else [])
    ]
    form = InterventionForm(request.POST or None, instance=intervention, school=request.school)
    slots = SlotFormSet(request.POST or None, initial=initial_slots, prefix="slots")
    if request.method == "POST" and form.is_valid() and slots.is_valid():
        chosen = [s for s in slots.cleaned_data if s.get("weekday") is not None]
        try:
            saved = services.intervention_save(
                intervention=form.save(commit=False),
                assistants=list(form.cleaned_data["assistants"]),
                slots=chosen,
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("interventions:detail", pk=saved.pk)
    context = {"form": form, "slots": slots, "intervention": intervention}
    return render(request, "interventions/delivery/intervention_form.html", context)


@requires("interventions.view")
@require_GET
def detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show an intervention: pupils, schedule, dosage and the latest sessions."""
    intervention = get_object_for(
        request,
        Intervention.objects.select_related("programme", "lead").prefetch_related(
            # The page names the assistants: their names, not their accounts.
            Prefetch("assistants", queryset=User.objects.only("full_name")),
            "slots",
            Prefetch(
                "enrolments",
                queryset=Enrolment.objects.select_related("pupil").prefetch_related("targets"),
            ),
        ),
        pk,
        "interventions.view",
    )
    sees_notes = _sees_notes(request, intervention)
    totals = intervention.sessions.aggregate(
        delivered=Count("pk", filter=delivered()),
        cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
        logged=Count("pk"),
        minutes=Sum("minutes"),
    )
    # Who logged each session is on the session's own page, not here.
    sessions = intervention.sessions.prefetch_related(
        Prefetch("attendance", queryset=SessionAttendance.objects.select_related("pupil"))
    ).order_by("-date", "-logged_at")[:SESSIONS_SHOWN]
    visible_pupils = set(
        Pupil.objects.visible_to(request.user)
        .filter(pk__in=[e.pupil_id for e in intervention.enrolments.all()])
        .values_list("pk", flat=True)
    )
    may_manage = can(request.user, "interventions.manage", intervention)
    context = {
        "intervention": intervention,
        "totals": totals,
        "sessions": sessions,
        "sessions_total": totals["logged"],
        "sees_notes": sees_notes,
        "visible_pupils": visible_pupils,
        "delivers": intervention.is_delivered_by(request.user),
        "may_manage": may_manage,
        "sees_impact": sees_notes and can(request.user, "interventions.view_impact", intervention),
        "enrol_form": _enrol_form(request, intervention) if may_manage else None,
        "search_form": EnrolSearchForm(),
        # A pupil who has left the school (archived) is a former member, place ended or not.
        "current": [e for e in intervention.enrolments.all() if _current(e)],
        "former": [e for e in intervention.enrolments.all() if not _current(e)],
    }
    return render(request, "interventions/delivery/detail.html", context)


def _current(enrolment: Enrolment) -> bool:
    return enrolment.left_on is None and not enrolment.pupil.is_archived


HISTORY_PAGE_SIZE = 50


@requires("interventions.view")
def session_history(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Every session of an intervention, newest first, a page at a time (its page shows the
    latest few; a year of sessions is here, one click away)."""
    intervention = get_object_for(
        request, Intervention.objects.select_related("programme"), pk, "interventions.view"
    )
    if request.method not in ("GET", "HEAD"):  # after the lookup: refused alike either way
        return HttpResponseNotAllowed(["GET", "HEAD"])
    sessions = (
        intervention.sessions.select_related("logged_by")
        .prefetch_related(
            Prefetch("attendance", queryset=SessionAttendance.objects.select_related("pupil"))
        )
        .order_by("-date", "-logged_at", "-pk")
    )
    page = Paginator(sessions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "intervention": intervention,
        "page": page,
        "sees_notes": _sees_notes(request, intervention),
    }
    return render(request, "interventions/delivery/sessions.html", context)


ENROL_RESULTS = 40


def _enrollable(request: SchoolHttpRequest) -> PupilQuerySet:
    """Pupils on roll here whom the person may see (those already in are reported, not hidden)."""
    return Pupil.objects.visible_to(request.user).on_roll()


def _enrol_form(request: SchoolHttpRequest, intervention: Intervention) -> EnrolPupilsForm | None:
    if intervention.status in (Intervention.Status.COMPLETED, Intervention.Status.STOPPED):
        return None
    return EnrolPupilsForm(pupils=_enrollable(request))


@requires("interventions.manage")
@require_POST
def status_change(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Start, complete or stop an intervention (completing builds its impact report).

    Completing with most planned sessions undelivered asks first, saying how many were logged.
    """
    intervention = get_object_for(request, Intervention.objects, pk, "interventions.manage")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.status_change(
                intervention=intervention,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                confirmed=form.cleaned_data["confirmed"],
                by=request.user,
            )
        except ValidationError as exc:
            if exc.code == "few_sessions_delivered":
                context = {"intervention": intervention, "warning": exc.messages[0]}
                return render(request, "interventions/delivery/complete_confirm.html", context)
            messages.error(request, " ".join(exc.messages))
        else:
            label = Intervention.Status(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"{intervention.name} is now {label}.")
    return redirect("interventions:detail", pk=intervention.pk)


@requires("interventions.manage")
@require_POST
def enrol_search(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Find pupils to tick: visible to the person, on roll, not already in the group.

    A POST keeps pupils' names out of URLs and logs; pupils already ticked stay listed, ticked.
    """
    intervention = get_object_for(request, Intervention.objects, pk, "interventions.manage")
    form = EnrolSearchForm(request.POST)
    pupils = _enrollable(request)
    ticked_ids = [int(v) for v in request.POST.getlist("pupils") if v.isdigit()][:200]
    ticked = list(pupils.filter(pk__in=ticked_ids).order_by("legal_surname", "legal_forename"))
    results, more = None, False
    if form.has_query():
        current = intervention.enrolments.filter(left_on__isnull=True).values("pupil_id")
        found = pupils.exclude(pk__in=current).exclude(pk__in=[p.pk for p in ticked])
        words = form.cleaned_data["q"].split()[:4]
        for word in words:
            found = found.filter(
                Q(legal_forename__icontains=word)
                | Q(legal_surname__icontains=word)
                | Q(preferred_forename__icontains=word)
                | Q(preferred_surname__icontains=word)
                | Q(upn__iexact=word)
            )
        if form.cleaned_data["year"] is not None:
            found = found.filter(nc_year=form.cleaned_data["year"])
        results = list(
            found.order_by("nc_year", "legal_surname", "legal_forename")[: ENROL_RESULTS + 1]
        )
        more = len(results) > ENROL_RESULTS
        results = results[:ENROL_RESULTS]
    context = {
        "intervention": intervention,
        "ticked": ticked,
        "results": results,
        "more": more,
        "limit": ENROL_RESULTS,
    }
    return render(request, "interventions/delivery/detail.html#enrol_results", context)


@requires("interventions.manage")
@require_POST
def enrol(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Add the ticked pupils to the intervention, all joining on one date."""
    intervention = get_object_for(request, Intervention.objects, pk, "interventions.manage")
    form = EnrolPupilsForm(request.POST, pupils=_enrollable(request))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect(reverse("interventions:detail", args=[intervention.pk]) + "#add-pupils")
    try:
        result = services.enrolment_add_many(
            intervention=intervention,
            pupils=list(form.cleaned_data["pupils"]),
            joined_on=form.cleaned_data["joined_on"],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("interventions:detail", args=[intervention.pk]) + "#add-pupils")
    if result.added:
        names = ", ".join(e.pupil.display_name for e in result.added)
        count = len(result.added)
        messages.success(
            request,
            f"{count} pupil{'s' if count != 1 else ''} joined {intervention.name}: {names}.",
        )
    if result.already:
        names = ", ".join(p.display_name for p in result.already)
        messages.info(request, f"Already in {intervention.name}, so not added again: {names}.")
    return redirect("interventions:detail", pk=intervention.pk)


def _enrolment(intervention: Intervention, enrolment_pk: int) -> Enrolment:
    enrolment = intervention.enrolments.select_related("pupil").filter(pk=enrolment_pk).first()
    if enrolment is None:
        raise Http404
    return enrolment


@requires("interventions.manage")
@require_POST
def enrolment_end(request: SchoolHttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """Record that a pupil left the intervention today."""
    intervention = get_object_for(request, Intervention.objects, pk, "interventions.manage")
    enrolment = _enrolment(intervention, enrolment_pk)
    form = LeaveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.enrolment_end(
            enrolment=enrolment, left_on=timezone.localdate(), reason=reason, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{enrolment.pupil} has left {intervention.name}.")
    return redirect("interventions:detail", pk=intervention.pk)


@requires("interventions.log_session")
@require_http_methods(["GET", "POST"])
def targets(request: SchoolHttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """Agree up to three targets with the pupil (the ELSA's targets, or GBO goals)."""
    intervention = get_object_for(request, Intervention.objects, pk, "interventions.log_session")
    if not can(request.user, "interventions.manage", intervention):
        _check_delivers(request, intervention)
    enrolment = _enrolment(intervention, enrolment_pk)
    initial = {f"target_{t.number}": t.text for t in enrolment.targets.all()}
    form = TargetsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        texts = [form.cleaned_data[f"target_{n}"] for n in (1, 2, 3)]
        try:
            services.targets_save(enrolment=enrolment, texts=texts, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Targets saved for {enrolment.pupil.forename}.")
            return redirect("interventions:detail", pk=intervention.pk)
    return render(
        request,
        "interventions/delivery/targets.html",
        {"form": form, "intervention": intervention, "enrolment": enrolment},
    )
