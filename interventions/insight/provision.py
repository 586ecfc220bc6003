"""The provision map: every intervention that ran in a term, by year group and area of need,
with its pupils, dosage (sessions delivered against planned), staff time and cost; and one pupil's
provision over an academic year (an EHCP's section F evidence).

Every figure is an annotation or an aggregation, so a page costs the same few queries whether
the school has 200 pupils or 2,000.

The rules, stated on the pages too:

- An intervention *ran in a term* when it had started by the term's end and was not completed
  (or stopped) before the term began. Planned interventions that never started are left out.
- A pupil *was in* an intervention in a term when their enrolment overlapped the term.
- *Planned sessions* are the intervention's weekly timetable slots x the school weeks it ran
  in the term: each slot counts once for every date on its weekday between the intervention's
  start (or the term's) and its completion (or the term's end) that falls inside a half term
  (``insight.school_time``).
- *Delivered* sessions, staff minutes and cost come from logged sessions only
  (interventions.insight.costs): staff minutes are the minutes delivered x the staff in the room.
- *Cost per pupil* is the intervention's cost in the term divided by the pupils in it; a pupil's
  own cost is their share of each session they attended (costs.with_cost_share).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict, cast, overload

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from interventions.connect.models import Placement
from interventions.delivery.models import (
    Enrolment,
    Intervention,
    ScheduleSlot,
    Session,
    SessionAttendance,
    delivered,
)
from interventions.ehcp.models import EHCPProvision, live
from interventions.insight.costs import (
    MONEY,
    SHARE,
    DeliveryFigures,
    Divide,
    with_cost_share,
    with_delivery,
)
from interventions.insight.school_time import (
    DaysBetween,
    planned_sessions,
    school_days,
    school_time,
    weekly_occurrences,
)
from pupils.models import NC_YEAR_CHOICES, Area, Pupil
from send_hub.lib.db import count_of, total_of
from staff import terms

if TYPE_CHECKING:
    # A development dependency (django-stubs); annotations only.
    from django_stubs_ext import WithAnnotations


PENNY = Decimal("0.01")


FAR_FUTURE = dt.date(9999, 12, 31)


# A pupil may have no NC year recorded (None): looked up with a default.
YEAR_LABELS: dict[int | None, str] = dict(NC_YEAR_CHOICES)


AREA_LABELS = dict(Area.choices)


@overload
def pounds(value: Decimal) -> Decimal: ...


@overload
def pounds(value: None) -> None: ...


@overload
def pounds(value: Decimal | None) -> Decimal | None: ...


def pounds(value: Decimal | None) -> Decimal | None:
    """Return ``value`` rounded to the penny (half up), or None."""
    if value is None:
        return None
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def enrolled_between(start: dt.date, end: dt.date) -> Q:
    """Match enrolments that overlap ``start``..``end``."""
    return Q(joined_on__lte=end) & (Q(left_on__isnull=True) | Q(left_on__gte=start))


def ran_between(start: dt.date, end: dt.date) -> Q:
    """Match interventions that ran at some point in ``start``..``end``."""
    return (
        ~Q(status=Intervention.Status.PLANNED)
        & Q(start_date__lte=end)
        & (Q(completed_on__isnull=True) | Q(completed_on__gte=start))
    )


class MapFigures(DeliveryFigures):
    """What ``map_interventions()`` adds to each intervention, with_delivery's figures too."""

    planned_in_term: int
    pupil_count: int
    staff_minutes: int
    cost_per_pupil: Decimal | None


if TYPE_CHECKING:
    MapIntervention: TypeAlias = WithAnnotations[Intervention, MapFigures]


@dataclass
class MapRow:
    intervention: MapIntervention
    years: list[str] = field(default_factory=list)
    pupils: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ProvisionMap:
    term: terms.Term
    rows: list[MapRow]
    totals: dict[str, Any]
    grid: list[dict[str, Any]]
    grid_areas: list[tuple[str, str]]
    ranges: list[tuple[dt.date, dt.date]]


