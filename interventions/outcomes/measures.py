"""Outcome measures: Goal Based Outcomes, a numeric scale and SDQ scored totals.

Scoring is done here, from numbers staff enter. The SDQ's item wording and forms are licensed by
Youthinmind: SEND Hub never ships them, and staff copy the five subscale scores from the scored
paper (or licensed online) questionnaire.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from interventions.delivery.models import Enrolment, EnrolmentTarget, Intervention
from interventions.outcomes.models import MeasureRecord
from interventions.outcomes.services import request_impact_report
from send_hub.lib.dates import nice_date, nice_datetime
from staff.audit import log_action
from staff.models import User

if TYPE_CHECKING:
    # A development dependency (django-stubs); annotations only.
    from django_stubs_ext import WithAnnotations

Kind = MeasureRecord.Kind
Point = MeasureRecord.Point
Informant = MeasureRecord.Informant

POINT_ORDER: dict[str, int] = {Point.BASELINE: 0, Point.MID: 1, Point.EXIT: 2}
GOAL_NUMBERS = (1, 2, 3)
NUMERIC_MAX = Decimal("99999.99")  # what MeasureRecord.value can hold

# The four difficulty subscales sum to the total; prosocial is reported but never added in.
SDQ_SUBSCALES = {
    "emotional": "Emotional symptoms",
    "conduct": "Conduct problems",
    "hyperactivity": "Hyperactivity / inattention",
    "peer": "Peer relationship problems",
    "prosocial": "Prosocial behaviour",
}

# SDQ total difficulties, four-band categorisation (Youthinmind's scoring guidance for 4-17s):
# (highest total in the band, band code). Teacher and parent versions band differently.
SDQ_BAND_LABELS = {
    "CLOSE_TO_AVERAGE": "Close to average",
    "SLIGHTLY_RAISED": "Slightly raised",
    "HIGH": "High",
    "VERY_HIGH": "Very high",
}
SDQ_BAND_RANK = {code: rank for rank, code in enumerate(SDQ_BAND_LABELS)}
SDQ_TEACHER_TOTAL_BANDS = (
    (11, "CLOSE_TO_AVERAGE"),
    (15, "SLIGHTLY_RAISED"),
    (18, "HIGH"),
    (40, "VERY_HIGH"),
)
SDQ_PARENT_TOTAL_BANDS = (
    (13, "CLOSE_TO_AVERAGE"),
    (16, "SLIGHTLY_RAISED"),
    (19, "HIGH"),
    (40, "VERY_HIGH"),
)
# The self-report (11-17) version has its own bands; until someone checks them against the
# published scoring guidance, self-report totals are shown without a band.
SDQ_TOTAL_BANDS: dict[str, tuple[tuple[int, str], ...]] = {
    Informant.TEACHER: SDQ_TEACHER_TOTAL_BANDS,
    Informant.PARENT: SDQ_PARENT_TOTAL_BANDS,
}


def gbo_reliable_change() -> int:
    """Return the change in a goal's rating (0-10) that counts as a reliable change."""
    return int(getattr(settings, "SEND_HUB_GBO_RELIABLE_CHANGE", 3))


def gbo_reliability(change: int | float | None) -> str:
    """Return "improved" or "deteriorated" when ``change`` reaches the threshold, else ""."""
    if change is None:
        return ""
    threshold = gbo_reliable_change()
    if change >= threshold:
        return "improved"
    if change <= -threshold:
        return "deteriorated"
    return ""


def sdq_band(total: int, informant: str) -> str:
    """Return the band code of an SDQ total difficulties score ("" when the version has none)."""
    if not 0 <= total <= 40:
        raise ValueError(f"An SDQ total difficulties score runs from 0 to 40, not {total}.")
    for upper, code in SDQ_TOTAL_BANDS.get(informant, ()):
        if total <= upper:
            return code
    return ""


@dataclass(frozen=True)
class SDQScores:
    """The scored totals of one SDQ: what SEND Hub keeps and reports, never the items."""

    informant: str
    emotional: int
    conduct: int
    hyperactivity: int
    peer: int
    prosocial: int | None = None

    @property
    def total(self) -> int:
        return self.emotional + self.conduct + self.hyperactivity + self.peer

    @property
    def externalising(self) -> int:
        return self.conduct + self.hyperactivity

    @property
    def internalising(self) -> int:
        return self.emotional + self.peer

    @property
    def band(self) -> str:
        return sdq_band(self.total, self.informant)

    @property
    def band_label(self) -> str:
        return SDQ_BAND_LABELS.get(self.band, "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "informant": self.informant,
            "total": self.total,
            "externalising": self.externalising,
            "internalising": self.internalising,
            "prosocial": self.prosocial,
            "band": self.band,
            "band_label": self.band_label,
        }


