"""Time the timetable import: 40 classes of 30 drawn from 1,000 synthetic pupils, dry run, apply
and re-import (which changes nothing).

Run:  uv run --frozen python -m benchmarks.import_classes [--classes N] [--pupils N]

Uses the database in DATABASE_URL (default: the demo SQLite file under var/, which must be
migrated). Everything happens inside one transaction that is rolled back at the end, so the
throwaway school, its pupils, staff, classes and audit events leave nothing behind.
Target (issue #15): the whole import under 15 seconds.
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

from pupils.demo import make_upn, timetable_csv  # noqa: E402
from pupils.importers.classes import (  # noqa: E402
    class_import_apply,
    class_import_create,
    plan_classes,
)
from pupils.models import Pupil  # noqa: E402
from staff.models import Role, School, Trust, User  # noqa: E402
from staff.services import membership_grant  # noqa: E402

COLUMNS = {"code": "Class", "subject": "Subject", "teacher": "Teacher Email", "upn": "UPN"}


class Rollback(Exception):
    pass


def run(n_classes: int, n_pupils: int, size: int = 30) -> None:
    trust = Trust.objects.create(name="Timetable benchmark trust")
    school = School.objects.create(
        trust=trust,
        name="Benchmark school",
        urn="999991",
        la_code="850",
        estab="9991",
        phase="SECONDARY",
    )
    teachers = []
    for i in range(max(1, n_classes // 4)):
        user = User.objects.create_user(f"bench-teacher-{i}@bench.example", full_name=f"T {i}")
        membership_grant(user=user, school=school, roles=[Role.TEACHER])
        teachers.append(user)
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=make_upn("850", "9991", 40 + i // 999, i % 999 + 1),
            legal_forename="Syn",
            legal_surname=f"Bench{i:04d}",
            date_of_birth=dt.date(2012, 1, 1),
            sex="M",
            nc_year=7 + i % 5,
        )
        for i in range(n_pupils)
    )
    rows = []
    for c in range(n_classes):
        for j in range(size):
            p = pupils[(c * 25 + j) % n_pupils]
            rows.append((f"B{c:02d}", "Maths", teachers[c % len(teachers)].email, p.upn, ""))
    content = timetable_csv(rows)
    print(f"{n_classes} classes, {len(rows)} rows, {n_pupils} pupils on {connection.vendor}")

    t0 = time.perf_counter()
    plan = plan_classes(school=school, content=content, columns=COLUMNS)
    t1 = time.perf_counter()
    assert plan.ok, plan.file_errors or plan.error_rows[:3]
    batch = class_import_create(
        school=school, original_name="b.csv", content=content, by=None, columns=COLUMNS
    )
    counts = class_import_apply(batch=batch, by=None)
    t2 = time.perf_counter()
    again = class_import_create(
        school=school, original_name="b.csv", content=content, by=None, columns=COLUMNS
    )
    repeat = class_import_apply(batch=again, by=None)
    t3 = time.perf_counter()
    assert repeat["joining"] == repeat["leaving"] == 0
    print(f"dry run            {t1 - t0:6.2f} s")
    print(f"upload + apply     {t2 - t1:6.2f} s  ({counts['joining']} places)")
    print(f"re-import (no-op)  {t3 - t2:6.2f} s")
    print(f"total              {t3 - t0:6.2f} s  (target: under 15 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--classes", type=int, default=40)
    parser.add_argument("--pupils", type=int, default=1000)
    args = parser.parse_args()
    try:
        with transaction.atomic():
            run(args.classes, args.pupils)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
