"""Removals and behaviour events: writes, and the pattern-monitoring queries (all aggregated in
the database, so their cost does not grow with the number of records)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek

from interventions.behaviour.models import BehaviourEvent, Removal, RemovalQuerySet
from interventions.connect.models import CheckIn, DailyRecord
from pupils.models import Pupil, SENStatus, Sex
from staff.audit import log_action
from staff.models import School, User

# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def removal_record(*, pupil: Pupil, by: User, **fields: Any) -> Removal:
    """Record a removal from class, an isolation or a suspension."""
    if fields.get("kind") != Removal.Kind.SUSPENSION:
        fields["suspension_days"] = None
    elif not fields.get("suspension_days"):
        raise ValidationError("Say how many days the suspension is for.")
    removal = Removal(school_id=pupil.school_id, pupil=pupil, recorded_by=by, **fields)
    removal.full_clean()
    removal.save()
    log_action(
        removal,
        "interventions.removal.recorded",
        actor=by,
        data={"pupil": pupil.pk, "kind": removal.kind},
    )
    return removal


@transaction.atomic
def removal_meeting_record(
    *, removal: Removal, meeting_on: dt.date, attendees: str, notes: str, by: User
) -> Removal:
    """Record the reintegration meeting held after a removal or suspension."""
    removal = Removal.objects.select_for_update().get(pk=removal.pk)
    removal.meeting_on, removal.meeting_attendees, removal.meeting_notes = (
        meeting_on,
        attendees,
        notes,
    )
    removal.full_clean()
    removal.save(update_fields=["meeting_on", "meeting_attendees", "meeting_notes"])
    log_action(removal, "interventions.removal.meeting_recorded", actor=by)
    return removal


@transaction.atomic
def event_record(*, pupil: Pupil, by: User, **fields: Any) -> BehaviourEvent:
    """Record a reward, sanction or detention by hand."""
    event = BehaviourEvent(school_id=pupil.school_id, pupil=pupil, recorded_by=by, **fields)
    event.full_clean()
    event.save()
    log_action(event, "interventions.behaviour_event.recorded", actor=by, data={"pupil": pupil.pk})
    return event


# --- Monitoring -----------------------------------------------------------------------------


@dataclass
class GroupRate:
    """Removals per 100 pupils in one group of the school's pupils."""

    label: str
    pupils: int
    removals: int
    pupils_removed: int

    @property
    def per_100(self) -> Decimal:
        if not self.pupils:
            return Decimal("0.0")
        return (Decimal(self.removals) * 100 / self.pupils).quantize(Decimal("0.1"))


def _provision(pupil_ref: str) -> Coalesce:
    open_status = SENStatus.objects.filter(pupil=OuterRef(pupil_ref), end_date__isnull=True)
    return Coalesce(Subquery(open_status.values("provision")[:1]), Value("N"))


def _groups(include_lac: bool) -> list[tuple[str, Q]]:
    groups = [
        ("All pupils", Q()),
        ("No SEN", Q(provision="N")),
        ("SEN support (K)", Q(provision="K")),
        ("EHC plan (E)", Q(provision="E")),
        ("Pupil premium", Q(pp=True)),
        ("Not pupil premium", Q(pp=False)),
    ]
    if include_lac:
        groups += [("Looked-after", Q(lac=True)), ("Not looked-after", Q(lac=False))]
    return groups


def disproportionality(
    *, school: School, start: dt.date, end: dt.date, include_lac: bool
) -> list[GroupRate]:
    """Return removals per 100 pupils on roll, by group, for removals started in the period.

    Groups use each pupil's SEN provision today; two queries for any size of school.
    """
    return _rates(school=school, start=start, end=end, groups=_groups(include_lac))


NOT_RECORDED = "Not recorded"


@dataclass
class RemovalRates:
    """Removals per 100 pupils by SEN and disadvantage group, by sex and by ethnicity."""

    groups: list[GroupRate]
    by_sex: list[GroupRate]
    by_ethnicity: list[GroupRate]


