"""A school's own term dates, and the trust-level roles that see figures across schools."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SchoolTerm(models.Model):
    """One half term of one academic year in one school (term dates differ by local authority)."""

    class Half(models.TextChoices):
        AUTUMN_1 = "AUTUMN_1", "Autumn 1"
        AUTUMN_2 = "AUTUMN_2", "Autumn 2"
        SPRING_1 = "SPRING_1", "Spring 1"
        SPRING_2 = "SPRING_2", "Spring 2"
        SUMMER_1 = "SUMMER_1", "Summer 1"
        SUMMER_2 = "SUMMER_2", "Summer 2"

    school = models.ForeignKey("staff.School", on_delete=models.CASCADE, related_name="terms")
    academic_year = models.PositiveSmallIntegerField(
        help_text="The calendar year the academic year starts in (2026 for 2026/27)."
    )
    half = models.CharField(max_length=8, choices=Half.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["school", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "half"], name="school_term_once"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="school_term_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["school", "starts_on"], name="school_term_start_idx")]

    def __str__(self) -> str:
        next_year = (self.academic_year + 1) % 100
        return f"{self.get_half_display()} {self.academic_year}/{next_year:02d}"


class TrustRole(models.Model):
    """A role across a whole trust: sees each school's figures side by side, no pupil detail.

    Pupil-level pages still need a role in that school (a Membership); this grants none.
    """

    class Role(models.TextChoices):
        SEND_LEAD = "SEND_LEAD", "Trust SEND lead"
        EXECUTIVE = "EXECUTIVE", "Trust executive"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trust_roles"
    )
    trust = models.ForeignKey("staff.Trust", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=10, choices=Role.choices)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "trust", "role"], name="trust_role_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.trust}"
