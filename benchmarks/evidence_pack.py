"""Time a pupil's evidence pack: a year of records, built and rendered as a PDF.

Run:  uv run --frozen python -m benchmarks.evidence_pack [--weeks N] [--runs N]

Uses the database in DATABASE_URL (default: the demo SQLite file under var/, which must be
migrated). One synthetic pupil gets an academic year of records: an EHCP with four section E
outcomes and four section F lines delivered by three interventions (two slots a week each, every
session logged over the year, some cancelled or missed), a support plan over three cycles with
targets, reviews and voices, outcome measures and an annual review. Everything happens inside one
transaction that is rolled back, and the PDF is built in memory. Target: under 3 seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_hub.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from interventions.evidence.pack import evidence_pack  # noqa: E402
from interventions.evidence.reports import pack_pdf  # noqa: E402
from interventions.models import (  # noqa: E402
    EHCP,
    AnnualReview,
    AnnualReviewProgress,
    EHCPOutcome,
    EHCPProvision,
    Enrolment,
    Intervention,
    MeasureRecord,
    PlanKind,
    PlanReview,
    PlanTarget,
    Programme,
    ScheduleSlot,
    Session,
    SessionAttendance,
    SupportPlan,
)
from pupils.models import Pupil, SENNeed, SENStatus  # noqa: E402
from staff.models import School, Trust, User  # noqa: E402

START = dt.date(2025, 9, 1)  # a Monday
TODAY = dt.date(2026, 7, 20)


class Rollback(Exception):
    pass


def seed(weeks: int, rng: random.Random) -> Pupil:
    """Build one synthetic pupil with ``weeks`` weeks of records."""
    trust = Trust.objects.create(name="Benchmark Trust (synthetic)")
    school = School.objects.create(trust=trust, name="Benchmark School", urn="999993")
    sendco = User.objects.create(email="bench.sendco@school.example", full_name="Bench Sendco")
    lsa = User.objects.create(email="bench.lsa@school.example", full_name="Bench LSA")
    pupil = Pupil.objects.create(
        school=school,
        upn="B999990000001",
        legal_forename="Ada",
        legal_surname="Synthetic",
        date_of_birth=dt.date(2014, 3, 1),
        sex="F",
        nc_year=6,
        admission_date=dt.date(2019, 9, 1),
    )
    status = SENStatus.objects.create(pupil=pupil, provision="E", start_date=dt.date(2024, 1, 8))
    SENNeed.objects.create(status=status, rank=1, need="SLCN")
    SENNeed.objects.create(status=status, rank=2, need="SEMH")
    ehcp = EHCP.objects.create(
        school=school,
        pupil=pupil,
        coordinator=sendco,
        local_authority="Benchshire",
        issued_on=dt.date(2024, 1, 8),
        next_review_due=dt.date(2026, 1, 8),
    )
    outcomes = [
        EHCPOutcome.objects.create(ehcp=ehcp, text=f"Synthetic outcome {n}", area="CI")
        for n in range(4)
    ]
    interventions = []
    for n in range(3):
        programme = Programme.objects.create(
            school=school,
            name=f"Benchmark programme {n}",
            kind=Programme.Kind.SPEECH_LANGUAGE,
            area="CI",
            sessions_per_week=2,
            measures=["GBO", "NUMERIC"],
            numeric_measure_label="Score",
            cost_per_staff_hour=Decimal("16.00"),
        )
        intervention = Intervention.objects.create(
            school=school,
            programme=programme,
            name=f"Benchmark group {n}",
            lead=lsa,
            start_date=START,
            planned_sessions=80,
            status=Intervention.Status.RUNNING,
        )
        slots = [
            ScheduleSlot.objects.create(
                intervention=intervention, weekday=day, start_time=dt.time(9 + n), minutes=45
            )
            for day in (n, n + 2)
        ]
        enrolment = Enrolment.objects.create(
            intervention=intervention, pupil=pupil, joined_on=START
        )
        sessions = []
        for week in range(weeks):
            for slot in slots:
                day = START + dt.timedelta(weeks=week, days=slot.weekday)
                cancelled = rng.random() < 0.1
                sessions.append(
                    Session(
                        intervention=intervention,
                        slot=slot,
                        date=day,
                        status="CANCELLED" if cancelled else "DELIVERED",
                        cancel_reason=rng.choice(["STAFF_ABSENT", "SCHOOL_EVENT"])
                        if cancelled
                        else "",
                        minutes=0 if cancelled else 45,
                        evaluation="Synthetic session note." * 3,
                        logged_by=lsa,
                    )
                )
        made = Session.objects.bulk_create(sessions)
        SessionAttendance.objects.bulk_create(
            SessionAttendance(
                session=s,
                pupil=pupil,
                attendance=rng.choice(["PRESENT"] * 9 + ["ABSENT"]),
            )
            for s in made
            if s.status == "DELIVERED"
        )
        for point, day in (("BASELINE", START), ("MID", dt.date(2026, 1, 12))):
            MeasureRecord.objects.create(
                enrolment=enrolment, kind="GBO", point=point, taken_on=day, gbo_1=3, gbo_2=4
            )
        interventions.append(intervention)
    for n, outcome in enumerate(outcomes):
        line = EHCPProvision.objects.create(
            ehcp=ehcp, outcome=outcome, description=f"Synthetic provision {n}", hours_per_week=1
        )
        line.interventions.add(interventions[n % 3])
    kind = PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0]
    plan = SupportPlan.objects.create(
        school=school,
        pupil=pupil,
        kind=kind,
        owner=sendco,
        status="ACTIVE",
        cycle=3,
        needs_summary="Synthetic summary of needs.",
        pupil_voice="Synthetic pupil voice.",
        parent_voice="Synthetic parent voice.",
    )
    for cycle, held in ((1, dt.date(2025, 12, 10)), (2, dt.date(2026, 4, 1)), (3, None)):
        for n in range(4):
            target = PlanTarget.objects.create(
                plan=plan,
                cycle=cycle,
                wording=f"Synthetic target {cycle}.{n}",
                area="CI",
                outcome="PARTLY" if held else "",
            )
            target.interventions.add(interventions[n % 3])
        if held:
            PlanReview.objects.create(
                plan=plan,
                cycle=cycle,
                held_on=held,
                recorded_by=sendco,
                pupil_view="Synthetic view.",
                parent_view="Synthetic view.",
                decisions="Synthetic decisions.",
            )
    review = AnnualReview.objects.create(
        ehcp=ehcp,
        meeting_on=dt.date(2026, 1, 6),
        child_views="Synthetic child's views.",
        parent_views="Synthetic parents' views.",
        recommendation="MAINTAIN",
    )
    for outcome in outcomes:
        AnnualReviewProgress.objects.create(
            review=review,
            outcome=outcome,
            outcome_text=outcome.text,
            progress="SOME",
            commentary="Synthetic commentary.",
        )
    return pupil


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=42, help="weeks of sessions (default 42)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(18)
    try:
        with transaction.atomic():
            pupil = seed(args.weeks, rng)
            sessions = Session.objects.filter(intervention__enrolments__pupil=pupil).count()
            pack_pdf(evidence_pack(pupil, TODAY), "https://send.example")  # warm-up
            built, rendered = [], []
            for _ in range(args.runs):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    pack = evidence_pack(pupil, TODAY)
                middle = time.perf_counter()
                pdf = pack_pdf(pack, "https://send.example")
                ended = time.perf_counter()
                built.append(middle - started)
                rendered.append(ended - middle)
            total = [b + r for b, r in zip(built, rendered, strict=True)]
            print(
                f"{sessions} sessions, {pack.entries} pack lines, {len(queries)} queries, "
                f"PDF {len(pdf) // 1024} KB"
            )
            print(
                f"median of {args.runs}: build {statistics.median(built):.3f} s, "
                f"PDF {statistics.median(rendered):.3f} s, "
                f"total {statistics.median(total):.3f} s (max {max(total):.3f} s; target < 3 s)"
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
