"""The provision ledger: each planned provision line against what was delivered, week by week.

The rules, stated on the ledger page too:

- A *line* is an EHCP section F provision with hours a week delivered by an intervention
  (planned in hours), or an intervention linked to a target of an open support plan's current
  cycle (planned in sessions: the programme's sessions a week). A section F line is planned
  from the EHCP's issue date; a plan's line while the intervention runs and the pupil holds a
  place in it. Section F lines that no intervention delivers have no record of delivery to
  measure and are left out (the provision map costs them).
- *Weeks* run Monday to Sunday and count only school days (``insight``'s half terms, from the
  school's own term dates). A week with no school day (a holiday) plans nothing; a part week
  (a half term starting on a Wednesday) plans its share: three school days plan 3/5 of a week.
  The ledger covers complete weeks only: up to the Sunday before today.
- *Delivered* is what the pupil attended (present or late) in the line's interventions: the
  session's minutes for an hours line, one for a sessions line. Ad hoc sessions count too.
- *Shortfall* is planned minus delivered (never below nil), named by reason: a timetabled
  session cancelled for staff absence (*staff absence*), cancelled because pupils were absent
  or delivered while this pupil was absent (*pupil absence*), cancelled for a school event
  (*cancelled*), timetabled but never recorded (*not recorded*), and planned beyond what the
  timetable holds (*not scheduled*). Each reason counts the timetabled time it lost.
- The SENDCo is told when a line delivers less than the school's threshold (85% unless set)
  over its last four school weeks: once per pupil per term, however long it stays below.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, F
from django.urls import reverse

from interventions.delivery.models import (
    Enrolment,
    Intervention,
    ScheduleSlot,
    Session,
    SessionAttendance,
)
from interventions.ehcp.models import EHCPProvision, live
from interventions.evidence.models import DEFAULT_THRESHOLD, ProvisionSettings
from interventions.plans.models import PlanTarget, SupportPlan
from staff import terms
from staff.models import School

HOURS, SESSIONS = "hours", "sessions"
REASONS = [
    ("staff_absence", "Staff absence"),
    ("pupil_absence", "Pupil absence"),
    ("cancelled", "Cancelled"),
    ("not_recorded", "Not recorded"),
    ("not_scheduled", "Not scheduled"),
]
REASON_LABELS = dict(REASONS)
WINDOW_WEEKS = 4  # the alert's window: the line's last four school weeks
ZERO = Decimal(0)
TENTH = Decimal("0.1")

OPEN_PLANS = (SupportPlan.Status.ACTIVE, SupportPlan.Status.UNDER_REVIEW)


def threshold_of(school_id: int) -> int:
    """Return the school's delivery threshold in per cent (85 until the school sets one)."""
    found = (
        ProvisionSettings.objects.filter(school_id=school_id)
        .values_list("ledger_threshold", flat=True)
        .first()
    )
    return found or DEFAULT_THRESHOLD


def round_tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class Week:
    monday: dt.date
    school_days: int
    planned: Decimal = ZERO
    scheduled: Decimal = ZERO
    delivered: Decimal = ZERO
    lost: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(6)

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, self.planned - self.delivered)

    @property
    def percent(self) -> int | None:
        return percent(self.delivered, self.planned)

    @property
    def reasons(self) -> list[tuple[str, Decimal]]:
        """The named reasons with something lost, in the page's order."""
        found = {**self.lost, "not_scheduled": max(ZERO, self.planned - self.scheduled)}
        return [(label, found[code]) for code, label in REASONS if found.get(code, ZERO) > 0]


