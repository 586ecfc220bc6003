"""The demo's part-time timetables: two pupils in each explored school, one review due soon.

Dates follow today, so the register always shows a timetable whose review is near (the morning's
reminder sweep tells its keeper) and one the local authority has not yet been told about.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from interventions.attendance.models import PartTimeTimetable
from interventions.demo.connect import semh_first
from staff.demo import People, SchoolSpec
from staff.models import School

EXPLORED = {"brookfield", "hillcrest"}
# (reason, hours a week, started days ago, next review in days, LA told)
TIMETABLES = [
    (
        "Phased return after a long illness: mornings first, building up each fortnight.",
        "15",
        24,
        5,
        True,
    ),
    (
        "Anxiety about the busy lunch hour: home at noon while a quieter lunch is arranged.",
        "20",
        10,
        25,
        False,
    ),
]


def seed_school(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Put two pupils with social, emotional and mental health needs on part-time timetables, once."""
    if spec.slug not in EXPLORED or PartTimeTimetable.objects.filter(school=school).exists():
        return
    today = timezone.localdate()
    # SEMH first, then SEN support (as the attendance demo ranks them), past the pupils Connect
    # and the early warning already use.
    ranked = semh_first(school)
    semh = ranked[20:40]
    keeper = people.by_key.get("behaviour") or people.by_key["sendco"]
    for pupil, (reason, hours, ago, review_in, told) in zip(
        rng.sample(semh, len(TIMETABLES)), TIMETABLES, strict=True
    ):
        start = today - dt.timedelta(days=ago)
        PartTimeTimetable.objects.create(
            school=school,
            pupil=pupil,
            reason=reason,
            hours_per_week=Decimal(hours),
            start_date=start,
            parents_agreed_on=start - dt.timedelta(days=3),
            review_on=today + dt.timedelta(days=review_in),
            last_reviewed_on=start + dt.timedelta(days=ago // 2) if ago > 14 else None,
            la_informed_on=start + dt.timedelta(days=1) if told else None,
            lead=keeper,
        )
