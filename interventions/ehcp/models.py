"""EHCPs: the plan the school delivers, its section E outcomes and F provision, annual reviews."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from interventions.delivery.models import Intervention
from interventions.ehcp import clock
from pupils.models import Area, Pupil
from send_hub.lib.dates import nice_date
from staff.models import School, User

if TYPE_CHECKING:
    from interventions.ehcp.report import Delivery


def live(prefix: str = "") -> Q:
    """Return the one rule for a live EHCP (not ceased); ``prefix`` reaches an EHCP from
    another model, e.g. ``live("ehcp__")`` on annual reviews."""
    return Q(**{f"{prefix}ceased_on__isnull": True})


class EHCPQuerySet(models.QuerySet["EHCP"]):
    def visible_to(self, user: Any) -> EHCPQuerySet:
        """Return the EHCPs of the pupils ``user`` may see in their current school."""
        return self.filter(pupil__in=Pupil.objects.visible_to(user).values("pk"))

    def live(self) -> EHCPQuerySet:
        """Return the EHCPs that have not ceased."""
        return self.filter(live())

    def review_due_by(self, day: dt.date) -> EHCPQuerySet:
        """Return live EHCPs whose next annual review falls due on or before ``day``, unless a
        review is already under way (the reminders, the dashboard and the calendar)."""
        under_way = AnnualReview.objects.open().values("ehcp_id")
        return self.live().filter(next_review_due__lte=day).exclude(pk__in=under_way)


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

    # Not a column: the section F lines serving this outcome, set by
    # interventions.ehcp.report.outcomes_with_provision for the EHCP's page and PDF.
    lines: list[EHCPProvision]

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

    # Not a column: the evidence of delivery, set by
    # interventions.ehcp.report.provision_with_delivery for the EHCP's page and PDF.
    delivery: Delivery

    def __str__(self) -> str:
        return self.description[:60]


class AnnualReviewQuerySet(models.QuerySet["AnnualReview"]):
    def visible_to(self, user: Any) -> AnnualReviewQuerySet:
        """Return annual reviews of the pupils ``user`` may see in their current school."""
        return self.filter(ehcp__pupil__in=Pupil.objects.visible_to(user).values("pk"))

    def open(self) -> AnnualReviewQuerySet:
        """Return reviews whose statutory steps are not all done."""
        return self.filter(completed_on__isnull=True)

    def with_milestone_due_by(self, day: dt.date) -> AnnualReviewQuerySet:
        """Return open reviews of live EHCPs with a statutory step not done whose deadline
        (``clock.milestones``) falls on or before ``day`` and is still expected."""
        offsets = clock.milestone_offsets()
        done = {
            f"done_{code.lower()}": Exists(
                AnnualReviewStep.objects.filter(review=OuterRef("pk"), step=code)
            )
            for code in offsets
        }
        due = Q()
        for code, offset in offsets.items():
            step = Q(meeting_on__lte=day - offset) & ~Q(**{f"done_{code.lower()}": True})
            if code == AnnualReviewStep.Step.FINAL_PLAN:
                step &= ~Q(la_decision__in=AnnualReview.NO_FINAL_PLAN_AFTER)
            due |= step
        return self.open().filter(live("ehcp__")).annotate(**done).filter(due)


class AnnualReview(models.Model):
    """One EHCP annual review, anchored on its meeting date (deadlines: ehcp_clock)."""

    class Decision(models.TextChoices):
        MAINTAIN = "MAINTAIN", "Maintain"
        AMEND = "AMEND", "Amend"
        CEASE = "CEASE", "Cease"

    # Once the LA decides to maintain or cease the plan, no amended final plan is expected.
    NO_FINAL_PLAN_AFTER = (Decision.MAINTAIN, Decision.CEASE)

    ehcp = models.ForeignKey(EHCP, on_delete=models.CASCADE, related_name="annual_reviews")
    meeting_on = models.DateField()
    la_decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    covers_preparing_for_adulthood = models.BooleanField(default=False)
    completed_on = models.DateField(null=True, blank=True)
    # The statutory content (reg. 20): views in their own words, with how they were gathered.
    child_views = models.TextField(blank=True)
    child_views_how = models.CharField(max_length=200, blank=True)
    parent_views = models.TextField(blank=True)
    parent_views_how = models.CharField(max_length=200, blank=True)
    # Preparing for adulthood (from Year 9): the four headings the Code of Practice names.
    pfa_employment = models.TextField("Higher education and/or employment", blank=True)
    pfa_independent_living = models.TextField("Independent living", blank=True)
    pfa_community = models.TextField("Friends, relationships and community", blank=True)
    pfa_health = models.TextField("Good health", blank=True)
    # The meeting's recommendation to the LA (the LA's own decision is la_decision).
    recommendation = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    recommendation_reasons = models.TextField(blank=True)

    objects = AnnualReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_on"]
        indexes = [
            # the reminder sweep and calendar: open reviews by meeting date
            models.Index(fields=["completed_on", "meeting_on"], name="annual_review_open_idx"),
        ]

    def __str__(self) -> str:
        return f"Annual review on {nice_date(self.meeting_on)}"

    def expects(self, step: str) -> bool:
        """Return whether ``step`` is still expected of this review (see NO_FINAL_PLAN_AFTER)."""
        return step != AnnualReviewStep.Step.FINAL_PLAN or (
            self.la_decision not in self.NO_FINAL_PLAN_AFTER
        )


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


class AnnualReviewInvitee(models.Model):
    """Someone invited to the review: when, whether they came, and when their advice arrived."""

    class Role(models.TextChoices):
        CHILD = "CHILD", "Child or young person"
        PARENT = "PARENT", "Parent or carer"
        SCHOOL = "SCHOOL", "School staff"
        LA = "LA", "Local authority SEN officer"
        HEALTH = "HEALTH", "Health"
        SOCIAL_CARE = "SOCIAL", "Social care"
        EP = "EP", "Educational psychologist"
        OTHER = "OTHER", "Other professional"

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="invitees")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=8, choices=Role.choices)
    invited_on = models.DateField()
    # None until the meeting: then True (attended) or False (did not attend).
    attended = models.BooleanField(null=True, blank=True)
    advice_received_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["invited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class AnnualReviewProgress(models.Model):
    """Progress towards one section E outcome, as the meeting judged it.

    The outcome's words are kept as they stood, so the record still reads true once an amended
    plan rewords or removes the outcome.
    """

    class Progress(models.TextChoices):
        ACHIEVED = "ACHIEVED", "Achieved"
        ON_TRACK = "ON_TRACK", "On track to be achieved"
        SOME = "SOME", "Some progress"
        LITTLE = "LITTLE", "Little or no progress"

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="progress")
    outcome = models.ForeignKey(
        EHCPOutcome, null=True, on_delete=models.SET_NULL, related_name="review_progress"
    )
    outcome_text = models.TextField()
    progress = models.CharField(max_length=8, choices=Progress.choices)
    commentary = models.TextField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "outcome"], name="review_progress_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_progress_display()}: {self.outcome_text[:50]}"


class AnnualReviewProvisionCheck(models.Model):
    """Whether one section F line was delivered as specified, and why not where it fell short."""

    class Delivered(models.TextChoices):
        AS_SPECIFIED = "FULL", "Delivered as specified"
        PARTLY = "PARTLY", "Partly delivered"
        NOT = "NOT", "Not delivered"

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="checks")
    provision = models.ForeignKey(
        EHCPProvision, null=True, on_delete=models.SET_NULL, related_name="review_checks"
    )
    provision_text = models.TextField()
    stated_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    delivered = models.CharField(max_length=8, choices=Delivered.choices)
    shortfall_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "provision"], name="review_check_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_delivered_display()}: {self.provision_text[:50]}"


class AnnualReviewAmendment(models.Model):
    """One amendment the review recommends, filed under the plan's section it changes."""

    class Section(models.TextChoices):
        B = "B", "Section B: special educational needs"
        E = "E", "Section E: outcomes"
        F = "F", "Section F: special educational provision"
        OTHER = "OTHER", "Other sections"

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="amendments")
    section = models.CharField(max_length=5, choices=Section.choices)
    text = models.TextField()
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section", "pk"]

    def __str__(self) -> str:
        return f"{self.section}: {self.text[:50]}"
