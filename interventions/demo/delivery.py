"""Demo programmes, interventions and about a year of logged sessions, dated from today.

Interventions and their weekly slots are set up through delivery.services.intervention_save,
as the SENDCo's form does. The year of history behind them is written directly: enrol and
session_log refuse a block that has finished, status_change completes a block today rather than
on the day it ended, and some 500 sessions with 1,200 attendance marks through session_log would
add seconds to every demo start. Programmes are saved by a plain form (no service), so directly
too. Completed blocks then ask for their impact report through outcomes.services.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

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
from interventions.delivery.services import intervention_save
from interventions.demo import measures
from interventions.demo.calendar import weekdays_between
from interventions.demo.catalogue import (
    CATALOGUE,
    GROUP_EVALUATIONS,
    GROUP_NOTES,
    NEED_TO_PROGRAMMES,
    ONE_TO_ONE_EVALUATIONS,
    ONE_TO_ONE_NOTES,
    TARGETS,
)
from interventions.outcomes.models import MeasureRecord
from interventions.outcomes.services import request_impact_report
from pupils.demo import on_sen_register
from pupils.models import NeedType, Pupil
from staff.demo import People, SchoolSpec
from staff.models import School, User

# One block on the rota: programme, pupils, start, completed (None: decided by the dates), lead.
Block = tuple[Programme, list[Pupil], dt.date, bool | None, User]


def _lsa_leads_a_current_group(plans: list[Block], lsa: User, today: dt.date) -> list[Block]:
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


def _catalogue(school: School) -> dict[str, Programme]:
    """Create the school's intervention catalogue; return it by programme name."""
    return {
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


def _by_primary_need(school: School) -> dict[str | None, list[Pupil]]:
    """Return the school's SEN pupils grouped by their current primary need."""
    sen = list(on_sen_register(school).prefetch_related("sen_statuses__needs"))
    by_need: dict[str | None, list[Pupil]] = {}
    for p in sen:
        status = next(s for s in p.sen_statuses.all() if s.end_date is None)
        primary = next((n.need for n in status.needs.all() if n.rank == 1), None)
        by_need.setdefault(primary, []).append(p)
    return by_need


def _rota(
    programmes: dict[str, Programme],
    by_need: dict[str | None, list[Pupil]],
    people: People,
    rng: random.Random,
    today: dt.date,
) -> list[Block]:
    """Plan each programme's blocks over the year, and the ELSA's one-pupil blocks."""
    plans: list[Block] = []
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
        elsa_done = i < 3
        if elsa_done:
            start = today - dt.timedelta(weeks=52) + dt.timedelta(days=14 * i)
        else:  # 5, 3 and 1 weeks into an 8-week block
            start = today - dt.timedelta(weeks=5 - 2 * (i - 3))
        plans.append((programmes["ELSA"], [pupil], start, elsa_done, people.by_key["elsa"]))
    return _lsa_leads_a_current_group(plans, people.by_key["lsa"], today)


def seed_delivery(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Create the catalogue, interventions, a year of sessions and measures."""
    programmes = _catalogue(school)
    today = timezone.localdate()
    plans = _rota(programmes, _by_primary_need(school), people, rng, today)
    # The README's LSA and ELSA each have a session to log today: one of their running blocks
    # meets on today's weekday (at a weekend too: the demo treats today as a school day).
    year = _Year(
        school=school,
        sendco=people.by_key["sendco"],
        rng=rng,
        today=today,
        featured={people.by_key["lsa"].pk, people.by_key["elsa"].pk},
    )
    for block in plans:
        year.run(*block)
    Session.objects.bulk_create([s for s, _ in year.sessions])
    SessionAttendance.objects.bulk_create(year.attendance(), batch_size=2000)
    MeasureRecord.objects.bulk_create(year.measures)
    # Completed blocks get their impact report (built once the school's demo data commits).
    for intervention in Intervention.objects.filter(
        school=school, status=Intervention.Status.COMPLETED
    ):
        request_impact_report(intervention)


@dataclass
class _Year:
    """A school's year of interventions, block by block, with the sessions still to be saved."""

    school: School
    sendco: User
    rng: random.Random
    today: dt.date
    featured: set[int]  # leads still to be given a block that meets today
    sessions: list[tuple[Session, list[Pupil]]] = field(default_factory=list)
    measures: list[MeasureRecord] = field(default_factory=list)
    paused_done: bool = False
    exit_missing_done: bool = False

    def run(
        self,
        programme: Programme,
        group: list[Pupil],
        start: dt.date,
        completed: bool | None,
        lead: User,
    ) -> None:
        """Set up one block, enrol its pupils with targets, and log its sessions and measures."""
        rng, today = self.rng, self.today
        planned = programme.typical_sessions
        weeks = -(-planned // programme.sessions_per_week)
        end = start + dt.timedelta(weeks=weeks)
        if completed is None:
            completed = end < today - dt.timedelta(days=3)
        days = rng.sample(range(5), programme.sessions_per_week)
        meets_today = not completed and lead.pk in self.featured
        if meets_today:
            self.featured.discard(lead.pk)
            if today.weekday() < 5 and today.weekday() not in days:
                days[0] = today.weekday()
        slots = [
            {
                "weekday": d,
                "start_time": dt.time(rng.choice([9, 10, 11, 13, 14]), rng.choice([0, 15, 30])),
                "minutes": programme.session_minutes,
                "room": rng.choice(["Library", "Nurture room", "Room 4", "SEN base"]),
            }
            for d in days
        ]
        others = " and others" if len(group) > 2 else ""
        elsa = programme.kind == "ELSA"
        intervention = intervention_save(
            intervention=Intervention(
                school=self.school,
                programme=programme,
                lead=lead,
                start_date=start,
                planned_sessions=planned,
                name=f"{programme.name}: {', '.join(p.forename for p in group[:2])}{others}",
                aims=programme.description,
                status=Intervention.Status.COMPLETED if completed else Intervention.Status.RUNNING,
                completed_on=end if completed else None,
                referral_reason="Referred by the class teacher after a difficult half term."
                if elsa
                else "",
                referred_by="Class teacher" if elsa else "",
            ),
            assistants=[],
            slots=slots,
            by=self.sendco,
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(intervention=intervention, pupil=p, joined_on=start) for p in group
        )
        EnrolmentTarget.objects.bulk_create(
            EnrolmentTarget(enrolment=e, number=number, text=text)
            for e in enrolments
            for number, text in enumerate(rng.sample(TARGETS, 2), start=1)
        )
        last_day = min(end, today - dt.timedelta(days=1))
        if (
            not completed
            and not meets_today
            and not self.paused_done
            and start < today - dt.timedelta(days=35)
        ):
            # One running group has had no session for three weeks (its LSA was redeployed):
            # the SENDCo's dashboard and the LSA's reminders both pick it up.
            last_day = today - dt.timedelta(days=21)
            self.paused_done = True
        weekly = list(intervention.slots.order_by("pk"))
        self.log(intervention, weekly, group, start=start, last_day=last_day)
        if meets_today and today.weekday() >= 5:
            # A weekend: the weekday slots stay as they are and today gets one of its own
            # (after the history, so no past weekend has sessions).
            intervention_save(
                intervention=intervention,
                assistants=[],
                slots=[*slots, {**slots[0], "weekday": today.weekday(), "start_time": dt.time(10)}],
                by=self.sendco,
            )
        # One recently finished block still waits for its exit measures (reminded, and flagged).
        missing = completed and not self.exit_missing_done and end > today - dt.timedelta(50)
        self.exit_missing_done = self.exit_missing_done or missing
        if missing:
            self.measures += measures.exit_missing(enrolments, start)
        elif completed:
            self.measures += measures.measured(enrolments, programme, start=start, end=end, rng=rng)

    def log(
        self,
        intervention: Intervention,
        slots: list[ScheduleSlot],
        group: list[Pupil],
        *,
        start: dt.date,
        last_day: dt.date,
    ) -> None:
        """Log the block's sessions from ``start`` to ``last_day`` (a few cancelled)."""
        rng = self.rng
        one_to_one = len(group) == 1
        elsa = intervention.programme.kind == "ELSA"
        for slot in slots:
            for day in weekdays_between(start, last_day, slot.weekday):
                cancelled = rng.random() < 0.08
                session = Session(
                    intervention=intervention,
                    slot=slot,
                    date=day,
                    logged_by=intervention.lead,
                    status="CANCELLED" if cancelled else "DELIVERED",
                    cancel_reason=rng.choice(["STAFF_ABSENT", "SCHOOL_EVENT", "PUPIL_ABSENT"])
                    if cancelled
                    else "",
                    minutes=0 if cancelled else slot.minutes - rng.choice([0, 0, 0, 5]),
                    evaluation=""
                    if cancelled
                    else rng.choice(ONE_TO_ONE_EVALUATIONS if one_to_one else GROUP_EVALUATIONS),
                    plan="Check-in, feelings thermometer, story, next-step target."
                    if elsa and not cancelled
                    else "",
                )
                self.sessions.append((session, [] if cancelled else group))

    def attendance(self) -> list[SessionAttendance]:
        """Return every logged pupil's attendance, engagement and note (sessions saved first)."""
        rng, marks = self.rng, []
        for session, group in self.sessions:
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
                present = att in ("PRESENT", "LATE")
                marks.append(
                    SessionAttendance(
                        session=session,
                        pupil=pupil,
                        attendance=att,
                        engagement=rng.choice([3, 4, 4, 5, 2]) if present else None,
                        note=rng.choice(ONE_TO_ONE_NOTES if len(group) == 1 else GROUP_NOTES)
                        if present
                        else "",
                    )
                )
        return marks
