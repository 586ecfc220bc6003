"""Demo data for Connect rooms, removals, behaviour events and check-ins, in invented words.

The room, its placements (with each pupil's move through the reintegration stages) and the daily
check-in list go through connect.services, as the inclusion leader's pages do. The history behind
them is written in bulk: the room's daily register (some 450 lines a term), a month of daily
check-ins (160) and a term of the school's removals and behaviour points (some 600 rows, which
schools bring in from their MIS in bulk); through register_save, checkin_record, removal_record
and event_record, one at a time, they would add seconds to every demo start.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from interventions.behaviour.models import BehaviourEvent, Removal
from interventions.connect import services as connect_services
from interventions.connect.models import CheckIn, DailyRecord, Room
from pupils.models import Pupil
from staff.demo import People, SchoolSpec
from staff.models import School

ZONES = ["GREEN"] * 5 + ["YELLOW"] * 2 + ["BLUE", "RED"]
WORDS = ["ok", "tired", "fine", "happy", "cross", "calm", "worried", "ready", "bored"]
NOTES = [
    "Settled quickly after a wobbly start.",
    "Good focus in the morning, needed a movement break after lunch.",
    "Talked through a worry at break; calmer afterwards.",
    "Completed the maths booklet with prompts.",
    "Quiet day, worked well one to one.",
]
REASONS = [
    "Repeated disruption in lessons since October; the behaviour plan and daily report have not "
    "helped. Settles best with one adult and a predictable routine.",
    "Struggles to regulate in busy corridors and at lesson changes, and has left class without "
    "permission several times. Parents are keen for a short placement.",
    "Five removals this half term, mostly in the afternoon. Says lessons feel too noisy; happy "
    "to try Connect with a plan back to full timetable.",
]
STAGES = [
    (0, "", "Attends Connect every day and uses a calm-down plan."),
    (20, "Art, PE", "Attends two chosen lessons with a check-in before and after."),
    (60, "Art, PE, English, Science", "Manages half the timetable with one removal or fewer."),
    (100, "Full timetable", "Full timetable with a daily check-in for two weeks."),
]
CATEGORIES = {
    "REWARD": ["Kindness", "Effort", "Homework", "Helping others"],
    "SANCTION": ["Low-level disruption", "Lateness", "Uniform", "Refusal"],
    "DETENTION": ["Lunchtime detention", "After-school detention"],
}
REMOVAL_REASONS = [
    "Continued to disrupt the lesson after two warnings",
    "Refused to follow instructions or move seats",
    "Argument with another pupil that carried on in class",
    "Left the classroom without permission",
]
WORK_SET = [
    "Maths worksheet from the class teacher",
    "Reading comprehension booklet",
    "Catch-up on this week's English task",
    "Science revision questions",
]
CHECKIN_REASONS = [
    "Anxious about coming into school; a short check-in at the gate helps.",
    "Going through a difficult time at home; the family asked for a daily check-in.",
    "Finding friendships hard this term; needs a trusted adult to start the day with.",
    "Recently bereaved; a daily check-in agreed with parents.",
]
CHECKIN_NOTES = ["", "", "", "Tired today", "Worried about a test", "Happy: football at lunch"]


def _school_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Return the weekdays from ``start`` to ``end``."""
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def semh_first(school: School) -> list[Pupil]:
    """Return the school's pupils on roll, those with SEMH as their primary need first, then those
    on SEN support or with an EHCP (the order every SEMH-facing demo picks its pupils in)."""
    pupils = list(
        Pupil.objects.filter(school=school, leaving_date__isnull=True)
        .with_register_fields()
        .order_by("pk")
    )
    return sorted(pupils, key=lambda p: (p.primary_need != "SEMH", p.provision == "N", p.pk))


