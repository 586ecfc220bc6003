"""Sending a child protection file to the pupil's next school, within five school days."""

from __future__ import annotations

import datetime as dt
from typing import Self

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models.choices import append_only
from send_hub.lib.dates import nice_date
from staff.models import School, User
from staff.permissions import can

TRANSFER_SCHOOL_DAYS = 5


class TransferQuerySet(models.QuerySet["Transfer"]):
    def visible_to(self, user: object) -> Self:
        """Return the transfers of the DSL team's current school (nobody else sees any)."""
        school_id = getattr(user, "current_school_id", None)
        if school_id is None or not can(user, "safeguarding.triage"):
            return self.none()
        return self.filter(school_id=school_id)

    def not_received(self) -> Self:
        """Return transfers the receiving school has not yet confirmed."""
        received = TransferStep.objects.filter(
            transfer=OuterRef("pk"), kind=TransferStep.Kind.RECEIVED
        )
        return self.exclude(Exists(received))

    def overdue(self, *, on: dt.date | None = None) -> Self:
        """Return unconfirmed transfers past their deadline."""
        return self.not_received().filter(deadline__lt=on or timezone.localdate())


class Transfer(models.Model):
    """The move of one leaver's child protection file, separate from the main pupil file."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    leaving_date = models.DateField()
    destination_school = models.CharField("new school", max_length=200)
    destination_contact = models.CharField(
        "the new school's DSL", max_length=200, help_text="Name and how to reach them."
    )
    deadline = models.DateField()
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "leaving_date"], name="transfer_once_per_leave"
            ),
        ]
        indexes = [
            # the reminder sweep: transfers by deadline
            models.Index(fields=["school", "deadline"], name="transfer_deadline_idx"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"Transfer to {self.destination_school}"

    def step(self, kind: str) -> TransferStep | None:
        """Return the latest step of ``kind`` (from prefetched steps)."""
        steps = [s for s in self.steps.all() if s.kind == kind]
        return steps[-1] if steps else None

    @property
    def exported(self) -> TransferStep | None:
        return self.step(TransferStep.Kind.EXPORTED)

    @property
    def sent(self) -> TransferStep | None:
        return self.step(TransferStep.Kind.SENT)

    @property
    def received(self) -> TransferStep | None:
        return self.step(TransferStep.Kind.RECEIVED)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.received is None and self.deadline < (today or timezone.localdate())


class TransferStep(models.Model):
    """One step of a transfer: the file exported, sent (how and to whom), receipt confirmed."""

    class Kind(models.TextChoices):
        EXPORTED = "EXPORTED", "File exported"
        SENT = "SENT", "Sent"
        RECEIVED = "RECEIVED", "Receipt confirmed"

    class Method(models.TextChoices):
        SECURE_SYSTEM = "SECURE_SYSTEM", "Secure transfer system"
        SECURE_EMAIL = "SECURE_EMAIL", "Secure (encrypted) e-mail"
        BY_HAND = "BY_HAND", "By hand, signed for"
        RECORDED_POST = "RECORDED_POST", "Recorded delivery"
        OTHER = "OTHER", "Other"

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    method = models.CharField(max_length=14, choices=Method.choices, blank=True)
    person = models.CharField(
        max_length=200, blank=True, help_text="Sent to whom, or who confirmed receipt."
    )
    on = models.DateField(default=timezone.localdate)
    note = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="SENT") | (~Q(method="") & ~Q(person="")),
                name="transfer_sent_says_how_and_to_whom",
            ),
            models.CheckConstraint(
                condition=~Q(kind="RECEIVED") | ~Q(person=""),
                name="transfer_receipt_says_who",
            ),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {nice_date(self.on)}"
