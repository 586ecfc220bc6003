"""Attendance: the import, the school's figures by group, a pupil's weeks, the early warning."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from interventions.attendance import early_warning, figures, offsite, parttime
from interventions.attendance.forms import (
    AttendanceImportForm,
    OffSiteAttendanceForm,
    PartTimeEndForm,
    PartTimeForm,
    PartTimeReviewForm,
    PlacementEndForm,
    PlacementForm,
    SeenForm,
    SettingsForm,
)
from interventions.attendance.importer import (
    COLUMNS,
    DEFAULT_COLUMNS,
    ImportRefused,
    batch_columns,
    import_apply,
    import_create,
    plan_marks,
)
from interventions.attendance.models import (
    AttendanceImport,
    EarlyWarning,
    OffSitePlacement,
    PartTimeTimetable,
)
from pupils.forms.imports import MappingChoiceForm
from pupils.importers.mis_csv import mapping_save
from pupils.models import ImportMapping, Pupil
from send_hub.http import SchoolHttpRequest
from send_hub.lib import charts
from send_hub.lib.csv import csv_download
from send_hub.lib.dates import nice_day
from send_hub.lib.forms import add_service_errors
from staff.permissions import can, get_object_for, requires

WEEKS_SHOWN = 12


@requires("interventions.attendance_monitor")
@require_GET
def overview(request: SchoolHttpRequest) -> HttpResponse:
    """Show attendance this term by group, with the persistently and severely absent."""
    today = timezone.localdate()
    start, end = figures.this_term(request.school.pk, today)
    include_lac = can(request.user, "pupils.view_looked_after")
    rates = figures.rates_by_pupil(school=request.school, start=start, end=end)
    absent = {pk: r for pk, r in rates.items() if r.persistent}
    pupils = Pupil.objects.visible_to(request.user).on_roll().filter(pk__in=list(absent))
    listed = sorted(
        ((p, absent[p.pk]) for p in pupils), key=lambda pr: (pr[1].percent or 0, pr[0].surname)
    )
    context = {
        "start": start,
        "end": end,
        "groups": figures.groups(
            school=request.school, start=start, end=end, include_lac=include_lac
        ),
        "absent": listed,
        "small_label": figures.SMALL_LABEL,
        "persistent_percent": figures.persistent_percent(),
        "severe_percent": figures.severe_percent(),
        "open_flags": EarlyWarning.objects.visible_to(request.user).open().count(),
        "may_import": can(request.user, "interventions.attendance_import"),
        "may_parttime": can(request.user, "interventions.attendance_parttime"),
    }
    return render(request, "interventions/attendance/overview.html", context)


@requires("interventions.attendance_import")
@require_http_methods(["GET", "POST"])
def attendance_import(request: SchoolHttpRequest) -> HttpResponse:
    """Upload an attendance CSV, read by a standard or saved column mapping, for a dry run."""
    choice = MappingChoiceForm(
        request.GET or None,
        school=request.school,
        kind=ImportMapping.Kind.ATTENDANCE,
        defaults=DEFAULT_COLUMNS,
    )
    source, columns, saved = choice.selected()
    initial = {"source": source, **{f"col_{k}": v for k, v in columns.items()}}
    if saved is not None:
        initial["save_as"] = saved.name
    form = AttendanceImportForm(request.POST or None, request.FILES or None, initial=initial)
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
                    kind=ImportMapping.Kind.ATTENDANCE,
                    spec=COLUMNS,
                )
            batch = import_create(
                school=request.school,
                original_name=upload.name or "upload.csv",
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
            return redirect("interventions:attendance_import_preview", batch.pk)
    return render(
        request, "interventions/attendance/import.html", {"form": form, "choice_form": choice}
    )


@requires("interventions.attendance_import")
@require_http_methods(["GET", "POST"])
def attendance_import_preview(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show what a file would change, with every row in error named; apply all or nothing."""
    batch = AttendanceImport.objects.filter(school=request.school, pk=pk).first()
    if batch is None:
        raise Http404
    if request.method == "POST":
        try:
            counts = import_apply(batch=batch, by=request.user)
        except ImportRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Imported: {counts['created']} new marks, {counts['changed']} changed, "
                f"{counts['removed']} removed, {counts['unchanged']} unchanged.",
            )
            return redirect("interventions:attendance")
    plan = plan_marks(
        school=request.school, content=bytes(batch.content), columns=batch_columns(batch)
    )
    return render(
        request, "interventions/attendance/import_preview.html", {"batch": batch, "plan": plan}
    )


