"""One pupil: the profile, in sections, and the edits the SENDCo and key adults make on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils import services
from pupils.forms import KeyAdultForm, PassportForm, PupilForm, SENStatusForm
from pupils.models import KeyAdult, Passport, Pupil, SENStatus
from pupils.models.classes import flagged_pupils
from pupils.services.register_figures import kept
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors
from staff.audit import log_action
from staff.permissions import can, get_object_for, requires

# The profile comes in sections, each its own page, so a page reads only what it shows: the
# overview (passport, strategies, needs, key adults) is what staff open most, on a phone.
SECTIONS = (
    ("detail", "Overview"),
    ("support", "Support"),
    ("attendance", "Attendance"),
    ("records", "Records"),
)


def _profile(request: SchoolHttpRequest, pk: int, section: str) -> tuple[Pupil, dict[str, Any]]:
    """Fetch the pupil for someone whose scope includes them and build what every section shows:
    the header, each part by need to know, and the sections this viewer has anything in."""
    pupil = get_object_for(request, Pupil.objects, pk, "pupils.view")
    user = request.user
    sees = {
        "sees_sen": can(user, "pupils.view_sen_record", pupil),
        "sees_access": can(user, "pupils.view_access_arrangements", pupil),
        "sees_contacts": can(user, "pupils.view_contacts", pupil),
        "sees_documents": can(user, "pupils.view_documents", pupil),
        "sees_looked_after": can(user, "pupils.view_looked_after", pupil),
    }
    shown = {
        "detail": True,
        "support": any(
            can(user, capability, pupil)
            for capability in (
                "interventions.view",
                "interventions.plans_view",
                "interventions.connect_view",
                "interventions.checkin_record",
            )
        ),
        "attendance": can(user, "interventions.attendance_view", pupil),
        "records": sees["sees_access"] or sees["sees_contacts"] or sees["sees_documents"],
    }
    # The header shows the current provision; the overview shows the needs, the history, the key
    # adults and the passport too: read together, and kept until the register changes.
    record = kept(pupil.school_id, ("record", pupil.pk), lambda: _register_record(pupil.pk))
    statuses = record.statuses if sees["sees_sen"] else []
    # An archived leaver's page is read-only; the SENDCo may still correct the leaving date.
    archived = pupil.is_archived
    may_edit = can(user, "pupils.edit", pupil)
    return pupil, {
        "pupil": pupil,
        "record": record,
        "section": section,
        "sections": [(name, label) for name, label in SECTIONS if shown[name]],
        "section_shown": shown[section],
        "archived": archived,
        "current_status": next((s for s in statuses if s.end_date is None), None),
        "statuses": statuses,
        **sees,
        "may_edit": may_edit and not archived,
        "may_correct_leaving_date": archived and may_edit,
    }


_KEY_ADULT = [f.name for f in KeyAdult._meta.concrete_fields]
_PASSPORT = [f.name for f in Passport._meta.concrete_fields]


@dataclass(frozen=True)
class RegisterRecord:
    """What a pupil's page shows of their register record, read in one go."""

    statuses: list[SENStatus]  # newest first, each with its needs
    key_adults: list[KeyAdult]  # in the order they started, each with the person's name
    passports: list[Passport]  # newest version first, each with its writer's name
    flagged: bool  # the DSL's neutral "speak to the DSL before contacting home" flag is on


def _register_record(pupil_id: int) -> RegisterRecord:
    # Each person's name, not the rest of their account.
    key_adults = KeyAdult.objects.select_related("staff").only(*_KEY_ADULT, "staff__full_name")
    passports = Passport.objects.select_related("created_by").only(
        *_PASSPORT, "created_by__full_name"
    )
    return RegisterRecord(
        statuses=list(SENStatus.objects.filter(pupil_id=pupil_id).prefetch_related("needs")),
        key_adults=list(key_adults.filter(pupil_id=pupil_id)),
        passports=list(passports.filter(pupil_id=pupil_id)),
        flagged=pupil_id in flagged_pupils({pupil_id}),
    )


@requires("pupils.view")
@require_GET
def detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show one pupil's overview: passport, strategies, needs and key adults."""
    pupil, context = _profile(request, pk, "detail")
    record: RegisterRecord = context["record"]
    versions = record.passports
    context |= {
        "passport": versions[0] if versions else None,
        "passport_versions": versions,
        "current_key_adults": [k for k in record.key_adults if k.end_date is None],
        "past_key_adults": [k for k in record.key_adults if k.end_date is not None],
        "may_edit_passport": can(request.user, "pupils.edit_passport", pupil)
        and not context["archived"],
    }
    return render(request, "pupils/detail.html", context)


