"""Import pupils from the MIS or a CTF (dry run, then apply), and export a leaver's CTF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from pupils.ctf_export import pupil_ctf_export
from pupils.forms.imports import ImportUploadForm, MappingChoiceForm, PreviewOptionsForm
from pupils.importers import (
    ImportRefused,
    batch_apply,
    batch_create,
    parse_batch,
    plan_import,
)
from pupils.importers.apply import CONFIRM, CREATE, ERROR, UNCHANGED, UPDATE
from pupils.importers.mis_csv import mapping_save
from pupils.models import ImportBatch, Pupil
from pupils.views import profile
from send_hub.http import SchoolHttpRequest
from staff.permissions import get_object_for, requires


def _batches(request: SchoolHttpRequest) -> QuerySet[ImportBatch]:
    # Batches carry no visible_to(): they belong to a school, and only pupils.import holders
    # of that school reach these views, so the school filter is the whole scope rule.
    return ImportBatch.objects.filter(school=request.school)


@requires("pupils.import")
@require_http_methods(["GET", "POST"])
def import_start(request: SchoolHttpRequest) -> HttpResponse:
    """SENDCo (pupils.import) in the current school: upload a MIS CSV or a CTF for a dry run."""
    choice = MappingChoiceForm(request.GET or None, school=request.school)
    source, columns, saved = choice.selected()
    initial = {"source": source, **{f"col_{k}": v for k, v in columns.items()}}
    if saved is not None:
        initial["save_as"] = saved.name
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, initial=initial)
    else:
        form = ImportUploadForm(initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        is_csv = data["kind"] == ImportBatch.Kind.CSV
        try:
            mapping = None
            if is_csv and data["save_as"]:
                mapping = mapping_save(
                    school=request.school,
                    name=data["save_as"],
                    source=data["source"],
                    columns=form.columns(),
                    by=request.user,
                )
            batch = batch_create(
                school=request.school,
                kind=data["kind"],
                original_name=upload.name or "upload",
                content=upload.read(),
                by=request.user,
                columns=form.columns() if is_csv else None,
                source=data["source"] if is_csv else "",
                mapping=mapping,
            )
        except (ImportRefused, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            return redirect("pupils:import_preview", batch_pk=batch.pk)
    recent = _batches(request).defer("content").select_related("created_by")[:10]
    return render(
        request,
        "pupils/import_start.html",
        {"form": form, "choice_form": choice, "recent": recent},
    )


@requires("pupils.import")
@require_http_methods(["GET"])
def import_preview(request: SchoolHttpRequest, batch_pk: int) -> HttpResponse:
    """SENDCo (pupils.import), own school's batches only: show what applying would change."""
    batch = get_object_or_404(
        _batches(request).select_related("created_by", "applied_by"), pk=batch_pk
    )
    options = PreviewOptionsForm(request.GET or None)
    plan = None
    if batch.applied_at is None:
        plan = plan_import(
            school=request.school, parsed=parse_batch(batch), confirm_statements=options.confirmed
        )
    rows = plan.rows if plan else []
    context = {
        "batch": batch,
        "plan": plan,
        "counts": plan.counts if plan else batch.summary.get("applied", {}),
        "options": options,
        "problem_rows": [r for r in rows if r.action in (ERROR, CONFIRM)],
        "changing_rows": [r for r in rows if r.action in (CREATE, UPDATE)],
        "unchanged_rows": [r for r in rows if r.action == UNCHANGED],
        "has_statements": any(p.legacy_statement for r in rows for p in (r.row.sen or [])),
    }
    return render(request, "pupils/import_preview.html", context)


@requires("pupils.import")
@require_POST
def import_apply(request: SchoolHttpRequest, batch_pk: int) -> HttpResponse:
    """SENDCo (pupils.import), own school's batches only: apply the whole file or nothing."""
    batch = get_object_or_404(_batches(request).defer("content"), pk=batch_pk)
    options = PreviewOptionsForm(request.POST)
    try:
        counts = batch_apply(batch=batch, by=request.user, confirm_statements=options.confirmed)
    except ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Imported: {counts['created']} new, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged.",
        )
    url = reverse("pupils:import_preview", kwargs={"batch_pk": batch.pk})
    return redirect(f"{url}?confirm_statements=on" if options.confirmed else url)


@requires("pupils.edit")
@require_http_methods(["GET"])
def ctf_export(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """SENDCo (pupils.edit), pupils in scope: download a leaver's SEN history as a CTF.

    A pupil without a leaving date gets their page back with status 400 and a message: the
    request is understood but premature, and 404 would wrongly say the pupil is not there.
    """
    pupil = get_object_for(request, Pupil.objects.select_related("school"), pk, "pupils.edit")
    try:
        content, filename = pupil_ctf_export(pupil=pupil, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        response = profile.detail(request, pk)
        response.status_code = 400
        return response
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
