"""Support plans (assess, plan, do, review), EHCPs and their annual reviews, and reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from interventions.models.delivery import Intervention, Session
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


# --- EHCP -----------------------------------------------------------------------------------


class EHCPQuerySet(models.QuerySet["EHCP"]):
    def visible_to(self, user: Any) -> EHCPQuerySet:
        """Return the EHCPs of the pupils ``user`` may see in their current school."""
        return self.filter(pupil__in=Pupil.objects.visible_to(user).values("pk"))


class EHCP(models.Model):
    """An education, health and care plan the school delivers."""

    class Transfer(models.TextChoices):
        NONE = "", "No phase transfer"
        SCHOOL = "SCHOOL", "School move (plan by 15 February)"
        POST16 = "POST16", "Move to post-16 (plan by 31 March)"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="ehcps")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="ehcps")
    coordinator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="ehcps_led")
    local_authority = models.CharField(max_length=100)
    issued_on = models.DateField()
    # Set from the last concluded annual review (12 months on), or the issue date at first.
    next_review_due = models.DateField()
    phase_transfer = models.CharField(
        max_length=8, choices=Transfer.choices, blank=True, default=""
    )
    transfer_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The calendar year the pupil moves (September)."
    )
    ceased_on = models.DateField(null=True, blank=True)

    objects = EHCPQuerySet.as_manager()

    class Meta:
        verbose_name = "EHCP"
        indexes = [
            # the reminder sweep: a school's live EHCPs by next review date
            models.Index(fields=["school", "next_review_due"], name="ehcp_school_due_idx"),
        ]

    def __str__(self) -> str:
        return f"EHCP ({self.local_authority}, issued {nice_date(self.issued_on)})"


class EHCPOutcome(models.Model):
    """Section E: an outcome the plan names."""

    ehcp = models.ForeignKey(EHCP, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField()
    area = models.CharField(max_length=4, choices=Area.choices, blank=True)

    def __str__(self) -> str:
        return self.text[:60]


class EHCPProvision(models.Model):
    """Section F: provision the school must show it delivers, linked to what delivers it."""

    ehcp = models.ForeignKey(EHCP, on_delete=models.CASCADE, related_name="provision")
    outcome = models.ForeignKey(
        EHCPOutcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="provision"
    )
    description = models.TextField()
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    interventions = models.ManyToManyField(Intervention, blank=True, related_name="ehcp_provision")

    def __str__(self) -> str:
        return self.description[:60]


class AnnualReviewQuerySet(models.QuerySet["AnnualReview"]):
    def visible_to(self, user: Any) -> AnnualReviewQuerySet:
        """Return annual reviews of the pupils ``user`` may see in their current school."""
        return self.filter(ehcp__pupil__in=Pupil.objects.visible_to(user).values("pk"))

    def open(self) -> AnnualReviewQuerySet:
        """Return reviews whose statutory steps are not all done."""
        return self.filter(completed_on__isnull=True)


class AnnualReview(models.Model):
    """One EHCP annual review, anchored on its meeting date (deadlines: ehcp_clock)."""

    class Decision(models.TextChoices):
        MAINTAIN = "MAINTAIN", "Maintain"
        AMEND = "AMEND", "Amend"
        CEASE = "CEASE", "Cease"

    ehcp = models.ForeignKey(EHCP, on_delete=models.CASCADE, related_name="annual_reviews")
    meeting_on = models.DateField()
    la_decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    covers_preparing_for_adulthood = models.BooleanField(default=False)
    completed_on = models.DateField(null=True, blank=True)

    objects = AnnualReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_on"]
        indexes = [
            # the reminder sweep and calendar: open reviews by meeting date
            models.Index(fields=["completed_on", "meeting_on"], name="annual_review_open_idx"),
        ]

    def __str__(self) -> str:
        return f"Annual review on {nice_date(self.meeting_on)}"


class AnnualReviewStep(models.Model):
    """One statutory step done: who did it and when."""

    class Step(models.TextChoices):
        INVITATIONS = "INVITATIONS", "Invitations and advice circulated"
        MEETING = "MEETING", "Meeting held"
        REPORT = "REPORT", "Report sent to the LA"
        LA_DECISION = "LA_DECISION", "LA decision received"
        FINAL_PLAN = "FINAL_PLAN", "Amended final plan received"

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=12, choices=Step.choices)
    done_on = models.DateField()
    done_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_on"]
        constraints = [
            models.UniqueConstraint(fields=["review", "step"], name="annual_review_step_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} on {nice_date(self.done_on)}"


# --- Reminders ------------------------------------------------------------------------------


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """Return the signed-in person's own notifications in their current school."""
        return self.filter(recipient=user, school_id=getattr(user, "current_school_id", None))

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app reminder for one person. The text names no pupil; the link leads to detail."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["read_at", "due_on", "-pk"]
        indexes = [
            # the bell: a person's unread count
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            # the daily digest: today's new notifications
            models.Index(fields=["created_at"], name="notification_created_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class ReminderSent(models.Model):
    """What the sweep has sent; the constraint makes a second run send nothing new."""

    kind = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "recipient", "due_on"],
                name="reminder_sent_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} due {self.due_on}"


__all__ = [
    "EHCP",
    "AnnualReview",
    "AnnualReviewStep",
    "EHCPOutcome",
    "EHCPProvision",
    "Notification",
    "PlanKind",
    "PlanReview",
    "PlanTarget",
    "PlanVersion",
    "ReminderSent",
    "SupportPlan",
]
