"""Programmes (the catalogue), interventions that run them, and the sessions staff log."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q

from pupils.models import Area, Pupil
from send_hub.lib.dates import nice_date
from staff.models import Role, School, User
from staff.permissions import LEADERS, roles_for


class Programme(models.Model):
    """A kind of provision in the school's catalogue (ELSA, a reading booster, Lego therapy...)."""

    class Kind(models.TextChoices):
        ELSA = "ELSA", "ELSA (emotional literacy)"
        LITERACY = "LITERACY", "Literacy"
        NUMERACY = "NUMERACY", "Numeracy"
        SPEECH_LANGUAGE = "SPEECH_LANGUAGE", "Speech and language"
        SOCIAL_EMOTIONAL = "SOCIAL_EMOTIONAL", "Social and emotional"
        BEHAVIOUR = "BEHAVIOUR", "Behaviour and regulation"
        MOTOR = "MOTOR", "Motor skills"
        OTHER = "OTHER", "Other"

    class Measure(models.TextChoices):
        GBO = "GBO", "Goal Based Outcomes"
        NUMERIC = "NUMERIC", "A numeric scale"
        SDQ = "SDQ", "SDQ scores"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    area = models.CharField("Area of need", max_length=4, choices=Area.choices)
    typical_sessions = models.PositiveSmallIntegerField(default=6)
    sessions_per_week = models.PositiveSmallIntegerField(default=1)
    session_minutes = models.PositiveSmallIntegerField(default=30)
    group_size = models.PositiveSmallIntegerField(default=1, help_text="Pupils per group.")
    staff_per_group = models.PositiveSmallIntegerField(default=1)
    cost_per_staff_hour = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=Decimal("15.00"),
        help_text="What an hour of the delivering staff's time costs the school.",
    )
    measures = models.JSONField(
        default=list, blank=True, help_text="Measure codes: GBO, NUMERIC, SDQ."
    )
    numeric_measure_label = models.CharField(
        max_length=80, blank=True, help_text='For the numeric scale, e.g. "Reading age (months)".'
    )
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"], name="programme_name_once_per_school"
            ),
            models.CheckConstraint(
                condition=Q(group_size__gte=1), name="programme_group_size_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def staff_ratio(self) -> str:
        return f"{self.staff_per_group}:{self.group_size}"


# Roles that see the interventions their visible pupils attend (never the session notes).
THROUGH_THEIR_PUPILS = frozenset({Role.TEACHER, Role.DSL, Role.BEHAVIOUR_SUPPORT})


def _delivered_by(user: User) -> Q:
    """Who delivers an intervention: its lead and its assistants (the one place it is said).

    The assistants by EXISTS rather than a join: one row per intervention, so no DISTINCT over
    every column of the interventions (and whatever is selected with them) is needed.
    """
    assists = Intervention.assistants.through.objects.filter(intervention=OuterRef("pk"), user=user)
    return Q(lead=user) | Q(Exists(assists))


class InterventionQuerySet(models.QuerySet["Intervention"]):
    def visible_to(self, user: Any) -> InterventionQuerySet:
        """Return the interventions ``user`` may see in their current school.

        The SENDCo and leaders see all; staff see those they lead or assist; teachers see those
        their visible pupils attend (the attendance, never the session notes).
        """
        school_id = getattr(user, "current_school_id", None)
        roles = roles_for(user, school_id)
        if not roles:
            return self.none()
        mine = self.filter(school_id=school_id)
        if roles & LEADERS:
            return mine
        delivers = _delivered_by(user)
        if roles & THROUGH_THEIR_PUPILS:
            pupils = Pupil.objects.visible_to(user).values("pk")
            attended = Enrolment.objects.filter(intervention=OuterRef("pk"), pupil__in=pupils)
            return mine.filter(delivers | Q(Exists(attended)))
        return mine.filter(delivers)

    def delivered_by(self, user: User) -> InterventionQuerySet:
        """Return interventions ``user`` leads or assists."""
        return self.filter(_delivered_by(user))

    def running(self) -> InterventionQuerySet:
        return self.filter(status=Intervention.Status.RUNNING)


class Intervention(models.Model):
    """A group or a 1:1 running a programme, with named staff, pupils and a weekly schedule."""

    class Status(models.TextChoices):
        PLANNED = "PLANNED", "Planned"
        RUNNING = "RUNNING", "Running"
        COMPLETED = "COMPLETED", "Completed"
        STOPPED = "STOPPED", "Stopped early"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="interventions")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="interventions")
    name = models.CharField(max_length=120, help_text='e.g. "Year 4 reading booster (Tue/Thu)".')
    lead = models.ForeignKey(User, on_delete=models.PROTECT, related_name="interventions_led")
    assistants = models.ManyToManyField(User, blank=True, related_name="interventions_assisted")
    start_date = models.DateField()
    planned_sessions = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    aims = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    stopped_reason = models.CharField(max_length=300, blank=True)
    fixed_costs = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Resources and licences for the whole intervention.",
    )
    # ELSA blocks: who referred the pupil and why.
    referral_reason = models.TextField(blank=True)
    referred_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_on = models.DateField(null=True, blank=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="STOPPED") | ~Q(stopped_reason=""),
                name="intervention_stopped_has_reason",
            ),
        ]
        indexes = [
            # Today and the reminder sweep: running interventions of a school
            models.Index(fields=["school", "status"], name="intervention_school_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_elsa(self) -> bool:
        return self.programme.kind == Programme.Kind.ELSA

    def is_delivered_by(self, user: User) -> bool:
        """Return whether ``user`` leads or assists this intervention."""
        if self.lead_id == user.pk:
            return True
        if "assistants" in getattr(self, "_prefetched_objects_cache", {}):
            return any(a.pk == user.pk for a in self.assistants.all())  # no query when prefetched
        return self.assistants.filter(pk=user.pk).exists()


class ScheduleSlot(models.Model):
    """When and where the intervention meets each week."""

    # Weekends too: residential and special schools run provision then.
    WEEKDAYS = [
        (0, "Monday"),
        (1, "Tuesday"),
        (2, "Wednesday"),
        (3, "Thursday"),
        (4, "Friday"),
        (5, "Saturday"),
        (6, "Sunday"),
    ]

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start_time = models.TimeField()
    minutes = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(5)])
    room = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "weekday", "start_time"], name="slot_once_per_time"
            ),
        ]
        indexes = [
            # Today: the slots of one weekday
            models.Index(fields=["weekday", "start_time"], name="slot_weekday_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}"


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def held_on(self, on: dt.date) -> EnrolmentQuerySet:
        """Return places held on ``on``: joined by then, and not left before it."""
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gte=on), joined_on__lte=on)

    def current(self, on: dt.date) -> EnrolmentQuerySet:
        """Return places held on ``on`` in running interventions."""
        return self.held_on(on).filter(intervention__status=Intervention.Status.RUNNING)


