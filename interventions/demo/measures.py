"""The demo's outcome measures: baseline and exit scores for every pupil in a finished block."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from interventions.delivery.models import Enrolment, Programme
from interventions.outcomes.models import MeasureRecord


def exit_missing(enrolments: list[Enrolment], start: dt.date) -> list[MeasureRecord]:
    """Return baselines only: a recently finished block still waiting for its exit measures."""
    return [
        MeasureRecord(enrolment=e, kind="GBO", point="BASELINE", taken_on=start, gbo_1=3, gbo_2=4)
        for e in enrolments
    ]


def measured(
    enrolments: list[Enrolment],
    programme: Programme,
    *,
    start: dt.date,
    end: dt.date,
    rng: random.Random,
) -> list[MeasureRecord]:
    """Return each pupil's baseline and exit measures of the kinds the programme uses."""
    measures = []
    for e in enrolments:
        base = rng.randint(2, 5)
        measures.append(
            MeasureRecord(
                enrolment=e,
                kind="GBO",
                point="BASELINE",
                taken_on=start,
                gbo_1=base,
                gbo_2=base + 1,
            )
        )
        measures.append(
            MeasureRecord(
                enrolment=e,
                kind="GBO",
                point="EXIT",
                taken_on=end,
                gbo_1=min(10, base + rng.randint(0, 5)),
                gbo_2=min(10, base + rng.randint(0, 4)),
            )
        )
        if "SDQ" in programme.measures:
            measures += _sdq(e, start=start, end=end, rng=rng)
        if "NUMERIC" in programme.measures:
            measures += _numeric(e, programme, start=start, end=end, rng=rng)
    return measures


def _sdq(e: Enrolment, *, start: dt.date, end: dt.date, rng: random.Random) -> list[MeasureRecord]:
    """Return a teacher's SDQ at the start and a better one at the end."""
    scores = [
        rng.randint(3, 7),
        rng.randint(2, 6),
        rng.randint(4, 8),
        rng.randint(2, 5),
    ]
    return [
        MeasureRecord(
            enrolment=e,
            kind="SDQ",
            point="BASELINE",
            taken_on=start,
            sdq_informant="TEACHER",
            sdq_emotional=scores[0],
            sdq_conduct=scores[1],
            sdq_hyperactivity=scores[2],
            sdq_peer=scores[3],
            sdq_prosocial=rng.randint(4, 8),
        ),
        MeasureRecord(
            enrolment=e,
            kind="SDQ",
            point="EXIT",
            taken_on=end,
            sdq_informant="TEACHER",
            sdq_emotional=max(0, scores[0] - rng.randint(0, 3)),
            sdq_conduct=max(0, scores[1] - rng.randint(0, 2)),
            sdq_hyperactivity=max(0, scores[2] - rng.randint(0, 2)),
            sdq_peer=max(0, scores[3] - rng.randint(0, 2)),
            sdq_prosocial=rng.randint(5, 9),
        ),
    ]


def _numeric(
    e: Enrolment, programme: Programme, *, start: dt.date, end: dt.date, rng: random.Random
) -> list[MeasureRecord]:
    """Return a reading or spelling age in months, or a score out of 40, before and after."""
    out_of_40 = "out of 40" in programme.numeric_measure_label
    value = Decimal(rng.randint(12, 28) if out_of_40 else rng.randint(60, 110))
    return [
        MeasureRecord(enrolment=e, kind="NUMERIC", point="BASELINE", taken_on=start, value=value),
        MeasureRecord(
            enrolment=e,
            kind="NUMERIC",
            point="EXIT",
            taken_on=end,
            value=value + rng.randint(0, 10),
        ),
    ]
