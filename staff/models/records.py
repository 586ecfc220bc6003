"""Staff records: specialisms, training and checks with expiry, ELSA supervision, CPD."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from simple_history.models import HistoricalRecords

from send_hub.lib.dates import nice_date
from staff.models.people import Membership, School, User


class AreaOfNeed(models.TextChoices):
    """The four broad areas of need, with the codes pupils.models.Area uses."""

    COMMUNICATION = "CI", "Communication and interaction"
    COGNITION = "CL", "Cognition and learning"
    SEMH = "SEMH", "Social, emotional and mental health"
    SENSORY = "SP", "Sensory and/or physical"


class Specialism(models.Model):
    """An area of need a member of staff specialises in at one school."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="specialisms")
    area = models.CharField(max_length=4, choices=AreaOfNeed.choices)

    class Meta:
        ordering = ["area"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "area"], name="specialism_once"),
        ]

    def __str__(self) -> str:
        return self.get_area_display()


class TrainingType(models.Model):
    """A kind of training or check the school tracks. HR admins add their own."""

    # Codes the app relies on (ELSA supervision); rows are seeded by a data migration.
    ELSA = "elsa"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    validity_months = models.PositiveSmallIntegerField(
        "renew after (months)",
        null=True,
        blank=True,
        help_text="Leave empty if it does not expire. Your school's policy decides.",
    )
    is_check = models.BooleanField(
        "a vetting check", default=False, help_text="For example a DBS check, not a course."
    )
    active = models.BooleanField(default=True, help_text="Untick to stop offering it.")
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class TrainingRecordQuerySet(models.QuerySet["TrainingRecord"]):
    def of_school(self, school: School | int) -> TrainingRecordQuerySet:
        """Return the records of people who work in ``school`` now."""
        school_id = school.pk if isinstance(school, School) else school
        people = Membership.objects.active().filter(school_id=school_id).values("user_id")
        return self.filter(user_id__in=people)

    def latest_per_type(self) -> TrainingRecordQuerySet:
        """Keep each person's most recent record of each type (a renewal replaces the last)."""
        newest = (
            TrainingRecord.objects.filter(
                user_id=OuterRef("user_id"), training_type_id=OuterRef("training_type_id")
            )
            .order_by("-completed_on", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=Subquery(newest))

    def expiring(self, *, until: date) -> TrainingRecordQuerySet:
        """Return records that run out by ``until`` (already expired ones included)."""
        return self.filter(expires_on__isnull=False, expires_on__lte=until)


class TrainingRecord(models.Model):
    """Training someone completed, or a check made on them, and when it runs out."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="training_records")
    training_type = models.ForeignKey(
        TrainingType, on_delete=models.PROTECT, related_name="records", verbose_name="training"
    )
    completed_on = models.DateField("completed / checked on")
    expires_on = models.DateField(
        null=True,
        blank=True,
        help_text="Left empty, it is worked out from how long this training lasts.",
    )
    provider = models.CharField(max_length=150, blank=True)
    reference = models.CharField(
        "certificate or reference", max_length=100, blank=True, help_text="Not a DBS number."
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("completed_on")),
                name="training_expires_after_completion",
            ),
        ]
        indexes = [
            # latest_per_type(): newest record of one type for one person
            models.Index(
                fields=["user", "training_type", "-completed_on"], name="training_latest_idx"
            ),
            # training_expiring(): records running out before a date
            models.Index(fields=["expires_on"], name="training_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.training_type} ({nice_date(self.completed_on)})"

    def has_expired(self, on: date) -> bool:
        return self.expires_on is not None and self.expires_on < on


class SupervisionSession(models.Model):
    """A supervision session an ELSA attended with an educational psychologist."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="supervision_sessions", verbose_name="ELSA"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    supervisor = models.CharField("supervising educational psychologist", max_length=150)
    duration_minutes = models.PositiveSmallIntegerField(default=120)
    cases_discussed = models.PositiveSmallIntegerField(default=0)
    notes = models.TextField(
        blank=True, help_text="No pupils' names or details: those stay in the pupil's record."
    )
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=480),
                name="supervision_duration_sensible",
            ),
        ]
        indexes = [
            # ELSA status: one person's sessions within a term
            models.Index(fields=["user", "date"], name="supervision_user_date_idx"),
        ]

    def __str__(self) -> str:
        return f"Supervision on {nice_date(self.date)}"


class CPDEntry(models.Model):
    """One piece of continuing professional development in someone's log."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cpd_entries")
    date = models.DateField()
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=150, blank=True)
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    notes = models.TextField("what I took from it", blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = "CPD entry"
        verbose_name_plural = "CPD log"

    def __str__(self) -> str:
        return self.title


def expiry_from(completed_on: date, months: int | None) -> date | None:
    """Return the date ``months`` after ``completed_on`` (the day before on short months)."""
    if not months:
        return None
    month_index = completed_on.month - 1 + months
    year, month = completed_on.year + month_index // 12, month_index % 12 + 1
    for day in (completed_on.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None
