"""What the school keeps about a pupil beyond the register: key adults, the passport, access
arrangements, contacts, agencies and documents.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from pupils.models.register import Pupil
from staff.models import User


class Passport(models.Model):
    """One version of a pupil's one-page profile. Editing adds a version; old ones stay readable."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="passports")
    version = models.PositiveIntegerField()
    likes_and_admires = models.TextField("What people like and admire about me", blank=True)
    important_to_me = models.TextField("What is important to me", blank=True)
    how_to_support = models.TextField("How best to support me", blank=True)
    strategies = models.TextField("Strategies that help me", blank=True)
    triggers_and_calming = models.TextField("What upsets me and what calms me", blank=True)
    communication = models.TextField("How I communicate", blank=True)
    reviewed_with_family_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "version"], name="passport_version_once"),
        ]

    def __str__(self) -> str:
        return f"Passport v{self.version} for {self.pupil}"

    SECTIONS = (
        "likes_and_admires",
        "important_to_me",
        "how_to_support",
        "strategies",
        "triggers_and_calming",
        "communication",
    )


class AccessArrangement(models.Model):
    """A JCQ exam access arrangement with its evidence and validity."""

    class Kind(models.TextChoices):
        EXTRA_TIME_25 = "EXTRA_TIME_25", "Extra time (25%)"
        EXTRA_TIME_50 = "EXTRA_TIME_50", "Extra time (up to 50%)"
        EXTRA_TIME_100 = "EXTRA_TIME_100", "Extra time (up to 100%)"
        REST_BREAKS = "REST_BREAKS", "Supervised rest breaks"
        READER = "READER", "Reader"
        COMPUTER_READER = "COMPUTER_READER", "Computer reader"
        READ_ALOUD = "READ_ALOUD", "Read aloud"
        SCRIBE = "SCRIBE", "Scribe"
        SPEECH_RECOGNITION = "SPEECH_RECOGNITION", "Speech recognition"
        WORD_PROCESSOR = "WORD_PROCESSOR", "Word processor"
        PROMPTER = "PROMPTER", "Prompter"
        SEPARATE_ROOM = "SEPARATE_ROOM", "Separate room"
        COLOURED_OVERLAYS = "COLOURED_OVERLAYS", "Coloured overlays"
        MODIFIED_PAPERS = "MODIFIED_PAPERS", "Modified papers"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="access_arrangements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    normal_way_of_working = models.TextField(
        blank=True, help_text="How this is the pupil's normal way of working in lessons."
    )
    assessment_date = models.DateField(null=True, blank=True)
    assessor = models.CharField(max_length=150, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="access_arrangement_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_kind_display(self) -> str:  # type: ignore[no-redef]  # Django's, faster
        """The arrangement's name, by a dictionary lookup rather than Django's generated method
        (which flattens and hashes the choices on every call): the access register lists every
        arrangement of the school."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def has_evidence(self) -> bool:
        return bool(self.normal_way_of_working and self.assessment_date)


# Each arrangement kind's name (AccessArrangement.get_kind_display).
KIND_LABELS: dict[str, str] = dict(AccessArrangement.Kind.choices)


class Contact(models.Model):
    """A parent or carer (or another adult the school contacts about the pupil)."""

    class Preferred(models.TextChoices):
        PHONE = "PHONE", "Phone"
        EMAIL = "EMAIL", "E-mail"
        TEXT = "TEXT", "Text message"
        IN_PERSON = "IN_PERSON", "In person"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=60)
    parental_responsibility = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(max_length=10, choices=Preferred.choices, blank=True)
    priority = models.PositiveSmallIntegerField(default=1)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class AgencyInvolvement(models.Model):
    """An external agency working with the pupil."""

    class Agency(models.TextChoices):
        EP = "EP", "Educational psychologist"
        SALT = "SALT", "Speech and language therapy"
        OT = "OT", "Occupational therapy"
        CAMHS = "CAMHS", "CAMHS"
        PHYSIO = "PHYSIO", "Physiotherapy"
        SENSORY = "SENSORY", "Sensory support"
        EWO = "EWO", "Education welfare"
        EARLY_HELP = "EARLY_HELP", "Early help"
        SOCIAL_CARE = "SOCIAL_CARE", "Social care"
        OTHER = "OTHER", "Other"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="agencies")
    agency = models.CharField(max_length=12, choices=Agency.choices)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_details = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name_plural = "agency involvements"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="agency_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.get_agency_display()


def document_path(instance: Document, filename: str) -> str:
    # The stored name is random: the original name (which may hold a child's name) stays in
    # the row, never in the file system.
    return f"pupils/{instance.pupil.school_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """An uploaded report (PDF, PNG or JPEG), served only through a permission-checked view."""

    class Kind(models.TextChoices):
        EP_REPORT = "EP_REPORT", "Educational psychologist report"
        SALT_REPORT = "SALT_REPORT", "Speech and language report"
        MEDICAL = "MEDICAL", "Medical or care plan"
        EHCP = "EHCP", "EHC plan"
        OTHER = "OTHER", "Other"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(upload_to=document_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title
