"""Writes for the SEN register: status changes with history, passports, key adults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pupils.models import KeyAdult, NeedType, Passport, Provision, Pupil, SENNeed, SENStatus
from send_hub.lib.dates import nice_date
from staff.audit import log_action
from staff.models import User


def validate_needs(provision: str, needs: Sequence[str]) -> list[str]:
    """Return ``needs`` (in rank order) if census-valid with ``provision``; else ValidationError."""
    needs = [n for n in needs if n]
    errors = []
    if provision not in Provision.values:
        errors.append(f"{provision!r} is not a census provision code (N, K or E).")
    unknown = [n for n in needs if n not in NeedType.values]
    if unknown:
        errors.append(f"Unknown type of need: {', '.join(unknown)}.")
    if provision in (Provision.SEN_SUPPORT, Provision.EHCP) and not needs:
        errors.append("SEN support and EHC plans need a primary type of need (rank 1).")
    if provision == Provision.NONE and needs:
        errors.append("A pupil with no SEN (N) has no census type of need.")
    if len(needs) > 2:
        errors.append("The census records a primary and at most one secondary need.")
    if len(set(needs)) != len(needs):
        errors.append("The primary and secondary needs must be different.")
    if NeedType.NSA in needs and provision != Provision.SEN_SUPPORT:
        errors.append("NSA (no specialist assessment) is only valid with SEN support (K).")
    if NeedType.NSA in needs and len(needs) > 1:
        errors.append("NSA cannot be combined with another type of need.")
    if errors:
        raise ValidationError(errors)
    return list(needs)


@transaction.atomic
def sen_status_record(
    *,
    pupil: Pupil,
    provision: str,
    start_date: dt.date,
    needs: Sequence[str] = (),
    parents_informed_on: dt.date | None = None,
    by: User | None,
) -> SENStatus:
    """Open a new SEN status for ``pupil``, closing the current one the day before ``start_date``.

    History is never rewritten: a start date on or before the current status's start is refused.
    """
    needs = validate_needs(provision, needs)
    current = (
        SENStatus.objects.select_for_update().filter(pupil=pupil, end_date__isnull=True).first()
    )
    if current is not None:
        if start_date <= current.start_date:
            raise ValidationError(
                f"The new status must start after the current one "
                f"(which started on {nice_date(current.start_date)})."
            )
        current.end_date = start_date - dt.timedelta(days=1)
        current.save(update_fields=["end_date"])
    status = SENStatus(
        pupil=pupil,
        provision=provision,
        start_date=start_date,
        parents_informed_on=parents_informed_on,
        recorded_by=by,
    )
    status.full_clean()
    status.save()
    SENNeed.objects.bulk_create(
        SENNeed(status=status, rank=rank, need=code) for rank, code in enumerate(needs, start=1)
    )
    log_action(
        pupil,
        "pupils.sen_status.recorded",
        actor=by,
        data={"provision": provision, "needs": needs, "start": start_date.isoformat()},
    )
    return status


@transaction.atomic
def passport_save(*, pupil: Pupil, base_version: int | None, by: User, **fields: Any) -> Passport:
    """Save a new passport version; refuse if someone else saved one since ``base_version``."""
    latest = Passport.objects.select_for_update().filter(pupil=pupil).order_by("-version").first()
    latest_version = latest.version if latest else None
    if latest_version != base_version:
        who = latest.created_by if latest and latest.created_by else "someone"
        raise ValidationError(
            f"{who} saved a newer version of this passport while you were editing. "
            "Your changes were not saved: open the passport again to see theirs."
        )
    passport = Passport(pupil=pupil, version=(latest_version or 0) + 1, created_by=by, **fields)
    passport.full_clean()
    passport.save()
    log_action(pupil, "pupils.passport.saved", actor=by, data={"version": passport.version})
    return passport


@transaction.atomic
def key_adult_assign(
    *, pupil: Pupil, staff: User, kind: str, start_date: dt.date, by: User
) -> KeyAdult:
    """Add ``staff`` to ``pupil``'s key adults (a no-op if that link is already current)."""
    if not staff.memberships.filter(school=pupil.school, active=True).exists():
        raise ValidationError(f"{staff} does not work at {pupil.school}.")
    link, created = KeyAdult.objects.get_or_create(
        pupil=pupil, staff=staff, kind=kind, end_date=None, defaults={"start_date": start_date}
    )
    if created:
        log_action(
            pupil, "pupils.key_adult.assigned", actor=by, data={"staff": staff.pk, "kind": kind}
        )
    return link


@transaction.atomic
def key_adult_end(*, link: KeyAdult, end_date: dt.date, by: User) -> KeyAdult:
    """End a key-adult link, which takes the pupil off that person's caseload."""
    if link.end_date is not None:
        raise ValidationError("This key adult link has already ended.")
    if end_date < link.start_date:
        raise ValidationError("The end date cannot be before the link started.")
    link.end_date = end_date
    link.save(update_fields=["end_date"])
    log_action(link.pupil, "pupils.key_adult.ended", actor=by, data={"staff": link.staff_id})
    return link
