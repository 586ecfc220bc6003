"""Part-time timetables: start one, review it (which sets the next review), end it.

DfE attendance guidance treats a reduced timetable as a temporary measure agreed with parents and
reviewed regularly; the school here commits to a review at most six weeks after the start or the
last review, and the local authority is told (the register is the list the LA asks for).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from interventions.attendance.models import PartTimeTimetable
from pupils.models import Pupil
from send_hub.lib.dates import nice_date
from staff.audit import log_action
from staff.models import School, User

REVIEW_WITHIN = dt.timedelta(weeks=6)
FULL_WEEK_HOURS = Decimal("32.5")


def _check_review(review_on: dt.date, since: dt.date, what: str) -> None:
    latest = since + REVIEW_WITHIN
    if review_on <= since:
        raise ValidationError(
            {"review_on": f"The next review must come after {what} ({nice_date(since)})."}
        )
    if review_on > latest:
        raise ValidationError(
            {
                "review_on": f"A part-time timetable is reviewed at least every 6 weeks: set the "
                f"next review on or before {nice_date(latest)}, 6 weeks after {what}."
            }
        )


def parttime_start(
    *,
    school: School,
    pupil: Pupil,
    by: User,
    reason: str,
    hours_per_week: Decimal,
    start_date: dt.date,
    parents_agreed: bool,
    parents_agreed_on: dt.date | None,
    review_on: dt.date,
    la_informed_on: dt.date | None,
) -> PartTimeTimetable:
    """Put a pupil on a part-time timetable; refuse anything the register could not defend."""
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Say why the pupil needs a reduced timetable."
    if not (Decimal("0") < hours_per_week < FULL_WEEK_HOURS):
        errors["hours_per_week"] = (
            f"Give the hours a week in school: more than 0 and less than a full week "
            f"({FULL_WEEK_HOURS})."
        )
    if not parents_agreed or parents_agreed_on is None:
        errors["parents_agreed_on"] = (
            "A part-time timetable needs the parents' agreement: tick it and give the date."
        )
    elif parents_agreed_on > start_date:
        errors["parents_agreed_on"] = "Parents agree before the timetable starts, not after."
    if la_informed_on is not None and la_informed_on < start_date - REVIEW_WITHIN:
        errors["la_informed_on"] = "That date is long before the start: check it."
    if errors or parents_agreed_on is None:
        raise ValidationError(errors)
    _check_review(review_on, start_date, "the start")
    try:
        with transaction.atomic():
            tt = PartTimeTimetable.objects.create(
                school=school,
                pupil=pupil,
                reason=reason.strip(),
                hours_per_week=hours_per_week,
                start_date=start_date,
                parents_agreed_on=parents_agreed_on,
                review_on=review_on,
                la_informed_on=la_informed_on,
                lead=by,
            )
    except IntegrityError:
        raise ValidationError(
            "This pupil is already on a part-time timetable: review or end that one."
        ) from None
    log_action(tt, "interventions.parttime.started", actor=by, data={"pupil": pupil.pk})
    return tt


@transaction.atomic
def parttime_review(
    *,
    timetable: PartTimeTimetable,
    by: User,
    reviewed_on: dt.date,
    review_on: dt.date,
    hours_per_week: Decimal,
    la_informed_on: dt.date | None,
) -> PartTimeTimetable:
    """Record a review: the hours may change, and the next review is at most 6 weeks on."""
    tt = PartTimeTimetable.objects.select_for_update().get(pk=timetable.pk)
    if tt.ended_on is not None:
        raise ValidationError("This timetable has ended; there is nothing to review.")
    if reviewed_on < tt.start_date:
        raise ValidationError({"reviewed_on": "A review cannot come before the start."})
    if not (Decimal("0") < hours_per_week < FULL_WEEK_HOURS):
        raise ValidationError(
            {"hours_per_week": f"Give more than 0 and less than {FULL_WEEK_HOURS} hours."}
        )
    _check_review(review_on, reviewed_on, "this review")
    tt.last_reviewed_on, tt.review_on, tt.hours_per_week = reviewed_on, review_on, hours_per_week
    tt.la_informed_on = la_informed_on or tt.la_informed_on
    tt.save(update_fields=["last_reviewed_on", "review_on", "hours_per_week", "la_informed_on"])
    log_action(tt, "interventions.parttime.reviewed", actor=by, data={"pupil": tt.pupil_id})
    return tt


@transaction.atomic
def parttime_end(
    *, timetable: PartTimeTimetable, by: User, ended_on: dt.date, note: str
) -> PartTimeTimetable:
    """End a timetable (the pupil is back full time, or has left); refuse a second end."""
    tt = PartTimeTimetable.objects.select_for_update().get(pk=timetable.pk)
    if tt.ended_on is not None:
        raise ValidationError(f"This timetable already ended on {nice_date(tt.ended_on)}.")
    if ended_on < tt.start_date:
        raise ValidationError({"ended_on": "The end cannot come before the start."})
    tt.ended_on, tt.end_note = ended_on, note.strip()[:2000]
    tt.save(update_fields=["ended_on", "end_note"])
    log_action(tt, "interventions.parttime.ended", actor=by, data={"pupil": tt.pupil_id})
    return tt