def seed_school(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Create a Connect (secondary) or nurture (primary) room, its term, and school patterns."""
    if Room.objects.filter(school=school).exists():
        return
    today = timezone.localdate()
    secondary = spec.phase == "SECONDARY"
    sendco = people.by_key["sendco"]
    leader = people.by_key.get("inclusion") if secondary else people.by_key["elsa"]
    leader = leader or sendco
    pupils = semh_first(school)
    if not pupils:
        return
    room = connect_services.room_save(
        room=Room(
            school=school,
            name="Connect 1" if secondary else "Nurture room",
            capacity=8 if secondary else 6,
        ),
        leaders=[leader],
        staff=people.lsas[:1],
        by=sendco,
    )
    placed = pupils[: 6 if secondary else 4]
    term_start = today - dt.timedelta(weeks=10)
    days = _school_days(term_start, today - dt.timedelta(days=1))
    records = []
    for i, pupil in enumerate(placed):
        start = term_start + dt.timedelta(weeks=i % 3)
        stage_now = 1 + min(i % 4, 3)
        # Stages up to the current one began a fortnight apart, each reviewed when the next began.
        began = [start + dt.timedelta(weeks=2 * n) for n in range(stage_now)]
        placement = connect_services.placement_create(
            room=room,
            pupil=pupil,
            referral_reason=rng.choice(REASONS),
            referred_by=sendco,
            panel_date=start - dt.timedelta(days=5),
            start_date=start,
            planned_weeks=rng.choice([6, 8, 12]),
            next_review_on=today + dt.timedelta(days=rng.randint(3, 20)),
            key_worker=leader,
            stages=[
                {
                    "timetable_percent": percent,
                    "lessons": lessons,
                    "success_criteria": criteria,
                    "review_date": began[n] + dt.timedelta(weeks=2) if n < stage_now else None,
                }
                for n, (percent, lessons, criteria) in enumerate(STAGES)
            ],
            by=sendco,
        )
        for day in began[1:]:
            placement = connect_services.placement_stage_advance(
                placement=placement, outcome="MET", by=sendco, on=day
            )
        for day in days:
            if day < start:
                continue
            am = "ABSENT" if rng.random() < 0.07 else "PRESENT"
            records.append(
                DailyRecord(
                    placement=placement,
                    date=day,
                    am=am,
                    pm="MAINSTREAM" if stage_now > 2 and day.weekday() % 2 else am,
                    checkin_zone="" if am == "ABSENT" else rng.choice(ZONES),
                    checkin_word=rng.choice(WORDS),
                    checkout_zone="" if am == "ABSENT" else rng.choice(ZONES),
                    engagement=rng.randint(2, 5),
                    work_completed=rng.choice(["SOME", "MOST", "ALL"]),
                    incidents=1 if rng.random() < 0.1 else 0,
                    note=rng.choice(NOTES) if rng.random() < 0.3 else "",
                    recorded_by=leader,
                )
            )
    DailyRecord.objects.bulk_create(records)

    # Removals and behaviour events across the school over the past months: more for some.
    staff = [*people.lsas, *people.teachers] or [sendco]
    recorder = people.by_key.get("behaviour") or sendco
    removals, events = [], []
    months = _school_days(today - dt.timedelta(weeks=16), today - dt.timedelta(days=1))
    for pupil in pupils[:60]:
        weight = 3 if pupil in placed else (2 if pupil.provision != "N" else 1)
        for _ in range(rng.randint(0, 2 * weight)):
            day = rng.choice(months)
            started = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(9, 14))))
            kind = rng.choice(["REMOVAL"] * 6 + ["ISOLATION", "EXCLUSION_ROOM"] + ["SUSPENSION"])
            removals.append(
                Removal(
                    school=school,
                    pupil=pupil,
                    kind=kind,
                    started_at=started,
                    ended_at=None
                    if kind == "SUSPENSION"
                    else started + dt.timedelta(minutes=rng.choice([20, 45, 60, 180])),
                    suspension_days=Decimal(rng.choice(["0.5", "1", "2"]))
                    if kind == "SUSPENSION"
                    else None,
                    location=rng.choice(["Reflection room", "Connect", "Head of year office"]),
                    reason=rng.choice(REMOVAL_REASONS),
                    referred_by=rng.choice(staff),
                    supervised_by=recorder,
                    work_set=rng.choice(WORK_SET),
                    meeting_on=day + dt.timedelta(days=1) if kind == "SUSPENSION" else None,
                    meeting_attendees="Parent, head of year" if kind == "SUSPENSION" else "",
                    recorded_by=recorder,
                )
            )
        for _ in range(rng.randint(1, 6)):
            kind = rng.choice(["REWARD"] * 3 + ["SANCTION"] * weight + ["DETENTION"])
            events.append(
                BehaviourEvent(
                    school=school,
                    pupil=pupil,
                    kind=kind,
                    category=rng.choice(CATEGORIES[kind]),
                    points=rng.randint(1, 3) if kind == "REWARD" else -rng.randint(1, 3),
                    occurred_on=rng.choice(months),
                    recorded_by=recorder,
                )
            )
    Removal.objects.bulk_create(removals)
    BehaviourEvent.objects.bulk_create(events)

    # Daily check-ins with a few vulnerable pupils; one has had three low days in a row and
    # another is sliding (the SENDCo's dashboard flags a falling trend).
    keeper = people.by_key["elsa"]
    checkins = []
    for n, pupil in enumerate(pupils[len(placed) : len(placed) + 4]):
        adult = people.lsas[n % len(people.lsas)] if people.lsas else keeper
        connect_services.checkin_list_add(
            pupil=pupil,
            key_adult=keeper if n == 0 else adult,
            reason=CHECKIN_REASONS[n % len(CHECKIN_REASONS)],
            by=keeper,
            on=today - dt.timedelta(weeks=4),
        )
        for day in _school_days(today - dt.timedelta(weeks=4), today - dt.timedelta(days=1)):
            low = n == 0 and day >= today - dt.timedelta(days=5)
            zone = "RED" if low else rng.choice(ZONES)
            if n == 1:  # a slide: settled for weeks, then mostly yellow and red this fortnight
                recent = day >= today - dt.timedelta(days=9)
                zone = ("YELLOW" if day.day % 3 else "RED") if recent else "GREEN"
            checkins.append(
                CheckIn(
                    school=school,
                    pupil=pupil,
                    date=day,
                    zone=zone,
                    note=rng.choice(CHECKIN_NOTES),
                    recorded_by=keeper,
                )
            )
    CheckIn.objects.bulk_create(checkins)