def sdq_scores(record: MeasureRecord) -> SDQScores | None:
    """Return the scored totals of an SDQ record (None when a difficulty subscale is missing)."""
    emotional, conduct = record.sdq_emotional, record.sdq_conduct
    hyperactivity, peer = record.sdq_hyperactivity, record.sdq_peer
    if emotional is None or conduct is None or hyperactivity is None or peer is None:
        return None
    return SDQScores(
        record.sdq_informant,
        emotional,
        conduct,
        hyperactivity,
        peer,
        prosocial=record.sdq_prosocial,
    )


def measure_version(record: MeasureRecord | None) -> str:
    """Return a short token that changes whenever the record does ("" for no record)."""
    if record is None:
        return ""
    fields = [
        record.pk,
        record.taken_on,
        record.gbo_1,
        record.gbo_2,
        record.gbo_3,
        record.value,
        record.sdq_informant,
        record.sdq_emotional,
        record.sdq_conduct,
        record.sdq_hyperactivity,
        record.sdq_peer,
        record.sdq_prosocial,
        record.recorded_at,
    ]
    return hashlib.sha256(repr(fields).encode()).hexdigest()[:16]


def _describe(record: MeasureRecord) -> str:
    """Return a record's values in words, for telling a second editor what changed."""
    if record.kind == Kind.GBO:
        ratings = [
            f"goal {n}: {getattr(record, f'gbo_{n}')}"
            for n in GOAL_NUMBERS
            if getattr(record, f"gbo_{n}") is not None
        ]
        return ", ".join(ratings)
    if record.kind == Kind.NUMERIC:
        return f"{record.value.normalize():f}" if record.value is not None else ""
    scores = sdq_scores(record)
    return f"total difficulties {scores.total}" if scores else ""


def _day(value: dt.date) -> str:
    return nice_date(value)


@transaction.atomic
def measure_record(
    *,
    enrolment: Enrolment,
    kind: str,
    point: str,
    taken_on: dt.date,
    by: User,
    goals: dict[int, int | None] | None = None,
    value: Decimal | None = None,
    sdq: dict[str, int | None] | None = None,
    informant: str = "",
    seen_version: str | None = None,
) -> MeasureRecord:
    """Record (or correct) one measurement of the enrolled pupil at baseline, mid-point or exit.

    ``seen_version`` is the ``measure_version`` of the record at this point when the person opened
    the form: if someone else saved it since, nothing is overwritten and they are told what changed.
    """
    # One writer per enrolment at a time, so the date-order and version checks hold.
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("intervention__programme", "pupil")
        .get(pk=enrolment.pk)
    )
    intervention = enrolment.intervention
    programme = intervention.programme
    pupil = enrolment.pupil
    if kind not in Kind.values:
        raise ValidationError(f"“{kind}” is not an outcome measure SEND Hub knows.")
    if kind not in programme.measures:
        raise ValidationError(
            f"{programme} does not use “{Kind(kind).label}”. The SENDCo can add it to the "
            "programme's measures first."
        )
    if point not in Point.values:
        raise ValidationError({"point": "Choose baseline, mid-point or exit."})

    existing = {r.point: r for r in MeasureRecord.objects.filter(enrolment=enrolment, kind=kind)}
    current = existing.get(point)
    point_label = Point(point).label.lower()
    if seen_version is not None and measure_version(current) != seen_version:
        if current is None:
            raise ValidationError(
                f"The {point_label} you were correcting has been removed since you opened this "
                "page. Check the values and save again."
            )
        who = getattr(current.recorded_by, "full_name", "") or "Someone else"
        when = nice_datetime(current.recorded_at)
        raise ValidationError(
            f"{who} saved this {point_label} at {when}, since you opened this page "
            f"({_describe(current)}, taken on {_day(current.taken_on)}). Check the values below "
            "and save again to replace it."
        )

    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if taken_on > timezone.localdate():
        refuse("taken_on", f"{_day(taken_on)} is in the future. Enter the date it was taken.")
    baseline = existing.get(Point.BASELINE)
    if point != Point.BASELINE and baseline is None:
        refuse(
            NON_FIELD_ERRORS,
            f"Record {pupil}'s baseline first: a {point_label} without a baseline shows no change.",
        )
    # Baseline, mid-point and exit must run in date order.
    for other_point, other in existing.items():
        if other_point == point:
            continue
        earlier = POINT_ORDER[other_point] < POINT_ORDER[point]
        if earlier and taken_on < other.taken_on:
            refuse(
                "taken_on",
                f"The {point_label} date ({_day(taken_on)}) is before the "
                f"{Point(other_point).label.lower()} ({_day(other.taken_on)}). Check the dates.",
            )
        elif not earlier and taken_on > other.taken_on:
            refuse(
                "taken_on",
                f"The {point_label} date ({_day(taken_on)}) is after the "
                f"{Point(other_point).label.lower()} ({_day(other.taken_on)}). Check the dates.",
            )

    record = current or MeasureRecord(enrolment=enrolment, kind=kind, point=point)
    record.taken_on = taken_on
    if kind == Kind.GBO:
        _check_goals(enrolment, point, goals or {}, baseline, refuse)
        for n in GOAL_NUMBERS:
            setattr(record, f"gbo_{n}", (goals or {}).get(n))
    elif kind == Kind.NUMERIC:
        label = programme.numeric_measure_label or "the score"
        if value is None:
            refuse("value", f"Enter {label}.")
        elif not Decimal(0) <= value <= NUMERIC_MAX:
            refuse("value", f"Enter {label} as a number from 0 to {NUMERIC_MAX:,}.")
        record.value = value
    else:
        _check_sdq(point, sdq or {}, informant, baseline, refuse)
        record.sdq_informant = informant
        for name in SDQ_SUBSCALES:
            setattr(record, f"sdq_{name}", (sdq or {}).get(name))
    if errors:
        raise ValidationError(errors)

    corrected = record.pk is not None
    record.recorded_by = by
    if corrected:
        record.recorded_at = timezone.now()
    record.full_clean()
    record.save()
    log_action(
        record,
        "interventions.measure.corrected" if corrected else "interventions.measure.recorded",
        actor=by,
        school=intervention.school_id,
        data={"enrolment": enrolment.pk, "kind": kind, "point": point},
    )
    if intervention.status == Intervention.Status.COMPLETED:
        # Exit measures often arrive after the block ends: the report must show them.
        request_impact_report(intervention)
    return record


