"""The demo's pupils educated off site: two placements at alternative providers in each explored
school, one of them due there today (whatever day today is: the demo treats today as a school
day), one whose provider has not yet confirmed its safeguarding arrangements in writing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from interventions.attendance.models import OffSiteAttendance, OffSitePlacement
from interventions.demo.connect import semh_first
from staff.demo import People, SchoolSpec
from staff.models import School

EXPLORED = {"brookfield", "hillcrest"}
# (provider, address, contact, phone, confirmed days ago or None, started days ago)
PLACEMENTS = [
    (
        "Riverside Learning Centre",
        "Unit 4, Mill Lane Trading Estate, Northgate",
        "Sam Demoford",
        "01632 960412",
        120,
        40,
    ),
    (
        "Oakfield Farm School",
        "Oakfield Farm, Long Drove, Northgate",
        "Alex Testwell",
        "01632 960877",
        None,
        12,
    ),
]


def seed_school(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Place two pupils off site part of the week, once; the first is due there today."""
    if spec.slug not in EXPLORED or OffSitePlacement.objects.filter(school=school).exists():
        return
    today = timezone.localdate()
    ranked = semh_first(school)
    chosen = rng.sample(ranked[40:60], len(PLACEMENTS))
    keeper = people.by_key.get("behaviour") or people.by_key["sendco"]
    first_days = "".join(sorted({"1", "3", str(today.weekday())}))
    other_days = "".join(sorted({"0", "2", "4"} - {str(today.weekday())})) or "0"
    for i, (pupil, (provider, address, contact, phone, confirmed, ago)) in enumerate(
        zip(chosen, PLACEMENTS, strict=True)
    ):
        start = today - dt.timedelta(days=ago)
        placement = OffSitePlacement.objects.create(
            school=school,
            pupil=pupil,
            provider=provider,
            address=address,
            days=first_days if i == 0 else other_days,
            safeguarding_confirmed_on=today - dt.timedelta(days=confirmed) if confirmed else None,
            contact_name=contact,
            contact_phone=phone,
            start_date=start,
            created_by=keeper,
        )
        OffSiteAttendance.objects.bulk_create(
            OffSiteAttendance(
                placement=placement,
                date=day,
                status=rng.choice(["ATTENDED"] * 8 + ["LATE", "ABSENT"]),
                recorded_by=keeper,
            )
            for day in (start + dt.timedelta(days=n) for n in range(ago))
            # past days on the placement's school days (today may be a weekend: see above)
            if str(day.weekday()) in placement.days and day.weekday() < 5
        )
