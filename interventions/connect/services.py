"""Writes (and a few reads) for Connect rooms: placing pupils, stages, the daily register and
daily check-ins with vulnerable pupils."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from interventions.connect.models import (
    CheckIn,
    CheckInPupil,
    DailyRecord,
    Placement,
    ReintegrationStage,
    Room,
)
from pupils.models import Pupil
from send_hub.lib.tokens import fingerprint
from staff.audit import log_action
from staff.models import User
from staff.permissions import can

LOW_IN_A_ROW = 3


class RoomFull(ValidationError):
    """The room is at capacity and nobody who may override it said why to place anyway."""


@transaction.atomic
def room_save(*, room: Room, leaders: Sequence[User], staff: Sequence[User], by: User) -> Room:
    """Create or update a room with its inclusion leader(s) and staff."""
    creating = room.pk is None
    if not leaders:
        raise ValidationError("Name at least one inclusion leader for the room.")
    if not creating:
        placed = room.placements.current().count()
        if placed > room.capacity:
            raise ValidationError(
                f"{placed} pupils are placed in this room now: the capacity cannot go below "
                f"{placed} until some placements end."
            )
        if not room.active and placed:
            raise ValidationError(
                "End or move the room's current placements before closing the room."
            )
    room.full_clean()
    room.save()
    room.leaders.set(leaders)
    room.staff.set([s for s in staff if s not in leaders])
    log_action(
        room, "interventions.room.created" if creating else "interventions.room.updated", actor=by
    )
    return room


@transaction.atomic
def placement_create(
    *,
    room: Room,
    pupil: Pupil,
    referral_reason: str,
    start_date: dt.date,
    stages: Sequence[dict[str, Any]],
    by: User,
    referred_by: User | None = None,
    panel_date: dt.date | None = None,
    planned_weeks: int = 6,
    next_review_on: dt.date | None = None,
    key_worker: User | None = None,
    override_reason: str = "",
) -> Placement:
    """Place a pupil in a room with their reintegration plan; refuse a full room unless the
    SENDCo or head records why they are placing over capacity."""
    # Lock the room so two placements made at once cannot both take the last place.
    room = Room.objects.select_for_update().get(pk=room.pk)
    if pupil.school_id != room.school_id:
        raise ValidationError("That pupil is not in this school.")
    if not stages:
        raise ValidationError("Plan at least one reintegration stage: plan the exit at entry.")
    placement = Placement(
        school_id=room.school_id,
        room=room,
        pupil=pupil,
        referral_reason=referral_reason,
        referred_by=referred_by,
        panel_date=panel_date,
        start_date=start_date,
        planned_weeks=planned_weeks,
        next_review_on=next_review_on or start_date + dt.timedelta(weeks=2),
        key_worker=key_worker,
        created_by=by,
    )
    taken = room.placements.current().count()
    if taken >= room.capacity:
        reason = override_reason.strip()
        if not reason or not can(by, "interventions.connect_manage", room):
            raise RoomFull(
                f"{room.name} is full ({taken} of {room.capacity} places). The SENDCo or head "
                "can place over capacity by recording why."
            )
        placement.over_capacity = True
        placement.override_reason = reason
        placement.override_by = by
    if Placement.objects.current().filter(pupil=pupil).exists():
        raise ValidationError(f"{pupil.display_name} already has a current Connect placement.")
    placement.full_clean()
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError as exc:
        raise ValidationError(
            f"{pupil.display_name} already has a current Connect placement."
        ) from exc
    for number, data in enumerate(stages, start=1):
        stage = ReintegrationStage(
            placement=placement,
            number=number,
            lessons=data.get("lessons", ""),
            timetable_percent=data["timetable_percent"],
            success_criteria=data["success_criteria"],
            start_date=start_date if number == 1 else data.get("start_date"),
            review_date=data.get("review_date"),
        )
        stage.full_clean()
        stage.save()
    log_action(
        placement,
        "interventions.placement.created",
        actor=by,
        data={"pupil": pupil.pk, "room": room.pk, "over_capacity": placement.over_capacity},
    )
    return placement


@transaction.atomic
def placement_stage_advance(
    *, placement: Placement, outcome: str, note: str = "", by: User, on: dt.date | None = None
) -> Placement:
    """Record the current stage's outcome and move the pupil on to the next stage."""
    on = on or timezone.localdate()
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if not placement.is_current:
        raise ValidationError("This placement has ended.")
    stages = {s.number: s for s in placement.stages.all()}
    current, following = (
        stages.get(placement.current_stage),
        stages.get(placement.current_stage + 1),
    )
    if following is None:
        raise ValidationError(
            "This is the last stage of the plan: add a stage or complete the placement."
        )
    if outcome not in ReintegrationStage.Outcome.values:
        raise ValidationError("Choose how the stage went.")
    if current is not None:
        current.outcome, current.outcome_note = outcome, note.strip()[:300]
        current.review_date = current.review_date or on
        current.save(update_fields=["outcome", "outcome_note", "review_date"])
    following.start_date = on
    following.save(update_fields=["start_date"])
    placement.current_stage = following.number
    if following.timetable_percent > 0:
        placement.status = Placement.Status.REINTEGRATING
    placement.save(update_fields=["current_stage", "status"])
    log_action(
        placement,
        "interventions.placement.stage_advanced",
        actor=by,
        data={"stage": following.number, "outcome": outcome},
    )
    return placement