def quiet_days() -> int:
    """Return how many days without a session make a pupil quiet (a setting)."""
    return int(settings.SEND_HUB_CASELOAD_QUIET_DAYS)


def quiet(*, today: dt.date) -> Q:
    """Return the one rule for a quiet pupil, as a filter on pupils: in a running intervention
    for the whole quiet period, yet with no session recorded in it. The SENDCo's "no session"
    flag and the key adult's reminder both use it."""
    cutoff = today - dt.timedelta(quiet_days())
    placed = Enrolment.objects.current(today).filter(joined_on__lte=cutoff, pupil=OuterRef("pk"))
    recent = SessionAttendance.objects.filter(session__date__gte=cutoff, pupil=OuterRef("pk"))
    return Q(Exists(placed)) & ~Q(Exists(recent))


def last_session_dates(pupil_ids: Iterable[int]) -> dict[int, dt.date]:
    """Return each pupil's latest recorded session date, by pupil id (one query; a pupil with
    no session is absent)."""
    return dict(
        SessionAttendance.objects.filter(pupil_id__in=pupil_ids)
        .order_by()
        .values("pupil_id")
        .annotate(last=models.Max("session__date"))
        .values_list("pupil_id", "last")
    )


class Enrolment(models.Model):
    """A pupil's place in an intervention, from joining to leaving."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="enrolments"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="enrolments")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    leave_reason = models.CharField(max_length=200, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["pupil__legal_surname", "pupil__legal_forename"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "pupil"],
                condition=Q(left_on__isnull=True),
                name="enrolment_once_while_current",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="enrolment_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.intervention}"

    def is_current_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)


class EnrolmentTarget(models.Model):
    """Up to three targets (or GBO goals) agreed with the pupil for this intervention."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="targets")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "number"], name="target_number_once"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=3), name="target_number_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return self.text