def _pattern(pupil: Pupil, today: dt.date) -> dict[str, object]:
    """Return a pupil's rates this term and year and the last weeks side by side."""
    summary = figures.pupil_summary(pupil=pupil, today=today, weeks_shown=WEEKS_SHOWN)
    start = today - dt.timedelta(days=today.weekday() + 7 * (WEEKS_SHOWN - 1))
    weeks = figures.weeks(pupil=pupil, start=start, end=today)
    return {
        "term": summary.term,
        "year": summary.year,
        "weeks": weeks,
        "week_bars": charts.bars(
            [(nice_day(w.start), float(w.school.percent or 0)) for w in weeks],
            height=80,
            width=600,
        ),
    }


@requires("interventions.attendance_monitor")
@require_GET
def pupil_attendance(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show one pupil's attendance beside removals, behaviour and check-ins, week by week."""
    pupil = get_object_for(request, Pupil.objects, pk, "interventions.attendance_monitor")
    context = {
        "pupil": pupil,
        **_pattern(pupil, timezone.localdate()),
        "flags": EarlyWarning.objects.filter(pupil=pupil).select_related("seen_by")[:10],
    }
    return render(request, "interventions/attendance/pupil.html", context)


@requires("interventions.attendance_view")
@require_GET
def early_warnings(request: SchoolHttpRequest) -> HttpResponse:
    """List the open early warnings on pupils the person may see, each with its reasons."""
    flags = (
        EarlyWarning.objects.visible_to(request.user)
        .open()
        .select_related("pupil")
        .order_by("-raised_on", "pupil__legal_surname")
    )
    recent = (
        EarlyWarning.objects.visible_to(request.user)
        .filter(seen_at__isnull=False)
        .select_related("pupil", "seen_by")
        .order_by("-seen_at")[:10]
    )
    context = {
        "flags": flags,
        "recent": recent,
        "may_set": can(request.user, "interventions.attendance_settings"),
        "settings": early_warning.settings_for(request.school),
    }
    return render(request, "interventions/attendance/early_warnings.html", context)


@requires("interventions.attendance_view")
@require_http_methods(["GET", "POST"])
def early_warning_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show why a pupil was flagged, their weeks, and record "seen, action taken"."""
    flag = get_object_for(
        request,
        EarlyWarning.objects.select_related("pupil", "seen_by"),
        pk,
        "interventions.attendance_view",
    )
    form = SeenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            early_warning.early_warning_seen(
                flag=flag, action=form.cleaned_data["action"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "Recorded: seen, action taken.")
            return redirect("interventions:early_warnings")
    context = {"flag": flag, "pupil": flag.pupil, "form": form}
    context.update(_pattern(flag.pupil, timezone.localdate()))
    return render(request, "interventions/attendance/early_warning.html", context)


@requires("interventions.attendance_settings")
@require_http_methods(["GET", "POST"])
def early_warning_settings(request: SchoolHttpRequest) -> HttpResponse:
    """Change the school's early-warning thresholds."""
    current = early_warning.settings_for(request.school)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            early_warning.settings_save(school=request.school, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "Early-warning thresholds saved.")
            return redirect("interventions:early_warnings")
    return render(request, "interventions/attendance/settings.html", {"form": form})


def _parttime(request: SchoolHttpRequest) -> Any:
    return PartTimeTimetable.objects.visible_to(request.user).select_related("pupil", "lead")


@requires("interventions.attendance_parttime")
@require_GET
def parttime_list(request: SchoolHttpRequest) -> HttpResponse:
    """The register of pupils on a part-time timetable: current ones, then those ended lately."""
    today = timezone.localdate()
    rows = _parttime(request)
    context = {
        "current": rows.current().order_by("review_on", "pupil__legal_surname"),
        "ended": rows.filter(ended_on__isnull=False).order_by("-ended_on")[:20],
        "today": today,
    }
    return render(request, "interventions/attendance/parttime_list.html", context)


@requires("interventions.attendance_parttime")
@require_GET
def parttime_csv(request: SchoolHttpRequest) -> HttpResponse:
    """The list the local authority asks for: every current part-time timetable, as CSV."""
    response, writer = csv_download(f"part-time-timetables-{timezone.localdate()}.csv")
    writer.writerow(
        [
            "UPN",
            "Surname",
            "Forename",
            "Date of birth",
            "Year group",
            "Reason",
            "Hours a week",
            "Start date",
            "Agreed with parents on",
            "Last reviewed",
            "Next review",
            "LA informed on",
        ]
    )
    for tt in _parttime(request).current().order_by("pupil__legal_surname"):
        p = tt.pupil
        writer.writerow(
            [
                p.upn,
                p.legal_surname,
                p.legal_forename,
                p.date_of_birth,
                p.nc_year,
                tt.reason,
                tt.hours_per_week,
                tt.start_date,
                tt.parents_agreed_on,
                tt.last_reviewed_on or "",
                tt.review_on,
                tt.la_informed_on or "",
            ]
        )
    return response


@requires("interventions.attendance_parttime")
@require_http_methods(["GET", "POST"])
def parttime_new(request: SchoolHttpRequest) -> HttpResponse:
    """Put a pupil on a part-time timetable."""
    form = PartTimeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            tt = parttime.parttime_start(
                school=request.school, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{tt.pupil} is on the part-time register.")
            return redirect("interventions:parttime", tt.pk)
    return render(request, "interventions/attendance/parttime_new.html", {"form": form})


@requires("interventions.attendance_parttime")
@require_http_methods(["GET", "POST"])
def parttime_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """One part-time timetable: review it (setting the next review) or end it."""
    tt = get_object_for(request, _parttime(request), pk, "interventions.attendance_parttime")
    today = timezone.localdate()
    action = request.POST.get("action") if request.method == "POST" else None
    review = PartTimeReviewForm(
        request.POST if action == "review" else None,
        initial={"reviewed_on": today, "hours_per_week": tt.hours_per_week},
        prefix="review",
    )
    end = PartTimeEndForm(
        request.POST if action == "end" else None, initial={"ended_on": today}, prefix="end"
    )
    if action == "review" and review.is_valid():
        try:
            parttime.parttime_review(timetable=tt, by=request.user, **review.cleaned_data)
        except ValidationError as exc:
            add_service_errors(review, exc)
        else:
            messages.success(request, "Review recorded; the next review date is set.")
            return redirect("interventions:parttime", tt.pk)
    elif action == "end" and end.is_valid():
        try:
            parttime.parttime_end(timetable=tt, by=request.user, **end.cleaned_data)
        except ValidationError as exc:
            add_service_errors(end, exc)
        else:
            messages.success(request, "Timetable ended.")
            return redirect("interventions:parttime_list")
    context = {"tt": tt, "pupil": tt.pupil, "review": review, "end": end, "today": today}
    return render(request, "interventions/attendance/parttime.html", context)


def _placements(request: SchoolHttpRequest) -> Any:
    return OffSitePlacement.objects.visible_to(request.user).select_related("pupil")


@requires("interventions.attendance_offsite")
@require_GET
def offsite_list(request: SchoolHttpRequest) -> HttpResponse:
    """Pupils educated off site: current placements, each with its safeguarding warning."""
    today = timezone.localdate()
    current = list(_placements(request).current(today).order_by("pupil__legal_surname"))
    context = {
        "rows": [(p, p.safeguarding_warning(today)) for p in current],
        "today": today,
    }
    return render(request, "interventions/attendance/offsite_list.html", context)


@requires("interventions.attendance_offsite_today")
@require_GET
def offsite_today(request: SchoolHttpRequest) -> HttpResponse:
    """The DSL's list: the pupils expected off site today, where, and the numbers to ring."""
    today = timezone.localdate()
    placements = list(_placements(request).on_day(today).order_by("pupil__legal_surname"))
    context = {
        "rows": offsite.where_at_providers(placements, today),
        "today": today,
        "may_manage": can(request.user, "interventions.attendance_offsite"),
    }
    return render(request, "interventions/attendance/offsite_today.html", context)


@requires("interventions.attendance_offsite")
@require_http_methods(["GET", "POST"])
def offsite_new(request: SchoolHttpRequest) -> HttpResponse:
    """Record a pupil's alternative provision placement."""
    form = PlacementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            placement = offsite.placement_create(
                school=request.school, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Placement at {placement.provider} recorded.")
            return redirect("interventions:offsite", placement.pk)
    return render(request, "interventions/attendance/offsite_new.html", {"form": form})


@requires("interventions.attendance_offsite")
@require_http_methods(["GET", "POST"])
def offsite_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """One placement: record the day's attendance there, see the last days, or end it."""
    placement = get_object_for(
        request, _placements(request), pk, "interventions.attendance_offsite"
    )
    today = timezone.localdate()
    action = request.POST.get("action") if request.method == "POST" else None
    mark = OffSiteAttendanceForm(
        request.POST if action == "attendance" else None, initial={"date": today}, prefix="day"
    )
    end = PlacementEndForm(
        request.POST if action == "end" else None, initial={"end_date": today}, prefix="end"
    )
    if action == "attendance" and mark.is_valid():
        try:
            offsite.offsite_attendance_record(
                placement=placement, by=request.user, **mark.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(mark, exc)
        else:
            messages.success(request, "Attendance at the provider recorded.")
            return redirect("interventions:offsite", placement.pk)
    elif action == "end" and end.is_valid():
        try:
            offsite.placement_end(placement=placement, by=request.user, **end.cleaned_data)
        except ValidationError as exc:
            add_service_errors(end, exc)
        else:
            messages.success(request, "Placement ended.")
            return redirect("interventions:offsite_list")
    context = {
        "placement": placement,
        "pupil": placement.pupil,
        "warning": placement.safeguarding_warning(today),
        "days": placement.attendance.select_related("recorded_by")[:20],
        "where": offsite.where_now(placement.pupil, today),
        "mark": mark,
        "end": end,
    }
    return render(request, "interventions/attendance/offsite.html", context)
