"""Teachers' say: input asked of them before a review, and strategies they tried."""

from __future__ import annotations

import secrets
from typing import Any, Self

from django.db import models
from django.db.models import Q

from interventions.ehcp.models import AnnualReview
from interventions.plans.models import SupportPlan
from pupils.models import Pupil, TeachingClass
from staff.models import School, User


def new_token() -> str:
    """Return an unguessable token for a request's e-mail link (which carries no pupil name)."""
    return secrets.token_urlsafe(24)


class ReviewInputQuerySet(models.QuerySet["ReviewInputRequest"]):
    def visible_to(self, user: Any) -> Self:
        """Return the requests ``user`` may open: those asked of them, in their current school."""
        school_id = getattr(user, "current_school_id", None)
        if not getattr(user, "is_authenticated", False) or school_id is None:
            return self.none()
        return self.filter(teacher=user, school_id=school_id)

    def waiting(self) -> Self:
        """Return requests not yet answered."""
        return self.filter(answered_at__isnull=True)

    def answered(self) -> Self:
        """Return answered requests, oldest answer first, with who answered."""
        return (
            self.filter(answered_at__isnull=False).select_related("teacher").order_by("answered_at")
        )


class ReviewInputRequest(models.Model):
    """A SENDCo's request for one teacher's view before a plan review or an EHCP annual review,
    and the teacher's answer (progress on each target seen in lessons, what works, concerns)."""

    class Progress(models.TextChoices):
        GOOD = "GOOD", "Good progress"
        SOME = "SOME", "Some progress"
        LITTLE = "LITTLE", "Little or no progress"
        NOT_SEEN = "NOT_SEEN", "Not seen in my lessons"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="review_inputs")
    plan = models.ForeignKey(
        SupportPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="teacher_inputs"
    )
    annual_review = models.ForeignKey(
        AnnualReview,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="teacher_inputs",
    )
    teacher = models.ForeignKey(User, on_delete=models.PROTECT, related_name="review_inputs")
    teaching_class = models.ForeignKey(
        TeachingClass, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField()
    token = models.CharField(max_length=40, unique=True, default=new_token)
    answered_at = models.DateTimeField(null=True, blank=True)
    # One entry per target or section E outcome: {"id", "wording", "progress", "note"}.
    progress = models.JSONField(default=list, blank=True)
    what_works = models.TextField("what works in my lessons", blank=True)
    concerns = models.TextField(blank=True)

    objects = ReviewInputQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=True, annual_review__isnull=False)
                | Q(plan__isnull=False, annual_review__isnull=True),
                name="review_input_for_one_review",
            ),
            # Asking twice (a double click) while the first request is open asks once.
            models.UniqueConstraint(
                fields=["plan", "teacher"],
                condition=Q(answered_at__isnull=True, plan__isnull=False),
                name="review_input_open_once_per_plan",
            ),
            models.UniqueConstraint(
                fields=["annual_review", "teacher"],
                condition=Q(answered_at__isnull=True, annual_review__isnull=False),
                name="review_input_open_once_per_review",
            ),
        ]
        indexes = [
            # Today page and the reminder sweep: a teacher's (or a school's) waiting requests
            models.Index(fields=["teacher", "answered_at"], name="review_input_teacher_idx"),
            models.Index(fields=["school", "due_on"], name="review_input_school_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Review input from {self.teacher}"

    @property
    def review_kind(self) -> str:
        return "EHCP annual review" if self.annual_review_id else "support plan review"


class StrategyFeedback(models.Model):
    """One teacher's word on one strategy for one pupil: tried, and it helped or it did not."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="strategy_feedback")
    teacher = models.ForeignKey(User, on_delete=models.PROTECT, related_name="strategy_feedback")
    strategy = models.CharField(max_length=300)
    helped = models.BooleanField()
    recorded_on = models.DateField()

    class Meta:
        ordering = ["strategy", "pk"]
        constraints = [
            # A teacher's latest word replaces their earlier one on the same strategy.
            models.UniqueConstraint(
                fields=["pupil", "teacher", "strategy"], name="strategy_feedback_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy[:40]}: {'helped' if self.helped else 'did not help'}"
