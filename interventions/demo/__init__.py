"""Demo programmes, interventions and about a year of logged sessions, dated from today.

Whatever day the demo is built, this term's blocks are running, recent ones wait for their exit
measures, and the README's LSA and ELSA each have a session timetabled today to log: the demo
treats the day it is built as a school day, even at a weekend or in a holiday. ``seed_today``
then does what the morning's sweep would have done, so the bell has today's reminders.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from interventions.delivery.models import (
    Enrolment,
    EnrolmentTarget,
    Intervention,
    Programme,
    ScheduleSlot,
    Session,
    SessionAttendance,
)
from interventions.outcomes.models import MeasureRecord
from interventions.reminders import services as reminders
from pupils.models import NeedType, Pupil

# name, kind, area, sessions, per week, minutes, group size, staff, cost/hour, measures, numeric label, description
CATALOGUE = [
    (
        "ELSA",
        "ELSA",
        "SEMH",
        8,
        1,
        30,
        1,
        1,
        "16.50",
        ["GBO", "SDQ"],
        "",
        "Weekly one-to-one emotional literacy sessions planned around the pupil's own targets.",
    ),
    (
        "Early Literacy Support",
        "LITERACY",
        "CL",
        12,
        3,
        20,
        4,
        1,
        "14.80",
        ["NUMERIC"],
        "Reading age (months)",
        "Short, frequent small-group sessions on phonics and early reading.",
    ),
    (
        "Reading booster",
        "LITERACY",
        "CL",
        10,
        2,
        30,
        4,
        1,
        "14.80",
        ["NUMERIC"],
        "Reading age (months)",
        "Guided reading with comprehension practice for pupils just behind.",
    ),
    (
        "Spelling booster",
        "LITERACY",
        "CL",
        10,
        2,
        20,
        4,
        1,
        "14.80",
        ["NUMERIC"],
        "Spelling age (months)",
        "Multi-sensory spelling practice with weekly review.",
    ),
    (
        "Number booster",
        "NUMERACY",
        "CL",
        10,
        2,
        30,
        4,
        1,
        "14.80",
        ["NUMERIC"],
        "Number test score (out of 40)",
        "Concrete, pictorial and abstract practice of number facts.",
    ),
    (
        "Speech and language group",
        "SPEECH_LANGUAGE",
        "CI",
        10,
        1,
        30,
        3,
        1,
        "15.60",
        ["GBO"],
        "",
        "Vocabulary and narrative work set by the speech and language therapist.",
    ),
    (
        "Social skills group",
        "SOCIAL_EMOTIONAL",
        "CI",
        8,
        1,
        40,
        5,
        1,
        "14.80",
        ["GBO", "SDQ"],
        "",
        "Turn-taking, conversation and friendship skills through games and role play.",
    ),
    (
        "Lego-based therapy",
        "SOCIAL_EMOTIONAL",
        "CI",
        10,
        1,
        45,
        3,
        1,
        "15.60",
        ["GBO"],
        "",
        "Pupils build together as engineer, supplier and builder to practise communication.",
    ),
    (
        "Zones of Regulation",
        "BEHAVIOUR",
        "SEMH",
        8,
        1,
        30,
        4,
        1,
        "15.60",
        ["GBO", "SDQ"],
        "",
        "Recognising feelings and choosing tools to get back to the green zone.",
    ),
    (
        "Anger management",
        "BEHAVIOUR",
        "SEMH",
        6,
        1,
        40,
        3,
        1,
        "16.50",
        ["GBO", "SDQ"],
        "",
        "Noticing triggers, body signals and calming strategies.",
    ),
    (
        "Friendship group",
        "SOCIAL_EMOTIONAL",
        "SEMH",
        6,
        1,
        30,
        4,
        1,
        "14.80",
        ["GBO"],
        "",
        "Small-group sessions on making and keeping friends.",
    ),
    (
        "Bereavement support",
        "SOCIAL_EMOTIONAL",
        "SEMH",
        6,
        1,
        30,
        1,
        1,
        "16.50",
        ["GBO"],
        "",
        "A safe space to remember and talk about someone who has died.",
    ),
    (
        "Fine motor skills",
        "MOTOR",
        "SP",
        12,
        2,
        20,
        4,
        1,
        "14.80",
        [],
        "",
        "Daily-living and handwriting readiness activities from the OT programme.",
    ),
]
NEED_TO_PROGRAMMES = {
    NeedType.SEMH: ["Zones of Regulation", "Anger management", "Friendship group"],
    NeedType.SLCN: ["Speech and language group", "Lego-based therapy"],
    NeedType.ASD: ["Social skills group", "Lego-based therapy"],
    NeedType.MLD: ["Number booster", "Reading booster"],
    NeedType.SPLD: ["Spelling booster", "Reading booster"],
    NeedType.PD: ["Fine motor skills"],
}
# A session's evaluation and each pupil's note, as staff write them: a group's differ from a 1:1's.
GROUP_EVALUATIONS = [
    "Good focus today; the group settled quickly.",
    "Harder session: two pupils were unsettled after lunch.",
    "Worked well with the visual prompts; more confident answers.",
    "Started to use the strategies without reminders.",
    "Cut short by the fire drill, but we finished the main activity.",
    "Lovely turn-taking and some real laughter.",
]
GROUP_NOTES = [
    "Used the calm-down card independently.",
    "Read 20 words without help.",
    "Needed prompting to join in.",
    "Shared an idea with the group for the first time.",
    "Recalled last week's strategy.",
    "Tired today.",
    "",
    "",
]
ONE_TO_ONE_EVALUATIONS = [
    "Settled quickly and chose the feelings cards to start.",
    "Quiet at first; talked more once we moved on to drawing.",
    "Talked through a falling-out at break and practised what to say next time.",
    "Rated the week on the feelings thermometer without a prompt.",
    "Arrived upset after lunch, so we kept to calming activities today.",
    "Finished the things-I-am-good-at page and asked to show it to the class teacher.",
]
ONE_TO_ONE_NOTES = [
    "Named two worries and one thing that helps.",
    "Used the calm-down card independently.",
    "Remembered the breathing strategy from last week.",
    "Tired today; said they had a late night.",
    "",
    "",
]
TARGETS = [
    "I can tell an adult how I am feeling.",
    "I can use a calming strategy when I feel cross.",
    "I can join a game at break time.",
    "I can read my reading book to a friend.",
    "I can ask for help when I am stuck.",
]


# Roughly the English school holidays (month, first day, last day), so no session falls in them.
HOLIDAYS = [
    (10, 26, 31),
    (12, 19, 31),
    (1, 1, 4),
    (2, 15, 21),
    (4, 1, 14),
    (5, 25, 31),
    (7, 22, 31),
    (8, 1, 31),
    (9, 1, 2),
]


def in_term(day: dt.date) -> bool:
    return not any(day.month == m and a <= day.day <= b for m, a, b in HOLIDAYS)


def _weekdays_between(start: dt.date, end: dt.date, weekday: int) -> list[dt.date]:
    """Return the school days (term-time weekdays) on ``weekday`` from ``start`` to ``end``."""
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    days = []
    while first <= end:
        if in_term(first) and first.weekday() < 5:
            days.append(first)
        first += dt.timedelta(days=7)
    return days


def seed_today(*, schools: list[Any]) -> None:
    """Make today's reminders, as the 06:30 sweep would have done before anyone signed in.

    Runs on every ``seed_demo`` (so on every ``make run``), built or not: the sweep sends each
    reminder once, so a second run the same day adds nothing.
    """
    today = timezone.localdate()
    for school in schools:
        reminders.reminders_sweep_school(school_id=school.pk, today=today)


def seed_school(*, school: Any, spec: Any, people: Any, rng: random.Random) -> None:
    if not Programme.objects.filter(school=school).exists():
        seed_delivery(school=school, spec=spec, people=people, rng=rng)
    from interventions.demo import connect as demo_connect
    from interventions.demo import plans as demo_plans

    demo_connect.seed_school(school=school, spec=spec, people=people, rng=rng)
    demo_plans.seed_school(school=school, spec=spec, people=people, rng=rng)
    _request_last_terms_reports(school, people.by_key["sendco"])


def _request_last_terms_reports(school: Any, sendco: Any) -> None:
    """Ask for last term's impact report for leaders and for governors (built after commit)."""
    from interventions.insight.models import TermlyReport
    from interventions.insight.termly import termly_report_request
    from staff import terms

    if TermlyReport.objects.filter(school=school).exists():
        return
    last_term = terms.recent_terms(school.pk, timezone.localdate(), count=2)[-1]
    for version in TermlyReport.Version.values:
        termly_report_request(school=school, term=last_term, version=version, by=sendco)


