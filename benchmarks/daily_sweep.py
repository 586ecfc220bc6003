"""Time the whole daily reminder run over every school in the database, as the beat does it.

Run on the 12-school demo trust (about 15,000 pupils and a year of sessions):

    uv run --frozen python manage.py seed_demo --schools 12      # once, into DATABASE_URL
    uv run --frozen python -m benchmarks.daily_sweep [--runs N] [--on YYYY-MM-DD]

Each run sweeps every school in turn (the beat task's fan-out, run in this process), then sends
the day's digests, then rolls everything back, so runs are alike and nothing is kept. Prints the
time per run, the reminders created, the digests sent and the queries. Target: under 10 seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_hub.settings")
django.setup()

from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.queries import QueryCounter  # noqa: E402
from interventions.models import Notification, ReminderSent  # noqa: E402
from interventions.reminders.services import reminders_digest, reminders_sweep_school  # noqa: E402
from pupils.models import Pupil  # noqa: E402
from staff.models import School  # noqa: E402


class Rollback(Exception):
    pass


def one_run(today: dt.date) -> tuple[float, int, int, int]:
    """Sweep every school and send digests; return seconds, reminders, digests, queries."""
    mail.outbox = []
    try:
        with transaction.atomic():
            # As if nothing had been sent yet (the demo's own sweep may have run today).
            ReminderSent.objects.all().delete()
            Notification.objects.all().delete()
            counter = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                created = sum(
                    reminders_sweep_school(school_id=pk, today=today)
                    for pk in School.objects.order_by("pk").values_list("pk", flat=True)
                )
                digests = reminders_digest(today=today)
            took = time.perf_counter() - started
            queries = counter.count
            raise Rollback
    except Rollback:
        pass
    return took, created, digests, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--on", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args()
    # Digests go to the in-memory outbox, never out of this machine.
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = args.on or timezone.localdate()
    schools = School.objects.count()
    pupils = Pupil.objects.count()
    print(f"{connection.vendor}: {schools} schools, {pupils} pupils, sweeping as of {today}")
    times = []
    for n in range(1, args.runs + 1):
        took, created, digests, queries = one_run(today)
        times.append(took)
        print(f"run {n}: {took:.2f} s, {created} reminders, {digests} digests, {queries} queries")
    print(f"median {statistics.median(times):.2f} s over {len(times)} runs")


if __name__ == "__main__":
    main()