def _check_goals(
    enrolment: Enrolment,
    point: str,
    goals: dict[int, int | None],
    baseline: MeasureRecord | None,
    refuse: Callable[[str, str], None],
) -> None:
    set_goals = set(
        EnrolmentTarget.objects.filter(enrolment=enrolment).values_list("number", flat=True)
    )
    rated = {n: v for n, v in goals.items() if v is not None}
    if not set_goals:
        refuse(
            NON_FIELD_ERRORS,
            f"{enrolment.pupil} has no goals yet. Agree up to three targets with them first: "
            "they are the goals rated here.",
        )
        return
    if not rated:
        refuse(NON_FIELD_ERRORS, "Rate at least one goal from 0 to 10.")
    for n, rating in rated.items():
        field = f"gbo_{n}"
        if n not in GOAL_NUMBERS or n not in set_goals:
            refuse(
                field if n in GOAL_NUMBERS else NON_FIELD_ERRORS,
                f"Goal {n} has not been set for {enrolment.pupil}: add it as target {n} first, "
                "or leave it blank.",
            )
        elif not 0 <= rating <= 10:
            refuse(field, f"Rate goal {n} from 0 to 10.")
        elif point != Point.BASELINE and baseline and getattr(baseline, field) is None:
            refuse(
                field,
                f"Goal {n} has no baseline rating, so a change cannot be shown. Rate it in the "
                "baseline first, or leave it blank here.",
            )


def _informant(code: str) -> str:
    return Informant(code).label.lower() if code in Informant.values else "someone else"


