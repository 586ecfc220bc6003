"""The demo's school attendance and behaviour: a year of AM/PM marks, rewards, sanctions and
detentions for the two schools people explore, with patterns to find.

Most pupils attend well; some are persistently absent and a few severely, more often among
pupils with SEN and pupil premium (as nationally). A handful, chosen among the pupils with social,
emotional and mental health needs, have been worsening these last three weeks: more days away,
removals from class and sanctions, so the morning's early-warning sweep flags them. Everything
is written in bulk: a year for ~1,300 pupils is about half a million marks.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection
from django.utils import timezone

from interventions.attendance import early_warning
from interventions.attendance.models import AttendanceMark
from interventions.behaviour.models import BehaviourEvent, Removal
from interventions.demo.calendar import in_term
from interventions.demo.connect import semh_first
from pupils.models import Pupil
from staff.demo import People, SchoolSpec
from staff.models import School

EXPLORED = {"brookfield", "hillcrest"}  # the larger demo trust's other schools get none
RECENT_DAYS = 21
# Why a pupil was away, weighted: mostly illness, then appointments, then the rest.
ABSENCE_CODES = ["I"] * 50 + ["M"] * 10 + ["O"] * 10 + ["N"] * 6 + ["C"] * 4 + ["G"] * 6 + ["R"] * 2
REWARDS = ["Effort in class", "Helping others", "Homework", "Star of the week", "Kindness"]
SANCTIONS = ["Disruption", "Off task", "Refusal to follow instructions", "Unkind words"]
DETENTIONS = ["Lunch detention", "After-school detention"]


def _absence_rate(pupil: Pupil, rng: random.Random) -> float:
    """Return the share of days this pupil is away: most attend well, a few do not."""
    roll = rng.random()
    rate = (
        rng.uniform(0.0, 0.04)
        if roll < 0.72
        else rng.uniform(0.05, 0.09)
        if roll < 0.9
        else rng.uniform(0.11, 0.25)
        if roll < 0.985
        else rng.uniform(0.5, 0.7)
    )
    if pupil.provision != "N" or pupil.pupil_premium:
        rate *= 1.5
    return min(rate, 0.8)


def seed_school(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Write a year of marks and behaviour events, once."""
    if spec.slug not in EXPLORED or AttendanceMark.objects.filter(school=school).exists():
        return
    today = timezone.localdate()
    days = [
        day
        for day in (today - dt.timedelta(days=n) for n in range(365, 0, -1))
        # the last four weeks count whatever the calendar: the demo's today is a school day
        if day.weekday() < 5 and (in_term(day) or (today - day).days <= 28)
    ]
    recent = today - dt.timedelta(days=RECENT_DAYS)
    # SEMH first, then SEN support, as Connect's demo orders them; past the pupils it placed in
    # its room or on its check-in list (the first ten), so these are new worries.
    ranked = semh_first(school)
    pupils = sorted(ranked, key=lambda p: p.pk)  # every pupil on roll, in the order made
    worsening = {p.pk for p in ranked[10 : 10 + (5 if spec.phase == "SECONDARY" else 2)]}
    recorder = people.by_key.get("behaviour") or people.by_key["sendco"]
    marks: list[tuple[int, int, dt.date, str, str]] = []
    events, removals = [], []
    for pupil in pupils:
        present_recently = 0
        away = _absence_rate(pupil, rng)
        naughty = rng.uniform(0.005, 0.04) * (2 if pupil.provision != "N" else 1)
        for day in days:
            if pupil.admission_date and day < pupil.admission_date:
                continue
            chance = away
            sanction = naughty
            if pupil.pk in worsening and day >= recent:
                chance, sanction = max(away * 4, 0.35), 0.45
            if rng.random() < chance:
                code = rng.choice(ABSENCE_CODES)
                am, pm = code, code if rng.random() < 0.85 else "\\"
            else:
                am = "L" if rng.random() < 0.03 else "V" if rng.random() < 0.004 else "/"
                pm = "V" if am == "V" else "\\"
            marks += [(school.pk, pupil.pk, day, "AM", am), (school.pk, pupil.pk, day, "PM", pm)]
            if am not in ("/", "L", "V"):
                continue
            if rng.random() < 0.08:
                events.append(_event(school, pupil, day, "REWARD", rng, recorder))
            if rng.random() < sanction:
                kind = "DETENTION" if rng.random() < 0.25 else "SANCTION"
                events.append(_event(school, pupil, day, kind, rng, recorder))
            if pupil.pk in worsening and day >= recent:
                present_recently += 1
            # every other day in class lately ends in a removal: the pattern the sweep finds
            if pupil.pk in worsening and day >= recent and present_recently % 2:
                started = timezone.make_aware(dt.datetime.combine(day, dt.time(11, 10)))
                removals.append(
                    Removal(
                        school=school,
                        pupil=pupil,
                        kind=Removal.Kind.REMOVAL,
                        started_at=started,
                        ended_at=started + dt.timedelta(minutes=rng.choice([30, 50, 60])),
                        location="Reflection room",
                        reason="Removed from the lesson after repeated disruption.",
                        supervised_by=recorder,
                        recorded_by=recorder,
                    )
                )
    # Over a hundred thousand rows a school, no model built for each: PostgreSQL's COPY
    # (100,000 rows in 1.9 s against 9.1 s as inserts, on the test server), else plain inserts.
    table = AttendanceMark._meta.db_table
    columns = "school_id, pupil_id, date, session, code_id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in marks:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                marks,
            )
    BehaviourEvent.objects.bulk_create(events, batch_size=2000)
    Removal.objects.bulk_create(removals)


def _event(
    school: School, pupil: Pupil, day: dt.date, kind: str, rng: random.Random, recorder: object
) -> BehaviourEvent:
    words = {"REWARD": REWARDS, "SANCTION": SANCTIONS, "DETENTION": DETENTIONS}[kind]
    return BehaviourEvent(
        school=school,
        pupil=pupil,
        kind=kind,
        category=rng.choice(words),
        points=rng.randint(1, 3) if kind == "REWARD" else -rng.randint(1, 3),
        occurred_on=day,
        recorded_by=recorder,
    )


def seed_today(*, schools: list[School]) -> None:
    """Run the morning's early-warning sweep, as the 06:15 job would have done."""
    today = timezone.localdate()
    for school in schools:
        early_warning.early_warning_sweep_school(school_id=school.pk, today=today)
