"""Time one school's reminder sweep: many pupils, few due items; cost should follow the due items.

Run:  uv run --frozen python -m benchmarks.reminder_sweep [--pupils N] [--due N]

Uses the database in DATABASE_URL (default: the demo SQLite file under var/, which must be
migrated). Everything happens inside one transaction that is rolled back, so nothing is kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_hub.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from interventions.models import PlanKind, SupportPlan  # noqa: E402
from interventions.reminders.services import reminders_sweep_school  # noqa: E402
from pupils.models import Pupil  # noqa: E402
from staff.models import School, Trust, User  # noqa: E402

TODAY = dt.date(2026, 5, 20)


class Rollback(Exception):
    pass


def _timed(school_id: int) -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        new = reminders_sweep_school(school_id=school_id, today=TODAY)
        took = time.perf_counter() - started
    return took, len(ctx.captured_queries), new


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--due", type=int, default=50)
    args = parser.parse_args()
    try:
        with transaction.atomic():
            trust = Trust.objects.create(name="Benchmark Trust (synthetic)")
            school = School.objects.create(trust=trust, name="Benchmark School", urn="999992")
            sendco = User.objects.create(email="bench.sendco@school.example", full_name="Bench")
            pupils = Pupil.objects.bulk_create(
                Pupil(
                    school=school,
                    upn=f"B99998{i:07d}",
                    legal_forename="Synthetic",
                    legal_surname=f"Pupil{i:05d}",
                    date_of_birth=dt.date(2015, 1 + i % 12, 1 + i % 28),
                    sex="MF"[i % 2],
                    nc_year=5,
                )
                for i in range(args.pupils)
            )
            kind, _ = PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})
            # Every pupil has a plan reviewed well after the horizon: nothing due.
            SupportPlan.objects.bulk_create(
                SupportPlan(
                    school=school,
                    pupil=p,
                    kind=kind,
                    owner=sendco,
                    status="ACTIVE",
                    next_review_on=TODAY + dt.timedelta(days=60),
                )
                for p in pupils
            )
            took, queries, new = _timed(school.pk)
            print(f"{args.pupils} pupils, nothing due: {took * 1000:.0f} ms, {queries} queries")
            SupportPlan.objects.filter(
                pk__in=[p.pk for p in SupportPlan.objects.filter(school=school)[: args.due]]
            ).update(next_review_on=TODAY)
            took, queries, new = _timed(school.pk)
            print(f"{args.due} due: {took * 1000:.0f} ms, {queries} queries, {new} sent")
            took, queries, new = _timed(school.pk)
            print(f"run again: {took * 1000:.0f} ms, {queries} queries, {new} sent")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
