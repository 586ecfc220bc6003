"""The attendance arithmetic, in the database: rates per pupil, per week and per group.

Possible sessions are every mark but "not required to attend"; attended ones are present or at
an approved educational activity. A pupil is persistently absent when they miss 10% or more of
their possible sessions, severely absent at 50% or more (DfE definitions; the percentages are
settings, marked *(verify)*).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from interventions.attendance.models import ATTENDED, NOT_COUNTED, AttendanceMark
from interventions.behaviour.services import Week, pupil_weeks
from pupils.models import Pupil, Sex
from staff.models import School
from staff.terms import academic_year_of, terms

SMALL_GROUP = 5  # fewer pupils than this: shown, but marked too small to compare
SMALL_LABEL = "fewer than 5 pupils: too small to compare"
ONE_DP = Decimal("0.1")


def persistent_percent() -> Decimal:
    """Return the absence (% of possible sessions) from which a pupil is persistently absent."""
    return Decimal(str(getattr(settings, "SEND_HUB_PERSISTENT_ABSENCE_PERCENT", 10)))


def severe_percent() -> Decimal:
    """Return the absence (% of possible sessions) from which a pupil is severely absent."""
    return Decimal(str(getattr(settings, "SEND_HUB_SEVERE_ABSENCE_PERCENT", 50)))


@dataclass
class Rate:
    """Possible and attended sessions, and what they make."""

    possible: int = 0
    attended: int = 0

    @property
    def percent(self) -> Decimal | None:
        """Return attendance as a percentage of possible sessions (None with no sessions)."""
        if not self.possible:
            return None
        return (Decimal(self.attended) * 100 / self.possible).quantize(ONE_DP)

    @property
    def absence(self) -> Decimal | None:
        if not self.possible:
            return None
        return (Decimal(self.possible - self.attended) * 100 / self.possible).quantize(ONE_DP)

    @property
    def persistent(self) -> bool:
        absence = self.absence
        return absence is not None and absence >= persistent_percent()

    @property
    def severe(self) -> bool:
        absence = self.absence
        return absence is not None and absence >= severe_percent()

    @property
    def band(self) -> str:
        """Return "severe", "persistent" or "" for the badge beside a rate."""
        return "severe" if self.severe else "persistent" if self.persistent else ""


def _possible() -> Count:
    return Count("pk", filter=~Q(code__category__in=NOT_COUNTED))


def _attended() -> Count:
    return Count("pk", filter=Q(code__category__in=ATTENDED))


def rate(marks: QuerySet[AttendanceMark]) -> Rate:
    """Return the rate over ``marks`` (one query)."""
    found = marks.aggregate(possible=_possible(), attended=_attended())
    return Rate(found["possible"], found["attended"])


def pupil_rate(*, pupil: Pupil, start: dt.date, end: dt.date) -> Rate:
    """Return one pupil's rate between two days (one query)."""
    return rate(AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end))


def rates_by_pupil(*, school: School | int, start: dt.date, end: dt.date) -> dict[int, Rate]:
    """Return each pupil's rate between two days, for every pupil with a mark (one query)."""
    rows = (
        AttendanceMark.objects.filter(school=school, date__gte=start, date__lte=end)
        .values("pupil_id")
        .annotate(possible=_possible(), attended=_attended())
    )
    return {r["pupil_id"]: Rate(r["possible"], r["attended"]) for r in rows}


