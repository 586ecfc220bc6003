"""Who looked at what, who must be told, and each school's safeguarding settings."""

from __future__ import annotations

import datetime as dt
from typing import Self

from django.db import models
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models.casework import Action
from safeguarding.models.choices import append_only
from safeguarding.models.concerns import Concern
from safeguarding.models.transfers import Transfer
from send_hub.lib.dates import nice_datetime
from staff.models import School, User


class FileAccess(models.Model):
    """One look at (or export of) a child's safeguarding file, written before the page is shown."""

    class Kind(models.TextChoices):
        CONCERN_VIEWED = "CONCERN_VIEWED", "Opened a concern"
        CHRONOLOGY_VIEWED = "CHRONOLOGY_VIEWED", "Opened the chronology"
        CHRONOLOGY_PRINTED = "CHRONOLOGY_PRINTED", "Printed the chronology (PDF)"
        FILE_EXPORTED = "FILE_EXPORTED", "Exported the file for transfer"
        ACTION_VIEWED = "ACTION_VIEWED", "Opened a safeguarding action they own"
        FILE_DOWNLOADED = "FILE_DOWNLOADED", "Downloaded a file attached to a concern"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "file access"
        verbose_name_plural = "file accesses"
        indexes = [
            # "who has viewed this child's file", newest first
            models.Index(fields=["pupil", "-at"], name="file_access_pupil_idx"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display().lower()} ({nice_datetime(self.at)})"


class AlertQuerySet(models.QuerySet["Alert"]):
    def for_user(self, user: object) -> Self:
        """Return ``user``'s alerts in their current school, newest first."""
        school_id = getattr(user, "current_school_id", None)
        return self.filter(recipient=user, school_id=school_id).order_by("-urgent", "-created_at")

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)

    def pending_email(self) -> Self:
        """Return alerts whose e-mail has not gone out (recent ones only: old news is not news)."""
        since = timezone.now() - dt.timedelta(days=2)
        return self.filter(emailed_at__isnull=True, created_at__gte=since)


class Alert(models.Model):
    """An in-app alert to one person. It names no child and holds no text about the concern."""

    class Kind(models.TextChoices):
        NEW_CONCERN = "NEW_CONCERN", "A new concern needs your attention"
        ADDED = "ADDED", "Something was added to a concern"
        ESCALATED = "ESCALATED", "A concern has waited more than a school day for triage"
        ACTION_OVERDUE = "ACTION_OVERDUE", "A safeguarding action is overdue"
        ACTION_ASSIGNED = "ACTION_ASSIGNED", "A safeguarding action has been given to you"
        ACTION_UPDATED = "ACTION_UPDATED", "An action's owner has recorded progress or the outcome"
        TRANSFER_NOT_STARTED = "TRANSFER_NOT_STARTED", "A leaver's file needs transferring"
        TRANSFER_OVERDUE = "TRANSFER_OVERDUE", "A file transfer is overdue"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    urgent = models.BooleanField(default=False)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer = models.ForeignKey(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What this alert is about, e.g. "new:concern:12": with the recipient it is unique, so a
    # sweep that runs twice (or a resent form) alerts nobody twice.
    key = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="alert_once_per_person"),
        ]
        indexes = [
            # Today and the queue: one person's unread alerts
            models.Index(fields=["recipient", "read_at"], name="alert_inbox_idx"),
            # the e-mail sweep: alerts not yet e-mailed
            models.Index(fields=["emailed_at", "created_at"], name="alert_email_pending_idx"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
