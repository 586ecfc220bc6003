"""Files on a concern: a scan or photo of a handwritten note, a letter from MASH, conference
minutes. Append-only like every safeguarding record; the file itself lives under a random name
in MEDIA_ROOT and is sent only through a view that checks the DSL capability and records who
took it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from safeguarding.models.choices import append_only
from safeguarding.models.concerns import (
    Addendum,
    AddendumChild,
    Concern,
    sees_every_concern,
)
from send_hub.lib.uploads import random_path
from staff.models import User


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random; the original name (which may name a child) stays in the row.
    return random_path(f"safeguarding/{instance.concern.school_id}")


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Return the files ``user`` may see listed: all of them for those who read every
        concern, otherwise only the ones they added to concerns they may read."""
        if not user.is_authenticated:
            return self.none()
        mine = self.filter(concern__in=Concern.objects.visible_to(user))
        return mine if sees_every_concern(user) else mine.filter(uploaded_by=user)

    def on_files(
        self,
        *,
        link_ids: Sequence[int] | models.QuerySet[Any, Any],
        subject_of: Sequence[int] | models.QuerySet[Any, Any],
        full: Sequence[int] | models.QuerySet[Any, Any],
    ) -> Self:
        """Return the files on the safeguarding file of the child linked by ``link_ids``.

        ``subject_of``: the concerns that child is the subject of; ``full``: the concerns whose
        full account is on their file. A file on a case note follows the note's children (a note
        from before children were recorded is about the subjects); any other file follows the
        account.
        """
        note_rows = AddendumChild.objects.filter(addendum=OuterRef("addendum_id"))
        on_note = Q(addendum__kind=Addendum.Kind.CASE_NOTE) & (
            Exists(note_rows.filter(link_id__in=link_ids))
            | (~Exists(note_rows) & Q(concern_id__in=subject_of))
        )
        with_account = (Q(addendum__isnull=True) | ~Q(addendum__kind=Addendum.Kind.CASE_NOTE)) & Q(
            concern_id__in=full
        )
        return self.filter(on_note | with_account)


class Attachment(models.Model):
    """One file added to a concern, or to an addition, correction or case note on it.

    Whose file it is on follows what it is attached to (the rule is written on ConcernPupil):
    a file on the concern itself, or on an addition or correction, goes wherever the concern's
    full account goes; a file on a case note goes on the files of the children that note is
    about.
    """

    class Kind(models.TextChoices):
        HANDWRITTEN = "HANDWRITTEN", "Handwritten note (scan or photo)"
        LETTER = "LETTER", "Letter (for example from MASH or social care)"
        MINUTES = "MINUTES", "Meeting or conference minutes"
        REPORT = "REPORT", "Report from another agency"
        OTHER = "OTHER", "Other"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="attachments")
    addendum = models.ForeignKey(
        Addendum, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField("what it is", max_length=12, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_by_job_title = models.CharField(max_length=150, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AttachmentQuerySet.as_manager()

    # Set for display, not columns, when a transfer package is made: where the file is in the
    # package, or that storage no longer had it.
    package_name: str
    package_missing: bool

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(original_name=""), name="attachment_has_name"),
        ]
        indexes = [
            # a concern's files, in order (the concern page, the chronology, the transfer)
            models.Index(fields=["concern", "uploaded_at"], name="attachment_concern_idx"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return self.description or self.original_name

    @property
    def size_label(self) -> str:
        """The size as people read it: 340 KB, 2.1 MB."""
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} KB"
        return f"{self.size / (1024 * 1024):.1f} MB"
