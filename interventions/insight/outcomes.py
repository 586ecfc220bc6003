"""What works: each programme's completions, measure change, attendance and cost in a term.

Definitions (the same as the impact report's, interventions.outcomes.impact, summed across groups):

- A pupil's enrolment *ends* on the day they left the group, or else on the day the group was
  completed or stopped early. A pupil *completed* a programme in a term when their enrolment
  ended in the term with an exit measure recorded (GBO, the numeric scale or the SDQ).
- Measure change is over completers measured at baseline and exit: the GBO mean is over goals
  rated at both (as the impact report's group mean), the numeric scale and the SDQ total
  difficulties over pupils with both (SDQ: lower is better).
- Reliable change: a completer whose rating on at least one goal rose by the reliable-change
  threshold (SEND_HUB_GBO_RELIABLE_CHANGE), out of the completers with at least one goal rated
  at baseline and exit.
- Attendance: completers' sessions attended (present or late) out of those delivered while they
  were enrolled.
- Cost: what the programme's groups cost to deliver in the term (interventions.insight.costs,
  the delivered-time rule every page uses). Cost per pupil divides it by the pupils who took
  part in the term; cost per pupil with reliable change by the completers with reliable change.
- Fewer than 5 completers: the figures are shown but marked too small to compare.

Everything is counted in the database, grouped by school and programme: a fixed number of
queries however many pupils there are. Each school has its own term dates, so every query
carries each school's window (``Windows``) rather than one date range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from interventions.delivery.models import (
    Enrolment,
    Intervention,
    Programme,
)
from interventions.insight.costs import with_delivery
from interventions.outcomes.impact import enrolment_sessions
from interventions.outcomes.measures import gbo_reliable_change
from interventions.outcomes.models import MeasureRecord
from send_hub.lib.db import count_of
from staff.terms import TERM_NAMES, Term, half_terms_for

if TYPE_CHECKING:
    # A development dependency (django-stubs); annotations only.
    from django_stubs_ext import WithAnnotations

SMALL_GROUP = 5  # fewer completers than this: shown, but marked too small to compare
SMALL_LABEL = "fewer than 5 \u2013 too small to compare"
PENNY = Decimal("0.01")
LONG_AGO = dt.date(2000, 1, 1)

Window = tuple[dt.date, dt.date]
Windows = Mapping[int, Window]  # school id -> (first day, last day), both inclusive

Point = MeasureRecord.Point
Kind = MeasureRecord.Kind
FINISHED = (Intervention.Status.COMPLETED, Intervention.Status.STOPPED)


# --- Terms across schools --------------------------------------------------------------------


def term_key_valid(key: str) -> bool:
    """Return whether ``key`` names a term ("2025-AUTUMN")."""
    year, _, code = key.partition("-")
    return year.isdigit() and 2000 <= int(year) <= 2100 and code in TERM_NAMES


def terms_for(school_ids: Iterable[int], key: str) -> dict[int, Term]:
    """Return the term ``key`` names in each school, by its own dates, in one query."""
    if not term_key_valid(key):
        return {}
    year_text, _, code = key.partition("-")
    year = int(year_text)
    index = list(TERM_NAMES).index(code)
    result = {}
    for school_id, halves in half_terms_for(school_ids, year).items():
        first, second = halves[index * 2], halves[index * 2 + 1]
        result[school_id] = Term(
            code, year, first.start, second.end, first.recorded and second.recorded
        )
    return result


def windows_of(terms: Mapping[int, Term], *, upto: dt.date | None = None) -> dict[int, Window]:
    """Return each school's (start, end) for ``terms``, cut short at ``upto`` (e.g. today)."""
    return {
        sid: (t.start, min(t.end, upto) if upto else t.end)
        for sid, t in terms.items()
        if upto is None or t.start <= upto
    }


def bound(windows: Windows, school_field: str, index: int) -> Case:
    """Return each row's window start (``index`` 0) or end (1), chosen by its school."""
    return Case(
        *[When(**{school_field: sid}, then=Value(w[index])) for sid, w in windows.items()],
        output_field=DateField(),
    )


# --- The figures -----------------------------------------------------------------------------


def money(value: Decimal | int | None) -> Decimal:
    return Decimal(value or 0).quantize(PENNY, rounding=ROUND_HALF_UP)


def _ratio(part: float | Decimal | int, whole: int, places: int) -> float | None:
    return round(float(part) / whole, places) if whole else None