@transaction.atomic
def placement_stage_add(
    *,
    placement: Placement,
    by: User,
    timetable_percent: int,
    success_criteria: str,
    lessons: str = "",
    review_date: dt.date | None = None,
) -> ReintegrationStage:
    """Add a stage after the last one of a current placement's plan (the plan grows as the
    pupil does; stages already reached are never rewritten)."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if not placement.is_current:
        raise ValidationError("This placement has ended: its plan can no longer change.")
    last = placement.stages.order_by("-number").first()
    if last is not None and timetable_percent < last.timetable_percent:
        raise ValidationError(
            f"A new stage should not return less of the timetable to mainstream than the "
            f"last one ({last.timetable_percent}%)."
        )
    stage = ReintegrationStage(
        placement=placement,
        number=(last.number if last else 0) + 1,
        lessons=lessons.strip(),
        timetable_percent=timetable_percent,
        success_criteria=success_criteria.strip(),
        review_date=review_date,
    )
    stage.full_clean()
    stage.save()
    log_action(
        placement, "interventions.placement.stage_added", actor=by, data={"stage": stage.number}
    )
    return stage


@transaction.atomic
def placement_end(
    *, placement: Placement, status: str, exit_outcome: str, reason: str = "", by: User
) -> Placement:
    """Close a placement as completed or ended early, with its exit outcome."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if not placement.is_current:
        raise ValidationError("This placement has already ended.")
    if status not in (Placement.Status.COMPLETED, Placement.Status.ENDED_EARLY):
        raise ValidationError("Choose completed or ended early.")
    if status == Placement.Status.ENDED_EARLY and not reason.strip():
        raise ValidationError("Say why the placement ended early.")
    placement.status, placement.exit_outcome = status, exit_outcome
    placement.ended_reason = reason.strip()
    placement.ended_on = timezone.localdate()
    placement.full_clean()
    placement.save()
    log_action(placement, "interventions.placement.ended", actor=by, data={"status": status})
    return placement


# The values one pupil's line of the register carries, in the order their version is taken.
REGISTER_FIELDS = (
    "am",
    "pm",
    "checkin_zone",
    "checkin_word",
    "checkout_zone",
    "checkout_word",
    "engagement",
    "work_completed",
    "incidents",
    "note",
)


def register_row(record: DailyRecord | None) -> dict[str, Any]:
    """Return a pupil's register values for a day: the saved record's, or a new line's
    (present in the morning, nothing else yet)."""
    record = record or DailyRecord(am=DailyRecord.Attendance.PRESENT)
    return {name: getattr(record, name) for name in REGISTER_FIELDS}