def map_interventions(
    user: Any, term: terms.Term, *, year: int | None = None, area: str | None = None
) -> QuerySet[MapIntervention]:
    """Return the interventions ``user`` may see that ran in ``term`` (filtered by the year
    group of a pupil in them and by the programme's area of need), with the map's figures.

    Annotates ``with_delivery``'s figures for the term plus ``planned_in_term``, ``pupil_count``,
    ``staff_minutes`` and ``cost_per_pupil``.
    """
    school_id = user.current_school_id
    in_term = Enrolment.objects.filter(enrolled_between(term.start, term.end))
    qs = Intervention.objects.visible_to(user).filter(ran_between(term.start, term.end))
    if area:
        qs = qs.filter(programme__area=area)
    if year is not None:
        qs = qs.filter(pk__in=in_term.filter(pupil__nc_year=year).values("intervention"))
    ranges = school_time(school_id, term.start, term.end)
    slots = ScheduleSlot.objects.filter(intervention=OuterRef("pk"))
    figures = with_delivery(qs, term.start, term.end).annotate(
        planned_in_term=planned_sessions(ranges, slots),
        pupil_count=total_of(
            in_term.filter(intervention=OuterRef("pk")), "pupil", "COUNT DISTINCT"
        ),
        staff_minutes=F("delivered_minutes") * F("staff_count"),
    )
    return (
        figures.annotate(
            cost_per_pupil=Case(
                When(
                    pupil_count__gt=0,
                    then=Divide(F("total_cost"), F("pupil_count"), output_field=MONEY),
                ),
                default=None,
                output_field=MONEY,
            )
        )
        .select_related("programme", "lead")
        .order_by("programme__area", "name", "pk")
    )


def provision_map(
    user: Any, term: terms.Term, *, year: int | None = None, area: str | None = None
) -> ProvisionMap:
    """Build the provision map of ``term`` for ``user``'s school in a fixed number of queries."""
    interventions = map_interventions(user, term, year=year, area=area)
    rows = [MapRow(i) for i in interventions]
    by_pk = {row.intervention.pk: row for row in rows}
    ids = list(by_pk)
    in_term = Enrolment.objects.filter(
        enrolled_between(term.start, term.end), intervention_id__in=ids
    )
    # The pupils in each (one query; names for the page, years for the year-group column).
    pupils = (
        in_term.order_by("pupil__legal_surname", "pupil__legal_forename", "pupil_id")
        .values(
            "intervention_id",
            "pupil_id",
            "pupil__legal_forename",
            "pupil__legal_surname",
            "pupil__preferred_forename",
            "pupil__preferred_surname",
            "pupil__nc_year",
        )
        .distinct()
    )
    for p in pupils:
        row = by_pk[p["intervention_id"]]
        forename = p["pupil__preferred_forename"] or p["pupil__legal_forename"]
        surname = p["pupil__preferred_surname"] or p["pupil__legal_surname"]
        row.pupils.append(
            {
                "pk": p["pupil_id"],
                "name": f"{forename} {surname}",
                "nc_year": p["pupil__nc_year"],
                "year": YEAR_LABELS.get(p["pupil__nc_year"], "No NC year"),
            }
        )
    for row in rows:
        years = sorted({p["nc_year"] for p in row.pupils}, key=lambda y: (y is None, y))
        row.years = [YEAR_LABELS.get(y, "No NC year") for y in years]

    totals = {
        "interventions": len(rows),
        "delivered": sum(r.intervention.delivered_sessions for r in rows),
        "planned": sum(r.intervention.planned_in_term for r in rows),
        "cancelled": sum(r.intervention.cancelled_sessions for r in rows),
        "staff_minutes": sum(r.intervention.staff_minutes for r in rows),
        "cost": pounds(sum((r.intervention.total_cost for r in rows), Decimal(0))),
        # A pupil in two interventions counts once: the database counts them.
        "pupils": in_term.values("pupil").distinct().count() if ids else 0,
    }
    grid, grid_areas = _grid(in_term, term, ids, year)
    ranges = school_time(user.current_school_id, term.start, term.end)
    return ProvisionMap(term, rows, totals, grid, grid_areas, ranges)


