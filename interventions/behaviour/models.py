"""Removals from class, isolation and suspensions, and behaviour events (often from the MIS)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from interventions.connect.models import Placement
from pupils.models import Pupil, hides_archived, not_archived_q
from send_hub.lib.dates import nice_date
from staff.models import Role, School, User
from staff.permissions import LEADERS, roles_for

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

SCHOOL_WIDE_ROLES = LEADERS | {Role.BEHAVIOUR_SUPPORT}


def school_day_minutes() -> int:
    """Return how many minutes a suspension day counts as (the school-day length setting)."""
    return int(getattr(settings, "SEND_HUB_SCHOOL_DAY_MINUTES", 390))


# Removals and behaviour events share their access rule.
R = TypeVar("R", bound=models.Model)


class BehaviourRecordQuerySet(models.QuerySet[R]):
    def visible_to(self, user: Any) -> Self:
        """Return records ``user`` may see: the school's for leaders and behaviour support, and
        those of their own Connect room's current pupils for room staff."""

        school_id = getattr(user, "current_school_id", None)
        roles = roles_for(user, school_id)
        if not roles:
            return self.none()
        mine = self.filter(school_id=school_id)
        if roles & SCHOOL_WIDE_ROLES:
            # An archived leaver's records: only for the roles that keep a duty to them.
            return mine.filter(not_archived_q("pupil__")) if hides_archived(user) else mine
        placed = Placement.objects.visible_to(user).current().values("pupil_id")
        return mine.filter(pupil_id__in=placed)


class DurationMinutes(models.Func):
    """Whole minutes in a duration, on PostgreSQL and on SQLite (the zero-install demo).

    Django has no portable way to turn a duration into a number: PostgreSQL subtracts to an
    interval, SQLite to microseconds.
    """

    output_field = models.IntegerField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        template = "CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s) / 60) AS integer)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        template = "CAST((%(expressions)s) / 60000000 AS integer)"
        return self.as_sql(compiler, connection, template=template, **extra)


class RemovalQuerySet(BehaviourRecordQuerySet["Removal"]):
    def with_minutes(self) -> Self:
        """Annotate ``minutes``: suspension days x the school day, else end minus start."""
        duration = models.ExpressionWrapper(
            models.F("ended_at") - models.F("started_at"), output_field=models.DurationField()
        )
        return self.annotate(
            minutes=models.Case(
                models.When(
                    kind=Removal.Kind.SUSPENSION,
                    then=models.functions.Cast(
                        models.F("suspension_days") * school_day_minutes(),
                        models.IntegerField(),
                    ),
                ),
                models.When(
                    ended_at__isnull=False,
                    then=DurationMinutes(duration),
                ),
                default=models.Value(0),
                output_field=models.IntegerField(),
            )
        )


class Removal(models.Model):
    """Time a pupil spent out of class: removal from a lesson, isolation, or suspension."""

    class Kind(models.TextChoices):
        REMOVAL = "REMOVAL", "Removal from lesson"
        ISOLATION = "ISOLATION", "Internal isolation"
        EXCLUSION_ROOM = "EXCLUSION_ROOM", "Internal exclusion room"
        SUSPENSION = "SUSPENSION", "Suspension"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="removals")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    suspension_days = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("45"))],
    )
    location = models.CharField("Where", max_length=80, blank=True)
    reason = models.TextField("Why")
    referred_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supervised_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    work_set = models.CharField(max_length=300, blank=True)
    meeting_on = models.DateField("Reintegration meeting", null=True, blank=True)
    meeting_attendees = models.CharField(max_length=300, blank=True)
    meeting_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RemovalQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="SUSPENSION", suspension_days__isnull=False)
                | ~Q(kind="SUSPENSION") & Q(suspension_days__isnull=True),
                name="removal_suspension_has_days",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="removal_ends_after_start",
            ),
        ]
        indexes = [
            # monitoring: a school's removals in a period; the pupil's weekly pattern
            models.Index(fields=["school", "started_at"], name="removal_school_started_idx"),
            models.Index(fields=["pupil", "started_at"], name="removal_pupil_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {nice_date(self.started_at)}"

    @property
    def minutes_out(self) -> int:
        if self.kind == self.Kind.SUSPENSION:
            return int((self.suspension_days or 0) * school_day_minutes())
        if self.ended_at is None:
            return 0
        return int((self.ended_at - self.started_at).total_seconds() // 60)


class BehaviourEvent(models.Model):
    """A reward, sanction or detention, recorded here or imported from the behaviour system."""

    class Kind(models.TextChoices):
        REWARD = "REWARD", "Reward"
        SANCTION = "SANCTION", "Sanction"
        DETENTION = "DETENTION", "Detention"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="behaviour_events")
    kind = models.CharField(max_length=9, choices=Kind.choices)
    category = models.CharField(max_length=80)
    points = models.SmallIntegerField(default=0)
    occurred_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    # The behaviour system's own id: a file imported twice adds nothing the second time.
    external_id = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BehaviourRecordQuerySet["BehaviourEvent"].as_manager()

    class Meta:
        ordering = ["-occurred_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "external_id"],
                condition=~Q(external_id=""),
                name="behaviour_event_external_id_once",
            ),
        ]
        indexes = [
            # monitoring: a pupil's weekly events; a school's events in a period
            models.Index(fields=["pupil", "occurred_on"], name="behaviour_pupil_day_idx"),
            models.Index(fields=["school", "occurred_on"], name="behaviour_school_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.category}"


class BehaviourImport(models.Model):
    """An uploaded behaviour CSV: previewed as a dry run, then applied all or nothing once."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    content = models.BinaryField()
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
