"""Connect rooms: the room page with today's register, placements and reintegration stages, and
daily check-ins with vulnerable pupils."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from interventions.connect import services
from interventions.connect.forms import (
    CheckInForm,
    CheckInListForm,
    DailyRowForm,
    DayForm,
    PlacementEndForm,
    PlacementForm,
    RoomEditForm,
    RoomForm,
    StageAddForm,
    StageAdvanceForm,
)
from interventions.connect.models import (
    CheckIn,
    CheckInPupil,
    DailyRecord,
    Placement,
    ReintegrationStage,
    Room,
    Zone,
)
from send_hub.http import SchoolHttpRequest
from send_hub.lib.charts import Bar, bars
from staff.permissions import can, get_object_for, requires

if TYPE_CHECKING:
    # A development dependency (django-stubs); annotations only.
    from django_stubs_ext import WithAnnotations

RECORDS_SHOWN = 15


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@requires("interventions.connect_view")
@require_GET
def rooms(request: SchoolHttpRequest) -> HttpResponse:
    """List the Connect rooms the person works in (all of them for the SENDCo and head)."""
    found = Room.objects.visible_to(request.user).annotate(
        placed=Count("placements", filter=Q(placements__status__in=Placement.CURRENT))
    )
    return render(request, "interventions/connect/rooms.html", {"rooms": found})


@requires("interventions.connect_manage")
@require_http_methods(["GET", "POST"])
def room_add(request: SchoolHttpRequest) -> HttpResponse:
    """Set up a Connect or nurture room."""
    return _room_form(request, Room(school=request.school, capacity=6))


@requires("interventions.connect_manage")
@require_http_methods(["GET", "POST"])
def room_edit(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Change a room's name, capacity, leaders and staff, or close it."""
    return _room_form(
        request, get_object_for(request, Room.objects, pk, "interventions.connect_manage")
    )


