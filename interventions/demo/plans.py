"""Demo support plans and EHCP annual reviews: some due, some overdue, reviews at each stage.

Plans, reviews, EHCPs and their annual reviews go through the plans and EHCP services, and an
EHCP pupil's weekly 1:1 is set up and joined through the delivery services, as the SENDCo's
pages do, with the dates a year of use would have given them. The 1:1's programme (saved by a
plain form, with no service) and its term of logged sessions (history, as in delivery.py) are
written directly.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from interventions.delivery import services as delivery_services
from interventions.delivery.models import Intervention, Programme, Session, SessionAttendance
from interventions.demo.annual_reviews import seed_review_record
from interventions.demo.calendar import in_term
from interventions.ehcp import clock as ehcp_clock
from interventions.ehcp import services as ehcp_services
from interventions.ehcp.models import EHCP
from interventions.plans import services as plan_services
from interventions.plans.models import PlanKind, SupportPlan
from pupils.models import Pupil
from staff.demo import People, SchoolSpec
from staff.models import School

TARGETS = [
    ("CL", "Reads a short passage aloud with no more than two prompts, three times a week."),
    ("CI", "Takes turns in a small-group game for ten minutes with one adult reminder."),
    ("SEMH", "Uses the calm card to ask for a break instead of leaving class, four days of five."),
    ("CL", "Writes three sentences unaided using a word bank in English lessons."),
]
# Section E outcomes (area, wording) and the section F provision that serves each.
EHCP_OUTCOMES = [
    (
        "CI",
        "Tells a familiar adult what they need, using words or a symbol card, several times a day.",
        "Small-group language session with a trained LSA, using visual supports.",
    ),
    (
        "CL",
        "Reads a short set of written instructions and starts the task without an adult prompt.",
        "Adult-led reading and vocabulary practice, pre-teaching the words for coming lessons.",
    ),
    (
        "SEMH",
        "Names how they feel and chooses a calming strategy before a situation escalates.",
        "One-to-one emotional literacy session with a key adult, with a check-in on other days.",
    ),
    (
        "CI",
        "Takes part in a structured game with two peers, taking turns with one reminder.",
        "Structured social communication group with a consistent adult.",
    ),
]
# Days after the meeting that each demo step was done (invitations: two weeks before).
STEP_AFTER_MEETING = {"INVITATIONS": -15, "MEETING": 0, "REPORT": 10, "LA_DECISION": 25}
# Weeks of 1:1 demo sessions logged for an EHCP pupil who is in too few interventions.
ONE_TO_ONE_WEEKS = 12
# Days from today to each demo plan's next review: overdue, due, in 7 and 14 days, later.
REVIEW_OFFSETS = [-12, -3, 0, 6, 13, 40, 75]
# Days from today to each demo annual review's meeting, and the steps already done.
MEETINGS = [
    (20, []),
    (10, []),
    (-5, ["INVITATIONS", "MEETING"]),
    # Concluded: the LA kept the plan as it is, so the review's record is complete and closed.
    (-75, ["INVITATIONS", "MEETING", "REPORT", "LA_DECISION:MAINTAIN"]),
    (-30, ["INVITATIONS", "MEETING", "REPORT"]),
    (-60, ["INVITATIONS", "MEETING", "REPORT", "LA_DECISION:AMEND"]),
]


def _weekday(day: dt.date) -> dt.date:
    """Return ``day``, or the Monday after if it falls at a weekend."""
    return day + dt.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def _review_last_term(
    plan: SupportPlan, *, i: int, due: dt.date, next_review: dt.date, rng: random.Random
) -> None:
    """Hold the plan's first review (on time, or nine days late) and open its second cycle."""
    targets = list(plan.targets.filter(cycle=plan.cycle))
    plan_services.plan_review_complete(
        plan=plan,
        by=plan.owner,
        held_on=due + dt.timedelta(days=0 if i % 4 == 0 else 9),
        attendees=["SENDCo", "Class teacher", "Parent", "Pupil"],
        parent_attended=i % 3 != 2,
        scores={
            t.pk: (
                rng.choice(["ACHIEVED", "PARTLY", "PARTLY", "NOT_ACHIEVED"]),
                "Seen in lesson observations and the intervention's session notes.",
            )
            for t in targets
        },
        pupil_view="Reading group helps; I still find writing hard.",
        parent_view="Happier about school this term and reading more at home.",
        decisions="Keep the reading group; new writing target with a word bank.",
        carry_forward={targets[0].pk: ""},
        next_review_on=next_review,
    )


