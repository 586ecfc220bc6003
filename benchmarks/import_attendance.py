"""Time the attendance import: a half term of marks for 1,000 synthetic pupils (~60,000 rows).

Run:  uv run --frozen python -m benchmarks.import_attendance [--pupils N] [--weeks N]

Uses the database in DATABASE_URL (default: the demo SQLite file under var/, which must be
migrated). Everything happens inside one transaction that is rolled back at the end, so the
throwaway school, its pupils, marks, batches and audit events leave nothing behind.
Target: the whole half term (upload and dry run, then apply) under 30 seconds on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_hub.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from interventions.attendance.importer import (  # noqa: E402
    DEFAULT_COLUMNS,
    import_apply,
    import_create,
    plan_marks,
)
from interventions.attendance.models import AttendanceMark  # noqa: E402
from pupils.demo import make_upn  # noqa: E402
from pupils.models import Pupil  # noqa: E402
from staff.models import School, Trust  # noqa: E402

FIRST_MONDAY = dt.date(2025, 11, 3)


class Rollback(Exception):
    pass


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def as_csv(upns: list[str], days: list[dt.date]) -> bytes:
    """One row per session, as SIMS exports them; every 13th pupil ill on Mondays."""
    rows = ["UPN,Date,Session,Mark"]
    for i, upn in enumerate(upns):
        for day in days:
            ill = i % 13 == 0 and day.weekday() == 0
            rows.append(f"{upn},{day:%d/%m/%Y},AM,{'I' if ill else '/'}")
            rows.append(f"{upn},{day:%d/%m/%Y},PM,{'I' if ill else chr(92)}")
    return ("\r\n".join(rows) + "\r\n").encode()


def run(label: str, school: School, content: bytes) -> None:
    columns = DEFAULT_COLUMNS["SIMS"]
    upload_s, batch = timed(
        lambda: import_create(
            school=school, original_name="marks.csv", content=content, by=None, columns=columns
        )
    )
    dry_s, plan = timed(lambda: plan_marks(school=school, content=content, columns=columns))
    if not plan.ok:
        raise SystemExit(f"{label}: the synthetic file has errors: {plan.error_rows[:3]}")
    apply_s, counts = timed(lambda: import_apply(batch=batch, by=None))
    print(
        f"{label:<40} {len(plan.rows):>6} rows {len(content) / 1024:6.0f} KB  "
        f"upload+dry run {upload_s:6.2f}s  dry run {dry_s:6.2f}s  apply {apply_s:6.2f}s  "
        f"total {upload_s + apply_s:6.2f}s  (new {counts['created']}, changed "
        f"{counts['changed']}, unchanged {counts['unchanged']}, removed {counts['removed']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=6)
    args = parser.parse_args()
    if "interventions_attendancemark" not in connection.introspection.table_names():
        raise SystemExit("Migrate the database first: uv run --frozen python manage.py migrate")
    upns = [make_upn("850", "9992", 20 + i // 999, i % 999 + 1) for i in range(args.pupils)]
    days = [
        FIRST_MONDAY + dt.timedelta(days=7 * w + d) for w in range(args.weeks) for d in range(5)
    ]
    print(
        f"Importing {args.weeks} weeks of attendance for {args.pupils} synthetic pupils "
        f"({connection.vendor}, {os.cpu_count()} CPUs)"
    )
    try:
        with transaction.atomic():
            trust = Trust.objects.create(name="Benchmark trust (throwaway)")
            school = School.objects.create(
                trust=trust, name="Benchmark attendance", urn="9999903", la_code="850", estab="9992"
            )
            Pupil.objects.bulk_create(
                Pupil(
                    school=school,
                    upn=upn,
                    legal_forename="Synthetic",
                    legal_surname=f"Pupil{i:04d}",
                    date_of_birth=dt.date(2012, 1 + i % 12, 1 + i % 28),
                    sex="MF"[i % 2],
                    nc_year=7 + i % 5,
                )
                for i, upn in enumerate(upns)
            )
            run("A half term into an empty school", school, as_csv(upns, days))
            run("The last week again (no change)", school, as_csv(upns, days[-5:]))
            # every 13th pupil's Monday illness was, it turns out, a medical appointment
            week = as_csv(upns, days[-5:]).replace(b",I\r\n", b",M\r\n")
            run("The last week corrected", school, week)
            total = AttendanceMark.objects.filter(school=school).count()
            print(f"Marks held: {total} (rolled back)")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
