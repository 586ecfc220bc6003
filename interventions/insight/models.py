"""The termly impact report for leaders and governors: a stored PDF per school, term, version."""

from __future__ import annotations

from typing import Any

from django.db import models

from staff.models import School, User
from staff.permissions import roles_for


class TermlyReportQuerySet(models.QuerySet["TermlyReport"]):
    def visible_to(self, user: Any) -> TermlyReportQuerySet:
        """Return the reports of ``user``'s current school (the capability decides the rest)."""

        school_id = getattr(user, "current_school_id", None)
        if not roles_for(user, school_id):
            return self.none()
        return self.filter(school_id=school_id)


def termly_report_path(instance: TermlyReport, filename: str) -> str:
    return f"termly/{instance.school_id}/{instance.term_key.lower()}-{instance.version.lower()}.pdf"


class TermlyReport(models.Model):
    """The latest build of one school's termly impact report for one term, in one version.

    The governors' version names no pupil and shows counts from 1 to 4 as "fewer than 5"; the
    leaders' version has the exact counts. ``status`` guards the build: a request while one is
    queued or building starts nothing new.
    """

    class Version(models.TextChoices):
        LEADERS = "LEADERS", "Leaders"
        GOVERNORS = "GOVERNORS", "Governors"

    class Status(models.TextChoices):
        QUEUED = "QUEUED", "Queued"
        BUILDING = "BUILDING", "Building"
        READY = "READY", "Ready"
        FAILED = "FAILED", "Failed"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="termly_reports")
    term_key = models.CharField(max_length=12, help_text='e.g. "2025-AUTUMN".')
    version = models.CharField(max_length=9, choices=Version.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    figures = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to=termly_report_path, blank=True, max_length=200)
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    objects = TermlyReportQuerySet.as_manager()

    class Meta:
        ordering = ["school", "-term_key", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "term_key", "version"], name="termly_report_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Termly report {self.term_key} ({self.get_version_display().lower()})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)