def _check_sdq(
    point: str,
    sdq: dict[str, int | None],
    informant: str,
    baseline: MeasureRecord | None,
    refuse: Callable[[str, str], None],
) -> None:
    if informant not in Informant.values:
        refuse("informant", "Choose who completed the SDQ: teacher, parent or the young person.")
    elif point != Point.BASELINE and baseline and baseline.sdq_informant != informant:
        refuse(
            "informant",
            f"The baseline SDQ was completed by the {_informant(baseline.sdq_informant)}: use the "
            "same version at every point so the scores can be compared.",
        )
    for name, label in SDQ_SUBSCALES.items():
        score = sdq.get(name)
        if score is None:
            refuse(name, f"Enter the {label.lower()} score (0 to 10).")
        elif not 0 <= score <= 10:
            refuse(name, f"The {label.lower()} score runs from 0 to 10, not {score}.")


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def enrolment_measures(
    records: list[MeasureRecord], targets: list[EnrolmentTarget], numeric_label: str = ""
) -> dict[str, Any]:
    """Summarise one enrolment's measures, baseline to exit, as JSON-safe numbers.

    Works from records and targets already fetched, so callers control the queries.
    """
    by_kind: dict[str, dict[str, MeasureRecord]] = {}
    for r in records:
        by_kind.setdefault(r.kind, {})[r.point] = r
    summary: dict[str, Any] = {}

    gbo = by_kind.get(Kind.GBO)
    if gbo:
        texts = {t.number: t.text for t in targets}
        goals = []
        for n in GOAL_NUMBERS:
            ratings = {
                p.lower(): getattr(gbo[p], f"gbo_{n}") if p in gbo else None for p in POINT_ORDER
            }
            if all(v is None for v in ratings.values()) and n not in texts:
                continue
            change = (
                ratings["exit"] - ratings["baseline"]
                if ratings["exit"] is not None and ratings["baseline"] is not None
                else None
            )
            goals.append(
                {"number": n, "text": texts.get(n, ""), **ratings, "change": change}
                | {"reliable": gbo_reliability(change)}
            )
        summary["gbo"] = {"goals": goals, **_gbo_means(goals)}

    numeric = by_kind.get(Kind.NUMERIC)
    if numeric:
        values = {
            p.lower(): _number(numeric[p].value) if p in numeric else None for p in POINT_ORDER
        }
        change = (
            round(values["exit"] - values["baseline"], 2)
            if values["exit"] is not None and values["baseline"] is not None
            else None
        )
        summary["numeric"] = {"label": numeric_label, **values, "change": change}

    sdq = by_kind.get(Kind.SDQ)
    if sdq:
        scored: dict[str, Any] = {}
        for p in POINT_ORDER:
            scores = sdq_scores(sdq[p]) if p in sdq else None
            scored[p.lower()] = scores.as_dict() if scores else None
        base, exit_ = scored["baseline"], scored["exit"]
        change = exit_["total"] - base["total"] if base and exit_ else None
        band_move = ""
        if base and exit_ and base["band"] and exit_["band"]:
            step = SDQ_BAND_RANK[exit_["band"]] - SDQ_BAND_RANK[base["band"]]
            band_move = "lower" if step < 0 else "higher" if step > 0 else "same"
        summary["sdq"] = {**scored, "change": change, "band_move": band_move}
    return summary


def _gbo_means(goals: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the mean goal rating at baseline and exit over goals rated at both."""
    paired = [g for g in goals if g["change"] is not None]
    if not paired:
        return {"mean_baseline": None, "mean_exit": None, "mean_change": None}
    n = len(paired)
    mean_baseline = sum(g["baseline"] for g in paired) / n
    mean_exit = sum(g["exit"] for g in paired) / n
    return {
        "mean_baseline": round(mean_baseline, 2),
        "mean_exit": round(mean_exit, 2),
        "mean_change": round(mean_exit - mean_baseline, 2),
    }


# Reminders and the SENDCo's dashboard look this far back for a missing exit measure.
EXIT_MEASURE_WINDOW_DAYS = 60


class EndedOn(TypedDict):
    """What ``enrolments_missing_exit_measure()`` adds to each enrolment."""

    ended_on: dt.date  # the day the place ended (the filter keeps ended places only)


if TYPE_CHECKING:
    EndedEnrolment: TypeAlias = WithAnnotations[Enrolment, EndedOn]


def enrolments_missing_exit_measure(today: dt.date) -> QuerySet[EndedEnrolment]:
    """Return enrolments that ended in the last 60 days with no exit measure, where the
    programme uses measures. A place ends when the pupil leaves the group or when the whole
    intervention is completed or stopped; ``ended_on`` is annotated."""
    return (
        Enrolment.objects.annotate(ended_on=Coalesce("left_on", "intervention__completed_on"))
        .filter(
            ended_on__gte=today - dt.timedelta(EXIT_MEASURE_WINDOW_DAYS),
            ended_on__lte=today,
        )
        .exclude(intervention__programme__measures=[])
        .exclude(measures__point=MeasureRecord.Point.EXIT)
    )
