"""Classes and teaching groups: the list, the timetable import (dry run, then apply) and a
SENDCo's hand edit of one class."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pupils.forms.classes import ClassForm, ClassImportForm, TeacherAccessForm
from pupils.forms.imports import MappingChoiceForm
from pupils.importers.apply import ImportRefused
from pupils.importers.classes import (
    COLUMNS,
    DEFAULT_COLUMNS,
    batch_columns,
    class_import_apply,
    class_import_create,
    plan_classes,
)
from pupils.importers.mis_csv import mapping_save
from pupils.models import ClassImport, ImportMapping, TeacherAccess, TeachingClass
from pupils.services.classes import class_save
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors
from staff.audit import log_action
from staff.permissions import can, get_object_for, requires


@requires("pupils.view_classes")
@require_http_methods(["GET"])
def class_list(request: SchoolHttpRequest) -> HttpResponse:
    """SENDCo and head (pupils.view_classes): every class in the school with its teachers."""
    classes = TeachingClass.objects.visible_to(request.user).with_current()
    return render(
        request,
        "pupils/classes/list.html",
        {"classes": classes, "can_manage": can(request.user, "pupils.manage_classes")},
    )


@requires("pupils.manage_classes")
@require_http_methods(["GET", "POST"])
def class_import(request: SchoolHttpRequest) -> HttpResponse:
    """SENDCo: upload the timetable CSV, read by a standard or saved column mapping, for a
    dry run."""
    choice = MappingChoiceForm(
        request.GET or None,
        school=request.school,
        kind=ImportMapping.Kind.CLASSES,
        defaults=DEFAULT_COLUMNS,
    )
    source, columns, saved = choice.selected()
    initial = {"source": source, **{f"col_{k}": v for k, v in columns.items()}}
    if saved is not None:
        initial["save_as"] = saved.name
    form = ClassImportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            if data["save_as"]:
                mapping_save(
                    school=request.school,
                    name=data["save_as"],
                    source=data["source"],
                    columns=form.columns(),
                    by=request.user,
                    kind=ImportMapping.Kind.CLASSES,
                    spec=COLUMNS,
                )
            batch = class_import_create(
                school=request.school,
                original_name=upload.name or "classes.csv",
                content=upload.read(),
                by=request.user,
                columns=form.columns(),
                source=data["source"],
            )
        except ImportRefused as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("pupils:class_import_preview", batch.pk)
    return render(request, "pupils/classes/import.html", {"form": form, "choice_form": choice})


@requires("pupils.manage_classes")
@require_http_methods(["GET", "POST"])
def class_import_preview(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """SENDCo, own school's files only: what the file would change, class by class; apply
    it all or nothing."""
    # Batches carry no visible_to(): only pupils.manage_classes holders of the school reach here.
    batch = ClassImport.objects.filter(school=request.school, pk=pk).first()
    if batch is None:
        raise Http404
    if request.method == "POST":
        try:
            counts = class_import_apply(batch=batch, by=request.user)
        except ImportRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Imported {counts['classes']} classes: {counts['joining']} pupils joined one, "
                f"{counts['leaving']} left one.",
            )
            return redirect("pupils:class_list")
    plan = None
    if batch.applied_at is None:
        plan = plan_classes(
            school=request.school, content=bytes(batch.content), columns=batch_columns(batch)
        )
    return render(request, "pupils/classes/import_preview.html", {"batch": batch, "plan": plan})


def _class_form_page(
    request: SchoolHttpRequest, teaching_class: TeachingClass | None
) -> HttpResponse:
    initial = {}
    if teaching_class is not None:
        initial = {
            "code": teaching_class.code,
            "subject": teaching_class.subject,
            "teachers": [t.teacher for t in teaching_class.current_teachers],  # type: ignore[attr-defined]
            "pupils": [m.pupil for m in teaching_class.current_members],  # type: ignore[attr-defined]
        }
    form = ClassForm(request.POST or None, school=request.school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = class_save(
                school=request.school,
                teaching_class=teaching_class,
                code=data["code"],
                subject=data["subject"],
                teachers=data["teachers"],
                pupils=data["pupils"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Class {saved.code} saved.")
            return redirect("pupils:class_list")
    return render(
        request, "pupils/classes/form.html", {"form": form, "teaching_class": teaching_class}
    )


@requires("pupils.manage_classes")
@require_http_methods(["GET", "POST"])
def class_add(request: SchoolHttpRequest) -> HttpResponse:
    """SENDCo: add a class by hand (one the timetable export missed)."""
    return _class_form_page(request, None)


@requires("pupils.manage_classes")
@require_http_methods(["GET", "POST"])
def class_edit(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """SENDCo, own school's classes: change a class's code, subject, teachers and pupils."""
    teaching_class = get_object_for(
        request, TeachingClass.objects.with_current(), pk, "pupils.manage_classes"
    )
    return _class_form_page(request, teaching_class)


@requires("pupils.manage_classes")
@require_http_methods(["GET", "POST"])
def teacher_access(request: SchoolHttpRequest) -> HttpResponse:
    """SENDCo: how long teachers keep seeing a pupil after a class ends, and what beyond the
    passport, strategies, targets and access arrangements they see."""
    settings_row = TeacherAccess.for_school(request.school.pk)
    if settings_row.pk is None:
        settings_row.school = request.school
    form = TeacherAccessForm(request.POST or None, instance=settings_row)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            log_action(
                saved,
                "pupils.teacher_access.saved",
                actor=request.user,
                data={k: form.cleaned_data[k] for k in form.Meta.fields},
            )
        messages.success(request, "Saved: teachers see what these settings say from now on.")
        return redirect("pupils:class_list")
    return render(request, "pupils/classes/teacher_access.html", {"form": form})
