"""Removals, behaviour events (by hand or imported) and pattern monitoring."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from interventions.behaviour import services
from interventions.behaviour.forms import (
    BehaviourImportForm,
    EventForm,
    MeetingForm,
    PeriodForm,
    RemovalForm,
)
from interventions.behaviour.importer import (
    COLUMNS,
    DEFAULT_COLUMNS,
    ImportRefused,
    batch_columns,
    import_apply,
    import_create,
    plan_events,
)
from interventions.behaviour.models import BehaviourEvent, BehaviourImport, Removal
from pupils.forms.imports import MappingChoiceForm
from pupils.importers.mis_csv import mapping_save
from pupils.models import ImportMapping, Pupil
from send_hub.http import SchoolHttpRequest
from send_hub.lib import charts
from send_hub.lib.csv import csv_download
from send_hub.lib.dates import nice_day
from send_hub.lib.replica import reads_from_replica
from staff.audit import log_action
from staff.permissions import can, get_object_for, requires

SHOWN = 30


@requires("interventions.behaviour_view")
@require_GET
def home(request: SchoolHttpRequest) -> HttpResponse:
    """List recent removals and behaviour events the person may see."""
    removals = (
        Removal.objects.visible_to(request.user)
        .with_minutes()
        .select_related("pupil", "supervised_by")[:SHOWN]
    )
    events = BehaviourEvent.objects.visible_to(request.user).select_related("pupil")[:SHOWN]
    context = {
        "removals": removals,
        "events": events,
        "may_record": can(request.user, "interventions.behaviour_record"),
        "may_monitor": can(request.user, "interventions.behaviour_monitor"),
    }
    return render(request, "interventions/behaviour/home.html", context)


@requires("interventions.behaviour_record")
@require_http_methods(["GET", "POST"])
def removal_add(request: SchoolHttpRequest) -> HttpResponse:
    """Record a removal from class, an isolation or a suspension."""
    form = RemovalForm(request.POST or None, user=request.user, school=request.school)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        pupil = data.pop("pupil")
        try:
            removal = services.removal_record(pupil=pupil, by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "Removal recorded.")
            return redirect("interventions:removal", removal.pk)
    return render(request, "interventions/behaviour/removal_form.html", {"form": form})


@requires("interventions.behaviour_view")
@require_http_methods(["GET", "POST"])
def removal_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show a removal and record its reintegration meeting."""
    removal = get_object_for(
        request,
        Removal.objects.select_related("pupil", "referred_by", "supervised_by", "recorded_by"),
        pk,
        "interventions.behaviour_view",
    )
    may_record = can(request.user, "interventions.behaviour_record", removal)
    initial = {
        "meeting_on": removal.meeting_on or timezone.localdate(),
        "attendees": removal.meeting_attendees,
        "notes": removal.meeting_notes,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_record:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            services.removal_meeting_record(removal=removal, by=request.user, **data)
            messages.success(request, "Reintegration meeting recorded.")
            return redirect("interventions:removal", removal.pk)
    context = {"removal": removal, "form": form, "may_record": may_record}
    return render(request, "interventions/behaviour/removal.html", context)


@requires("interventions.behaviour_record")
@require_http_methods(["GET", "POST"])
def event_add(request: SchoolHttpRequest) -> HttpResponse:
    """Record a reward, sanction or detention by hand."""
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        pupil = data.pop("pupil")
        try:
            services.event_record(pupil=pupil, by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "Behaviour event recorded.")
            return redirect("interventions:behaviour")
    return render(request, "interventions/behaviour/event_form.html", {"form": form})


@requires("interventions.behaviour_record")
@require_http_methods(["GET", "POST"])
def behaviour_import(request: SchoolHttpRequest) -> HttpResponse:
    """Upload a behaviour CSV, read by a standard or saved column mapping, for a dry run."""
    choice = MappingChoiceForm(
        request.GET or None,
        school=request.school,
        kind=ImportMapping.Kind.BEHAVIOUR,
        defaults=DEFAULT_COLUMNS,
    )
    source, columns, saved = choice.selected()
    initial = {"source": source, **{f"col_{k}": v for k, v in columns.items()}}
    if saved is not None:
        initial["save_as"] = saved.name
    form = BehaviourImportForm(request.POST or None, request.FILES or None, initial=initial)
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
                    kind=ImportMapping.Kind.BEHAVIOUR,
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
            return redirect("interventions:behaviour_import_preview", batch.pk)
    return render(
        request, "interventions/behaviour/import.html", {"form": form, "choice_form": choice}
    )


@requires("interventions.behaviour_record")
@require_http_methods(["GET", "POST"])
def behaviour_import_preview(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show what a file would add, row by row; apply it all or nothing."""
    batch = BehaviourImport.objects.filter(school=request.school, pk=pk).first()
    if batch is None:
        raise Http404
    if request.method == "POST":
        try:
            counts = import_apply(batch=batch, by=request.user)
        except ImportRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Imported {counts['created']} behaviour events.")
            return redirect("interventions:behaviour")
    plan = plan_events(
        school=request.school, content=bytes(batch.content), columns=batch_columns(batch)
    )
    return render(
        request, "interventions/behaviour/import_preview.html", {"batch": batch, "plan": plan}
    )


class Monitoring(TypedDict):
    """The removals monitoring for a period: its page and its CSV."""

    period: PeriodForm
    start: dt.date
    end: dt.date
    groups: list[services.GroupRate]
    group_bars: list[charts.Bar]
    group_height: int
    weeks: list[services.SchoolWeek]
    week_bars: list[charts.Bar]
    top: list[services.TopPupil]
    include_lac: bool
    by_sex: list[services.GroupRate]
    by_ethnicity: list[services.GroupRate]


def _monitoring(request: SchoolHttpRequest) -> Monitoring:
    period = PeriodForm(request.GET or None)
    start, end = period.period()
    include_lac = can(request.user, "pupils.view_looked_after")
    removals = Removal.objects.visible_to(request.user)
    rates = services.removal_rates(
        school=request.school, start=start, end=end, include_lac=include_lac
    )
    groups = rates.groups
    weeks = services.school_weeks(removals, start=start, end=end)
    return {
        "period": period,
        "start": start,
        "end": end,
        "groups": groups,
        "group_bars": charts.hbars([(g.label, float(g.per_100)) for g in groups]),
        "group_height": len(groups) * 22,
        "weeks": weeks,
        "week_bars": charts.bars(
            [(nice_day(w["week"]), w["n"]) for w in weeks], height=100, width=600
        ),
        "top": services.top_pupils(removals, start=start, end=end),
        "include_lac": include_lac,
        "by_sex": rates.by_sex,
        "by_ethnicity": rates.by_ethnicity,
    }


@requires("interventions.behaviour_monitor")
@require_GET
def monitoring(request: SchoolHttpRequest) -> HttpResponse:
    """Show removals across the school: per 100 pupils by group, by sex and by ethnicity, week
    by week, and by pupil."""
    data = _monitoring(request)
    context = {
        **data,
        "breakdowns": [("By sex", data["by_sex"]), ("By ethnicity", data["by_ethnicity"])],
    }
    return render(request, "interventions/behaviour/monitoring.html", context)


@requires("interventions.behaviour_monitor")
@reads_from_replica
@require_GET
def monitoring_csv(request: SchoolHttpRequest) -> HttpResponse:
    """Download the monitoring figures as CSV (audited: it names pupils)."""
    data = _monitoring(request)
    response, writer = csv_download(f"removals-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.csv")
    writer.writerow(["Group", "Pupils on roll", "Removals", "Pupils removed", "Removals per 100"])
    for g in data["groups"]:
        writer.writerow([g.label, g.pupils, g.removals, g.pupils_removed, g.per_100])
    for prefix, rates in (("Sex", data["by_sex"]), ("Ethnicity", data["by_ethnicity"])):
        for g in rates:
            writer.writerow(
                [f"{prefix}: {g.label}", g.pupils, g.removals, g.pupils_removed, g.per_100]
            )
    writer.writerow([])
    writer.writerow(["Pupil", "NC year", "Removals", "Minutes out of class"])
    for row in data["top"]:
        name = f"{row['pupil__preferred_forename'] or row['pupil__legal_forename']} "
        writer.writerow(
            [name + row["pupil__legal_surname"], row["pupil__nc_year"], row["n"], row["total"]]
        )
    log_action(
        None,
        "interventions.monitoring.exported",
        actor=request.user,
        school=request.school,
        data={"start": data["start"].isoformat(), "end": data["end"].isoformat()},
    )
    return response


@requires("interventions.behaviour_monitor")
@require_GET
def pupil_pattern(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show one pupil's pattern week by week."""
    pupil = get_object_for(request, Pupil.objects, pk, "interventions.behaviour_monitor")
    period = PeriodForm(request.GET or None)
    start, end = period.period()
    weeks = services.pupil_weeks(pupil=pupil, start=start, end=min(end, timezone.localdate()))
    context = {
        "pupil": pupil,
        "period": period,
        "weeks": weeks,
        "minute_bars": charts.bars(
            [(nice_day(w.start), w.minutes) for w in weeks], height=80, width=600
        ),
    }
    return render(request, "interventions/behaviour/pupil.html", context)
