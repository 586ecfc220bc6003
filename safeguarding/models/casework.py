"""The DSL team's casework: decisions, actions, referrals and the neutral flag.

Every row here is a record of something that happened. A change of status, an action's outcome
or a referral's result is a new row, never an update, and PostgreSQL refuses anything else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.forms import BaseForm
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models.choices import Risk, Status, append_only
from send_hub.lib.dates import nice_date
from staff.models import User


class Decision(models.Model):
    """A DSL's decision on a concern: the status and risk from now on, and why."""

    concern = models.ForeignKey(
        "safeguarding.Concern", on_delete=models.PROTECT, related_name="decisions"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    risk = models.CharField("risk level", max_length=6, choices=Risk.choices, blank=True)
    not_referred = models.BooleanField(
        "decided not to refer to another agency",
        default=False,
        help_text="Record a decision not to refer as carefully as a referral.",
    )
    rationale = models.TextField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now, editable=False)
    # The linked children this decision is about; not_referred above is true when it decided
    # not to refer any of them, and DecisionChild.not_referred says which.
    children = models.ManyToManyField(
        "safeguarding.ConcernPupil", through="DecisionChild", related_name="+", blank=True
    )

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale"),
            models.CheckConstraint(condition=~Q(status=Status.NEW), name="decision_not_new"),
        ]
        indexes = [
            # a concern's current state: its latest decision
            models.Index(fields=["concern", "-decided_at"], name="decision_latest_idx"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({nice_date(self.decided_at)})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        LatestDecision.keep(self.concern_id)


class LatestDecision(models.Model):
    """A concern's latest decision, with its status and risk: the concern's current state.

    Kept by ``Decision.save()`` in the same transaction as the decision (decisions are only
    ever added, one at a time), so lists that sort and filter on the state (the DSL queue, the
    Today panel, the termly figures) join one row per concern instead of looking for the latest
    of its decisions. A concern without one has had no decision: it is new.
    """

    concern = models.OneToOneField(
        "safeguarding.Concern",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="latest_decision",
    )
    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices)
    risk = models.CharField(max_length=6, choices=Risk.choices, blank=True)

    def __str__(self) -> str:
        return f"{self.get_status_display()} (decision {self.decision_id})"

    @classmethod
    def keep(cls, concern_id: int) -> None:
        """Point the concern's state at its latest decision (a back-dated one may not be)."""
        latest = (
            Decision.objects.filter(concern_id=concern_id)
            .order_by("-decided_at", "-pk")
            .values("pk", "status", "risk")
            .first()
        )
        if latest is None:
            cls.objects.filter(concern_id=concern_id).delete()
            return
        cls.objects.update_or_create(
            concern_id=concern_id,
            defaults={
                "decision_id": latest["pk"],
                "status": latest["status"],
                "risk": latest["risk"],
            },
        )


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> Self:
        """Return actions nobody has recorded as completed."""
        done = ActionUpdate.objects.filter(action=OuterRef("pk"), completed=True)
        return self.exclude(Exists(done))

    def overdue(self, *, on: dt.date | None = None) -> Self:
        """Return open actions whose deadline has passed."""
        return self.open().filter(due_on__lt=on or timezone.localdate())


class Action(models.Model):
    """Something someone must do by a date. Outcomes arrive as ActionUpdate rows."""

    concern = models.ForeignKey(
        "safeguarding.Concern", on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("deadline")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    children = models.ManyToManyField(
        "safeguarding.ConcernPupil", through="ActionChild", related_name="+", blank=True
    )

    objects = ActionQuerySet.as_manager()

    # Set for display, not columns: the children it is about and whether it is overdue (the
    # owner's pages), and the form that records its outcome (the concern page).
    about: list[Pupil]
    overdue: bool
    form: BaseForm

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="action_has_description"),
        ]
        indexes = [
            # the daily sweep for overdue actions
            models.Index(fields=["due_on"], name="action_due_idx"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"Action for {self.owner}, due {nice_date(self.due_on)}"

    def completed_update(self) -> ActionUpdate | None:
        """Return the update that completed this action (from prefetched updates)."""
        return next((u for u in self.updates.all() if u.completed), None)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.completed_update() is None and self.due_on < (today or timezone.localdate())


class DecisionChild(models.Model):
    """One linked child a decision is about, and whether it decided not to refer that child."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="child_rows")
    link = models.ForeignKey(
        "safeguarding.ConcernPupil", on_delete=models.PROTECT, related_name="+"
    )
    not_referred = models.BooleanField("decided not to refer this child", default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "link"], name="decision_child_once"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"About {self.link.pupil}{' (not referred)' if self.not_referred else ''}"


class ActionChild(models.Model):
    """One linked child an action is about: the action is on that child's file."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="child_rows")
    link = models.ForeignKey(
        "safeguarding.ConcernPupil", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "link"], name="action_child_once"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"About {self.link.pupil}"


class ActionUpdate(models.Model):
    """Progress on or the outcome of an action, as a new row."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    outcome = models.TextField()
    completed = models.BooleanField(default=False)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(outcome=""), name="action_update_has_outcome"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"Update by {self.by} ({nice_date(self.at)})"


class Agency(models.TextChoices):
    SOCIAL_CARE = "SOCIAL_CARE", "Children's social care / MASH"
    EARLY_HELP = "EARLY_HELP", "Early help"
    POLICE = "POLICE", "Police"
    CAMHS = "CAMHS", "CAMHS"
    PREVENT = "PREVENT", "Prevent"
    OTHER = "OTHER", "Other"


class Referral(models.Model):
    """A referral of one linked pupil to an agency, with the reason. Outcomes are new rows."""

    concern = models.ForeignKey(
        "safeguarding.Concern", on_delete=models.PROTECT, related_name="referrals"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=12, choices=Agency.choices)
    agency_other = models.CharField("other agency", max_length=150, blank=True)
    referred_on = models.DateField()
    reference = models.CharField("agency's reference", max_length=100, blank=True)
    rationale = models.TextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    # Set for display, not a column: the concern page's form for recording an outcome.
    form: BaseForm

    class Meta:
        ordering = ["referred_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="referral_has_rationale"),
            models.CheckConstraint(
                condition=~Q(agency=Agency.OTHER) | ~Q(agency_other=""),
                name="referral_other_agency_named",
            ),
        ]
        indexes = [
            # the chronology: one child's referrals
            models.Index(fields=["pupil", "referred_on"], name="referral_pupil_idx"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"Referral to {self.agency_name} on {nice_date(self.referred_on)}"

    @property
    def agency_name(self) -> str:
        return self.agency_other if self.agency == Agency.OTHER else self.get_agency_display()


class ReferralUpdate(models.Model):
    """What came back from the agency, as a new row."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="updates")
    outcome = models.TextField()
    outcome_on = models.DateField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["outcome_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(outcome=""), name="referral_update_has_outcome"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"Outcome on {nice_date(self.outcome_on)}"


NEUTRAL_FLAG_TEXT = "Speak to the DSL before contacting home."


class PupilFlag(models.Model):
    """The DSL setting (on=True) or lifting (on=False) the neutral flag on a pupil's page."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    on = models.BooleanField()
    reason = models.TextField(help_text="Seen by the DSL team only.")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="pupil_flag_has_reason"),
        ]
        indexes = [
            # the pupil page: the latest flag row for one pupil
            models.Index(fields=["pupil", "-at"], name="pupil_flag_latest_idx"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"Flag {'set' if self.on else 'lifted'} ({nice_date(self.at)})"
