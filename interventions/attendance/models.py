"""School attendance (AM/PM marks from the MIS) and the early warning that reads it.

The DfE attendance codes are data, not constants: an installation's superuser can correct a
code's meaning or category in the admin, and each is marked *(verify)* until someone has.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Self

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pupils.models import Pupil
from staff.models import School, User
from staff.permissions import roles_for


class AttendanceCode(models.Model):
    """One DfE attendance code and how it counts (the school census's categories)."""

    class Category(models.TextChoices):
        PRESENT = "PRESENT", "Present"
        APPROVED = "APPROVED", "Attending an approved educational activity"
        AUTHORISED = "AUTHORISED", "Authorised absence"
        UNAUTHORISED = "UNAUTHORISED", "Unauthorised absence"
        NOT_REQUIRED = "NOT_REQUIRED", "Not required to attend (not counted)"

    code = models.CharField(max_length=2, primary_key=True)
    meaning = models.CharField(max_length=120)
    category = models.CharField(max_length=12, choices=Category.choices)
    verified = models.BooleanField(
        default=False,
        help_text="Ticked once someone has checked the code against the DfE's current guidance.",
    )

    class Meta:
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.meaning}" + ("" if self.verified else " (verify)")


# What the arithmetic counts: possible sessions exclude "not required"; attended includes
# approved educational activity off site (DfE school attendance guidance).
ATTENDED = (AttendanceCode.Category.PRESENT, AttendanceCode.Category.APPROVED)
NOT_COUNTED = (AttendanceCode.Category.NOT_REQUIRED,)
ABSENT = (AttendanceCode.Category.AUTHORISED, AttendanceCode.Category.UNAUTHORISED)


class MarkQuerySet(models.QuerySet["AttendanceMark"]):
    def visible_to(self, user: Any) -> Self:
        """Return marks of the pupils ``user`` may see, in their current school."""
        school_id = getattr(user, "current_school_id", None)
        if not roles_for(user, school_id):
            return self.none()
        return self.filter(school_id=school_id, pupil__in=Pupil.objects.visible_to(user))

    def counted(self) -> Self:
        """Return the marks that are possible sessions (not "not required to attend")."""
        return self.exclude(code__category__in=NOT_COUNTED)


