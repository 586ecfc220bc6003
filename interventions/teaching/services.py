"""Writes for teachers' say: asking a pupil's teachers for review input, their answers, and
their word on whether a strategy helped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from interventions.ehcp.models import AnnualReview
from interventions.plans.models import SupportPlan
from interventions.teaching.models import ReviewInputRequest, StrategyFeedback
from pupils.models import ClassTeacher, Pupil
from send_hub.lib.dates import nice_date
from send_hub.lib.site import email_subject, site_url
from staff.audit import log_action
from staff.models import User

# The e-mail names no pupil: the link opens the form behind sign-in, where the teacher sees who.
REQUEST_SUBJECT = "Your input is asked for a review"
REQUEST_BODY = (
    "The SENDCo asks for your view of how a pupil you teach is getting on, before their "
    "{kind} (by {due}). It takes a couple of minutes:\n\n{link}\n\n"
    "You will be asked to sign in. The page shows who it is about."
)


# Answers are wanted a little before the meeting, so the SENDCo can read them first.
ANSWER_LEAD = dt.timedelta(days=3)
DEFAULT_WAIT = dt.timedelta(days=7)


def default_due(meeting: dt.date | None) -> dt.date:
    """Return the day answers are wanted by: a few days before the meeting, never in the past."""
    today = timezone.localdate()
    if meeting is None:
        return today + DEFAULT_WAIT
    return max(today, meeting - ANSWER_LEAD)


def teachers_of(pupil: Pupil) -> list[ClassTeacher]:
    """Return the current teacher links of the classes ``pupil`` is in now (one per teacher)."""
    links = (
        ClassTeacher.objects.current()
        .filter(
            teaching_class__school_id=pupil.school_id,
            teaching_class__memberships__pupil=pupil,
            teaching_class__memberships__end_date__isnull=True,
        )
        .select_related("teacher", "teaching_class")
        .order_by("teacher__full_name", "teaching_class__code")
    )
    seen: dict[int, ClassTeacher] = {}
    for link in links:
        seen.setdefault(link.teacher_id, link)
    return list(seen.values())


@transaction.atomic
def review_inputs_request(
    *,
    by: User,
    due_on: dt.date,
    plan: SupportPlan | None = None,
    annual_review: AnnualReview | None = None,
) -> list[ReviewInputRequest]:
    """Ask each current teacher of the pupil for input before a review, in one step.

    A teacher already asked (and not yet answering) is not asked twice, so a double click asks
    once. Each new request sends one e-mail, naming no pupil, after the commit.
    """
    if (plan is None) == (annual_review is None):
        raise ValueError("Ask for input on one plan review or one annual review.")
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "Choose today or a later day for the answers."})
    pupil = plan.pupil if plan is not None else annual_review.ehcp.pupil  # type: ignore[union-attr]
    # One request at a time per review: a second click waits for the first, then finds it.
    Pupil.objects.select_for_update().only("pk").get(pk=pupil.pk)
    links = teachers_of(pupil)
    if not links:
        raise ValidationError(
            "Nobody teaches this pupil in a class now: import the timetable (Classes) first."
        )
    existing = ReviewInputRequest.objects.waiting().filter(plan=plan, annual_review=annual_review)
    asked = set(existing.values_list("teacher_id", flat=True))
    made = []
    for link in links:
        if link.teacher_id in asked:
            continue
        request = ReviewInputRequest(
            school_id=pupil.school_id,
            pupil=pupil,
            plan=plan,
            annual_review=annual_review,
            teacher=link.teacher,
            teaching_class=link.teaching_class,
            requested_by=by,
            due_on=due_on,
        )
        request.full_clean(exclude=["token"])
        request.save()
        made.append(request)
        log_action(
            request,
            "interventions.review_input.requested",
            actor=by,
            school=pupil.school,
            data={"teacher": link.teacher_id, "plan": getattr(plan, "pk", None)},
        )
        transaction.on_commit(partial(_send_request, request))
    return made


def _send_request(request: ReviewInputRequest) -> None:
    link = site_url(reverse("interventions:review_input", args=[request.token]))
    send_mail(
        email_subject(REQUEST_SUBJECT),
        REQUEST_BODY.format(kind=request.review_kind, due=nice_date(request.due_on), link=link),
        None,
        [request.teacher.email],
    )


def review_items(request: ReviewInputRequest) -> list[tuple[int, str]]:
    """Return (id, wording) of what the teacher reports progress on: the plan's current targets,
    or the EHCP's section E outcomes."""
    if request.plan_id is not None:
        plan = request.plan
        assert plan is not None
        return [(t.pk, t.wording) for t in plan.targets.filter(cycle=plan.cycle)]
    review = request.annual_review
    assert review is not None
    return [(o.pk, o.text) for o in review.ehcp.outcomes.order_by("pk")]


@transaction.atomic
def review_input_answer(
    *,
    request: ReviewInputRequest,
    by: User,
    progress: Sequence[dict[str, Any]],
    what_works: str,
    concerns: str,
) -> ReviewInputRequest:
    """Record a teacher's answer once; a second submit (another tab, a double tap) is refused
    with when it was answered."""
    locked = ReviewInputRequest.objects.select_for_update().get(pk=request.pk)
    if locked.teacher_id != by.pk:
        raise ValidationError("Only the teacher asked can answer this request.")
    if locked.answered_at is not None:
        when = timezone.localtime(locked.answered_at)
        raise ValidationError(
            f"You answered this on {nice_date(when)} at {when:%H:%M}; the SENDCo has it."
        )
    if not (what_works.strip() or concerns.strip() or any(p.get("progress") for p in progress)):
        raise ValidationError("Say something: progress on a target, what works or a concern.")
    locked.progress = list(progress)
    locked.what_works = what_works.strip()
    locked.concerns = concerns.strip()
    locked.answered_at = timezone.now()
    locked.save(update_fields=["progress", "what_works", "concerns", "answered_at"])
    log_action(locked, "interventions.review_input.answered", actor=by, school=locked.school)
    request.answered_at = locked.answered_at
    return locked


@transaction.atomic
def strategy_feedback_record(
    *, pupil: Pupil, teacher: User, strategy: str, helped: bool
) -> StrategyFeedback:
    """Record whether a strategy helped in ``teacher``'s lessons (their latest word stands)."""
    strategy = " ".join(strategy.split())[:300]
    if not strategy:
        raise ValidationError("Choose a strategy.")
    try:
        with transaction.atomic():
            feedback, _ = StrategyFeedback.objects.update_or_create(
                pupil=pupil,
                teacher=teacher,
                strategy=strategy,
                defaults={
                    "helped": helped,
                    "recorded_on": timezone.localdate(),
                    "school_id": pupil.school_id,
                },
            )
    except IntegrityError:
        # The same tap twice at once: the other one saved it.
        feedback = StrategyFeedback.objects.get(pupil=pupil, teacher=teacher, strategy=strategy)
    log_action(
        pupil,
        "interventions.strategy_feedback.recorded",
        actor=teacher,
        data={"helped": helped},
    )
    return feedback