@requires("pupils.view")
@require_GET
def support(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show the support a pupil has: interventions, plans and Connect, each to those allowed."""
    _pupil, context = _profile(request, pk, "support")
    return render(request, "pupils/support.html", context)


@requires("pupils.view")
@require_GET
def attendance(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show a pupil's attendance this term and year, to those allowed."""
    _pupil, context = _profile(request, pk, "attendance")
    return render(request, "pupils/attendance.html", context)


@requires("pupils.view")
@require_GET
def records(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show a pupil's exam access arrangements, contacts, agencies and documents by need to know."""
    pupil, context = _profile(request, pk, "records")
    lookups: list[str | Prefetch[Any]] = []
    if context["sees_access"]:
        lookups.append("access_arrangements__approved_by")
    if context["sees_contacts"]:
        lookups += ["contacts", "agencies"]
    if context["sees_documents"]:
        lookups.append("documents__uploaded_by")
    prefetch_related_objects([pupil], *lookups)
    return render(request, "pupils/records.html", context)


@requires("pupils.edit")
@require_http_methods(["GET", "POST"])
def pupil_add(request: SchoolHttpRequest) -> HttpResponse:
    """Add a pupil by hand (most arrive by import)."""
    show_lac = can(request.user, "pupils.view_looked_after")
    form = PupilForm(request.POST or None, school=request.school, show_looked_after=show_lac)
    if request.method == "POST" and form.is_valid():
        pupil = form.save(commit=False)
        pupil.school = request.school
        pupil.save()
        log_action(pupil, "pupils.pupil.created", actor=request.user)
        messages.success(request, f"{pupil.display_name} is on roll.")
        return redirect("pupils:detail", pk=pupil.pk)
    return render(request, "pupils/pupil_form.html", {"form": form, "pupil": None})


@requires("pupils.edit")
@require_http_methods(["GET", "POST"])
def pupil_edit(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Correct the pupil's record; a leaving date keeps them (leavers are never deleted)."""
    pupil = get_object_for(request, Pupil.objects, pk, "pupils.edit")
    show_lac = can(request.user, "pupils.view_looked_after", pupil)
    form = PupilForm(
        request.POST or None, instance=pupil, school=pupil.school, show_looked_after=show_lac
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        log_action(
            pupil, "pupils.pupil.updated", actor=request.user, data={"fields": form.changed_data}
        )
        messages.success(request, "Saved.")
        return redirect("pupils:detail", pk=pupil.pk)
    return render(request, "pupils/pupil_form.html", {"form": form, "pupil": pupil})


@requires("pupils.edit")
@require_http_methods(["GET", "POST"])
def sen_status_change(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record a new SEN provision and needs; the previous status is closed, never overwritten."""
    pupil = get_object_for(request, Pupil.objects, pk, "pupils.edit")
    current = pupil.current_status
    initial = {}
    if current is not None:
        initial = {"provision": current.provision}
        for need in current.needs.all():
            initial["primary_need" if need.rank == 1 else "secondary_need"] = need.need
    form = SENStatusForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.sen_status_record(
                pupil=pupil,
                provision=form.cleaned_data["provision"],
                start_date=form.cleaned_data["start_date"],
                needs=form.needs,
                parents_informed_on=form.cleaned_data["parents_informed_on"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "SEN status recorded.")
            return redirect("pupils:detail", pk=pupil.pk)
    return render(
        request, "pupils/sen_status_form.html", {"form": form, "pupil": pupil, "current": current}
    )


@requires("pupils.edit_passport")
@require_http_methods(["GET", "POST"])
def passport_edit(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Write a new version of the pupil passport (earlier versions stay readable)."""
    pupil = get_object_for(request, Pupil.objects, pk, "pupils.edit_passport")
    latest = pupil.passports.order_by("-version").first()
    if request.method == "POST":
        form = PassportForm(request.POST)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in PassportForm.Meta.fields}
            try:
                services.passport_save(
                    pupil=pupil,
                    base_version=form.cleaned_data["base_version"],
                    by=request.user,
                    **fields,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Passport saved as a new version.")
                return redirect("pupils:detail", pk=pupil.pk)
    else:
        form = PassportForm(
            instance=latest, initial={"base_version": latest.version if latest else None}
        )
    return render(
        request, "pupils/passport_form.html", {"form": form, "pupil": pupil, "latest": latest}
    )


@requires("pupils.view")
@require_GET
def passport_print(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show one passport version on a single A4 page for printing (default: the latest)."""
    pupil = get_object_for(request, Pupil.objects, pk, "pupils.view")
    versions = pupil.passports.select_related("created_by")
    raw = request.GET.get("version", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        versions = versions.filter(version=int(raw))
    passport = versions.order_by("-version").first()
    if passport is None:
        raise Http404
    log_action(
        pupil, "pupils.passport.printed", actor=request.user, data={"version": passport.version}
    )
    return render(request, "pupils/passport_print.html", {"pupil": pupil, "passport": passport})


@requires("pupils.edit")
@require_http_methods(["GET", "POST"])
def key_adult_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Put a member of staff on the pupil's key adults (and so the pupil on their caseload).

    A page of its own, as the pupil's other records are added: the overview, which everyone
    opens, does not carry a form with the school's whole staff in it."""
    pupil = get_object_for(request, Pupil.objects, pk, "pupils.edit")
    form = KeyAdultForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_adult_assign(pupil=pupil, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['staff']} is now a key adult.")
            return redirect(f"{reverse('pupils:detail', args=[pupil.pk])}#adults")
    return render(request, "pupils/key_adult_add.html", {"pupil": pupil, "form": form})


@requires("pupils.edit")
@require_POST
def key_adult_end(request: SchoolHttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """End a key-adult link today."""
    pupil = get_object_for(request, Pupil.objects, pk, "pupils.edit")
    link = pupil.key_adults.filter(pk=link_pk).select_related("staff").first()
    if link is None:
        raise Http404
    try:
        services.key_adult_end(link=link, end_date=timezone.localdate(), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{link.staff} is no longer a key adult for {pupil.forename}.")
    return redirect("pupils:detail", pk=pupil.pk)
