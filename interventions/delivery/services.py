"""Writes for interventions: set-up, enrolments, status, and logging sessions."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from interventions.delivery.kept import SUPPORT_PUPIL
from interventions.delivery.models import (
    Enrolment,
    EnrolmentTarget,
    Intervention,
    ScheduleSlot,
    Session,
    SessionAttendance,
)
from pupils.models import ArchivedRecordError, Pupil
from send_hub.lib.dates import nice_date
from send_hub.lib.tasks import enqueue_on_commit
from staff.audit import log_action
from staff.models import User


@transaction.atomic
def intervention_save(
    *,
    intervention: Intervention,
    assistants: Sequence[User],
    slots: Sequence[dict[str, Any]],
    by: User,
) -> Intervention:
    """Create or update an intervention with its assistants and weekly slots."""
    creating = intervention.pk is None
    if intervention.programme.school_id != intervention.school_id:
        raise ValidationError("Choose a programme from this school's catalogue.")
    if intervention.is_elsa and not 6 <= intervention.planned_sessions <= 12:
        raise ValidationError("An ELSA block runs for 6 to 12 sessions; plan between 6 and 12.")
    intervention.full_clean()
    intervention.save()
    intervention.assistants.set([a for a in assistants if a.pk != intervention.lead_id])
    wanted = {(s["weekday"], s["start_time"]): s for s in slots}
    existing = {(s.weekday, s.start_time): s for s in intervention.slots.all()}
    for key, slot in existing.items():
        if key not in wanted:
            slot.delete()  # logged sessions keep their date; the link to the slot is cleared
    for key, data in wanted.items():
        slot = existing.get(key) or ScheduleSlot(intervention=intervention)
        slot.weekday, slot.start_time = key
        slot.minutes, slot.room = data["minutes"], data.get("room", "")
        slot.full_clean()
        slot.save()
    log_action(
        intervention,
        "interventions.intervention.created" if creating else "interventions.intervention.updated",
        actor=by,
    )
    return intervention


@transaction.atomic
def status_change(
    *, intervention: Intervention, status: str, reason: str = "", confirmed: bool = False, by: User
) -> Intervention:
    """Move an intervention through planned -> running -> completed (or stopped early).

    Completing with fewer than half the planned sessions delivered needs ``confirmed``: the
    impact report is built from what was logged, so unlogged sessions would read as not given.
    """
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    allowed: dict[str, set[str]] = {
        Intervention.Status.PLANNED: {Intervention.Status.RUNNING, Intervention.Status.STOPPED},
        Intervention.Status.RUNNING: {Intervention.Status.COMPLETED, Intervention.Status.STOPPED},
    }
    if status not in allowed.get(intervention.status, set()):
        raise ValidationError(
            f"This intervention is {intervention.get_status_display().lower()}; "
            f"it cannot become {Intervention.Status(status).label.lower()}."
        )
    if status == Intervention.Status.STOPPED and not reason.strip():
        raise ValidationError("Say why the intervention stopped early.")
    if status == Intervention.Status.COMPLETED and not confirmed:
        # "Planned" is the intervention's own planned number, as its page and impact report show.
        delivered = intervention.sessions.delivered().count()
        if delivered * 2 < intervention.planned_sessions:
            raise ValidationError(
                "Only %(delivered)s of %(planned)s planned sessions were logged as delivered.",
                code="few_sessions_delivered",
                params={"delivered": delivered, "planned": intervention.planned_sessions},
            )
    intervention.status = status
    intervention.stopped_reason = reason.strip() if status == Intervention.Status.STOPPED else ""
    if status in (Intervention.Status.COMPLETED, Intervention.Status.STOPPED):
        intervention.completed_on = timezone.localdate()
    intervention.save()
    log_action(
        intervention, "interventions.intervention.status_changed", actor=by, data={"status": status}
    )
    if status == Intervention.Status.COMPLETED:
        # Completing builds the impact report (outcomes sits above delivery, so by the task's
        # name); if the broker is down the periodic sweep finds the report still due.
        enqueue_on_commit("interventions.tasks.impact_report_build_task", intervention.pk)
    return intervention


@transaction.atomic
def enrol(*, intervention: Intervention, pupil: Pupil, joined_on: dt.date, by: User) -> Enrolment:
    """Add a pupil to the intervention (a no-op if they are already in it)."""
    if pupil.school_id != intervention.school_id:
        raise ValidationError("That pupil is not in this school.")
    if intervention.status in (Intervention.Status.COMPLETED, Intervention.Status.STOPPED):
        raise ValidationError("This intervention has finished; start a new one to add pupils.")
    enrolment, created = Enrolment.objects.get_or_create(
        intervention=intervention, pupil=pupil, left_on=None, defaults={"joined_on": joined_on}
    )
    if created:
        log_action(
            intervention, "interventions.enrolment.created", actor=by, data={"pupil": pupil.pk}
        )
    return enrolment


@transaction.atomic
def enrolment_end(*, enrolment: Enrolment, left_on: dt.date, reason: str, by: User) -> Enrolment:
    """Record that a pupil left the intervention, and why."""
    if enrolment.left_on is not None:
        raise ValidationError("This pupil has already left the intervention.")
    if left_on < enrolment.joined_on:
        raise ValidationError("The leaving date cannot be before the pupil joined.")
    enrolment.left_on, enrolment.leave_reason = left_on, reason.strip()
    enrolment.save(update_fields=["left_on", "leave_reason"])
    log_action(
        enrolment.intervention,
        "interventions.enrolment.ended",
        actor=by,
        data={"pupil": enrolment.pupil_id},
    )
    return enrolment


@dataclass
class EnrolResult:
    """Who joined, and who was already in the group (a resent form adds nobody twice)."""

    added: list[Enrolment]
    already: list[Pupil]


@transaction.atomic
def enrolment_add_many(
    *, intervention: Intervention, pupils: Sequence[Pupil], joined_on: dt.date, by: User
) -> EnrolResult:
    """Add several pupils to the intervention on one date, all or none; report those already in."""
    # The lock makes two submissions of the same form (a double tap) queue up: the second
    # finds every pupil already in and adds nobody.
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.status in (Intervention.Status.COMPLETED, Intervention.Status.STOPPED):
        raise ValidationError("This intervention has finished; start a new one to add pupils.")
    if not pupils:
        raise ValidationError("Tick at least one pupil to add.")
    if any(p.school_id != intervention.school_id for p in pupils):
        raise ValidationError("One of those pupils is not in this school.")
    current = set(
        intervention.enrolments.filter(
            left_on__isnull=True, pupil__in=[p.pk for p in pupils]
        ).values_list("pupil_id", flat=True)
    )
    unique = list({p.pk: p for p in pupils}.values())
    added = [
        Enrolment(intervention=intervention, pupil=p, joined_on=joined_on)
        for p in unique
        if p.pk not in current
    ]
    for enrolment in added:
        # Pupils and school are checked above; the partial unique constraint is the lock's backstop.
        enrolment.full_clean(
            exclude=["intervention", "pupil"], validate_unique=False, validate_constraints=False
        )
    Enrolment.objects.bulk_create(added)
    SUPPORT_PUPIL.changed(e.pupil_id for e in added)  # bulk: no signals to say so
    for enrolment in added:
        log_action(
            intervention,
            "interventions.enrolment.created",
            actor=by,
            data={"pupil": enrolment.pupil_id, "joined_on": joined_on.isoformat()},
        )
    return EnrolResult(added=added, already=[p for p in unique if p.pk in current])


@transaction.atomic
def targets_save(*, enrolment: Enrolment, texts: Sequence[str], by: User) -> list[EnrolmentTarget]:
    """Set up to three targets (GBO goals) agreed with the pupil, in order."""
    texts = [t.strip() for t in texts if t and t.strip()]
    if len(texts) > 3:
        raise ValidationError("Agree at most three targets with the pupil.")
    kept = []
    for number, text in enumerate(texts, start=1):
        target, _ = EnrolmentTarget.objects.update_or_create(
            enrolment=enrolment, number=number, defaults={"text": text}
        )
        kept.append(target)
    enrolment.targets.filter(number__gt=len(texts)).delete()
    log_action(
        enrolment.intervention, "interventions.targets.saved", actor=by, data={"count": len(kept)}
    )
    return kept


class AlreadyLogged(ValidationError):
    """The slot already has a session for that day (logged by someone, maybe on another phone)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        when = timezone.localtime(session.logged_at)
        super().__init__(
            f"This session was already logged by {session.logged_by} at {when:%H:%M} on "
            f"{nice_date(when)}. Nothing new was saved."
        )


