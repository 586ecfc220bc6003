"""Support plans (assess, plan, do, review): kinds, targets, agreed versions and reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from interventions.delivery.models import Intervention, Session
from pupils.models import Area, Pupil
from send_hub.lib.dates import nice_date
from staff.models import School, User


class PlanKind(models.Model):
    """A kind of support plan (IEP, behaviour support plan...): data, seeded by a migration."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class SupportPlanQuerySet(models.QuerySet["SupportPlan"]):
    def visible_to(self, user: Any) -> SupportPlanQuerySet:
        """Return the plans of the pupils ``user`` may see in their current school."""
        return self.filter(pupil__in=Pupil.objects.visible_to(user).values("pk"))

    def open(self) -> SupportPlanQuerySet:
        """Return plans that are not closed."""
        return self.exclude(status=SupportPlan.Status.CLOSED)

    def review_due_by(self, day: dt.date) -> SupportPlanQuerySet:
        """Return open plans whose next review falls on or before ``day``."""
        return self.open().filter(next_review_on__lte=day)


class SupportPlan(models.Model):
    """One pupil's plan of one kind, reviewed in cycles; each agreed version is kept."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", "Draft"
        ACTIVE = "ACTIVE", "Active"
        UNDER_REVIEW = "UNDER_REVIEW", "Under review"
        CLOSED = "CLOSED", "Closed"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="support_plans")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="support_plans")
    kind = models.ForeignKey(PlanKind, on_delete=models.PROTECT, related_name="plans")
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="plans_owned")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    cycle = models.PositiveSmallIntegerField(default=1)
    needs_summary = models.TextField("Summary of needs (assess)", blank=True)
    strategies = models.TextField("Strategies for staff", blank=True)
    pupil_voice = models.TextField(blank=True)
    pupil_voice_on = models.DateField(null=True, blank=True)
    pupil_voice_how = models.CharField(max_length=200, blank=True)
    parent_voice = models.TextField(blank=True)
    parent_voice_on = models.DateField(null=True, blank=True)
    parent_voice_how = models.CharField(max_length=200, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupportPlanQuerySet.as_manager()

    class Meta:
        ordering = ["next_review_on", "pk"]
        indexes = [
            # the reminder sweep and calendar: a school's open plans by review date
            models.Index(fields=["school", "next_review_on"], name="plan_school_review_idx"),
            # the pupil page: a pupil's plans
            models.Index(fields=["pupil", "status"], name="plan_pupil_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} (cycle {self.cycle})"

    def is_overdue(self, on: dt.date) -> bool:
        return (
            self.status != self.Status.CLOSED
            and self.next_review_on is not None
            and self.next_review_on < on
        )


class PlanTarget(models.Model):
    """One SMART outcome of one plan cycle, scored at that cycle's review."""

    class Outcome(models.TextChoices):
        ACHIEVED = "ACHIEVED", "Achieved"
        PARTLY = "PARTLY", "Partly achieved"
        NOT_ACHIEVED = "NOT_ACHIEVED", "Not achieved"
        NO_LONGER_RELEVANT = "NO_LONGER_RELEVANT", "No longer relevant"

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="targets")
    cycle = models.PositiveSmallIntegerField()
    wording = models.TextField("Target (SMART)")
    area = models.CharField("Area of need", max_length=4, choices=Area.choices)
    success_criteria = models.TextField(blank=True)
    baseline = models.TextField(blank=True)
    interventions = models.ManyToManyField(Intervention, blank=True, related_name="plan_targets")
    responsible = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_targets"
    )
    due_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    evidence = models.TextField(blank=True)
    evidence_sessions = models.ManyToManyField(Session, blank=True, related_name="+")
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )

    class Meta:
        ordering = ["cycle", "pk"]
        indexes = [
            # plan page: this cycle's targets
            models.Index(fields=["plan", "cycle"], name="plan_target_cycle_idx"),
        ]

    def __str__(self) -> str:
        return self.wording[:60]


class PlanVersion(models.Model):
    """What was agreed at one point: a frozen snapshot of the plan and its targets."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    agreed_on = models.DateField()
    agreed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_once"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} agreed {nice_date(self.agreed_on)}"


class PlanReview(models.Model):
    """The meeting that closes one plan cycle."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="reviews")
    cycle = models.PositiveSmallIntegerField()
    held_on = models.DateField()
    attendees = models.JSONField(default=list, help_text="Names and roles, one per entry.")
    parent_attended = models.BooleanField(default=False)
    pupil_view = models.TextField(blank=True)
    parent_view = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "cycle"], name="plan_review_once_per_cycle"),
        ]
        indexes = [
            # the pupil page: parents' meetings in the last year
            models.Index(fields=["plan", "held_on"], name="plan_review_held_idx"),
        ]

    def __str__(self) -> str:
        return f"Review of cycle {self.cycle} on {nice_date(self.held_on)}"
