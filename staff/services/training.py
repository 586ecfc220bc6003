"""Training and checks: saving a record (with its expiry) and what runs out soon."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from staff.audit import log_action
from staff.models import School, TrainingRecord, User
from staff.models.records import expiry_from


@transaction.atomic
def training_record_save(*, record: TrainingRecord, by: User | None) -> TrainingRecord:
    """Save a training record, working out its expiry from the training type when left empty."""
    adding = record.pk is None
    if record.expires_on is None and record.completed_on:
        record.expires_on = expiry_from(record.completed_on, record.training_type.validity_months)
    if adding:
        record.recorded_by = by
    record.full_clean()
    record.save()
    log_action(
        record,
        "staff.training.recorded" if adding else "staff.training.changed",
        actor=by,
        data={"type": record.training_type.code, "user": record.user_id},
    )
    return record


def training_expiring(
    school: School, within_days: int = 60, *, on: date | None = None
) -> list[TrainingRecord]:
    """Return each person's latest training or check that has run out or will within the days.

    The hook for the reminder engine: it asks this once a day per school and tells the people
    concerned (and HR). Renewed training is not returned: only the newest record of a type
    counts, so a renewal silences the reminder.
    """
    today = on or timezone.localdate()
    return list(
        TrainingRecord.objects.of_school(school)
        .latest_per_type()
        .expiring(until=today + timedelta(days=within_days))
        .filter(training_type__active=True)
        .select_related("user", "training_type")
        .order_by("expires_on", "user__full_name")
    )