def _lsa_leads_a_current_group(plans: list[Any], lsa: Any, today: dt.date) -> list[Any]:
    """Give ``lsa`` this term's first group if the rota left them none that is running."""
    running = [
        n
        for n, (programme, _group, start, completed, _lead) in enumerate(plans)
        if completed is None and programme.kind != "ELSA" and start <= today
    ]
    if not running or any(plans[n][4] == lsa for n in running):
        return plans
    programme, group, start, completed, _lead = plans[running[0]]
    plans[running[0]] = (programme, group, start, completed, lsa)
    return plans


def seed_delivery(*, school: Any, spec: Any, people: Any, rng: random.Random) -> None:
    """Create the catalogue, interventions, a year of sessions and measures."""
    programmes = {
        row[0]: Programme.objects.create(
            school=school,
            name=row[0],
            kind=row[1],
            area=row[2],
            typical_sessions=row[3],
            sessions_per_week=row[4],
            session_minutes=row[5],
            group_size=row[6],
            staff_per_group=row[7],
            cost_per_staff_hour=Decimal(row[8]),
            measures=row[9],
            numeric_measure_label=row[10],
            description=row[11],
        )
        for row in CATALOGUE
    }
    today = timezone.localdate()
    sen = list(
        Pupil.objects.filter(
            school=school,
            sen_statuses__end_date__isnull=True,
            sen_statuses__provision__in=["K", "E"],
        )
        .prefetch_related("sen_statuses__needs")
        .order_by("pk")
    )
    by_need: dict[str, list[Pupil]] = {}
    for p in sen:
        status = next(s for s in p.sen_statuses.all() if s.end_date is None)
        primary = next((n.need for n in status.needs.all() if n.rank == 1), None)
        by_need.setdefault(primary, []).append(p)
    plans = []
    deliverers = [*people.lsas, people.by_key["elsa"]]
    if "inclusion" in people.by_key:
        deliverers.append(people.by_key["inclusion"])
    n = 0
    for need, names in NEED_TO_PROGRAMMES.items():
        pool = list(by_need.get(need, []))
        rng.shuffle(pool)
        for name in names:
            # Dated from today, so any day shows the same story: a block from about a year ago,
            # one that finished a few weeks ago (some still wait for exit measures), and this
            # term's, part-way through (None: completed or not is decided by the dates).
            weeks = -(-programmes[name].typical_sessions // programmes[name].sessions_per_week)
            waves: tuple[tuple[dt.date, bool | None], ...] = (
                (today - dt.timedelta(weeks=52) + dt.timedelta(days=rng.randint(0, 120)), True),
                (today - dt.timedelta(weeks=weeks + rng.randint(2, 8)), True),
                (today - dt.timedelta(weeks=rng.randint(1, max(1, weeks - 1))), None),
            )
            for start, completed in waves:
                group = [pool.pop() for _ in range(min(programmes[name].group_size, len(pool)))]
                if not group:
                    continue
                plans.append(
                    (programmes[name], group, start, completed, deliverers[n % len(deliverers)])
                )
                n += 1
    # ELSA blocks: one pupil each, with the ELSA.
    semh = by_need.get(NeedType.SEMH, [])
    for i, pupil in enumerate(semh[:6]):
        completed = i < 3
        if completed:
            start = today - dt.timedelta(weeks=52) + dt.timedelta(days=14 * i)
        else:  # 5, 3 and 1 weeks into an 8-week block
            start = today - dt.timedelta(weeks=5 - 2 * (i - 3))
        plans.append((programmes["ELSA"], [pupil], start, completed, people.by_key["elsa"]))
    plans = _lsa_leads_a_current_group(plans, people.by_key["lsa"], today)
    # The README's LSA and ELSA each have a session to log today: one of their running blocks
    # meets on today's weekday (at a weekend too: the demo treats today as a school day).
    featured = {people.by_key["lsa"].pk, people.by_key["elsa"].pk}

    sessions, attendance, measures = [], [], []
    exit_missing_done = paused_done = False
    for programme, group, start, completed, lead in plans:
        planned = programme.typical_sessions
        weeks = -(-planned // programme.sessions_per_week)
        end = start + dt.timedelta(weeks=weeks)
        if completed is None:
            completed = end < today - dt.timedelta(days=3)
        status = Intervention.Status.COMPLETED if completed else Intervention.Status.RUNNING
        intervention = Intervention.objects.create(
            school=school,
            programme=programme,
            lead=lead,
            start_date=start,
            planned_sessions=planned,
            name=f"{programme.name}: {', '.join(p.forename for p in group[:2])}{' and others' if len(group) > 2 else ''}",
            aims=programme.description,
            status=status,
            completed_on=end if completed else None,
            referral_reason="Referred by the class teacher after a difficult half term."
            if programme.kind == "ELSA"
            else "",
            referred_by="Class teacher" if programme.kind == "ELSA" else "",
        )
        days = rng.sample(range(5), programme.sessions_per_week)
        meets_today = not completed and lead.pk in featured
        if meets_today:
            featured.discard(lead.pk)
            if today.weekday() < 5 and today.weekday() not in days:
                days[0] = today.weekday()
        slots = [
            ScheduleSlot.objects.create(
                intervention=intervention,
                weekday=d,
                start_time=dt.time(rng.choice([9, 10, 11, 13, 14]), rng.choice([0, 15, 30])),
                minutes=programme.session_minutes,
                room=rng.choice(["Library", "Nurture room", "Room 4", "SEN base"]),
            )
            for d in days
        ]
        enrolments = [
            Enrolment.objects.create(intervention=intervention, pupil=p, joined_on=start)
            for p in group
        ]
        for e in enrolments:
            for number, text in enumerate(rng.sample(TARGETS, 2), start=1):
                EnrolmentTarget.objects.create(enrolment=e, number=number, text=text)
        last_day = min(end, today - dt.timedelta(days=1))
        if (
            not completed
            and not meets_today
            and not paused_done
            and start < today - dt.timedelta(days=35)
        ):
            # One running group has had no session for three weeks (its LSA was redeployed):
            # the SENDCo's dashboard and the LSA's reminders both pick it up.
            last_day = today - dt.timedelta(days=21)
            paused_done = True
        one_to_one = len(group) == 1
        for slot in slots:
            for day in _weekdays_between(start, last_day, slot.weekday):
                cancelled = rng.random() < 0.08
                session = Session(
                    intervention=intervention,
                    slot=slot,
                    date=day,
                    logged_by=lead,
                    status="CANCELLED" if cancelled else "DELIVERED",
                    cancel_reason=rng.choice(["STAFF_ABSENT", "SCHOOL_EVENT", "PUPIL_ABSENT"])
                    if cancelled
                    else "",
                    minutes=0 if cancelled else slot.minutes - rng.choice([0, 0, 0, 5]),
                    evaluation=""
                    if cancelled
                    else rng.choice(ONE_TO_ONE_EVALUATIONS if one_to_one else GROUP_EVALUATIONS),
                    plan="Check-in, feelings thermometer, story, next-step target."
                    if programme.kind == "ELSA" and not cancelled
                    else "",
                )
                sessions.append((session, [] if cancelled else group))
        if meets_today and today.weekday() >= 5:
            # A weekend: the weekday slots stay as they are and today gets one of its own
            # (after the history, so no past weekend has sessions).
            ScheduleSlot.objects.create(
                intervention=intervention,
                weekday=today.weekday(),
                start_time=dt.time(10, 0),
                minutes=programme.session_minutes,
                room=slots[0].room,
            )
        # One recently finished block still waits for its exit measures (reminded, and flagged).
        exit_missing = completed and not exit_missing_done and end > today - dt.timedelta(50)
        exit_missing_done = exit_missing_done or exit_missing
        if exit_missing:
            for e in enrolments:
                measures.append(
                    MeasureRecord(
                        enrolment=e, kind="GBO", point="BASELINE", taken_on=start, gbo_1=3, gbo_2=4
                    )
                )
        elif completed:
            for e in enrolments:
                base = rng.randint(2, 5)
                measures.append(
                    MeasureRecord(
                        enrolment=e,
                        kind="GBO",
                        point="BASELINE",
                        taken_on=start,
                        gbo_1=base,
                        gbo_2=base + 1,
                    )
                )
                measures.append(
                    MeasureRecord(
                        enrolment=e,
                        kind="GBO",
                        point="EXIT",
                        taken_on=end,
                        gbo_1=min(10, base + rng.randint(0, 5)),
                        gbo_2=min(10, base + rng.randint(0, 4)),
                    )
                )
                if "SDQ" in programme.measures:
                    scores = [
                        rng.randint(3, 7),
                        rng.randint(2, 6),
                        rng.randint(4, 8),
                        rng.randint(2, 5),
                    ]
                    measures.append(
                        MeasureRecord(
                            enrolment=e,
                            kind="SDQ",
                            point="BASELINE",
                            taken_on=start,
                            sdq_informant="TEACHER",
                            sdq_emotional=scores[0],
                            sdq_conduct=scores[1],
                            sdq_hyperactivity=scores[2],
                            sdq_peer=scores[3],
                            sdq_prosocial=rng.randint(4, 8),
                        )
                    )
                    measures.append(
                        MeasureRecord(
                            enrolment=e,
                            kind="SDQ",
                            point="EXIT",
                            taken_on=end,
                            sdq_informant="TEACHER",
                            sdq_emotional=max(0, scores[0] - rng.randint(0, 3)),
                            sdq_conduct=max(0, scores[1] - rng.randint(0, 2)),
                            sdq_hyperactivity=max(0, scores[2] - rng.randint(0, 2)),
                            sdq_peer=max(0, scores[3] - rng.randint(0, 2)),
                            sdq_prosocial=rng.randint(5, 9),
                        )
                    )
                if "NUMERIC" in programme.measures:
                    # Ages in months for reading and spelling; a score out of 40 for number.
                    out_of_40 = "out of 40" in programme.numeric_measure_label
                    value = Decimal(rng.randint(12, 28) if out_of_40 else rng.randint(60, 110))
                    measures.append(
                        MeasureRecord(
                            enrolment=e,
                            kind="NUMERIC",
                            point="BASELINE",
                            taken_on=start,
                            value=value,
                        )
                    )
                    measures.append(
                        MeasureRecord(
                            enrolment=e,
                            kind="NUMERIC",
                            point="EXIT",
                            taken_on=end,
                            value=value + rng.randint(0, 10),
                        )
                    )
    Session.objects.bulk_create([s for s, _ in sessions])
    for session, group in sessions:
        for pupil in group:
            roll = rng.random()
            att = (
                "PRESENT"
                if roll < 0.85
                else "LATE"
                if roll < 0.9
                else "ABSENT"
                if roll < 0.97
                else "REFUSED"
            )
            attendance.append(
                SessionAttendance(
                    session=session,
                    pupil=pupil,
                    attendance=att,
                    engagement=rng.choice([3, 4, 4, 5, 2]) if att in ("PRESENT", "LATE") else None,
                    note=rng.choice(ONE_TO_ONE_NOTES if len(group) == 1 else GROUP_NOTES)
                    if att in ("PRESENT", "LATE")
                    else "",
                )
            )
    SessionAttendance.objects.bulk_create(attendance, batch_size=2000)
    MeasureRecord.objects.bulk_create(measures)
    # Completed blocks get their impact report (built once the school's demo data commits).
    from interventions.outcomes.services import request_impact_report

    for intervention in Intervention.objects.filter(
        school=school, status=Intervention.Status.COMPLETED
    ):
        request_impact_report(intervention)
