"""Connect, the school's internal alternative provision: rooms, placements, reintegration stages,
the room's daily register, and daily check-ins with vulnerable pupils."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pupils.models import Pupil, hides_archived, not_archived_q
from send_hub.lib.dates import nice_date
from staff.models import School, User
from staff.permissions import LEADERS, can, roles_for

if TYPE_CHECKING:
    from interventions.connect.services import ClashView


class Zone(models.TextChoices):
    """Zones of regulation, with a word as well as a colour (colour is never the only signal)."""

    BLUE = "BLUE", "Blue (low, tired, sad)"
    GREEN = "GREEN", "Green (calm, ready)"
    YELLOW = "YELLOW", "Yellow (wobbly, anxious)"
    RED = "RED", "Red (angry, overwhelmed)"


class RoomQuerySet(models.QuerySet["Room"]):
    def visible_to(self, user: Any) -> RoomQuerySet:
        """Return the rooms ``user`` may open: the school's for leaders, else those they staff."""

        school_id = getattr(user, "current_school_id", None)
        roles = roles_for(user, school_id)
        if not roles:
            return self.none()
        mine = self.filter(school_id=school_id)
        if roles & LEADERS:
            return mine
        return mine.filter(Q(leaders=user) | Q(staff=user)).distinct()


class Room(models.Model):
    """A Connect (or nurture) room with a capacity, its inclusion leader(s) and staff."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="connect_rooms")
    name = models.CharField(max_length=80)
    capacity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    leaders = models.ManyToManyField(User, related_name="connect_rooms_led")
    staff = models.ManyToManyField(User, blank=True, related_name="connect_rooms_staffed")
    active = models.BooleanField(default=True)

    objects = RoomQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="room_name_once_per_school"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class PlacementQuerySet(models.QuerySet["Placement"]):
    def visible_to(self, user: Any) -> PlacementQuerySet:
        """Return placements in the rooms ``user`` may open (all the school's for leaders); an
        archived leaver's only for the roles that keep a duty to their records."""
        mine = self.filter(room__in=Room.objects.visible_to(user).values("pk"))
        return mine.filter(not_archived_q("pupil__")) if hides_archived(user) else mine

    def current(self) -> PlacementQuerySet:
        """Return active and reintegrating placements."""
        return self.filter(status__in=Placement.CURRENT)


class Placement(models.Model):
    """A pupil's time in a Connect room, planned from referral to exit."""

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", "Active"
        REINTEGRATING = "REINTEGRATING", "Reintegrating"
        COMPLETED = "COMPLETED", "Completed"
        ENDED_EARLY = "ENDED_EARLY", "Ended early"

    class Outcome(models.TextChoices):
        FULL = "FULL", "Back in mainstream full time"
        PARTIAL = "PARTIAL", "Part-time mainstream with support"
        SPECIALIST = "SPECIALIST", "Moved to specialist or alternative provision"
        LEFT = "LEFT", "Left the school"
        OTHER = "OTHER", "Other"

    CURRENT = (Status.ACTIVE, Status.REINTEGRATING)

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="placements")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="connect_placements")
    referral_reason = models.TextField()
    referred_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    panel_date = models.DateField("Panel decision date", null=True, blank=True)
    start_date = models.DateField()
    planned_weeks = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    next_review_on = models.DateField(null=True, blank=True)
    key_worker = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=13, choices=Status.choices, default=Status.ACTIVE)
    current_stage = models.PositiveSmallIntegerField(default=1)
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=300, blank=True)
    exit_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    # Placing beyond capacity is allowed only as a recorded decision by the SENDCo or head.
    over_capacity = models.BooleanField(default=False)
    override_reason = models.CharField(max_length=300, blank=True)
    override_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    # Not columns: what the room and register pages (interventions.connect.views) attach for
    # their templates: the day's record, the stages, the version of the register line the page
    # showed, and a colleague's clashing save.
    today: DailyRecord | None
    stage_list: list[ReintegrationStage]
    seen: str
    clash: ClashView | None

    class Meta:
        ordering = ["pupil__legal_surname", "pupil__legal_forename"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(status__in=["ACTIVE", "REINTEGRATING"]),
                name="placement_one_current_per_pupil",
            ),
            models.CheckConstraint(
                condition=~Q(status="ENDED_EARLY") | ~Q(ended_reason=""),
                name="placement_ended_early_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(over_capacity=False)
                | (Q(override_by__isnull=False) & ~Q(override_reason="")),
                name="placement_override_is_recorded",
            ),
        ]
        indexes = [
            # the room page and capacity check: current placements of a room
            models.Index(fields=["room", "status"], name="placement_room_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.room}"

    @property
    def planned_end(self) -> dt.date:
        return self.start_date + dt.timedelta(weeks=self.planned_weeks)

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT


class ReintegrationStage(models.Model):
    """One step back to mainstream: which lessons (or what share of the timetable) and how we
    will know it worked."""

    class Outcome(models.TextChoices):
        MET = "MET", "Met"
        PARTLY = "PARTLY", "Partly met"
        NOT_MET = "NOT_MET", "Not met"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    lessons = models.CharField(max_length=300, blank=True, help_text="e.g. Art, PE, Music.")
    timetable_percent = models.PositiveSmallIntegerField(
        "Share of timetable in mainstream (%)", validators=[MaxValueValidator(100)]
    )
    success_criteria = models.CharField(max_length=300)
    start_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "number"], name="stage_number_once"),
            models.CheckConstraint(
                condition=Q(timetable_percent__lte=100), name="stage_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"Stage {self.number}"


class DailyRecordQuerySet(models.QuerySet["DailyRecord"]):
    def visible_to(self, user: Any) -> DailyRecordQuerySet:
        """Return daily records of placements ``user`` may see."""
        return self.filter(placement__in=Placement.objects.visible_to(user).values("pk"))


class DailyRecord(models.Model):
    """One placed pupil's day in the room, kept quick to fill in on a phone."""

    class Attendance(models.TextChoices):
        PRESENT = "PRESENT", "Present"
        LATE = "LATE", "Late"
        ABSENT = "ABSENT", "Absent"
        MAINSTREAM = "MAINSTREAM", "In mainstream"

    class Work(models.TextChoices):
        NONE = "NONE", "None"
        SOME = "SOME", "Some"
        MOST = "MOST", "Most"
        ALL = "ALL", "All"

    ATTENDED = (Attendance.PRESENT, Attendance.LATE)

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    am = models.CharField("AM", max_length=10, choices=Attendance.choices, blank=True)
    pm = models.CharField("PM", max_length=10, choices=Attendance.choices, blank=True)
    checkin_zone = models.CharField(max_length=6, choices=Zone.choices, blank=True)
    checkin_word = models.CharField(max_length=40, blank=True)
    checkout_zone = models.CharField(max_length=6, choices=Zone.choices, blank=True)
    checkout_word = models.CharField(max_length=40, blank=True)
    engagement = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    work_completed = models.CharField(max_length=4, choices=Work.choices, blank=True)
    incidents = models.PositiveSmallIntegerField(default=0)
    note = models.TextField("Pastoral note", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = DailyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "date"], name="daily_record_once_a_day"),
            models.CheckConstraint(
                condition=Q(engagement__isnull=True) | Q(engagement__gte=1, engagement__lte=5),
                name="daily_record_engagement_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement.pupil} on {nice_date(self.date)}"


class CheckInPupilQuerySet(models.QuerySet["CheckInPupil"]):
    def visible_to(self, user: Any) -> CheckInPupilQuerySet:
        """Return list entries ``user`` may see: all for those who keep the list, else theirs."""

        school_id = getattr(user, "current_school_id", None)
        roles = roles_for(user, school_id)
        if not roles:
            return self.none()
        # The daily list is of pupils who attend: an archived leaver is on nobody's.
        mine = self.filter(school_id=school_id).filter(not_archived_q("pupil__"))
        if can(user, "interventions.checkin_manage"):  # who keeps the list, named once
            return mine
        return mine.filter(key_adult=user)

    def active(self) -> CheckInPupilQuerySet:
        return self.filter(active=True)


class CheckInPupil(models.Model):
    """A vulnerable pupil on the daily check-in list, with the key adult who checks in."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="checkin_entries")
    key_adult = models.ForeignKey(User, on_delete=models.PROTECT, related_name="checkin_pupils")
    reason = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_on = models.DateField()

    objects = CheckInPupilQuerySet.as_manager()

    # Not a column: today's check-in, attached by the check-ins page for its template.
    today: CheckIn | None

    class Meta:
        ordering = ["pupil__legal_surname", "pupil__legal_forename"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(active=True), name="checkin_list_once_per_pupil"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} (check-in)"


class CheckIn(models.Model):
    """How a pupil says they are today: a zone or a 1-5 score, and an optional note."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="checkins")
    date = models.DateField()
    zone = models.CharField(max_length=6, choices=Zone.choices, blank=True)
    scale = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "date"], name="checkin_once_a_day"),
            models.CheckConstraint(
                condition=~Q(zone="") | Q(scale__isnull=False), name="checkin_has_zone_or_scale"
            ),
        ]
        indexes = [
            # the pupil's trend and the "three low in a row" flag: latest check-ins first
            models.Index(fields=["pupil", "-date"], name="checkin_pupil_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} on {nice_date(self.date)}"

    @property
    def is_low(self) -> bool:
        return self.zone == Zone.RED or (self.scale is not None and self.scale <= 2)