def _room_form(request: SchoolHttpRequest, room: Room) -> HttpResponse:
    """Add (``room`` unsaved) or edit a room, with its leaders and staff."""
    adding = room.pk is None
    form_class = RoomForm if adding else RoomEditForm
    initial = (
        {}
        if adding
        else {
            "name": room.name,
            "capacity": room.capacity,
            "leaders": list(room.leaders.all()),
            "staff": list(room.staff.all()),
            "active": room.active,
        }
    )
    form = form_class(request.POST or None, school=request.school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        room.name, room.capacity = data["name"], data["capacity"]
        room.active = data.get("active", True)
        try:
            services.room_save(
                room=room, leaders=list(data["leaders"]), staff=list(data["staff"]), by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"{room.name} {'set up' if adding else 'saved'}.")
            return redirect("interventions:connect_room", room.pk)
    context = {"form": form, "room": None if adding else room}
    return render(request, "interventions/connect/room_form.html", context)


class OnDay(TypedDict):
    """What ``_placements`` prefetches onto each placement: the day's record, if any."""

    on_day: list[DailyRecord]


if TYPE_CHECKING:
    # A current placement with the day's record prefetched.
    PlacementOnDay: TypeAlias = WithAnnotations[Placement, OnDay]


def _placements(room: Room, day: dt.date) -> list[PlacementOnDay]:
    """Current placements with pupil, stages and the day's record: three queries for any size."""
    return list(
        room.placements.current()
        .select_related("pupil", "key_worker")
        .prefetch_related(
            "stages",
            Prefetch("days", queryset=DailyRecord.objects.filter(date=day), to_attr="on_day"),
        )
    )


@requires("interventions.connect_view")
@require_GET
def room_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show the room: today's register, who has not checked in, and each pupil's stage."""
    room = get_object_for(request, Room.objects, pk, "interventions.connect_view")
    today = timezone.localdate()
    placements = _placements(room, today)
    for p in placements:
        p.today = p.on_day[0] if p.on_day else None
        p.stage_list = list(p.stages.all())
    context = {
        "room": room,
        "today": today,
        "placements": placements,
        "not_checked_in": [p for p in placements if not (p.today and p.today.checkin_zone)],
        "may_record": can(request.user, "interventions.connect_record", room),
        "may_manage": can(request.user, "interventions.connect_manage", room),
    }
    return render(request, "interventions/connect/room.html", context)


def _saved(placement: PlacementOnDay) -> DailyRecord | None:
    return placement.on_day[0] if placement.on_day else None


# How a clash between two versions of a pupil's line is shown: a label, the fields it covers,
# and whether it is shown even when both agree (the entries people look for first).
CLASH_LINES = (
    ("Morning (AM)", ("am",), True),
    ("Check-in", ("checkin_zone", "checkin_word"), True),
    ("Afternoon (PM)", ("pm",), True),
    ("Check-out", ("checkout_zone", "checkout_word"), False),
    ("Engagement", ("engagement",), False),
    ("Work completed", ("work_completed",), False),
    ("Incidents", ("incidents",), False),
    ("Pastoral note", ("note",), True),
)


def _clash_cell(values: dict[str, Any], fields: tuple[str, ...]) -> services.ClashCell:
    """Return one side of a clash line as words (and a zone for its badge)."""
    first = values.get(fields[0])
    if fields[0].endswith("_zone"):
        word = values.get(fields[1]) or ""
        text = " ".join(
            p for p in ((first or "").title(), f"\u201c{word}\u201d" if word else "") if p
        )
        return {"zone": first or "", "text": text}
    if fields[0] in ("am", "pm"):
        return {"zone": "", "text": DailyRecord.Attendance(first).label if first else ""}
    if fields[0] == "work_completed":
        return {"zone": "", "text": DailyRecord.Work(first).label if first else ""}
    if fields[0] == "engagement":
        return {"zone": "", "text": f"{first} of 5" if first else ""}
    return {"zone": "", "text": "" if first is None else str(first)}


def _clash_view(clash: services.RegisterClash) -> services.ClashView:
    """Return what the page shows of a clash: who saved when, each line side by side."""
    lines: list[services.ClashLine] = []
    for label, fields, always in CLASH_LINES:
        differs = any(clash.theirs.get(f) != clash.mine.get(f) for f in fields)
        if differs or always:
            lines.append(
                {
                    "label": label,
                    "theirs": _clash_cell(clash.theirs, fields),
                    "mine": _clash_cell(clash.mine, fields),
                    "differs": differs,
                }
            )
    if clash.shown and clash.shown != clash.version:
        note = "They saved again after you were shown their entry: this is their newest."
    elif clash.shown:
        note = "Choose which entry to keep before saving."
    else:
        note = ""
    return {"clash": clash, "lines": lines, "note": note}


@requires("interventions.connect_record")
@require_http_methods(["GET", "POST"])
def register(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Take the room's register and check-ins for a day, phone first."""
    room = get_object_for(request, Room.objects, pk, "interventions.connect_record")
    day = DayForm(request.GET or request.POST).day()
    post = request.POST if request.method == "POST" else None
    placements = _placements(room, day)
    forms: list[tuple[Placement, DailyRowForm]] = []
    for p in placements:
        saved = services.register_row(_saved(p))
        # Only lines the page showed are saved (a pupil placed since stays as they are), and a
        # line shown again keeps the version it was typed against, never the newest.
        data = post if post is not None and f"p{p.pk}-seen" in post else None
        p.seen = data[f"p{p.pk}-seen"] if data is not None else services.register_version(saved)
        forms.append((p, DailyRowForm(data, prefix=f"p{p.pk}", initial=saved)))
    problem = ""
    if post is not None and all(f.is_valid() for _, f in forms if f.is_bound):
        shown = [(p, f) for p, f in forms if f.is_bound]
        seen = {p.pk: post[f"p{p.pk}-seen"] for p, _ in shown}
        resolved = {
            p.pk: (post.get(f"p{p.pk}-resolve", ""), post.get(f"p{p.pk}-theirs", ""))
            for p, _ in shown
            if f"p{p.pk}-theirs" in post
        }
        try:
            services.register_save(
                room=room,
                day=day,
                rows={p.pk: f.cleaned_data for p, f in shown},
                by=request.user,
                seen=seen,
                resolved=resolved,
            )
        except services.RegisterConflict as exc:
            problem = _errors(exc)
            typed = {p.pk: f for p, f in shown}
            forms = _register_after_conflict(room, day, typed, seen, exc.clashes)
        except ValidationError as exc:
            problem = _errors(exc)
        else:
            messages.success(request, f"Register saved for {room.name}.")
            target = reverse("interventions:connect_room", args=[room.pk])
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    context = {
        "room": room,
        "day": day,
        "rows": forms,
        "problem": problem,
        "zones": Zone.choices,
        "attendance": [
            c for c in DailyRecord.Attendance.choices if c[0] != DailyRecord.Attendance.MAINSTREAM
        ],
        "all_attendance": DailyRecord.Attendance.choices,
        "work": DailyRecord.Work.choices,
        "draft_key": f"register-{room.pk}-{day:%Y%m%d}",
    }
    template = "interventions/connect/register.html"
    return render(request, f"{template}#register_form" if request.htmx else template, context)


def _register_after_conflict(
    room: Room,
    day: dt.date,
    typed: dict[int, DailyRowForm],
    seen: dict[int, str],
    clashes: list[services.RegisterClash],
) -> list[tuple[Placement, DailyRowForm]]:
    """Rebuild the register after a refused save: each clash shows the colleague's entry beside
    this person's (kept as typed); other lines this person changed stay as typed; the rest
    show what is saved now."""
    by_pk = {c.placement.pk: c for c in clashes}
    forms: list[tuple[Placement, DailyRowForm]] = []
    for p in _placements(room, day):
        form = typed.get(p.pk)
        if form is not None and (
            p.pk in by_pk or services.register_version(form.cleaned_data) != seen[p.pk]
        ):
            p.seen = seen[p.pk]
            p.clash = _clash_view(by_pk[p.pk]) if p.pk in by_pk else None
            forms.append((p, form))
        else:
            saved = services.register_row(_saved(p))
            p.seen = services.register_version(saved)
            forms.append((p, DailyRowForm(prefix=f"p{p.pk}", initial=saved)))
    return forms


@requires("interventions.connect_manage")
@require_http_methods(["GET", "POST"])
def placement_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Place a pupil in the room with their reintegration plan (planned from day one)."""
    room = get_object_for(request, Room.objects, pk, "interventions.connect_manage")
    form = PlacementForm(request.POST or None, user=request.user, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_create(
                room=room, by=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"{placement.pupil.display_name} placed in {room.name}.")
            return redirect("interventions:connect_placement", placement.pk)
    taken = room.placements.current().count()
    context = {"room": room, "form": form, "taken": taken}
    return render(request, "interventions/connect/placement_form.html", context)


def _stage_chart(stages: list[ReintegrationStage]) -> list[Bar]:
    """Bars of the share of timetable back in mainstream, stage by stage."""
    return bars([(f"Stage {s.number}", s.timetable_percent) for s in stages], height=100)


@requires("interventions.connect_view")
@require_GET
def placement_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show a placement: the stage track, the timetable share over time, and recent days."""
    placement = get_object_for(
        request,
        Placement.objects.select_related("pupil", "room", "key_worker", "referred_by"),
        pk,
        "interventions.connect_view",
    )
    stages = list(placement.stages.all())
    chart = _stage_chart(stages)
    for bar, stage in zip(chart, stages, strict=True):
        bar.flag = stage.number <= placement.current_stage
    context = {
        "placement": placement,
        "stages": stages,
        "chart": chart,
        "records": placement.days.select_related("recorded_by")[:RECORDS_SHOWN],
        "advance_form": StageAdvanceForm(),
        "end_form": PlacementEndForm(),
        "may_review": can(request.user, "interventions.connect_review", placement),
        "may_manage": can(request.user, "interventions.connect_manage", placement),
    }
    return render(request, "interventions/connect/placement.html", context)


@requires("interventions.connect_review")
@require_POST
def stage_advance(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record how the current stage went and move the pupil to the next one."""
    placement = get_object_for(request, Placement.objects, pk, "interventions.connect_review")
    form = StageAdvanceForm(request.POST)
    if form.is_valid():
        try:
            placement = services.placement_stage_advance(
                placement=placement, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, f"Moved to stage {placement.current_stage}.")
    else:
        messages.error(request, "Choose how the stage went.")
    return redirect("interventions:connect_placement", placement.pk)


@requires("interventions.connect_review")
@require_http_methods(["GET", "POST"])
def stage_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Add a stage to the end of a current placement's reintegration plan."""
    placement = get_object_for(
        request,
        Placement.objects.select_related("pupil", "room"),
        pk,
        "interventions.connect_review",
    )
    form = StageAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stage = services.placement_stage_add(
                placement=placement, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"Stage {stage.number} added to the plan.")
            return redirect("interventions:connect_placement", placement.pk)
    stages = list(placement.stages.all())
    context = {"placement": placement, "form": form, "stages": stages}
    return render(request, "interventions/connect/stage_form.html", context)


@requires("interventions.connect_manage")
@require_POST
def placement_end(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Close a placement, completed or ended early, with its exit outcome."""
    placement = get_object_for(request, Placement.objects, pk, "interventions.connect_manage")
    form = PlacementEndForm(request.POST)
    if form.is_valid():
        try:
            services.placement_end(placement=placement, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, "Placement closed.")
    else:
        messages.error(request, "Choose how the placement ended.")
    return redirect("interventions:connect_placement", placement.pk)


# --- Daily check-ins ------------------------------------------------------------------------


@requires("interventions.checkin_record")
@require_GET
def checkins(request: SchoolHttpRequest) -> HttpResponse:
    """List my check-in pupils (the whole list for whoever keeps it) with today's check-in."""
    today = timezone.localdate()
    entries = list(
        CheckInPupil.objects.visible_to(request.user)
        .active()
        .select_related("pupil", "key_adult")
        .prefetch_related(
            Prefetch(
                "pupil__checkins",
                queryset=CheckIn.objects.filter(date__gte=today - dt.timedelta(days=13)),
                to_attr="recent",
            )
        )
    )
    for entry in entries:
        # Prefetch(to_attr="recent") above set it; django-stubs cannot see an attribute made so.
        recent: list[CheckIn] = entry.pupil.recent  # type: ignore[attr-defined]
        entry.today = next((c for c in recent if c.date == today), None)
    may_manage = can(request.user, "interventions.checkin_manage")
    context = {
        "entries": entries,
        "zones": Zone.choices,
        "may_manage": may_manage,
        "list_form": CheckInListForm(user=request.user, school=request.school)
        if may_manage
        else None,
        "flags": services.low_checkin_flags(request.user),
    }
    return render(request, "interventions/connect/checkins.html", context)


@requires("interventions.checkin_record")
@require_POST
def checkin_record(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record today's check-in for a pupil on the list: a zone or a number, a note."""
    entry = get_object_for(
        request,
        CheckInPupil.objects.active().select_related("pupil"),
        pk,
        "interventions.checkin_record",
    )
    form = CheckInForm(request.POST)
    if form.is_valid():
        services.checkin_record(pupil=entry.pupil, by=request.user, **form.cleaned_data)
        messages.success(request, f"Check-in saved for {entry.pupil.display_name}.")
    else:
        messages.error(request, "Choose a zone or a number.")
    return redirect("interventions:checkins")


@requires("interventions.checkin_manage")
@require_POST
def checkin_list_add(request: SchoolHttpRequest) -> HttpResponse:
    """Put a pupil on the daily check-in list."""
    form = CheckInListForm(request.POST, user=request.user, school=request.school)
    if form.is_valid():
        entry = services.checkin_list_add(by=request.user, **form.cleaned_data)
        messages.success(request, f"{entry.pupil.display_name} added to the check-in list.")
    else:
        messages.error(request, "Choose a pupil and their key adult.")
    return redirect("interventions:checkins")


@requires("interventions.checkin_manage")
@require_POST
def checkin_list_remove(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Take a pupil off the daily check-in list."""
    entry = get_object_for(
        request, CheckInPupil.objects.active(), pk, "interventions.checkin_manage"
    )
    services.checkin_list_remove(entry=entry, by=request.user)
    messages.success(request, "Taken off the check-in list.")
    return redirect("interventions:checkins")