def percent(delivered: Decimal, planned: Decimal) -> int | None:
    """Return delivered as a whole per cent of planned (None when nothing was planned)."""
    if planned <= 0:
        return None
    return int((delivered * 100 / planned).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Line:
    key: str
    pupil_id: int
    source: str  # "EHCP section F" or the plan's kind
    description: str
    unit: str  # HOURS or SESSIONS
    per_week: Decimal
    url: str
    starts: dt.date
    interventions: list[Intervention]
    # For a plan's line: the pupil's places (joined, left) in the intervention.
    places: list[tuple[dt.date, dt.date | None]] | None = None
    weeks: list[Week] = field(default_factory=list)

    @property
    def school_weeks(self) -> list[Week]:
        return [w for w in self.weeks if w.planned > 0]

    def total(self, name: str) -> Decimal:
        return sum((getattr(w, name) for w in self.weeks), ZERO)

    @property
    def planned(self) -> Decimal:
        return self.total("planned")

    @property
    def delivered(self) -> Decimal:
        return self.total("delivered")

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, self.planned - self.delivered)

    @property
    def percent(self) -> int | None:
        return percent(self.delivered, self.planned)

    @property
    def reasons(self) -> list[tuple[str, Decimal]]:
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for week in self.weeks:
            for label, value in week.reasons:
                totals[label] += value
        return [(label, totals[label]) for _, label in REASONS if totals[label] > 0]

    def recent(self, count: int = WINDOW_WEEKS) -> list[Week]:
        """Return the line's last ``count`` school weeks (fewer if it is newer)."""
        return self.school_weeks[-count:]

    @property
    def recent_percent(self) -> int | None:
        recent = self.recent()
        return percent(
            sum((w.delivered for w in recent), ZERO), sum((w.planned for w in recent), ZERO)
        )

    def below(self, threshold: int) -> bool:
        """Return whether the last four school weeks delivered less than ``threshold`` per cent
        (a line with fewer than four school weeks is not judged yet)."""
        if len(self.recent()) < WINDOW_WEEKS:
            return False
        found = self.recent_percent
        return found is not None and found < threshold


def last_full_sunday(today: dt.date) -> dt.date:
    """Return the Sunday before ``today``'s week: the ledger's last complete week ends there."""
    return today - dt.timedelta(today.weekday() + 1)


def _school_days(school_id: int, start: dt.date, end: dt.date) -> set[dt.date]:
    days: set[dt.date] = set()
    for year in range(terms.academic_year_of(start), terms.academic_year_of(end) + 1):
        for half in terms.half_terms(school_id, year):
            day = max(half.start, start)
            while day <= min(half.end, end):
                days.add(day)
                day += dt.timedelta(1)
    return days


def _section_f_lines(school_id: int, pupil_ids: list[int] | None) -> list[Line]:
    found = (
        EHCPProvision.objects.filter(
            live("ehcp__"), ehcp__school_id=school_id, hours_per_week__gt=0
        )
        .select_related("ehcp")
        .prefetch_related("interventions")
        .order_by("ehcp__pupil_id", "pk")
    )
    if pupil_ids is not None:
        found = found.filter(ehcp__pupil_id__in=pupil_ids)
    return [
        Line(
            key=f"f{line.pk}",
            pupil_id=line.ehcp.pupil_id,
            source="EHCP section F",
            description=line.description,
            unit=HOURS,
            per_week=Decimal(line.hours_per_week or 0),
            url=reverse("interventions:ehcp", args=[line.ehcp_id]),
            starts=line.ehcp.issued_on,
            interventions=list(line.interventions.all()),
        )
        for line in found
        # A line no intervention delivers (1:1 support in lessons, say) has no record of
        # delivery to measure: the provision map costs it, the EHCP's page lists it.
        if line.interventions.all()
    ]


def _plan_lines(school_id: int, pupil_ids: list[int] | None) -> list[Line]:
    targets = (
        PlanTarget.objects.filter(
            plan__school_id=school_id,
            plan__status__in=OPEN_PLANS,
            cycle=F("plan__cycle"),
        )
        .select_related("plan__kind")
        .prefetch_related("interventions__programme")
        .order_by("plan__pupil_id", "plan_id", "pk")
    )
    if pupil_ids is not None:
        targets = targets.filter(plan__pupil_id__in=pupil_ids)
    lines: dict[tuple[int, int], Line] = {}
    for target in targets:
        plan = target.plan
        for intervention in target.interventions.all():
            key = (plan.pk, intervention.pk)
            if key in lines:
                continue
            programme = intervention.programme
            lines[key] = Line(
                key=f"p{plan.pk}-{intervention.pk}",
                pupil_id=plan.pupil_id,
                source=plan.kind.name,
                description=f"{intervention.name}: {programme.sessions_per_week} a week",
                unit=SESSIONS,
                per_week=Decimal(programme.sessions_per_week),
                url=reverse("interventions:plan", args=[plan.pk]),
                starts=intervention.start_date,
                interventions=[intervention],
                places=[],
            )
    return list(lines.values())