def removal_rates(
    *, school: School, start: dt.date, end: dt.date, include_lac: bool
) -> RemovalRates:
    """Return every breakdown of removals per 100 pupils on roll for the period.

    Ethnicity is as the school records it; pupils with none recorded are counted together as
    "Not recorded". Three queries for any size of school.
    """
    recorded = (
        Pupil.objects.filter(school=school)
        .on_roll()
        .exclude(ethnicity="")
        .order_by("ethnicity")
        .values_list("ethnicity", flat=True)
        .distinct()
    )
    parts = {
        "groups": _groups(include_lac),
        "by_sex": [(label, Q(sx=value)) for value, label in Sex.choices],
        "by_ethnicity": [
            *((value, Q(eth=value)) for value in recorded),
            (NOT_RECORDED, Q(eth="")),
        ],
    }
    rates = _rates(
        school=school, start=start, end=end, groups=[g for part in parts.values() for g in part]
    )
    out, at = {}, 0
    for name, groups in parts.items():
        out[name], at = rates[at : at + len(groups)], at + len(groups)
    return RemovalRates(**out)


def _rates(
    *, school: School, start: dt.date, end: dt.date, groups: list[tuple[str, Q]]
) -> list[GroupRate]:
    """Count pupils on roll and their removals in the period for each group (two queries).

    ``groups`` filter on provision, pp, lac, sx (sex) and eth (ethnicity).
    """
    pupils = (
        Pupil.objects.filter(school=school)
        .on_roll()
        .annotate(provision=_provision("pk"))
        .alias(pp=F("pupil_premium"), lac=F("looked_after"), sx=F("sex"), eth=F("ethnicity"))
        .aggregate(**{f"g{i}": Count("pk", filter=q) for i, (_, q) in enumerate(groups)})
    )
    removals = (
        Removal.objects.filter(
            school=school,
            started_at__date__gte=start,
            started_at__date__lte=end,
            pupil__leaving_date__isnull=True,
        )
        .annotate(provision=_provision("pupil_id"))
        .alias(
            pp=F("pupil__pupil_premium"),
            lac=F("pupil__looked_after"),
            sx=F("pupil__sex"),
            eth=F("pupil__ethnicity"),
        )
        .aggregate(
            **{f"r{i}": Count("pk", filter=q) for i, (_, q) in enumerate(groups)},
            **{f"p{i}": Count("pupil", filter=q, distinct=True) for i, (_, q) in enumerate(groups)},
        )
    )
    return [
        GroupRate(label, pupils[f"g{i}"], removals[f"r{i}"], removals[f"p{i}"])
        for i, (label, _) in enumerate(groups)
    ]


class TopPupil(TypedDict):
    """A pupil's removals and minutes out of class over a period (the monitoring's table)."""

    pupil_id: int
    pupil__legal_forename: str
    pupil__legal_surname: str
    pupil__preferred_forename: str
    pupil__nc_year: int | None
    n: int
    total: int | None


def top_pupils(
    removals: RemovalQuerySet, *, start: dt.date, end: dt.date, limit: int = 15
) -> list[TopPupil]:
    """Return the pupils with the most minutes out of class in the period (one query)."""
    return list(
        removals.filter(started_at__date__gte=start, started_at__date__lte=end)
        .with_minutes()
        .values(
            "pupil_id",
            "pupil__legal_forename",
            "pupil__legal_surname",
            "pupil__preferred_forename",
            "pupil__nc_year",
        )
        .annotate(n=Count("pk"), total=Sum("minutes"))
        .order_by("-total", "pupil__legal_surname")[:limit]
    )


class SchoolWeek(TypedDict):
    """Removals and minutes out of class in the week starting ``week``."""

    week: dt.datetime
    n: int
    total: int | None


