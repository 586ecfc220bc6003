"""A pupil's records: exam access arrangements, contacts, agencies and documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from pupils.forms.records import (
    AccessArrangementForm,
    AccessRegisterFilterForm,
    AgencyForm,
    ContactForm,
    DocumentForm,
)
from pupils.models import AccessArrangement, Pupil
from pupils.services import records
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors
from send_hub.lib.uploads import download_response, max_upload_mb, open_stored
from staff.audit import log_action
from staff.permissions import get_object_for, requires

# A pupil id no pupil has, to read the profile URL's shape once per page rather than per row.
_PK_MARK = 9_876_543_210

# Every view below is gated on "pupils.view" first, so people with no pupil access at all (an HR
# admin) get 403, and then fetches the pupil with the specific capability: 404 outside the
# person's school or caseload, 403 inside it without that capability.


def _back_to(pupil: Pupil, section: str) -> str:
    return f"{reverse('pupils:records', args=[pupil.pk])}#{section}"


def _add_record(
    request: SchoolHttpRequest,
    pk: int,
    *,
    form_class: type[forms.BaseForm],
    service: Callable[..., Any],
    template: str,
    section: str,
    saved: Callable[[Any, Pupil], str],
) -> HttpResponse:
    """Show and handle one of the pupil's simple "add a record" forms."""
    pupil = get_object_for(request, Pupil.objects, pk, "pupils.edit")
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            record = service(pupil=pupil, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, saved(record, pupil))
            return redirect(_back_to(pupil, section))
    return render(request, template, {"pupil": pupil, "form": form})


@requires("pupils.view")
@require_http_methods(["GET", "POST"])
def access_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Add a JCQ exam access arrangement, approving it if the SENDCo ticks the box."""
    return _add_record(
        request,
        pk,
        form_class=AccessArrangementForm,
        service=records.access_arrangement_add,
        template="pupils/access_add.html",
        section="access",
        saved=lambda record, pupil: f"{record} saved for {pupil}.",
    )


@requires("pupils.view")
@require_http_methods(["GET", "POST"])
def contact_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Add a parent, carer or other contact."""
    return _add_record(
        request,
        pk,
        form_class=ContactForm,
        service=records.contact_add,
        template="pupils/contact_add.html",
        section="contacts",
        saved=lambda record, pupil: f"{record.name} added to {pupil}'s contacts.",
    )


@requires("pupils.view")
@require_http_methods(["GET", "POST"])
def agency_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record an external agency working with the pupil."""
    return _add_record(
        request,
        pk,
        form_class=AgencyForm,
        service=records.agency_add,
        template="pupils/agency_add.html",
        section="agencies",
        saved=lambda record, pupil: f"{record} added to {pupil}'s agencies.",
    )


@requires("pupils.view")
@require_http_methods(["GET", "POST"])
def document_upload(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Upload a report (PDF, PNG or JPEG) to the pupil's documents."""
    pupil = get_object_for(request, Pupil.objects, pk, "pupils.edit")
    posted = request.method == "POST"
    form = DocumentForm(request.POST, request.FILES) if posted else DocumentForm()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            document = records.document_upload(
                pupil=pupil,
                upload=data["file"],
                title=data["title"],
                kind=data["kind"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{document.title}” uploaded to {pupil}'s documents.")
            return redirect(_back_to(pupil, "documents"))
    return render(
        request,
        "pupils/document_upload.html",
        {"pupil": pupil, "form": form, "max_mb": max_upload_mb()},
    )


@requires("pupils.view")
@require_safe
def document_download(request: SchoolHttpRequest, pk: int, doc_pk: int) -> HttpResponseBase:
    """Send one of the pupil's documents as a download, after auditing who took it."""
    pupil = get_object_for(request, Pupil.objects, pk, "pupils.view_documents")
    document = get_object_or_404(pupil.documents, pk=doc_pk)
    try:
        handle = open_stored(document.file)
    except OSError:
        messages.error(
            request,
            f"The file for “{document.title}” is missing from SEND Hub's storage. Ask whoever "
            "looks after SEND Hub to restore it from a backup, or upload it again.",
        )
        return redirect(_back_to(pupil, "documents"))
    try:
        # Audited before a byte is sent: if this write fails, nothing is sent.
        with transaction.atomic():
            log_action(
                document,
                "pupils.document.downloaded",
                actor=request.user,
                school=pupil.school_id,
                data={"pupil": pupil.pk},
            )
    except BaseException:
        handle.close()
        raise
    return download_response(
        handle, filename=document.original_name, content_type=document.content_type
    )


@requires("pupils.view_exams")
@require_safe
def access_register(request: SchoolHttpRequest) -> HttpResponse:
    """List pupils on roll with exam access arrangements valid today or later, by pupil."""
    form = AccessRegisterFilterForm(request.GET or None, school=request.school)
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else None
    today = timezone.localdate()
    current = AccessArrangement.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    pupils = (
        Pupil.objects.visible_to(request.user)
        .on_roll()
        .filter(Exists(current.filter(pupil=OuterRef("pk"))))
        .prefetch_related(
            Prefetch(
                "access_arrangements",
                queryset=current.order_by("kind", "valid_from"),
                to_attr="current_arrangements",
            )
        )
        .order_by("nc_year", "legal_surname", "legal_forename", "pk")
    )
    if year is not None:
        pupils = pupils.filter(nc_year=year)
    listed, rows = _access_rows(pupils)
    return render(
        request,
        "pupils/access_register.html",
        {"pupils": listed, "rows": rows, "form": form, "today": today, "year": year},
    )


def _access_rows(pupils: Any) -> tuple[list[Pupil], list[dict[str, Any]]]:
    """The access register's pupils, and their arrangements as the plain values the page shows:
    each date formatted once, each profile URL from one reverse(), no template lookups per field."""
    found = list(
        pupils.only(
            "legal_forename",
            "legal_surname",
            "preferred_forename",
            "preferred_surname",
            "nc_year",
            "registration_group",
        )
    )
    dates: dict[Any, str] = {}

    def nice(day: Any) -> str:
        if day not in dates:
            dates[day] = date_filter(day, "j M Y")
        return dates[day]

    before, _mark, after = reverse("pupils:records", args=[_PK_MARK]).rpartition(str(_PK_MARK))
    return found, [
        {
            "url": f"{before}{p.pk}{after}#access",
            "name": p.display_name,
            "year": p.get_nc_year_display() or "NC year not recorded",
            "registration_group": p.registration_group,
            "arrangements": [
                {
                    "kind": a.get_kind_display(),
                    "valid_from": nice(a.valid_from),
                    "valid_to": nice(a.valid_to) if a.valid_to else "",
                    "has_evidence": a.has_evidence,
                    "approved": bool(a.approved_on),
                }
                for a in p.current_arrangements
            ],
        }
        for p in found
    ]