def ledger(
    school_id: int,
    start: dt.date,
    end: dt.date,
    *,
    pupil_ids: list[int] | None = None,
) -> list[Line]:
    """Return every provision line of the school's pupils (or of ``pupil_ids``) with its weeks
    from the Monday of ``start``'s week to ``end`` (complete weeks only), in a fixed number of
    queries whatever the number of pupils."""
    monday = start - dt.timedelta(start.weekday())
    if end.weekday() != 6:  # complete weeks only: back to the Sunday before
        end = end - dt.timedelta(end.weekday() + 1)
    lines = _section_f_lines(school_id, pupil_ids) + _plan_lines(school_id, pupil_ids)
    if not lines or end < monday:
        return lines
    open_days = _school_days(school_id, monday, end)
    intervention_ids = {i.pk for line in lines for i in line.interventions}
    pupils = {line.pupil_id for line in lines}
    slots: dict[int, list[ScheduleSlot]] = defaultdict(list)
    for slot in ScheduleSlot.objects.filter(intervention_id__in=intervention_ids):
        slots[slot.intervention_id].append(slot)
    places: dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for pupil_id, intervention_id, joined, left in Enrolment.objects.filter(
        intervention_id__in=intervention_ids, pupil_id__in=pupils, joined_on__lte=end
    ).values_list("pupil_id", "intervention_id", "joined_on", "left_on"):
        places[(pupil_id, intervention_id)].append((joined, left))
    sessions: list[dict[str, Any]] = [
        dict(s)
        for s in Session.objects.filter(
            intervention_id__in=intervention_ids, date__gte=monday, date__lte=end
        ).values("pk", "intervention_id", "slot_id", "date", "status", "cancel_reason", "minutes")
    ]
    attended: dict[tuple[int, int], str] = {
        (s, p): a
        for s, p, a in SessionAttendance.objects.filter(
            session__intervention_id__in=intervention_ids,
            session__date__gte=monday,
            session__date__lte=end,
            pupil_id__in=pupils,
        ).values_list("session_id", "pupil_id", "attendance")
    }
    by_slot: dict[tuple[int, dt.date], dict[str, Any]] = {
        (s["slot_id"], s["date"]): s for s in sessions if s["slot_id"]
    }
    ad_hoc: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for s in sessions:
        if not s["slot_id"]:
            ad_hoc[s["intervention_id"]].append(s)
    for line in lines:
        _fill(line, monday, end, open_days, slots, places, by_slot, ad_hoc, attended)
    return lines


def _in_place(line: Line, intervention: Intervention, day: dt.date, places: dict[Any, Any]) -> bool:
    """Return whether the pupil held a place in ``intervention`` on ``day``."""
    return any(
        joined <= day and (left is None or left >= day)
        for joined, left in places.get((line.pupil_id, intervention.pk), [])
    )


def _runs(intervention: Intervention, day: dt.date) -> bool:
    if intervention.status == Intervention.Status.PLANNED or intervention.start_date > day:
        return False
    return intervention.completed_on is None or intervention.completed_on >= day