def seed_school(
    *, school: School, spec: SchoolSpec | None, people: People, rng: random.Random
) -> None:
    """Create plans for pupils on SEN support and EHCPs with reviews in progress (once)."""
    if SupportPlan.objects.filter(school=school).exists():
        return
    today = timezone.localdate()
    sendco = people.by_key["sendco"]
    pupils = list(
        Pupil.objects.filter(school=school, leaving_date__isnull=True)
        .with_register_fields()
        .order_by("pk")
    )
    kinds = list(PlanKind.objects.all())
    if not kinds:
        return  # the kinds are seeded by migration 0005
    on_support = [p for p in pupils if p.provision == "K"]
    for i, pupil in enumerate(on_support[: len(REVIEW_OFFSETS) * 2]):
        next_review = today + dt.timedelta(days=REVIEW_OFFSETS[i % len(REVIEW_OFFSETS)])
        # Every other plan already had a review last term (some held late), so its history,
        # parents' meetings and the termly report's "reviews held on time" have something in.
        earlier_review = today - dt.timedelta(days=140 + 5 * i) if i % 2 == 0 else None
        plan = plan_services.plan_create(
            pupil=pupil,
            kind=kinds[0] if i % 3 else rng.choice(kinds),
            owner=sendco,
            by=sendco,
            next_review_on=earlier_review or next_review,
            needs_summary=(
                "Reading and spelling are well below age-related expectations; loses focus in "
                "whole-class teaching and needs instructions broken into steps."
            ),
            strategies="Chunk tasks; check understanding; give a visual timetable.",
            pupil_voice="I like it when I know what is coming next.",
            pupil_voice_on=today - dt.timedelta(days=70),
            pupil_voice_how="One-page profile conversation",
            parent_voice="Homework is a struggle; reading at home is going well.",
            parent_voice_on=today - dt.timedelta(days=70),
            parent_voice_how="Parents' meeting",
        )
        # Targets are delivered by the groups the pupil is really in (so reviews find evidence).
        theirs = list(
            Intervention.objects.filter(school=school, enrolments__pupil=pupil)
            .distinct()
            .order_by("-start_date")[:1]
        )
        for area, wording in rng.sample(TARGETS, 2):
            plan_services.plan_target_add(
                plan=plan,
                wording=wording,
                area=area,
                by=sendco,
                interventions=theirs,
                responsible=sendco,
                due_on=plan.next_review_on,
                success_criteria="Seen in three of four observed lessons.",
            )
        agreed = (earlier_review - dt.timedelta(days=90)) if earlier_review else today
        plan_services.plan_agree(plan=plan, by=sendco, on=min(agreed, today - dt.timedelta(70)))
        if earlier_review:
            _review_last_term(plan, i=i, due=earlier_review, next_review=next_review, rng=rng)
    with_ehcp = [p for p in pupils if p.provision == "E"]
    shown = len(MEETINGS) + 2
    for i, pupil in enumerate(with_ehcp[:shown]):
        if i < len(MEETINGS):
            # Meetings fall on school days, most a little before the 12 months run out; the
            # first is booked after them, as happens when a review slips.
            meeting_on = _weekday(today + dt.timedelta(days=MEETINGS[i][0]))
            due = meeting_on + dt.timedelta(days=-9 if i == 0 else 10)
        else:
            meeting_on = None
            due = today + dt.timedelta(days=(35, 5, -20)[(i - len(MEETINGS)) % 3])
        issued = ehcp_clock.add_months(due, -12)
        ehcp = ehcp_services.ehcp_create(
            pupil=pupil,
            by=sendco,
            coordinator=sendco,
            local_authority="Wessex County Council",
            issued_on=issued,
            phase_transfer=EHCP.Transfer.SCHOOL if pupil.nc_year in (6, 11) else "",
            transfer_year=today.year + 1 if pupil.nc_year in (6, 11) else None,
        )
        _seed_sections(ehcp=ehcp, index=i, people=people, rng=rng, today=today)
        if i >= len(MEETINGS):
            continue  # left with only the 12-month due date
        _offset, steps = MEETINGS[i]
        review = ehcp_services.annual_review_schedule(ehcp=ehcp, meeting_on=meeting_on, by=sendco)
        # The record first: the step that concludes a review closes it.
        seed_review_record(review=review, steps=steps, by=sendco, index=i, rng=rng, today=today)
        for step in steps:
            code, _, decision = step.partition(":")
            ehcp_services.annual_review_step_record(
                review=review,
                step=code,
                by=sendco,
                on=min(today, review.meeting_on + dt.timedelta(days=STEP_AFTER_MEETING[code])),
                la_decision=decision,
            )
    # Every other pupil recorded E has their plan on file too, as the census expects: issued
    # across the past year, so their annual reviews fall due through the coming months (none
    # in the next eight weeks, which the pupils above already show).
    for i, pupil in enumerate(with_ehcp[shown:]):
        due = today + dt.timedelta(days=60 + (i * 37) % 290)
        ehcp_services.ehcp_create(
            pupil=pupil,
            by=sendco,
            coordinator=sendco,
            local_authority="Wessex County Council",
            issued_on=ehcp_clock.add_months(due, -12),
            phase_transfer=EHCP.Transfer.SCHOOL if pupil.nc_year in (6, 11) else "",
            transfer_year=today.year + 1 if pupil.nc_year in (6, 11) else None,
        )


