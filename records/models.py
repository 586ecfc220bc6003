"""Records management: retention rules, legal holds, disposal, subject access requests.

The retention schedule is data (RetentionRule), seeded from the IRMS schools toolkit and edited by
the school in the admin. Which rule covers which table is worked out by introspection
(records.registry), so a new model linking to a pupil or a member of staff is never missed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid

import pgtrigger
from django.db import models
from django.db.models import Q

from pupils.models import Pupil
from staff.models import School, User


def add_years(start: dt.date, years: int) -> dt.date:
    """Return the same day ``years`` later (29 February becomes 28 February)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


class RecordKind(models.TextChoices):
    """The kinds of record the retention schedule names (IRMS toolkit for schools)."""

    PUPIL_RECORD = "PUPIL_RECORD", "Pupil's educational record"
    SEN_RECORD = "SEN_RECORD", "SEN record, support plans, interventions and EHCP"
    CHILD_PROTECTION = "CHILD_PROTECTION", "Child protection file"
    STAFF_RECORD = "STAFF_RECORD", "Staff training and supervision record"
    OPERATIONAL = "OPERATIONAL", "Reminders, alerts and sign-in working data"
    SYSTEM = "SYSTEM", "Accounts, the audit trail and records management"


class Trigger(models.TextChoices):
    """The date a retention period counts from."""

    DATE_OF_BIRTH = "DATE_OF_BIRTH", "Pupil's date of birth"
    LEAVING = "LEAVING", "Leaving date (pupil leaves the school, or staff member leaves)"
    CREATION = "CREATION", "Date the record was made"
    # The pupil has left and every record of the kind that can stay open (a placement, a place
    # in an intervention, an SEN status, a plan) has closed: counted from the later of the two.
    CLOSURE = "CLOSURE", "Closure (the pupil has left and the last of these records has closed)"
    NEVER = "NEVER", "Kept permanently"


class RetentionRuleQuerySet(models.QuerySet["RetentionRule"]):
    def for_school(self, school_id: int) -> dict[str, RetentionRule]:
        """Return each kind's rule for ``school_id``: the school's own, else the default."""
        rules: dict[str, RetentionRule] = {}
        for rule in self.filter(Q(school_id=school_id) | Q(school__isnull=True)).order_by(
            models.F("school_id").asc(nulls_first=True)
        ):
            rules[rule.kind] = rule  # the school's own row comes last and wins
        return rules


class RetentionRule(models.Model):
    """How long one kind of record is kept: a trigger date plus a period, then dispose or review.

    Rows without a school are the defaults (from the IRMS toolkit); a school's own row for the
    same kind overrides the default for that school.
    """

    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank: the default for every school without a rule of its own.",
    )
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Blank with 'Kept permanently'."
    )
    review = models.BooleanField(
        "review instead of dispose",
        default=False,
        help_text="When the date passes, the records are listed for a person to review: they "
        "are disposed of only when the reviewer approves it for each one.",
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the period comes from (IRMS toolkit ref)."
    )

    objects = RetentionRuleQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(school__isnull=True), name="retention_default_once"
            ),
            models.UniqueConstraint(fields=["school", "kind"], name="retention_rule_once"),
            models.CheckConstraint(
                condition=Q(trigger="NEVER", years__isnull=True)
                | (~Q(trigger="NEVER") & Q(years__isnull=False)),
                name="retention_years_unless_never",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.describe()}"

    def describe(self) -> str:
        """Say the rule in words, as the disposal log keeps it."""
        if self.trigger == Trigger.NEVER:
            return "kept permanently"
        then = "then review" if self.review else "then dispose"
        return f"{self.get_trigger_display()} + {self.years} years, {then}"

    def due_on(self, start: dt.date | None) -> dt.date | None:
        """Return the day records counted from ``start`` pass this rule (None: never)."""
        if start is None or self.trigger == Trigger.NEVER or self.years is None:
            return None
        return add_years(start, self.years)


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active(self) -> LegalHoldQuerySet:
        """Return holds not yet lifted."""
        return self.filter(lifted_at__isnull=True)

    def visible_to(self, user: User) -> LegalHoldQuerySet:
        """Return the holds of the person's current school."""
        return self.filter(school_id=getattr(user, "current_school_id", None))


class LegalHold(models.Model):
    """Stops every disposal for a pupil while a claim, inquiry or review may need the records."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    # SET_NULL only for a lifted hold: a pupil under an active hold is never disposed of.
    pupil = models.ForeignKey(Pupil, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(
        max_length=200, help_text="For example: the reference of a claim or an inquiry."
    )
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"Legal hold on pupil {self.pupil_id}"


class StaffDeparture(models.Model):
    """When a member of staff left a school: the trigger for their staff records' retention."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    left_on = models.DateField()

    class Meta:
        ordering = ["-left_on"]
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="staff_departure_once"),
        ]

    def __str__(self) -> str:
        return f"Staff member {self.user_id} left on {self.left_on}"