def _fill(
    line: Line,
    monday: dt.date,
    end: dt.date,
    open_days: set[dt.date],
    slots: dict[int, list[ScheduleSlot]],
    places: dict[Any, Any],
    by_slot: dict[tuple[int, dt.date], dict[str, Any]],
    ad_hoc: dict[int, list[dict[str, Any]]],
    attended: dict[tuple[int, int], str],
) -> None:
    hours = line.unit == HOURS
    week_start = monday
    while week_start <= end:
        days = [week_start + dt.timedelta(d) for d in range(7)]
        # School days on which the line is planned: from its start, and for a plan's line
        # while the pupil held a place.
        planned_days = [
            d
            for d in days[:5]
            if d in open_days
            and d >= line.starts
            and (
                line.places is None
                or any(_in_place(line, i, d, places) and _runs(i, d) for i in line.interventions)
            )
        ]
        week = Week(week_start, len([d for d in days[:5] if d in open_days]))
        week.planned = line.per_week * len(planned_days) / 5
        for intervention in line.interventions:
            for day in days:
                if day not in open_days or not _runs(intervention, day):
                    continue
                if not _in_place(line, intervention, day, places):
                    continue
                for slot in slots.get(intervention.pk, []):
                    if slot.weekday != day.weekday():
                        continue
                    value = Decimal(slot.minutes) / 60 if hours else Decimal(1)
                    week.scheduled += value
                    _count(week, by_slot.get((slot.pk, day)), line, value, hours, attended)
                for s in ad_hoc.get(intervention.pk, []):
                    came = attended.get((s["pk"], line.pupil_id)) in SessionAttendance.ATTENDED
                    if s["date"] == day and s["status"] == Session.Status.DELIVERED and came:
                        week.delivered += Decimal(s["minutes"]) / 60 if hours else Decimal(1)
        if week.school_days or week.delivered:
            line.weeks.append(week)
        week_start += dt.timedelta(7)


def _count(
    week: Week,
    session: dict[str, Any] | None,
    line: Line,
    value: Decimal,
    hours: bool,
    attended: dict[tuple[int, int], str],
) -> None:
    """Add one timetabled occurrence to the week: delivered, or lost for a named reason."""
    if session is None:
        week.lost["not_recorded"] += value
        return
    if session["status"] == Session.Status.DELIVERED:
        if attended.get((session["pk"], line.pupil_id)) in SessionAttendance.ATTENDED:
            week.delivered += Decimal(session["minutes"]) / 60 if hours else Decimal(1)
        else:
            week.lost["pupil_absence"] += value
        return
    reason = {
        Session.CancelReason.STAFF_ABSENT: "staff_absence",
        Session.CancelReason.PUPIL_ABSENT: "pupil_absence",
    }.get(session["cancel_reason"], "cancelled")
    week.lost[reason] += value


def _has_lines(school_id: int) -> bool:
    """Return whether the school has any line the ledger measures (one query)."""
    section_f = EHCPProvision.objects.filter(
        live("ehcp__"),
        ehcp__school_id=school_id,
        hours_per_week__gt=0,
        interventions__isnull=False,
    )
    plans = PlanTarget.objects.filter(
        plan__school_id=school_id,
        plan__status__in=OPEN_PLANS,
        cycle=F("plan__cycle"),
        interventions__isnull=False,
    )
    found = School.objects.filter(pk=school_id).values_list(Exists(section_f), Exists(plans))
    return any(any(row) for row in found)


@dataclass
class BelowThreshold:
    pupil_id: int
    lines: list[Line]
    threshold: int


def below_threshold(school_id: int, today: dt.date) -> list[BelowThreshold]:
    """Return the pupils with a provision line under the school's threshold over its last four
    school weeks (complete weeks before ``today``): what the SENDCo's alert says."""
    if not _has_lines(school_id):  # the daily sweep's one query when nothing is planned
        return []
    threshold = threshold_of(school_id)
    # Ten weeks back hold four school weeks even across a two-week holiday and a half term.
    end = last_full_sunday(today)
    lines = ledger(school_id, end - dt.timedelta(weeks=10) + dt.timedelta(1), end)
    found: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        if line.below(threshold):
            found[line.pupil_id].append(line)
    return [BelowThreshold(pupil, found[pupil], threshold) for pupil in sorted(found)]


def pupil_ledger_window(school_id: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """Return this academic year up to the last complete week: a pupil's ledger page."""
    year = terms.academic_year_of(today)
    halves = terms.half_terms(school_id, year)
    return halves[0].start, last_full_sunday(today)


def lines_for_pupils(school_id: int, pupil_ids: list[int], today: dt.date) -> list[Line]:
    start, end = pupil_ledger_window(school_id, today)
    return ledger(school_id, start, end, pupil_ids=pupil_ids)


__all__ = [
    "HOURS",
    "REASONS",
    "SESSIONS",
    "BelowThreshold",
    "Line",
    "Week",
    "below_threshold",
    "ledger",
    "lines_for_pupils",
    "threshold_of",
]