@dataclass
class Tally:
    """Counts and sums for one programme (or several): add tallies, then read the figures."""

    took_part: int = 0
    completed: int = 0
    attended: int = 0
    possible: int = 0
    gbo_goals: int = 0
    gbo_change_sum: int = 0
    gbo_pupils: int = 0
    gbo_reliable: int = 0
    numeric_pupils: int = 0
    numeric_change_sum: Decimal = Decimal(0)
    sdq_pupils: int = 0
    sdq_change_sum: int = 0
    cost: Decimal = Decimal(0)

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def too_small(self) -> bool:
        return self.completed < SMALL_GROUP

    @property
    def gbo_mean_change(self) -> float | None:
        return _ratio(self.gbo_change_sum, self.gbo_goals, 2)

    @property
    def reliable_pct(self) -> float | None:
        return _ratio(100 * self.gbo_reliable, self.gbo_pupils, 1)

    @property
    def numeric_mean_change(self) -> float | None:
        return _ratio(self.numeric_change_sum, self.numeric_pupils, 2)

    @property
    def sdq_mean_change(self) -> float | None:
        return _ratio(self.sdq_change_sum, self.sdq_pupils, 2)

    @property
    def attendance_pct(self) -> float | None:
        return _ratio(100 * self.attended, self.possible, 1)

    @property
    def cost_per_pupil(self) -> Decimal | None:
        return money(self.cost / self.took_part) if self.took_part else None

    @property
    def cost_per_reliable(self) -> Decimal | None:
        return money(self.cost / self.gbo_reliable) if self.gbo_reliable else None

    def figures(self) -> dict[str, Any]:
        """Return the counts and the figures drawn from them, JSON-safe (money as strings)."""
        data = asdict(self)
        data["numeric_change_sum"] = float(self.numeric_change_sum)
        data["cost"] = str(money(self.cost))
        cpp, cpr = self.cost_per_pupil, self.cost_per_reliable
        return data | {
            "too_small": self.too_small,
            "gbo_mean_change": self.gbo_mean_change,
            "reliable_pct": self.reliable_pct,
            "numeric_mean_change": self.numeric_mean_change,
            "sdq_mean_change": self.sdq_mean_change,
            "attendance_pct": self.attendance_pct,
            "cost_per_pupil": str(cpp) if cpp is not None else None,
            "cost_per_reliable": str(cpr) if cpr is not None else None,
        }


@dataclass
class ProgrammeOutcome:
    """One programme's tally in one school (or, across a trust, one kind of programme)."""

    key: Any
    name: str
    kind: str
    area: str = ""
    numeric_label: str = ""
    measures: list[str] = field(default_factory=list)
    school_id: int | None = None
    tally: Tally = field(default_factory=Tally)

    def figures(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "kind_label": Programme.Kind(self.kind).label if self.kind else "",
            "area": self.area,
            "numeric_label": self.numeric_label,
            "measures": self.measures,
            **self.tally.figures(),
        }


def _ended_on() -> Coalesce:
    """The day an enrolment ended: the pupil left, or the group was completed or stopped."""
    return Coalesce(
        "left_on",
        Case(
            When(intervention__status__in=FINISHED, then=F("intervention__completed_on")),
            output_field=DateField(),
        ),
    )


class Windowed(TypedDict):
    """What ``_enrolments()`` adds to each enrolment: its school's window and its end day."""

    w_start: dt.date
    w_end: dt.date
    ended_on: dt.date | None  # None while the place goes on


if TYPE_CHECKING:
    WindowedEnrolment: TypeAlias = WithAnnotations[Enrolment, Windowed]


def _enrolments(windows: Windows) -> QuerySet[WindowedEnrolment]:
    """Return enrolments in the windows' schools, with each one's window and end day."""
    return Enrolment.objects.filter(intervention__school_id__in=list(windows)).annotate(
        w_start=bound(windows, "intervention__school_id", 0),
        w_end=bound(windows, "intervention__school_id", 1),
        ended_on=_ended_on(),
    )


GROUP = ("intervention__school_id", "intervention__programme_id")


def took_part(windows: Windows) -> QuerySet[WindowedEnrolment]:
    """Return enrolments current at any time in their school's window (groups that started)."""
    return (
        _enrolments(windows)
        .exclude(intervention__status=Intervention.Status.PLANNED)
        .filter(joined_on__lte=F("w_end"))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=F("w_start")))
    )


def _took_part(windows: Windows) -> dict[tuple[int, int], int]:
    """Count pupils who took part in each school's window, per school and programme."""
    rows = took_part(windows).values(*GROUP).annotate(n=Count("pupil_id", distinct=True)).order_by()
    return {(r[GROUP[0]], r[GROUP[1]]): r["n"] for r in rows}


