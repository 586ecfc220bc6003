"""Pupils educated off site: alternative provision placements, the school's daily record of
whether the pupil arrived there, and "where is this pupil now" for today.

Where a pupil is today reads, in order: a placement they attend today (at the provider, or absent
there when the school recorded so); else today's latest school mark (present is on site, any other
mark is not in school, with the mark's meaning); else unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from interventions.attendance.models import (
    ATTENDED,
    AttendanceMark,
    OffSiteAttendance,
    OffSitePlacement,
)
from pupils.models import Pupil
from staff.audit import log_action
from staff.models import School, User

ON_SITE, AT_PROVIDER, ABSENT, UNKNOWN = "on_site", "at_provider", "absent", "unknown"


@dataclass(frozen=True)
class WhereNow:
    state: str
    words: str
    placement: OffSitePlacement | None = None


def where_now(pupil: Pupil, today: dt.date) -> WhereNow:
    """Say where ``pupil`` is expected to be today, and on what evidence."""
    placement = (
        OffSitePlacement.objects.filter(pupil=pupil).on_day(today).order_by("-start_date").first()
    )
    if placement is not None:
        record = OffSiteAttendance.objects.filter(placement=placement, date=today).first()
        return _at_provider(placement, record)
    mark = (
        AttendanceMark.objects.filter(pupil=pupil, date=today)
        .select_related("code")
        .order_by("-session")
        .first()
    )
    if mark is None:
        return WhereNow(UNKNOWN, "Unknown: no mark yet today")
    if mark.code.category in ATTENDED[:1]:
        return WhereNow(ON_SITE, "On site")
    return WhereNow(ABSENT, f"Not in school: today's mark is {mark.code_id} ({mark.code.meaning})")


def _at_provider(placement: OffSitePlacement, record: OffSiteAttendance | None) -> WhereNow:
    if record is not None and record.status == OffSiteAttendance.Status.ABSENT:
        return WhereNow(ABSENT, f"Absent: did not arrive at {placement.provider}", placement)
    if record is not None:
        late = " (arrived late)" if record.status == OffSiteAttendance.Status.LATE else ""
        return WhereNow(AT_PROVIDER, f"At {placement.provider}{late}", placement)
    return WhereNow(
        AT_PROVIDER, f"Expected at {placement.provider} (arrival not yet recorded)", placement
    )


def where_at_providers(
    placements: list[OffSitePlacement], today: dt.date
) -> list[tuple[OffSitePlacement, WhereNow]]:
    """Say, for placements running today, whether each pupil arrived (one query for them all)."""
    records = {
        r.placement_id: r
        for r in OffSiteAttendance.objects.filter(placement__in=placements, date=today)
    }
    return [(p, _at_provider(p, records.get(p.pk))) for p in placements]


def _check_days(days: str) -> str:
    cleaned = "".join(sorted(set(days)))
    if not cleaned or any(d not in "0123456" for d in cleaned):
        raise ValidationError({"days": "Choose the days of the week the pupil goes there."})
    return cleaned


def placement_create(
    *,
    school: School,
    pupil: Pupil,
    by: User,
    provider: str,
    address: str,
    days: str,
    safeguarding_confirmed: bool,
    safeguarding_confirmed_on: dt.date | None,
    contact_name: str,
    contact_phone: str,
    start_date: dt.date,
    end_date: dt.date | None,
) -> OffSitePlacement:
    """Record an alternative provision placement; a missing confirmation is allowed but shown."""
    days = _check_days(days)
    if safeguarding_confirmed and safeguarding_confirmed_on is None:
        raise ValidationError(
            {"safeguarding_confirmed_on": "Give the date of the provider's written confirmation."}
        )
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": "The end cannot come before the start."})
    with transaction.atomic():
        placement = OffSitePlacement.objects.create(
            school=school,
            pupil=pupil,
            provider=provider.strip(),
            address=address.strip(),
            days=days,
            safeguarding_confirmed_on=safeguarding_confirmed_on if safeguarding_confirmed else None,
            contact_name=contact_name.strip(),
            contact_phone=contact_phone.strip(),
            start_date=start_date,
            end_date=end_date,
            created_by=by,
        )
        log_action(placement, "interventions.offsite.created", actor=by, data={"pupil": pupil.pk})
    return placement


@transaction.atomic
def offsite_attendance_record(
    *, placement: OffSitePlacement, by: User, date: dt.date, status: str, note: str
) -> OffSiteAttendance:
    """Record (or correct) whether the pupil arrived at the provider on ``date``: once a day."""
    if date < placement.start_date or (placement.end_date and date > placement.end_date):
        raise ValidationError({"date": "That day is outside the placement's dates."})
    record, _ = OffSiteAttendance.objects.update_or_create(
        placement=placement,
        date=date,
        defaults={"status": status, "note": note.strip()[:500], "recorded_by": by},
    )
    log_action(
        placement, "interventions.offsite.attendance", actor=by, data={"date": date.isoformat()}
    )
    return record


@transaction.atomic
def placement_end(*, placement: OffSitePlacement, by: User, end_date: dt.date) -> None:
    """End a placement on ``end_date``."""
    if end_date < placement.start_date:
        raise ValidationError({"end_date": "The end cannot come before the start."})
    placement.end_date = end_date
    placement.save(update_fields=["end_date"])
    log_action(placement, "interventions.offsite.ended", actor=by, data={})
