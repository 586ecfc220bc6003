"""Demo support plans and EHCP annual reviews: some due, some overdue, reviews at each stage."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from interventions import ehcp_clock, plan_services
from interventions.models import EHCP, Intervention, PlanKind, SupportPlan
from pupils.models import Pupil

TARGETS = [
    ("CL", "Reads a short passage aloud with no more than two prompts, three times a week."),
    ("CI", "Takes turns in a small-group game for ten minutes with one adult reminder."),
    ("SEMH", "Uses the calm card to ask for a break instead of leaving class, four days of five."),
    ("CL", "Writes three sentences unaided using a word bank in English lessons."),
]
# Days from today to each demo plan's next review: overdue, due, in 7 and 14 days, later.
REVIEW_OFFSETS = [-12, -3, 0, 6, 13, 40, 75]
# Days from today to each demo annual review's meeting, and the steps already done.
MEETINGS = [
    (20, []),
    (10, []),
    (-5, ["INVITATIONS", "MEETING"]),
    (-30, ["INVITATIONS", "MEETING", "REPORT"]),
    (-60, ["INVITATIONS", "MEETING", "REPORT", "LA_DECISION:AMEND"]),
]


def seed_school(*, school: Any, spec: Any, people: Any, rng: random.Random) -> None:
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
    interventions = list(Intervention.objects.filter(school=school)[:5])
    kinds = list(PlanKind.objects.all())
    if not kinds:
        return  # the kinds are seeded by migration 0005
    on_support = [p for p in pupils if p.provision == "K"]
    for i, pupil in enumerate(on_support[: len(REVIEW_OFFSETS) * 2]):
        plan = plan_services.plan_create(
            pupil=pupil,
            kind=kinds[0] if i % 3 else rng.choice(kinds),
            owner=sendco,
            by=sendco,
            next_review_on=today + dt.timedelta(days=REVIEW_OFFSETS[i % len(REVIEW_OFFSETS)]),
            needs_summary="Needs summarised from the assess stage (demo).",
            strategies="Chunk tasks; check understanding; give a visual timetable.",
            pupil_voice="I like it when I know what is coming next.",
            pupil_voice_on=today - dt.timedelta(days=70),
            pupil_voice_how="One-page profile conversation",
            parent_voice="Homework is a struggle; reading at home is going well.",
            parent_voice_on=today - dt.timedelta(days=70),
            parent_voice_how="Parents' meeting",
        )
        for area, wording in rng.sample(TARGETS, 2):
            plan_services.plan_target_add(
                plan=plan,
                wording=wording,
                area=area,
                by=sendco,
                interventions=interventions[:1],
                responsible=sendco,
                due_on=plan.next_review_on,
                success_criteria="Seen in three of four observed lessons.",
            )
        plan_services.plan_agree(plan=plan, by=sendco, on=today - dt.timedelta(days=70))
    with_ehcp = [p for p in pupils if p.provision == "E"]
    for i, pupil in enumerate(with_ehcp[: len(MEETINGS) + 2]):
        issued = today - dt.timedelta(days=400 + 30 * i)
        ehcp = EHCP.objects.create(
            school=school,
            pupil=pupil,
            coordinator=sendco,
            local_authority="Demoshire",
            issued_on=issued,
            next_review_due=ehcp_clock.next_review_due(issued),
            phase_transfer=EHCP.Transfer.SCHOOL if pupil.nc_year in (6, 11) else "",
            transfer_year=today.year + 1 if pupil.nc_year in (6, 11) else None,
        )
        ehcp.outcomes.create(text="Communicates needs to familiar adults.", area="CI")
        provision = ehcp.provision.create(
            description="Small-group speech and language session.", hours_per_week=1
        )
        provision.interventions.set(interventions[:1])
        if i >= len(MEETINGS):
            continue  # left with only the 12-month due date
        offset, steps = MEETINGS[i]
        review = plan_services.annual_review_schedule(
            ehcp=ehcp, meeting_on=today + dt.timedelta(days=offset), by=sendco
        )
        for step in steps:
            code, _, decision = step.partition(":")
            plan_services.annual_review_step_record(
                review=review,
                step=code,
                by=sendco,
                on=ehcp_clock.invitations_due(review.meeting_on)
                if code == "INVITATIONS"
                else min(today, review.meeting_on + dt.timedelta(days=7)),
                la_decision=decision,
            )