def _completions(windows: Windows) -> dict[tuple[int, int], dict[str, Any]]:
    """Count completers and sum their measure change and attendance, per school and programme.

    Each measure point is one joined row at most (a record per enrolment, kind and point), so
    the joins never multiply an enrolment.
    """
    threshold = gbo_reliable_change()
    measures = {
        alias: FilteredRelation("measures", condition=Q(measures__kind=kind, measures__point=pt))
        for alias, kind, pt in (
            ("gb", Kind.GBO, Point.BASELINE),
            ("gx", Kind.GBO, Point.EXIT),
            ("nb", Kind.NUMERIC, Point.BASELINE),
            ("nx", Kind.NUMERIC, Point.EXIT),
            ("sb", Kind.SDQ, Point.BASELINE),
            ("sx", Kind.SDQ, Point.EXIT),
        )
    }

    def sdq_total(alias: str) -> Any:
        return (
            F(f"{alias}__sdq_emotional")
            + F(f"{alias}__sdq_conduct")
            + F(f"{alias}__sdq_hyperactivity")
            + F(f"{alias}__sdq_peer")
        )

    delivered_, attended = enrolment_sessions()
    has_exit = MeasureRecord.objects.filter(enrolment=OuterRef("pk"), point=Point.EXIT)
    goal_changes = {
        f"g{n}": F(f"gx__gbo_{n}") - F(f"gb__gbo_{n}") for n in (1, 2, 3)
    }  # NULL unless the goal was rated at both
    any_goal = Q(g1__isnull=False) | Q(g2__isnull=False) | Q(g3__isnull=False)
    reliable = Q(g1__gte=threshold) | Q(g2__gte=threshold) | Q(g3__gte=threshold)
    rows = (
        _enrolments(windows)
        .filter(ended_on__gte=F("w_start"), ended_on__lte=F("w_end"))
        .filter(Exists(has_exit))
        .annotate(**measures)
        .annotate(
            **goal_changes,
            numeric_change=F("nx__value") - F("nb__value"),
            sdq_change=sdq_total("sx") - sdq_total("sb"),
            sessions_possible=count_of(delivered_),
            sessions_attended=count_of(attended),
        )
        .values(*GROUP)
        .annotate(
            completed=Count("pk"),
            attended=Sum("sessions_attended"),
            possible=Sum("sessions_possible"),
            gbo_goals=Count("g1") + Count("g2") + Count("g3"),
            gbo_change_sum=Coalesce(Sum("g1"), 0) + Coalesce(Sum("g2"), 0) + Coalesce(Sum("g3"), 0),
            gbo_pupils=Count("pk", filter=any_goal),
            gbo_reliable=Count("pk", filter=reliable),
            numeric_pupils=Count("numeric_change"),
            numeric_change_sum=Sum("numeric_change"),
            sdq_pupils=Count("sdq_change"),
            sdq_change_sum=Sum("sdq_change"),
        )
        .order_by()
    )
    result = {}
    for r in rows:
        key = (r.pop(GROUP[0]), r.pop(GROUP[1]))
        r["numeric_change_sum"] = Decimal(r["numeric_change_sum"] or 0)
        r["sdq_change_sum"] = r["sdq_change_sum"] or 0
        result[key] = r
    return result


def delivery_costs(windows: Windows) -> dict[tuple[int, int], Decimal]:
    """Return what each school's programmes cost to deliver in its window (costs.py's rule).

    ``with_delivery`` takes one date range, so schools sharing term dates share a query: one
    query per distinct window, not per school or pupil.
    """
    by_window: dict[Window, list[int]] = {}
    for sid, w in windows.items():
        by_window.setdefault(w, []).append(sid)
    totals: dict[tuple[int, int], Decimal] = {}
    for (start, end), school_ids in by_window.items():
        started = Intervention.objects.filter(school_id__in=school_ids, start_date__lte=end)
        rows = (
            with_delivery(started, start, end)
            .filter(total_cost__gt=Decimal(0))
            .values_list("school_id", "programme_id", "total_cost")
            .order_by()
        )
        for school_id, programme_id, cost in rows:
            key = (school_id, programme_id)
            totals[key] = totals.get(key, Decimal(0)) + Decimal(cost)
    return totals