def register_version(values: dict[str, Any]) -> str:
    """Return the version of a register line's values: what the page carries as ``seen``."""
    return fingerprint([values.get(name) for name in REGISTER_FIELDS])


@dataclass
class RegisterClash:
    """A pupil's line that a colleague saved differently while this person was filling it in."""

    placement: Placement
    # Theirs, as saved now (who and when included); None when the line the page showed has no
    # saved record for the day (the page's version then matches nothing saved).
    record: DailyRecord | None
    theirs: dict[str, Any]
    mine: dict[str, Any]
    version: str  # of theirs: a choice made against this version settles the clash
    shown: str  # the version of theirs the page had already shown ("" for none)
    choice: str  # "theirs", "mine" or "" as the page sent it


class ClashCell(TypedDict):
    """One side of a clash line in words, with a zone for its badge ("" for none)."""

    zone: str
    text: str


class ClashLine(TypedDict):
    """One line of a clash: its label, each side, and whether the two differ."""

    label: str
    theirs: ClashCell
    mine: ClashCell
    differs: bool


class ClashView(TypedDict):
    """A clash as the register shows it: who saved when, each line side by side."""

    clash: RegisterClash
    lines: list[ClashLine]
    note: str


class RegisterConflict(ValidationError):
    """Colleagues saved some lines of the register differently since the page was opened."""

    def __init__(self, clashes: list[RegisterClash]) -> None:
        self.clashes = clashes
        names = ", ".join(c.placement.pupil.display_name for c in clashes)
        super().__init__(
            f"Not saved: someone else saved {names} after you opened this register. Their "
            "entries are shown beside yours: choose whose to keep for each pupil, then save."
        )


@transaction.atomic
def register_save(
    *,
    room: Room,
    day: dt.date,
    rows: dict[int, dict[str, Any]],
    by: User,
    seen: dict[int, str] | None = None,
    resolved: dict[int, tuple[str, str]] | None = None,
) -> list[DailyRecord]:
    """Save the room's register for ``day``: one daily record per current placement given.

    ``seen`` maps a placement to the version (``register_version``) of the line the page
    showed. Where a colleague has saved a different version since: a line this person left
    as it was keeps the colleague's entry; a line both changed differently is a clash, and
    nothing is saved (``RegisterConflict`` carries both versions) until ``resolved`` maps
    that placement to ("theirs" or "mine", the version of theirs the person was shown).
    """
    # One register save per room at a time: the check below and the writes see the same rows.
    Room.objects.select_for_update().get(pk=room.pk)
    placements = {p.pk: p for p in room.placements.current().select_related("pupil")}
    current = {
        r.placement_id: r
        for r in DailyRecord.objects.filter(placement_id__in=list(rows), date=day).select_related(
            "recorded_by"
        )
    }
    resolved = resolved or {}
    to_write, kept, replaced, clashes = [], [], [], []
    for pk, data in rows.items():
        placement = placements.get(pk)
        if placement is None:
            continue  # placed elsewhere or ended since the page was opened
        record = current.get(pk)
        theirs = register_row(record)
        version, mine = register_version(theirs), {**theirs, **data}
        if seen is None or seen.get(pk) == version or mine == theirs:
            to_write.append((placement, data))
        elif register_version(mine) == seen.get(pk):
            kept.append(pk)  # this person changed nothing here: the colleague's entry stands
        elif resolved.get(pk) == ("theirs", version):
            kept.append(pk)
        elif resolved.get(pk) == ("mine", version):
            to_write.append((placement, data))
            recorded_by = record.recorded_by_id if record is not None else None
            replaced.append({"placement": pk, "recorded_by": recorded_by})
        else:
            choice, shown = resolved.get(pk, ("", ""))
            clashes.append(RegisterClash(placement, record, theirs, mine, version, shown, choice))
    if clashes:
        raise RegisterConflict(sorted(clashes, key=lambda c: c.placement.pupil.display_name))
    saved = []
    for placement, data in to_write:
        record, _ = DailyRecord.objects.select_for_update().get_or_create(
            placement=placement, date=day, defaults={"recorded_by": by}
        )
        for name, value in data.items():
            setattr(record, name, value)
        record.recorded_by = by
        record.full_clean()
        record.save()
        saved.append(record)
    log_action(
        room,
        "interventions.register.saved",
        actor=by,
        data={
            "date": day.isoformat(),
            "pupils": len(saved),
            # a colleague's entry is only ever replaced by a choice made beside it
            "replaced": replaced,
            "kept_theirs": kept,
        },
    )
    return saved


