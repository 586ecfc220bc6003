"""Imports from the MIS: saved column mappings and each batch's record."""

from __future__ import annotations

from django.db import models

from staff.models import School, User


class ImportMapping(models.Model):
    """A school's saved column mapping for a CSV export (headers differ by MIS or system)."""

    class Kind(models.TextChoices):
        PUPILS = "PUPILS", "Pupils"
        BEHAVIOUR = "BEHAVIOUR", "Behaviour events"
        ATTENDANCE = "ATTEND", "Attendance marks"
        CLASSES = "CLASSES", "Classes"

    class Source(models.TextChoices):
        SIMS = "SIMS", "SIMS"
        ARBOR = "ARBOR", "Arbor"
        BROMCOM = "BROMCOM", "Bromcom"
        CLASS_CHARTS = "CLASSCHART", "Class Charts"
        PARS = "PARS", "PARS"
        OTHER = "OTHER", "Other"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_mappings")
    kind = models.CharField(max_length=9, choices=Kind.choices, default=Kind.PUPILS)
    name = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=Source.choices)
    columns = models.JSONField(
        default=dict, help_text="Our field name -> the CSV header that holds it."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "name"], name="import_mapping_name_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """An uploaded file between its dry run and its all-or-nothing apply."""

    class Kind(models.TextChoices):
        CSV = "CSV", "MIS CSV export"
        CTF = "CTF", "Common Transfer File (XML)"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_batches")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    original_name = models.CharField(max_length=255)
    content = models.BinaryField()
    mapping = models.ForeignKey(ImportMapping, null=True, blank=True, on_delete=models.SET_NULL)
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"