def school_weeks(removals: RemovalQuerySet, *, start: dt.date, end: dt.date) -> list[SchoolWeek]:
    """Return removals and minutes out of class per week across the school (one query)."""
    return list(
        removals.filter(started_at__date__gte=start, started_at__date__lte=end)
        .with_minutes()
        .annotate(week=TruncWeek("started_at"))
        .values("week")
        .annotate(n=Count("pk"), total=Sum("minutes"))
        .order_by("week")
    )


@dataclass
class Week:
    start: dt.date
    sessions: int = 0
    attended: int = 0
    removals: int = 0
    minutes: int = 0
    rewards: int = 0
    sanctions: int = 0
    detentions: int = 0
    points: int = 0
    checkins: int = 0
    low_checkins: int = 0


def _monday(day: dt.date | dt.datetime) -> dt.date:
    day = day.date() if isinstance(day, dt.datetime) else day
    return day - dt.timedelta(days=day.weekday())


def pupil_weeks(*, pupil: Pupil, start: dt.date, end: dt.date) -> list[Week]:
    """Return one pupil's pattern week by week: Connect attendance, removals, minutes out of
    class, behaviour events and check-ins (five aggregate queries for any number of records)."""
    weeks: dict[dt.date, Week] = {}
    monday = _monday(start)
    while monday <= end:
        weeks[monday] = Week(monday)
        monday += dt.timedelta(days=7)

    def week(value: dt.date | dt.datetime) -> Week | None:
        return weeks.get(_monday(value))

    attended = ("PRESENT", "LATE")
    days = (
        DailyRecord.objects.filter(placement__pupil=pupil, date__gte=start, date__lte=end)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(
            am_n=Count("pk", filter=~Q(am="") & ~Q(am="MAINSTREAM")),
            pm_n=Count("pk", filter=~Q(pm="") & ~Q(pm="MAINSTREAM")),
            am_in=Count("pk", filter=Q(am__in=attended)),
            pm_in=Count("pk", filter=Q(pm__in=attended)),
            low=Count("pk", filter=Q(checkin_zone="RED")),
            checked=Count("pk", filter=~Q(checkin_zone="")),
        )
    )
    for day in days:
        if w := week(day["week"]):
            w.sessions, w.attended = day["am_n"] + day["pm_n"], day["am_in"] + day["pm_in"]
            w.checkins += day["checked"]
            w.low_checkins += day["low"]
    removals = (
        Removal.objects.filter(pupil=pupil, started_at__date__gte=start, started_at__date__lte=end)
        .with_minutes()
        .annotate(week=TruncWeek("started_at"))
        .values("week")
        .annotate(n=Count("pk"), total=Sum("minutes"))
    )
    for out in removals:
        if w := week(out["week"]):
            w.removals, w.minutes = out["n"], out["total"] or 0
    events = (
        BehaviourEvent.objects.filter(pupil=pupil, occurred_on__gte=start, occurred_on__lte=end)
        .annotate(week=TruncWeek("occurred_on"))
        .values("week")
        .annotate(
            rewards=Count("pk", filter=Q(kind="REWARD")),
            sanctions=Count("pk", filter=Q(kind="SANCTION")),
            detentions=Count("pk", filter=Q(kind="DETENTION")),
            points=Coalesce(Sum("points"), 0, output_field=IntegerField()),
        )
    )
    for event in events:
        if w := week(event["week"]):
            w.rewards, w.sanctions, w.detentions = (
                event["rewards"],
                event["sanctions"],
                event["detentions"],
            )
            w.points = event["points"]
    checkins = (
        CheckIn.objects.filter(pupil=pupil, date__gte=start, date__lte=end)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(n=Count("pk"), low=Count("pk", filter=Q(zone="RED") | Q(scale__lte=2)))
    )
    for checkin in checkins:
        if w := week(checkin["week"]):
            w.checkins += checkin["n"]
            w.low_checkins += checkin["low"]
    return list(weeks.values())


def pupils_with_records(school: School) -> Exists:
    """Return an Exists() that is true for pupils with any removal (for filtering lists)."""
    return Exists(Removal.objects.filter(school=school, pupil=OuterRef("pk")))