@transaction.atomic
def checkin_list_add(
    *, pupil: Pupil, key_adult: User, reason: str = "", by: User, on: dt.date | None = None
) -> CheckInPupil:
    """Put a pupil on the daily check-in list with the key adult who checks in with them."""
    entry = CheckInPupil.objects.filter(pupil=pupil, active=True).first()
    if entry is None:
        entry = CheckInPupil(
            school_id=pupil.school_id,
            pupil=pupil,
            added_by=by,
            added_on=on or timezone.localdate(),
        )
    entry.key_adult, entry.reason = key_adult, reason
    entry.full_clean()
    entry.save()
    log_action(entry, "interventions.checkin_list.added", actor=by, data={"pupil": pupil.pk})
    return entry


@transaction.atomic
def checkin_list_remove(*, entry: CheckInPupil, by: User) -> CheckInPupil:
    """Take a pupil off the daily check-in list (their check-ins are kept)."""
    entry.active = False
    entry.save(update_fields=["active"])
    log_action(entry, "interventions.checkin_list.removed", actor=by)
    return entry


@transaction.atomic
def checkin_record(
    *,
    pupil: Pupil,
    zone: str = "",
    scale: int | None = None,
    note: str = "",
    by: User,
    on: dt.date | None = None,
) -> CheckIn:
    """Record (or correct) today's check-in for a pupil: a zone or a 1-5 score and a note."""
    if not zone and scale is None:
        raise ValidationError("Choose a zone or a number.")
    checkin, _ = CheckIn.objects.select_for_update().get_or_create(
        pupil=pupil,
        date=on or timezone.localdate(),
        defaults={"school_id": pupil.school_id, "recorded_by": by, "zone": zone, "scale": scale},
    )
    checkin.zone, checkin.scale, checkin.note, checkin.recorded_by = zone, scale, note, by
    checkin.full_clean()
    checkin.save()
    log_action(checkin, "interventions.checkin.recorded", actor=by, data={"pupil": pupil.pk})
    return checkin


@dataclass
class LowFlag:
    entry: CheckInPupil
    checkins: list[CheckIn]


def low_checkin_flags(user: User, *, school_id: int | None = None) -> list[LowFlag]:
    """Return the pupils ``user`` is key adult for whose last three check-ins were all low."""
    school_id = school_id or getattr(user, "current_school_id", None)
    if school_id is None:
        return []  # in no school: on no school's list
    # Each flag names its pupil, nothing more: their names, not their whole record.
    entries = list(
        CheckInPupil.objects.active()
        .filter(school_id=school_id, key_adult=user)
        .select_related("pupil")
        .only("pupil_id", *(f"pupil__{field}" for field in Pupil.NAME_FIELDS))
    )
    if not entries:
        return []
    since = timezone.localdate() - dt.timedelta(days=28)
    by_pupil: dict[int, list[CheckIn]] = {}
    for c in CheckIn.objects.filter(pupil__in=[e.pupil_id for e in entries], date__gte=since):
        by_pupil.setdefault(c.pupil_id, []).append(c)  # newest first (model ordering)
    flags = []
    for entry in entries:
        latest = by_pupil.get(entry.pupil_id, [])[:LOW_IN_A_ROW]
        if len(latest) == LOW_IN_A_ROW and all(c.is_low for c in latest):
            flags.append(LowFlag(entry, latest))
    return flags