def delivered(prefix: str = "") -> Q:
    """Return the one rule for a delivered session (not cancelled); ``prefix`` reaches a
    Session from another model, e.g. ``delivered("session__")`` on attendance."""
    return Q(**{f"{prefix}status": Session.Status.DELIVERED})


class SessionQuerySet(models.QuerySet["Session"]):
    def delivered(self) -> SessionQuerySet:
        """Return the sessions that were delivered."""
        return self.filter(delivered())


class Session(models.Model):
    """One meeting of an intervention, logged by the member of staff who ran it (or not)."""

    class Status(models.TextChoices):
        DELIVERED = "DELIVERED", "Delivered"
        CANCELLED = "CANCELLED", "Cancelled"

    class CancelReason(models.TextChoices):
        STAFF_ABSENT = "STAFF_ABSENT", "Staff absent"
        PUPIL_ABSENT = "PUPIL_ABSENT", "Pupil(s) absent"
        SCHOOL_EVENT = "SCHOOL_EVENT", "School event"

    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="sessions"
    )
    slot = models.ForeignKey(
        ScheduleSlot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        help_text="Empty for an unscheduled (ad hoc) session.",
    )
    date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    cancel_reason = models.CharField(max_length=14, choices=CancelReason.choices, blank=True)
    minutes = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(480)])
    plan = models.TextField(blank=True, help_text="Session plan, written before (ELSA).")
    evaluation = models.TextField(blank=True, help_text="Evaluative comment, written after.")
    is_ending = models.BooleanField(default=False, help_text="The block's ending session (ELSA).")
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="sessions_logged")
    logged_at = models.DateTimeField(auto_now_add=True)
    # The form's one-time key: a double tap or a resent request finds this row, not a new one.
    client_key = models.UUIDField(default=uuid.uuid4, unique=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-logged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "slot", "date"],
                condition=Q(slot__isnull=False),
                name="session_once_per_slot_and_day",
            ),
            models.CheckConstraint(
                condition=Q(status="DELIVERED", cancel_reason="")
                | Q(status="CANCELLED", minutes=0) & ~Q(cancel_reason=""),
                name="session_cancelled_has_reason_and_no_minutes",
            ),
        ]
        indexes = [
            # "no session for 14 days" and the intervention page: latest sessions first
            models.Index(fields=["intervention", "-date"], name="session_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} on {nice_date(self.date)}"


class SessionAttendance(models.Model):
    """One pupil at one session: attendance, engagement and a one-line note."""

    class Attendance(models.TextChoices):
        PRESENT = "PRESENT", "Present"
        LATE = "LATE", "Late"
        ABSENT = "ABSENT", "Absent"
        REFUSED = "REFUSED", "Refused"
        WITHDRAWN = "WITHDRAWN", "Withdrawn"

    ATTENDED = (Attendance.PRESENT, Attendance.LATE)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="session_attendance")
    attendance = models.CharField(max_length=10, choices=Attendance.choices)
    engagement = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pupil__legal_surname"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "pupil"], name="attendance_once_per_session"
            ),
            models.CheckConstraint(
                condition=Q(engagement__isnull=True) | Q(engagement__gte=1, engagement__lte=5),
                name="attendance_engagement_1_to_5",
            ),
        ]
        indexes = [
            # pupil page: a pupil's latest session notes
            models.Index(fields=["pupil", "session"], name="attendance_pupil_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil}: {self.get_attendance_display()}"
