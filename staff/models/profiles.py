"""Role profiles: a job as the employer wrote it, beside the school's local duties.

A profile belongs to one school, or to a trust when it is the employer's standard that schools
adopt. Profiles are never edited out of existence: "duplicate as a new version" keeps the old one,
read-only, and django-simple-history records who changed what in each version.

Lists inside a profile (purpose, key decisions, working conditions...) are text with one point per
line, so an HR admin edits them in a plain text box; rows with their own fields (accountabilities,
contacts, values, safeguarding duties, person-specification criteria) are ordered child models.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from staff.models.people import School, Trust, roles_for

MAX_TIME_SHARE = 100


class Activity(models.TextChoices):
    """What an accountability's time counts as when deployment is compared with the profile."""

    PUPIL_SUPPORT = "PUPIL_SUPPORT", "Pupil support"
    LIAISON = "LIAISON", "Liaison"
    CURRICULUM = "CURRICULUM", "Curriculum"
    OTHER = "OTHER", "Other"


def time_share_problem(shares: Iterable[int | None]) -> str | None:
    """Return what is wrong with one profile's time shares (None when they are fine)."""
    total = sum(s for s in shares if s)
    if total > MAX_TIME_SHARE:
        return (
            f"The shares of time add up to {total}%; together they must not exceed 100%. "
            "Lower one of them (lessons per week can stay as they are)."
        )
    return None


# The employer's text fields of a profile, one point per line. Each but "purpose" has a
# "<name>_local" twin: what the school adds beside a trust standard's wording.
STANDARD_FIELDS = (
    "purpose",
    "key_decisions",
    "dimensions",
    "working_conditions",
    "requirements",
    "context",
)


class RoleProfileQuerySet(models.QuerySet["RoleProfile"]):
    def current(self) -> RoleProfileQuerySet:
        """Return the latest version of each profile."""
        return self.filter(status=RoleProfile.Status.CURRENT)

    def for_schools(self, school_ids: Iterable[int]) -> RoleProfileQuerySet:
        """Return profiles of these schools and the employer standards of their trusts."""
        ids = list(school_ids)
        trusts = School.objects.filter(pk__in=ids).values("trust_id")
        return self.filter(Q(school_id__in=ids) | Q(school__isnull=True, trust_id__in=trusts))

    def visible_to(self, user: Any) -> RoleProfileQuerySet:
        """Return the profiles of ``user``'s current school and its trust (none outside it).

        Whether someone may read a given profile (their own, or every one) is the capability
        ``staff.view_profiles``, checked by the view.
        """
        school_id = getattr(user, "current_school_id", None)
        if school_id is None or not roles_for(user, school_id):
            return self.none()
        return self.for_schools([school_id])

    def with_contents(self) -> RoleProfileQuerySet:
        """Prefetch everything the profile page, the PDF and the JSON export show."""
        return self.select_related(
            "school", "trust", "reports_to", "based_on", "supersedes"
        ).prefetch_related(
            "accountabilities", "contacts", "values", "safeguarding_duties", "criteria"
        )


