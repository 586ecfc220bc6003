"""The demo's teachers' say: the demo teacher is asked for input on one pupil's plan review (so
Today shows it), a colleague has already answered, and a few strategies are marked."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from interventions.plans.models import SupportPlan
from interventions.teaching import services
from interventions.teaching.models import ReviewInputRequest
from interventions.teaching.summary import strategy_lines
from pupils.models import ClassMember, Passport
from staff.demo import People, SchoolSpec
from staff.models import School

WHAT_WORKS = [
    "Sitting near the front with a printed copy of the board.",
    "A quiet word at the start of the lesson about what we are doing.",
    "Working with a settled partner; short tasks with a tick list.",
]


def seed_school(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Ask (once) for teachers' input on a plan of a pupil the demo teacher teaches."""
    teacher = people.by_key.get("teacher")
    if teacher is None or ReviewInputRequest.objects.filter(school=school).exists():
        return
    taught = ClassMember.objects.current().filter(
        teaching_class__school=school, teaching_class__teacher_links__teacher=teacher
    )
    plan = (
        SupportPlan.objects.filter(
            pupil__in=taught.values("pupil_id"), status=SupportPlan.Status.ACTIVE
        )
        .order_by("next_review_on", "pk")
        .first()
    )
    if plan is None:
        return
    today = timezone.localdate()
    asked = services.review_inputs_request(
        by=people.by_key["sendco"], due_on=today + dt.timedelta(days=5), plan=plan
    )
    # A colleague has answered already, so the plan page shows an answer beside the waiting.
    for request in asked:
        if request.teacher_id != teacher.pk:
            services.review_input_answer(
                request=request,
                by=request.teacher,
                progress=[
                    {"id": t.pk, "wording": t.wording, "progress": "SOME", "note": ""}
                    for t in plan.targets.filter(cycle=plan.cycle)
                ],
                what_works=rng.choice(WHAT_WORKS),
                concerns="",
            )
            break
    passport = Passport.objects.filter(pupil=plan.pupil).order_by("-version").first()
    for line in strategy_lines(passport.strategies if passport else "")[:2]:
        for request in asked:
            if request.teacher_id != teacher.pk:
                services.strategy_feedback_record(
                    pupil=plan.pupil, teacher=request.teacher, strategy=line, helped=True
                )