def _grid(
    in_term: QuerySet[Enrolment], term: terms.Term, ids: list[int], year: int | None
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Return pupils and their allocated cost by year group x area of need (two queries)."""
    if not ids:
        return [], []
    enrolments = in_term
    attendance = SessionAttendance.objects.filter(
        session__intervention_id__in=ids, session__date__gte=term.start, session__date__lte=term.end
    )
    if year is not None:
        enrolments = enrolments.filter(pupil__nc_year=year)
        attendance = attendance.filter(pupil__nc_year=year)
    pupils = (
        enrolments.values("pupil__nc_year", "intervention__programme__area")
        .annotate(pupils=Count("pupil", distinct=True))
        .order_by()
    )
    costs = (
        with_cost_share(attendance)
        .values("pupil__nc_year", "session__intervention__programme__area")
        .annotate(cost=Sum("cost_share", output_field=SHARE))
        .order_by()
    )
    cells: dict[tuple[int | None, str], dict[str, Any]] = {}
    for counted in pupils:
        key = (counted["pupil__nc_year"], counted["intervention__programme__area"])
        cells.setdefault(key, {"pupils": 0, "cost": Decimal(0)})["pupils"] = counted["pupils"]
    for costed in costs:
        key = (costed["pupil__nc_year"], costed["session__intervention__programme__area"])
        cell = cells.setdefault(key, {"pupils": 0, "cost": Decimal(0)})
        cell["cost"] = costed["cost"] or Decimal(0)
    areas = [(code, label) for code, label in Area.choices if any(k[1] == code for k in cells)]
    years = sorted({k[0] for k in cells}, key=lambda y: (y is None, y))
    grid = []
    for y in years:
        row_cells = [cells.get((y, code), {"pupils": 0, "cost": Decimal(0)}) for code, _ in areas]
        grid.append(
            {
                "year": YEAR_LABELS.get(y, "No NC year"),
                "cells": [{"pupils": c["pupils"], "cost": pounds(c["cost"])} for c in row_cells],
                "cost": pounds(sum((c["cost"] for c in row_cells), Decimal(0))),
            }
        )
    return grid, areas


class EnrolmentReceived(TypedDict):
    """What ``pupil_provision()`` adds to each of the pupil's enrolments."""

    sessions_delivered: int
    sessions_attended: int
    minutes_attended: int
    cost: Decimal  # the pupil's share, rounded to the penny once summed
    hours_attended: Decimal  # worked out from minutes_attended after the query


class LineReceived(TypedDict):
    """What ``pupil_provision()`` adds to each section F line of a live EHCP."""

    minutes_attended: int
    cost: Decimal
    hours_attended: Decimal  # this and the hours a week: worked out after the query
    attended_per_week: Decimal | None


if TYPE_CHECKING:
    ReceivedEnrolment: TypeAlias = WithAnnotations[Enrolment, EnrolmentReceived]
    ReceivedLine: TypeAlias = WithAnnotations[EHCPProvision, LineReceived]


@dataclass
class PupilProvision:
    start: dt.date
    end: dt.date
    enrolments: list[ReceivedEnrolment]
    placements: list[Placement]
    section_f: list[ReceivedLine]
    totals: dict[str, int | Decimal]
    school_weeks: Decimal


def _window(prefix: str, start: dt.date, end: dt.date) -> Q:
    """Match sessions within the outer enrolment and within ``start``..``end``."""
    left = Coalesce(OuterRef("left_on"), Value(FAR_FUTURE), output_field=DateField())
    return Q(
        **{
            f"{prefix}date__gte": OuterRef("joined_on"),
            f"{prefix}date__lte": left,
        }
    ) & Q(**{f"{prefix}date__gte": start, f"{prefix}date__lte": end})


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def pupil_provision(pupil: Pupil, start: dt.date, end: dt.date, today: dt.date) -> PupilProvision:
    """Return everything ``pupil`` received between ``start`` and ``end``, with cost.

    Per enrolment: sessions delivered while they were in it, sessions and minutes they
    attended, and their share of each attended session's cost. Connect placements are listed
    (they carry no cost here). A live EHCP's section F lines show the hours the pupil attended
    in the interventions linked to each line. A fixed number of queries.
    """
    delivered_ = Session.objects.delivered().filter(
        _window("", start, end), intervention=OuterRef("intervention")
    )
    attended = SessionAttendance.objects.filter(
        _window("session__", start, end),
        delivered("session__"),
        pupil=OuterRef("pupil"),
        session__intervention=OuterRef("intervention"),
        attendance__in=SessionAttendance.ATTENDED,
    )
    # Cast: the hours are not a column, they are set on each row below.
    enrolments = cast(
        "list[ReceivedEnrolment]",
        list(
            Enrolment.objects.filter(enrolled_between(start, end), pupil=pupil)
            .select_related("intervention__programme", "intervention__lead")
            .annotate(
                sessions_delivered=count_of(delivered_),
                sessions_attended=count_of(attended),
                minutes_attended=total_of(attended, "session__minutes"),
                cost=total_of(with_cost_share(attended), "cost_share", output_field=SHARE),
            )
            .order_by("joined_on", "pk")
        ),
    )
    placements = list(
        Placement.objects.filter(pupil=pupil, start_date__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("room")
        .order_by("start_date")
    )
    linked = SessionAttendance.objects.filter(
        delivered("session__"),
        pupil=pupil,
        session__date__gte=start,
        session__date__lte=end,
        attendance__in=SessionAttendance.ATTENDED,
        session__intervention__in=Intervention.ehcp_provision.through.objects.filter(
            ehcpprovision=OuterRef(OuterRef("pk"))
        ).values("intervention"),
    )
    section_f = cast(
        "list[ReceivedLine]",
        list(
            EHCPProvision.objects.filter(live("ehcp__"), ehcp__pupil=pupil)
            .prefetch_related("interventions")
            .annotate(
                minutes_attended=total_of(linked, "session__minutes"),
                cost=total_of(with_cost_share(linked), "cost_share", output_field=SHARE),
            )
            .order_by("pk")
        ),
    )
    weeks = Decimal(school_days(school_time(pupil.school_id, start, min(end, today)))) / 7
    school_weeks = weeks.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    for line in section_f:
        hours = Decimal(line.minutes_attended) / 60
        line.hours_attended = _hours(line.minutes_attended)
        line.attended_per_week = (
            (hours / weeks).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if weeks else None
        )
        line.cost = pounds(line.cost)
    minutes = sum(e.minutes_attended for e in enrolments)
    totals: dict[str, int | Decimal] = {
        "sessions_attended": sum(e.sessions_attended for e in enrolments),
        "minutes_attended": minutes,
        "cost": pounds(sum((e.cost for e in enrolments), Decimal(0))),
    }
    for e in enrolments:
        e.cost = pounds(e.cost)
        e.hours_attended = _hours(e.minutes_attended)
    totals["hours_attended"] = _hours(minutes)
    return PupilProvision(start, end, enrolments, placements, section_f, totals, school_weeks)


__all__ = [
    "DaysBetween",
    "MapRow",
    "ProvisionMap",
    "PupilProvision",
    "map_interventions",
    "planned_sessions",
    "pounds",
    "provision_map",
    "pupil_provision",
    "school_days",
    "school_time",
    "weekly_occurrences",
]