class RoleProfile(models.Model):
    """One version of a job description and person specification."""

    class Status(models.TextChoices):
        CURRENT = "CURRENT", "Current"
        SUPERSEDED = "SUPERSEDED", "Replaced by a newer version"

    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_profiles",
        help_text="The school that uses this profile. Leave empty for a trust-wide standard.",
    )
    trust = models.ForeignKey(
        Trust,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_profiles",
        help_text="Only for an employer's standard profile that the trust's schools adopt.",
    )
    # Every version of one profile shares a lineage; exactly one of them is current.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveSmallIntegerField(default=1, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.CURRENT, editable=False
    )
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        editable=False,
    )
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_versions",
        editable=False,
        help_text="The employer's standard profile this school profile adopts.",
    )

    reference = models.CharField(
        "form / reference number", max_length=40, blank=True, help_text="As on the document."
    )
    title = models.CharField("role title in full", max_length=200)
    department = models.CharField(max_length=200, blank=True)
    section = models.CharField(max_length=200, blank=True)
    specialism = models.CharField("group / specialism", max_length=300, blank=True)
    grade = models.CharField(max_length=40, blank=True)
    job_family_code = models.CharField(max_length=20, blank=True)
    evaluation_band = models.CharField(
        "job evaluation band", max_length=40, blank=True, help_text="For example 161-191."
    )
    salary_min = models.PositiveIntegerField(
        "salary from (£ a year)", null=True, blank=True, help_text="Where the document gives it."
    )
    salary_max = models.PositiveIntegerField("salary to (£ a year)", null=True, blank=True)
    salary_note = models.CharField(
        max_length=200, blank=True, help_text="For example: actual salary, pro rata."
    )
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    working_pattern = models.CharField(
        max_length=200, blank=True, help_text="For example: term time only plus 10 days."
    )
    employer = models.CharField(
        max_length=200, blank=True, help_text="As named on the document (a council or a trust)."
    )
    profile_date = models.DateField(null=True, blank=True)
    profile_date_month_only = models.BooleanField(
        "the document gives only the month",
        default=False,
        help_text="Show the profile date as month and year.",
    )
    local_duties_reviewed = models.DateField(
        "local duties reviewed", null=True, blank=True, help_text="Shown as month and year."
    )
    reports_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
        help_text="The role this one reports to: it draws the organisation chart.",
    )
    reports_to_as_written = models.CharField(
        "reports to (as written)",
        max_length=200,
        blank=True,
        help_text="The document's wording, when it names more than one role.",
    )

    summary = models.TextField(
        "introduction / role summary",
        blank=True,
        help_text="Paragraphs that set the scene, one per line.",
    )
    purpose = models.TextField("role purpose", blank=True, help_text="One point per line.")
    key_decisions = models.TextField(
        "key decision-making areas", blank=True, help_text="One point per line."
    )
    key_decisions_local = models.TextField("key decision-making areas (local)", blank=True)
    dimensions = models.TextField(
        "role dimensions",
        blank=True,
        help_text="Financial (budgets) and other (workload, people), one point per line.",
    )
    dimensions_local = models.TextField("role dimensions (local)", blank=True)
    working_conditions = models.TextField(blank=True, help_text="One point per line.")
    working_conditions_local = models.TextField("working conditions (local)", blank=True)
    requirements = models.TextField(
        "requirements for operational effectiveness", blank=True, help_text="One point per line."
    )
    requirements_local = models.TextField("requirements (local)", blank=True)
    context = models.TextField(
        "context / additional information", blank=True, help_text="One point per line."
    )
    context_local = models.TextField("context (local)", blank=True)
    safeguarding_statement = models.CharField(
        max_length=300, blank=True, help_text="For example: safeguarding is everyone's job."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoleProfileQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, trust__isnull=True)
                | Q(school__isnull=True, trust__isnull=False),
                name="role_profile_one_owner",
            ),
            models.UniqueConstraint(
                fields=["lineage", "version"], name="role_profile_version_once"
            ),
            models.UniqueConstraint(
                fields=["lineage"],
                condition=Q(status="CURRENT"),
                name="role_profile_one_current_version",
            ),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=models.F("salary_max")),
                name="role_profile_salary_range",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gt=0, hours_per_week__lte=60),
                name="role_profile_hours_sensible",
            ),
        ]
        indexes = [
            # the organisation chart and the profile list: current profiles of one school
            models.Index(fields=["school", "status"], name="role_profile_school_idx"),
        ]

    def __str__(self) -> str:
        label = f"{self.title} (v{self.version})"
        return f"{label}, replaced" if self.status == self.Status.SUPERSEDED else label

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.CURRENT

    @property
    def owner(self) -> School | Trust | None:
        return self.school or self.trust

    def clean(self) -> None:
        if bool(self.school_id) == bool(self.trust_id):
            raise ValidationError(
                "Choose the school that uses this profile, or the trust for a trust-wide "
                "standard (not both)."
            )
        boss = self.reports_to if self.reports_to_id else None
        if boss is not None:
            same_owner = (
                boss.school_id == self.school_id
                if boss.school_id
                else (boss.trust_id in (self.trust_id, getattr(self.school, "trust_id", None)))
            )
            if not same_owner:
                raise ValidationError(
                    {"reports_to": "Choose a role of the same school, or of its trust."}
                )
            seen = {self.pk}
            while boss is not None:
                if boss.pk in seen:
                    raise ValidationError(
                        {"reports_to": "That would make a circle: this role is above that one."}
                    )
                seen.add(boss.pk)
                boss = boss.reports_to
        if self.salary_min and self.salary_max and self.salary_min > self.salary_max:
            raise ValidationError({"salary_max": "The top of the range is below the bottom."})