def term_and_year_start(school_id: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first days of this term and this academic year, from the school's own term
    dates (one query). In a holiday, "this term" is the one that has just ended."""
    year_terms = terms(school_id, academic_year_of(today))
    started = [t for t in year_terms if t.start <= today] or year_terms[:1]
    return started[-1].start, year_terms[0].start


def this_term(school_id: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first day of this term and today."""
    return term_and_year_start(school_id, today)[0], today


@dataclass
class Summary:
    """A pupil's rates this term and year, and the last weeks' (the pupil page's panel)."""

    term: Rate
    year: Rate
    weeks: list[tuple[dt.date, Rate]]


def pupil_summary(*, pupil: Pupil, today: dt.date, weeks_shown: int) -> Summary:
    """Return the pupil's rates this term, this year and each of the last weeks (two queries).

    Week buckets start on Mondays; a term's first week holds only its own days, since the days
    before it are holidays without marks.
    """
    term_start, year_start = term_and_year_start(pupil.school_id, today)
    weekly = weekly_rates(pupil=pupil, start=min(year_start, today), end=today)
    term, year = Rate(), Rate()
    term_monday = term_start - dt.timedelta(days=term_start.weekday())
    for monday, r in weekly:
        year.possible, year.attended = year.possible + r.possible, year.attended + r.attended
        if monday >= term_monday:
            term.possible, term.attended = term.possible + r.possible, term.attended + r.attended
    return Summary(term, year, weekly[-weeks_shown:])


@dataclass
class AttendanceWeek(Week):
    """A week of the pupil's pattern: school attendance beside behaviour.services.Week."""

    school: Rate = field(default_factory=Rate)


def weeks(*, pupil: Pupil, start: dt.date, end: dt.date) -> list[AttendanceWeek]:
    """Return the pupil's weeks: school attendance, removals, minutes out of class, behaviour
    events, detentions, check-ins and Connect sessions (six aggregate queries)."""
    by_week = dict(weekly_rates(pupil=pupil, start=start, end=end))
    return [
        AttendanceWeek(**vars(w), school=by_week.get(w.start, Rate()))
        for w in pupil_weeks(pupil=pupil, start=start, end=end)
    ]


@dataclass
class GroupAttendance:
    """Attendance of one group of pupils on roll over a period."""

    label: str
    pupils: int = 0
    rate: Rate = field(default_factory=Rate)
    persistent: int = 0
    severe: int = 0

    @property
    def small(self) -> bool:
        return self.pupils < SMALL_GROUP

    @property
    def persistent_percent(self) -> Decimal | None:
        if not self.pupils:
            return None
        return (Decimal(self.persistent) * 100 / self.pupils).quantize(ONE_DP)


Test = Callable[[Mapping[str, Any]], bool]
YEAR_LABELS = {-2: "Nursery 1", -1: "Nursery 2", 0: "Reception"}


def groups(
    *, school: School, start: dt.date, end: dt.date, include_lac: bool
) -> list[tuple[str, list[GroupAttendance]]]:
    """Return attendance by group (SEN provision, pupil premium, looked-after where the person
    may see it, sex and NC year) for pupils on roll with marks in the period (two queries).

    Groups use each pupil's SEN provision today, as the removals monitoring does.
    """
    rates = rates_by_pupil(school=school, start=start, end=end)
    pupils = [
        p
        for p in Pupil.objects.filter(school=school)
        .on_roll()
        .with_register_fields()
        .values("pk", "provision", "pupil_premium", "looked_after", "sex", "nc_year")
        if p["pk"] in rates
    ]
    parts: list[tuple[str, list[tuple[str, Test]]]] = [
        (
            "SEN",
            [
                ("All pupils", lambda p: True),
                ("No SEN", lambda p: p["provision"] == "N"),
                ("SEN support (K)", lambda p: p["provision"] == "K"),
                ("EHC plan (E)", lambda p: p["provision"] == "E"),
            ],
        ),
        (
            "Disadvantage",
            [
                ("Pupil premium", lambda p: p["pupil_premium"]),
                ("Not pupil premium", lambda p: not p["pupil_premium"]),
                *(
                    [
                        ("Looked-after", lambda p: p["looked_after"]),
                        ("Not looked-after", lambda p: not p["looked_after"]),
                    ]
                    if include_lac
                    else []
                ),
            ],
        ),
        ("Sex", [(label, _equals("sex", value)) for value, label in Sex.choices]),
        (
            "Year",
            [
                (YEAR_LABELS.get(y, f"Year {y}"), _equals("nc_year", y))
                for y in sorted({p["nc_year"] for p in pupils if p["nc_year"] is not None})
            ],
        ),
    ]
    out = []
    for title, tests in parts:
        rows = []
        for label, test in tests:
            group = GroupAttendance(label)
            for p in pupils:
                if test(p):
                    r = rates[p["pk"]]
                    group.pupils += 1
                    group.rate.possible += r.possible
                    group.rate.attended += r.attended
                    group.persistent += r.persistent
                    group.severe += r.severe
            rows.append(group)
        out.append((title, rows))
    return out


def _equals(key: str, value: object) -> Test:
    return lambda p: bool(p[key] == value)


def weekly_rates(*, pupil: Pupil, start: dt.date, end: dt.date) -> list[tuple[dt.date, Rate]]:
    """Return the pupil's rate for each week (by its Monday) from ``start`` (one query)."""
    found = {
        (r["week"].date() if isinstance(r["week"], dt.datetime) else r["week"]): Rate(
            r["possible"], r["attended"]
        )
        for r in AttendanceMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(possible=_possible(), attended=_attended())
    }
    out = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        out.append((monday, found.get(monday, Rate())))
        monday += dt.timedelta(days=7)
    return out