class DisposalBatchQuerySet(models.QuerySet["DisposalBatch"]):
    def visible_to(self, user: User) -> DisposalBatchQuerySet:
        """Return the disposal lists of the person's current school."""
        return self.filter(school_id=getattr(user, "current_school_id", None))


class DisposalBatch(models.Model):
    """What the monthly job found past its date in one school, waiting for the DPO or head."""

    class State(models.TextChoices):
        PENDING = "PENDING", "Waiting for approval"
        DONE = "DONE", "Approved and carried out"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    listed_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = DisposalBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-listed_on", "-pk"]
        constraints = [
            # the monthly job runs again without listing twice
            models.UniqueConstraint(fields=["school", "listed_on"], name="disposal_batch_once"),
        ]

    def __str__(self) -> str:
        return f"Disposal list of {self.listed_on:%d %B %Y}"


class DisposalItem(models.Model):
    """One person's records (or one kind's old rows) past their rule, in a batch.

    ``rows`` is the exact set to remove, in the order to remove it: ``[[label, [pk, ...]], ...]``.
    The database function records_dispose_rows() deletes append-only rows only when they are
    listed here and the item is approved.
    """

    class State(models.TextChoices):
        PENDING = "PENDING", "Waiting"
        APPROVED = "APPROVED", "Approved"
        RETAINED = "RETAINED", "Kept after review"
        HELD = "HELD", "Stopped by a legal hold"
        DISPOSED = "DISPOSED", "Disposed of"

    batch = models.ForeignKey(DisposalBatch, on_delete=models.PROTECT, related_name="items")
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept after the pupil or person is gone: "pupil 123", never a name.
    subject_ref = models.CharField(max_length=40)
    kinds = models.JSONField(default=list)
    review = models.BooleanField(default=False)
    due_on = models.DateField()
    rows = models.JSONField(default=list)
    counts = models.JSONField(default=dict)  # {kind: {label: n}}
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        who = self.pupil.display_name if self.pupil_id and self.pupil else self.subject_ref
        return f"{who}: {self.total} records"

    @property
    def total(self) -> int:
        return sum(sum(by_label.values()) for by_label in self.counts.values())


class DisposalLog(models.Model):
    """What was disposed of, kept forever: kind, count, the rule, who approved and when.

    Never the content, and never a name: the subject is ``pupil 123``. Append-only.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(DisposalItem, on_delete=models.PROTECT, related_name="+")
    subject_ref = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    model = models.CharField(max_length=100)
    count = models.PositiveIntegerField()
    files = models.PositiveIntegerField(default=0)
    rule = models.CharField(max_length=200)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField()
    disposed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-disposed_at", "pk"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.model} of {self.subject_ref}"


def one_month_after(received: dt.date) -> dt.date:
    """Return the ICO's 'one calendar month': the same day next month, else that month's last."""
    year, month = (
        (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    )
    return dt.date(year, month, min(received.day, calendar.monthrange(year, month)[1]))


def bundle_path(instance: SubjectAccessRequest, filename: str) -> str:
    # Random: the subject's name never reaches the file system.
    return f"records/{instance.school_id}/sar-{uuid.uuid4().hex}.zip"


class SubjectAccessRequestQuerySet(models.QuerySet["SubjectAccessRequest"]):
    def visible_to(self, user: User) -> SubjectAccessRequestQuerySet:
        """Return the requests of the person's current school."""
        return self.filter(school_id=getattr(user, "current_school_id", None))

    def open(self) -> SubjectAccessRequestQuerySet:
        """Return requests not yet answered."""
        return self.exclude(status=SubjectAccessRequest.Status.RELEASED)


class SubjectAccessRequest(models.Model):
    """A request for everything held about a pupil or a member of staff (UK GDPR article 15)."""

    class Requester(models.TextChoices):
        SUBJECT = "SUBJECT", "The person themselves"
        PARENT = "PARENT", "A parent or carer"
        REPRESENTATIVE = "REPRESENTATIVE", "A solicitor or other representative"

    class Status(models.TextChoices):
        OPEN = "OPEN", "Open"
        READY = "READY", "Bundle ready for review"
        RELEASED = "RELEASED", "Released"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="member of staff",
    )
    requester_name = models.CharField("who asked", max_length=150)
    requester = models.CharField(
        "who they are", max_length=20, choices=Requester.choices, default=Requester.PARENT
    )
    received_on = models.DateField("date received")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    bundle = models.FileField(upload_to=bundle_path, max_length=200, blank=True)
    bundle_built_at = models.DateTimeField(null=True, blank=True)
    released_on = models.DateField(null=True, blank=True)

    objects = SubjectAccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pupil__isnull=True, user__isnull=False)
                | Q(pupil__isnull=False, user__isnull=True)
                | Q(status="RELEASED"),
                name="sar_about_one_person",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")), name="sar_due_after_received"
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"

    @property
    def subject_ref(self) -> str:
        return f"pupil {self.pupil_id}" if self.pupil_id else f"staff {self.user_id}"
