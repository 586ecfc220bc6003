"""Time the impact report: figures and PDF for a group of 8 pupils over 30 sessions.

Run:  uv run --frozen python -m benchmarks.impact_pdf [--pupils N] [--sessions N] [--runs N]

Uses the database in DATABASE_URL (default: the demo SQLite file under var/, which must be
migrated). Everything happens inside one transaction that is rolled back at the end, and the PDF
is built in memory, so nothing is left behind. Target: figures + PDF under 2 seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
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
from django.utils import timezone  # noqa: E402

from interventions.models import (  # noqa: E402
    Enrolment,
    EnrolmentTarget,
    Intervention,
    MeasureRecord,
    Programme,
    Session,
    SessionAttendance,
)
from interventions.outcomes.impact import impact_figures  # noqa: E402
from interventions.outcomes.reports import render_impact_pdf  # noqa: E402
from pupils.models import Pupil  # noqa: E402
from staff.models import School, Trust, User  # noqa: E402

START = dt.date(2025, 9, 8)


class Rollback(Exception):
    pass


def seed(pupils: int, sessions: int, rng: random.Random) -> Intervention:
    """Build one synthetic intervention with attendance, comments and GBO/numeric/SDQ measures."""
    trust = Trust.objects.create(name="Benchmark Trust (synthetic)")
    school = School.objects.create(trust=trust, name="Benchmark School", urn="999991")
    lead = User.objects.create(email="bench.lead@school.example", full_name="Bench Lead")
    assistant = User.objects.create(email="bench.lsa@school.example", full_name="Bench LSA")
    programme = Programme.objects.create(
        school=school,
        name="Benchmark booster",
        kind=Programme.Kind.LITERACY,
        area="CL",
        measures=["GBO", "NUMERIC", "SDQ"],
        numeric_measure_label="Reading age (months)",
        cost_per_staff_hour=Decimal("16.50"),
    )
    intervention = Intervention.objects.create(
        school=school,
        programme=programme,
        name="Year 5 reading booster (benchmark)",
        lead=lead,
        start_date=START,
        planned_sessions=sessions,
        status=Intervention.Status.COMPLETED,
        fixed_costs=Decimal("60.00"),
    )
    intervention.assistants.add(assistant)
    kids = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=f"B99999{i:07d}",
            legal_forename=rng.choice(["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay"]),
            legal_surname=f"Synthetic{i:02d}",
            date_of_birth=dt.date(2015, 1 + i % 12, 1 + i),
            sex=rng.choice("MF"),
            nc_year=5,
            admission_date=dt.date(2021, 9, 1),
        )
        for i in range(pupils)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(intervention=intervention, pupil=p, joined_on=START) for p in kids
    )
    EnrolmentTarget.objects.bulk_create(
        EnrolmentTarget(enrolment=e, number=n, text=f"Synthetic goal {n}")
        for e in enrolments
        for n in (1, 2, 3)
    )
    made = Session.objects.bulk_create(
        Session(
            intervention=intervention,
            date=START + dt.timedelta(days=i * 2),
            status=Session.Status.DELIVERED,
            minutes=rng.choice([25, 30, 35]),
            evaluation=f"Session {i + 1}: the group worked well on synthetic phonics. " * 3,
            logged_by=lead,
        )
        for i in range(sessions)
    )
    marks = ["PRESENT"] * 8 + ["LATE", "ABSENT"]
    attendance = []
    for s in made:
        for p in kids:
            mark = rng.choice(marks)
            engagement = rng.randint(2, 5) if mark != "ABSENT" else None
            attendance.append(
                SessionAttendance(session=s, pupil=p, attendance=mark, engagement=engagement)
            )
    SessionAttendance.objects.bulk_create(attendance)
    exit_day = START + dt.timedelta(days=sessions * 2 + 1)
    records = []
    for e in enrolments:
        gbo = [rng.randint(1, 5) for _ in range(3)]
        sdq = [rng.randint(2, 7) for _ in range(5)]
        age = rng.randint(70, 100)
        for point, day, lift in (("BASELINE", START, 0), ("EXIT", exit_day, 1)):
            records += [
                MeasureRecord(
                    enrolment=e,
                    kind="GBO",
                    point=point,
                    taken_on=day,
                    gbo_1=min(10, gbo[0] + lift * rng.randint(0, 5)),
                    gbo_2=min(10, gbo[1] + lift * rng.randint(0, 4)),
                    gbo_3=min(10, gbo[2] + lift * rng.randint(0, 3)),
                ),
                MeasureRecord(
                    enrolment=e, kind="NUMERIC", point=point, taken_on=day, value=age + lift * 7
                ),
                MeasureRecord(
                    enrolment=e,
                    kind="SDQ",
                    point=point,
                    taken_on=day,
                    sdq_informant="TEACHER",
                    sdq_emotional=max(0, sdq[0] - lift),
                    sdq_conduct=max(0, sdq[1] - lift),
                    sdq_hyperactivity=max(0, sdq[2] - lift),
                    sdq_peer=sdq[3],
                    sdq_prosocial=sdq[4],
                ),
            ]
    MeasureRecord.objects.bulk_create(records)
    return intervention


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=8)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its per-step INFO lines
    # WeasyPrint's first import and font set-up happen once per worker process: time it apart.
    started = time.perf_counter()
    import weasyprint  # noqa: F401

    import_s = time.perf_counter() - started
    try:
        with transaction.atomic():
            intervention = seed(args.pupils, args.sessions, rng)
            figure_times, pdf_times, sizes = [], [], []
            for _ in range(args.runs):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    figures = impact_figures(intervention)
                figure_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                pdf = render_impact_pdf(figures, built_at=timezone.now())
                pdf_times.append(time.perf_counter() - started)
                sizes.append(len(pdf))
            raise Rollback
    except Rollback:
        pass
    total = [f + p for f, p in zip(figure_times, pdf_times, strict=True)]
    print(
        f"{args.pupils} pupils, {args.sessions} sessions, {args.runs} runs "
        f"({connection.vendor}); WeasyPrint import {import_s:.2f}s (once per process)"
    )
    print(
        f"figures  median {statistics.median(figure_times) * 1000:7.1f} ms  "
        f"({len(queries)} queries)"
    )
    print(
        f"PDF      median {statistics.median(pdf_times) * 1000:7.1f} ms  "
        f"first {pdf_times[0] * 1000:.1f} ms  ({sizes[-1] / 1024:.0f} KB)"
    )
    print(
        f"total    median {statistics.median(total) * 1000:7.1f} ms  "
        f"worst {max(total) * 1000:.1f} ms  (target < 2000 ms)"
    )
    c, d = figures["cost"], figures["dosage"]
    print(
        f"figures: {d['delivered']}/{d['planned']} sessions, {d['minutes']} min, "
        f"attendance {figures['attendance']['pct']}%, cost £{c['total']} (£{c['per_pupil']} "
        f"a pupil), GBO mean change {figures['group']['gbo']['mean_change']}, "
        f"reliable {figures['group']['gbo']['goals_reliably_improved_pct']}% of goals"
    )


if __name__ == "__main__":
    main()