class ProfilePart(models.Model):
    """An ordered row of a profile (drag or number it in the admin)."""

    profile = models.ForeignKey(RoleProfile, on_delete=models.CASCADE)
    order = models.PositiveIntegerField("position", default=0, db_index=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class Accountability(ProfilePart):
    """A heading of the job with the employer's standard duties beside the school's own."""

    heading = models.CharField(max_length=200)
    reference = models.CharField(
        "standards reference", max_length=80, blank=True, help_text="For example: TS 1.8."
    )
    standard_duties = models.TextField(
        "role profile duties",
        blank=True,
        help_text="The employer's standard wording (cannot be changed locally), one per line.",
    )
    local_duties = models.TextField(
        blank=True, help_text="How this school does it, one duty per line. Leave empty if none."
    )
    time_share = models.PositiveSmallIntegerField(
        "share of time (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_TIME_SHARE)],
        help_text="All shares of one profile together: at most 100%.",
    )
    lessons_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    time_note = models.CharField(
        max_length=120, blank=True, help_text="For example: plus time before and after school."
    )
    activity = models.CharField(
        "counts as",
        max_length=14,
        choices=Activity.choices,
        default=Activity.OTHER,
        help_text="Which logged sessions this time is compared with on the deployment page.",
    )

    history = HistoricalRecords()

    class Meta(ProfilePart.Meta):
        default_related_name = "accountabilities"
        verbose_name_plural = "accountabilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(time_share__isnull=True) | Q(time_share__lte=MAX_TIME_SHARE),
                name="accountability_share_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.heading


class Contact(ProfilePart):
    """Who the postholder deals with, inside or outside school, and why."""

    class Kind(models.TextChoices):
        INTERNAL = "INTERNAL", "Internal (in school)"
        EXTERNAL = "EXTERNAL", "External (outside school)"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    who = models.TextField(help_text="The people or services, as the document lists them.")
    purpose = models.CharField(
        "purpose / how",
        max_length=300,
        blank=True,
        help_text="For example: usually via the SENDCo.",
    )
    local_who = models.TextField(
        "local wording", blank=True, help_text="Only if the school's wording differs."
    )

    history = HistoricalRecords()

    class Meta(ProfilePart.Meta):
        default_related_name = "contacts"

    def __str__(self) -> str:
        return self.get_kind_display()


class Value(ProfilePart):
    """One of the employer's values and what it means in this role."""

    name = models.CharField(max_length=100)
    meaning = models.TextField("what this means in this role")

    history = HistoricalRecords()

    class Meta(ProfilePart.Meta):
        default_related_name = "values"

    def __str__(self) -> str:
        return self.name


class SafeguardingDuty(ProfilePart):
    """A safeguarding duty of the role: observe, listen, report, respond, record."""

    name = models.CharField(max_length=60, help_text="For example: Listening.")
    duty = models.TextField()

    history = HistoricalRecords()

    class Meta(ProfilePart.Meta):
        default_related_name = "safeguarding_duties"
        verbose_name_plural = "safeguarding duties"

    def __str__(self) -> str:
        return self.name


class Criterion(ProfilePart):
    """A person-specification criterion: essential or desirable, and how it is assessed."""

    class Group(models.TextChoices):
        QUALIFICATIONS = "QUALIFICATIONS", "Qualifications and training"
        KNOWLEDGE_EXPERIENCE = "KNOWLEDGE_EXPERIENCE", "Knowledge and experience"
        SKILLS = "SKILLS", "Skills, attributes and abilities"
        PERSONAL = "PERSONAL", "Personal qualities"

    class Level(models.TextChoices):
        ESSENTIAL = "E", "Essential"
        DESIRABLE = "D", "Desirable"

    group = models.CharField(max_length=20, choices=Group.choices)
    text = models.TextField("criterion")
    level = models.CharField(
        "essential or desirable",
        max_length=1,
        choices=Level.choices,
        blank=True,
        help_text="Leave empty when the document does not say.",
    )
    by_application = models.BooleanField("A", default=False, help_text="Application form")
    by_test = models.BooleanField("T", default=False, help_text="Test or exercise")
    by_interview = models.BooleanField("I", default=False, help_text="Interview")
    by_references = models.BooleanField("R", default=False, help_text="References")
    by_certificate = models.BooleanField("C", default=False, help_text="Certificate")

    history = HistoricalRecords()

    ASSESSMENT_FIELDS = (
        ("A", "by_application"),
        ("T", "by_test"),
        ("I", "by_interview"),
        ("R", "by_references"),
        ("C", "by_certificate"),
    )

    class Meta(ProfilePart.Meta):
        default_related_name = "criteria"
        verbose_name = "person specification criterion"
        verbose_name_plural = "person specification criteria"

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def assessed_by(self) -> str:
        """Return the assessment letters, for example ``"A I"``."""
        return " ".join(code for code, name in self.ASSESSMENT_FIELDS if getattr(self, name))