def outcome_tallies(windows: Windows) -> list[ProgrammeOutcome]:
    """Return one row per school and programme active in its window, in a fixed few queries."""
    if not windows:
        return []
    taking_part = _took_part(windows)
    completions = _completions(windows)
    costs = delivery_costs(windows)
    keys = set(taking_part) | set(completions) | set(costs)
    programmes = {
        p["pk"]: p
        for p in Programme.objects.filter(pk__in={pid for _, pid in keys}).values(
            "pk", "name", "kind", "area", "numeric_measure_label", "measures"
        )
    }
    rows = []
    for school_id, programme_id in keys:
        p = programmes[programme_id]
        tally = Tally(
            took_part=taking_part.get((school_id, programme_id), 0),
            cost=costs.get((school_id, programme_id), Decimal(0)),
            **completions.get((school_id, programme_id), {}),
        )
        rows.append(
            ProgrammeOutcome(
                key=programme_id,
                name=p["name"],
                kind=p["kind"],
                area=p["area"],
                numeric_label=p["numeric_measure_label"] or "Score",
                measures=[m for m in p["measures"] if m in Kind.values],
                school_id=school_id,
                tally=tally,
            )
        )
    rows.sort(key=lambda r: (r.school_id, r.name.lower()))
    return rows


def total_of(rows: Iterable[ProgrammeOutcome], name: str = "All programmes") -> ProgrammeOutcome:
    """Return a row adding ``rows`` up (the numeric scale is left out: its scales differ)."""
    total = ProgrammeOutcome(key=None, name=name, kind="")
    for row in rows:
        total.tally.add(row.tally)
    total.tally.numeric_pupils, total.tally.numeric_change_sum = 0, Decimal(0)
    return total


def by_kind(rows: Iterable[ProgrammeOutcome]) -> list[ProgrammeOutcome]:
    """Merge rows by kind of programme (across a trust, where names differ by school)."""
    merged: dict[str, ProgrammeOutcome] = {}
    for row in rows:
        into = merged.setdefault(
            row.kind,
            ProgrammeOutcome(key=row.kind, name=Programme.Kind(row.kind).label, kind=row.kind),
        )
        into.tally.add(row.tally)
    for row in merged.values():
        # A reading age and a spelling age do not add up: no numeric scale across schools.
        row.tally.numeric_pupils, row.tally.numeric_change_sum = 0, Decimal(0)
    return sorted(merged.values(), key=lambda r: r.name.lower())


def what_works(school_id: int, term: Term, *, upto: dt.date | None = None) -> dict[str, Any]:
    """Return one school's programmes in ``term`` and their total, as JSON-safe figures."""
    windows = windows_of({school_id: term}, upto=upto)
    rows = outcome_tallies(windows)
    return {
        "term": {"key": term.key, "name": term.name, "recorded": term.recorded},
        "window": [d.isoformat() for d in windows[school_id]] if windows else None,
        "threshold": gbo_reliable_change(),
        "programmes": [r.figures() for r in rows],
        "total": total_of(rows).figures(),
    }


__all__ = [
    "SMALL_GROUP",
    "SMALL_LABEL",
    "ProgrammeOutcome",
    "Tally",
    "bound",
    "by_kind",
    "delivery_costs",
    "money",
    "outcome_tallies",
    "term_key_valid",
    "terms_for",
    "took_part",
    "total_of",
    "what_works",
    "windows_of",
]


# --- Charts ----------------------------------------------------------------------------------

HBAR_WIDTH = 360  # as the impact report's charts: readable on a phone
HBAR_ROW = 34  # a label, then a bar with its value beside it
HBAR_BAR = 12
HBAR_TRACK = 250  # the bar's full length; the value is printed to its right


def hbar_chart(
    title: str, rows: list[tuple[str, float | None, str]], scale_max: float = 0
) -> dict[str, Any] | None:
    """Lay out a horizontal bar chart: per row a label, a bar, and the value printed beside it.

    ``rows`` are (label, value or None, text to print); a None value draws no bar but still
    prints its text (e.g. "fewer than 5"), so a marked group is shown, not hidden. Returns
    geometry for the SVG in the templates, or None when there are no rows.
    """
    if not rows:
        return None
    top = max([scale_max, *[abs(v) for _, v, _ in rows if v is not None]]) or 1
    bars = []
    for i, (label, value, text) in enumerate(rows):
        y = i * HBAR_ROW
        width = round(HBAR_TRACK * abs(value) / top, 1) if value is not None else 0
        bars.append(
            {
                "label": label,
                "text": text,
                "label_y": y + 12,
                "bar_y": y + 17,
                "width": width,
                "text_x": width + 6,
                "text_y": y + 27,
                "negative": value is not None and value < 0,
            }
        )
    return {
        "title": title,
        "width": HBAR_WIDTH,
        "height": len(rows) * HBAR_ROW + 4,
        "bar_height": HBAR_BAR,
        "bars": bars,
    }