class KeyAlreadyUsed(ValidationError):
    """The form's one-time key already saved a different session (another day or time slot)."""

    def __init__(self, session: Session, date: dt.date) -> None:
        self.session = session
        super().__init__(
            f"This form already saved the session on {nice_date(session.date)}, so nothing was "
            f"saved for {nice_date(date)}. Check the details and tap Save session again to log "
            "it as a new session."
        )


def _resent(
    existing: Session, *, intervention: Intervention, date: dt.date, slot: ScheduleSlot | None
) -> Session:
    """Return ``existing`` when a request is a resend of it; refuse a different session."""
    if existing.intervention_id != intervention.pk:
        raise ValidationError("This form was already used for another intervention.")
    if existing.date != date or existing.slot_id != (slot.pk if slot else None):
        # A phone kept a saved form's key (and maybe its draft): never drop the new log silently.
        raise KeyAlreadyUsed(existing, date)
    return existing


def session_log(
    *,
    intervention: Intervention,
    client_key: uuid.UUID,
    date: dt.date,
    slot: ScheduleSlot | None,
    status: str,
    minutes: int,
    cancel_reason: str = "",
    plan: str = "",
    evaluation: str = "",
    is_ending: bool = False,
    attendance: Sequence[dict[str, Any]] = (),
    by: User,
) -> tuple[Session, bool]:
    """Record one session and each pupil's attendance; return (session, created).

    The form's ``client_key`` makes a double tap or a resent request return the first session;
    the same key for another day or slot is refused, so a reused key never hides a new log.
    A second, different log of the same slot and day is refused with who logged it.
    """
    existing = Session.objects.filter(client_key=client_key).first()
    if existing is not None:
        return _resent(existing, intervention=intervention, date=date, slot=slot), False
    if date > timezone.localdate():
        raise ValidationError("You cannot log a session for a day that has not happened yet.")
    if date < intervention.start_date:
        raise ValidationError(f"This intervention started on {nice_date(intervention.start_date)}.")
    if intervention.status not in (Intervention.Status.RUNNING, Intervention.Status.PLANNED):
        raise ValidationError("This intervention has finished; sessions can no longer be logged.")
    if slot is not None and slot.intervention_id != intervention.pk:
        raise ValidationError("That time slot belongs to another intervention.")
    if status == Session.Status.CANCELLED:
        if not cancel_reason:
            raise ValidationError("Say why the session did not happen.")
        minutes, attendance = 0, ()
    elif not 1 <= minutes <= 480:
        raise ValidationError("Minutes delivered must be between 1 and 480.")
    enrolled = set(intervention.enrolments.held_on(date).values_list("pupil_id", flat=True))
    rows = []
    for row in attendance:
        if row["pupil_id"] not in enrolled:
            raise ValidationError("One of the pupils is not in this intervention on that day.")
        rows.append(row)
    # Attendance rows are written in bulk (no save signal): an archived leaver's records are
    # read-only (records.archive), so a log naming one is refused here, before anything is written.
    leaver = Pupil.objects.filter(pk__in=[r["pupil_id"] for r in rows]).archived().first()
    if leaver is not None:
        raise ArchivedRecordError(leaver)
    try:
        with transaction.atomic():
            session = Session(
                intervention=intervention,
                slot=slot,
                date=date,
                status=status,
                cancel_reason=cancel_reason if status == Session.Status.CANCELLED else "",
                minutes=minutes,
                plan=plan.strip(),
                evaluation=evaluation.strip(),
                is_ending=is_ending,
                logged_by=by,
                client_key=client_key,
            )
            # The database enforces one session per slot and day (caught below, with who logged it).
            session.full_clean(validate_unique=False, validate_constraints=False)
            session.save()
            SessionAttendance.objects.bulk_create(
                SessionAttendance(
                    session=session,
                    pupil_id=row["pupil_id"],
                    attendance=row["attendance"],
                    engagement=row.get("engagement"),
                    note=(row.get("note") or "").strip(),
                )
                for row in rows
            )
            SUPPORT_PUPIL.changed(row["pupil_id"] for row in rows)  # bulk: no signals
            if intervention.status == Intervention.Status.PLANNED:
                Intervention.objects.filter(pk=intervention.pk).update(
                    status=Intervention.Status.RUNNING
                )
            log_action(
                intervention,
                "interventions.session.logged",
                actor=by,
                data={"session": session.pk, "status": status, "pupils": len(rows)},
            )
    except IntegrityError:
        again = Session.objects.filter(client_key=client_key).first()
        if again is not None:  # the same form won a race with itself
            return _resent(again, intervention=intervention, date=date, slot=slot), False
        clash = Session.objects.select_related("logged_by").get(
            intervention=intervention, slot=slot, date=date
        )
        raise AlreadyLogged(clash) from None
    return session, True