def _one_to_one(
    *, ehcp: EHCP, index: int, people: People, rng: random.Random, today: dt.date
) -> Intervention:
    """Start a weekly 1:1 for the EHCP pupil with about a term of logged sessions."""
    school, pupil = ehcp.school, ehcp.pupil
    sendco = people.by_key["sendco"]
    lsas = list(getattr(people, "lsas", []) or [])
    lead = lsas[index % len(lsas)] if lsas else sendco
    programme, _ = Programme.objects.get_or_create(
        school=school,
        name="EHCP one-to-one support",
        defaults={
            "kind": Programme.Kind.OTHER,
            "area": "CI",
            "typical_sessions": ONE_TO_ONE_WEEKS + 6,
            "session_minutes": 30,
            "group_size": 1,
            "description": "Weekly 1:1 time that delivers part of a pupil's EHCP section F.",
        },
    )
    start = today - dt.timedelta(weeks=ONE_TO_ONE_WEEKS)
    weekday = index % 5
    intervention = delivery_services.intervention_save(
        intervention=Intervention(
            school=school,
            programme=programme,
            name=f"EHCP 1:1 support: {pupil.forename}",
            lead=lead,
            start_date=start,
            planned_sessions=ONE_TO_ONE_WEEKS + 6,
            status=Intervention.Status.RUNNING,
            aims="Delivers part of section F of the pupil's EHCP.",
        ),
        assistants=[],
        slots=[
            {
                "weekday": weekday,
                "start_time": dt.time(10 + index % 4, 0),
                "minutes": 30,
                "room": "SEN base",
            }
        ],
        by=sendco,
    )
    slot = intervention.slots.get()
    delivery_services.enrol(intervention=intervention, pupil=pupil, joined_on=start, by=sendco)
    # About a term of weekly sessions, written in bulk like the rest of the demo's history.
    sessions: list[tuple[Session, list[SessionAttendance]]] = []
    day = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    while day < today:
        if in_term(day):
            cancelled = rng.random() < 0.1
            session = Session(
                intervention=intervention,
                slot=slot,
                date=day,
                status="CANCELLED" if cancelled else "DELIVERED",
                cancel_reason="STAFF_ABSENT" if cancelled else "",
                minutes=0 if cancelled else 30,
                logged_by=lead,
            )
            marks = []
            if not cancelled:
                mark = "PRESENT" if rng.random() < 0.85 else "ABSENT"
                marks.append(
                    SessionAttendance(
                        session=session,
                        pupil=pupil,
                        attendance=mark,
                        engagement=rng.choice([3, 4, 4, 5]) if mark == "PRESENT" else None,
                    )
                )
            sessions.append((session, marks))
        day += dt.timedelta(weeks=1)
    Session.objects.bulk_create([s for s, _ in sessions])
    SessionAttendance.objects.bulk_create([m for _, marks in sessions for m in marks])
    return intervention


def _seed_sections(
    *, ehcp: EHCP, index: int, people: People, rng: random.Random, today: dt.date
) -> None:
    """Give a demo EHCP 2-3 outcomes, each served by a provision line with hours, linked to
    interventions the pupil is really in (a 1:1 is started if needed), so delivery shows."""
    sendco = people.by_key["sendco"]
    current = list(
        Intervention.objects.filter(
            school=ehcp.school,
            status=Intervention.Status.RUNNING,
            enrolments__pupil=ehcp.pupil,
            enrolments__left_on__isnull=True,
        )
        .distinct()
        .order_by("pk")[:2]
    )
    if not current:  # one weekly 1:1 can deliver several lines of section F
        current.append(_one_to_one(ehcp=ehcp, index=index, people=people, rng=rng, today=today))
    count = 2 + index % 2
    picked = [EHCP_OUTCOMES[(index + n) % len(EHCP_OUTCOMES)] for n in range(count)]
    for n, (area, wording, provision) in enumerate(picked):
        outcome = ehcp_services.ehcp_outcome_add(ehcp=ehcp, by=sendco, text=wording, area=area)
        intervention = current[n % len(current)]
        weekly = sum(s.minutes for s in intervention.slots.all()) / 60 or 0.5
        # Lines state less, more or the same as is timetabled: the demo shows met and short.
        wanted = {0: weekly * 0.6, 1: weekly + 0.5}.get(n, weekly)
        stated = max(Decimal(int(wanted * 4)) / 4, Decimal("0.25"))
        ehcp_services.ehcp_provision_add(
            ehcp=ehcp,
            by=sendco,
            description=provision,
            hours_per_week=stated,
            outcome=outcome,
            interventions=[intervention],
        )