class AttendanceMark(models.Model):
    """A pupil's mark for one registration session (AM or PM), as the MIS recorded it."""

    class Session(models.TextChoices):
        AM = "AM", "Morning"
        PM = "PM", "Afternoon"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="attendance_marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.ForeignKey(AttendanceCode, on_delete=models.PROTECT, related_name="+")

    objects = MarkQuerySet.as_manager()

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "date", "session"], name="attendance_mark_once_per_session"
            ),
        ]
        indexes = [
            # the groups page and the early-warning sweep: a school's marks in a period
            models.Index(fields=["school", "date"], name="attendance_school_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session}: {self.code_id}"


class AttendanceImport(models.Model):
    """An uploaded attendance CSV: previewed as a dry run, then applied all or nothing once."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    content = models.BinaryField()
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class EarlyWarningSettings(models.Model):
    """A school's early-warning thresholds (defaults are a starting point, not a standard)."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    window_days = models.PositiveSmallIntegerField(
        "Look back over (days)",
        default=28,
        validators=[MinValueValidator(7), MaxValueValidator(120)],
    )
    attendance_below = models.DecimalField(
        "Attendance below (%)",
        max_digits=4,
        decimal_places=1,
        default=Decimal("90.0"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    attendance_drop = models.DecimalField(
        "Attendance fallen by at least (percentage points, against the window before)",
        max_digits=4,
        decimal_places=1,
        default=Decimal("5.0"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    removals = models.PositiveSmallIntegerField(
        "Removals from class, at least", default=3, validators=[MinValueValidator(1)]
    )
    net_sanctions = models.PositiveSmallIntegerField(
        "Sanctions and detentions outnumber rewards by at least",
        default=5,
        validators=[MinValueValidator(1)],
    )
    low_checkins = models.PositiveSmallIntegerField(
        "Low check-ins (red zone or 1-2 out of 5), at least",
        default=3,
        validators=[MinValueValidator(1)],
    )
    rules_to_flag = models.PositiveSmallIntegerField(
        "Flag a pupil when rules fire in this many areas together",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="The areas are attendance (low or falling), removals, behaviour and check-ins.",
    )
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "early warning settings"

    def __str__(self) -> str:
        return f"Early warning settings of {self.school}"


class EarlyWarningQuerySet(models.QuerySet["EarlyWarning"]):
    def visible_to(self, user: Any) -> Self:
        """Return flags on pupils ``user`` may see, in their current school."""
        school_id = getattr(user, "current_school_id", None)
        if not roles_for(user, school_id):
            return self.none()
        return self.filter(school_id=school_id, pupil__in=Pupil.objects.visible_to(user))

    def open(self) -> Self:
        """Return the flags nobody has yet marked "seen, action taken"."""
        return self.filter(seen_at__isnull=True)


class EarlyWarning(models.Model):
    """A pupil flagged by the daily sweep, with the rules that fired and the figures behind them.

    ``rules`` is a list of {"rule", "title", "because"} written when the flag is raised (and
    refreshed while it is open), so the reason shown is the reason it was raised.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="early_warnings")
    raised_on = models.DateField()
    window_start = models.DateField()
    window_end = models.DateField()
    rules = models.JSONField(default=list)
    notified_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.TextField("Action taken", blank=True)

    objects = EarlyWarningQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "pk"]
        constraints = [
            # A pupil is flagged once: the sweep refreshes an open flag instead of adding one.
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(seen_at__isnull=True), name="early_warning_open_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Early warning raised on {self.raised_on}"

    @property
    def rule_names(self) -> list[str]:
        return [r.get("rule", "") for r in self.rules]


class PartTimeQuerySet(models.QuerySet["PartTimeTimetable"]):
    def visible_to(self, user: Any) -> Self:
        """Return the timetables of pupils ``user`` may see, in their current school."""
        school_id = getattr(user, "current_school_id", None)
        if not roles_for(user, school_id):
            return self.none()
        return self.filter(school_id=school_id, pupil__in=Pupil.objects.visible_to(user))

    def current(self) -> Self:
        """Return the timetables not yet ended (a pupil has at most one)."""
        return self.filter(ended_on__isnull=True)


class PartTimeTimetable(models.Model):
    """A pupil on a reduced (part-time) timetable: agreed with parents, reviewed at least every
    six weeks, reported to the local authority, and ended as soon as it can be."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="part_time_timetables")
    reason = models.TextField()
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    start_date = models.DateField()
    parents_agreed_on = models.DateField("Agreed with parents on")
    review_on = models.DateField("Next review")
    last_reviewed_on = models.DateField(null=True, blank=True)
    la_informed_on = models.DateField("Local authority informed on", null=True, blank=True)
    lead = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(null=True, blank=True)
    end_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartTimeQuerySet.as_manager()

    class Meta:
        ordering = ["review_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(ended_on__isnull=True), name="part_time_current_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Part-time timetable from {self.start_date}"


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class OffSiteQuerySet(models.QuerySet["OffSitePlacement"]):
    def visible_to(self, user: Any) -> Self:
        """Return the placements of pupils ``user`` may see, in their current school."""
        school_id = getattr(user, "current_school_id", None)
        if not roles_for(user, school_id):
            return self.none()
        return self.filter(school_id=school_id, pupil__in=Pupil.objects.visible_to(user))

    def current(self, on: dt.date) -> Self:
        """Return the placements running on ``on`` (started, not yet ended)."""
        return self.filter(start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )

    def on_day(self, on: dt.date) -> Self:
        """Return the placements the pupil attends on ``on``: running, and on that weekday."""
        return self.current(on).filter(days__contains=str(on.weekday()))


class OffSitePlacement(models.Model):
    """A pupil educated off site: an alternative provision placement on given days of the week."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="off_site_placements")
    provider = models.CharField(max_length=200)
    address = models.TextField()
    # The days attended as digits, "0" Monday to "6" Sunday: "024" is Monday, Wednesday, Friday.
    days = models.CharField(max_length=7)
    safeguarding_confirmed_on = models.DateField(
        "Provider's written safeguarding confirmation received on", null=True, blank=True
    )
    contact_name = models.CharField(max_length=150)
    contact_phone = models.CharField(max_length=40)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OffSiteQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "pk"]

    def __str__(self) -> str:
        return self.provider

    @property
    def day_names(self) -> list[str]:
        return [WEEKDAYS[int(d)] for d in self.days if d in "0123456"]

    def safeguarding_warning(self, today: dt.date) -> str:
        """Return why the safeguarding confirmation needs chasing, or "" when it is in date."""
        if self.safeguarding_confirmed_on is None:
            return "No written safeguarding confirmation from the provider."
        if self.safeguarding_confirmed_on < today - dt.timedelta(days=365):
            return "The provider's safeguarding confirmation is more than 12 months old."
        return ""


class OffSiteAttendance(models.Model):
    """Whether the pupil arrived at the provider on one day, as the school recorded it."""

    class Status(models.TextChoices):
        ATTENDED = "ATTENDED", "Attended"
        LATE = "LATE", "Late"
        ABSENT = "ABSENT", "Did not attend"

    placement = models.ForeignKey(
        OffSitePlacement, on_delete=models.CASCADE, related_name="attendance"
    )
    date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "date"], name="off_site_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.get_status_display()}"
