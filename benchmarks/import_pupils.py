"""Time the pupil import: 1,000 synthetic pupils as a MIS CSV and as a CTF, dry run and apply.

Run:  uv run --frozen python -m benchmarks.import_pupils [--pupils N]

Uses the database in DATABASE_URL (default: the demo SQLite file under var/, which must be
migrated). Everything happens inside one transaction that is rolled back at the end, so the
throwaway school, its pupils, batches and audit events leave nothing behind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_hub.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from pupils.demo import make_upn  # noqa: E402
from pupils.importers import batch_apply, batch_create, parse_batch, plan_import  # noqa: E402
from pupils.importers.mis_csv import DEFAULT_COLUMNS  # noqa: E402
from pupils.models import Pupil  # noqa: E402
from staff.models import School, Trust  # noqa: E402

SIMS_HEADER = (
    "UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Gender,Year,Reg,"
    "SEN Status,Primary Need,Secondary Need,SEN Start Date"
)


class Rollback(Exception):
    pass


def synthetic(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """Return ``n`` fake pupils (no real names) with a census-like SEN mix and some history."""
    rng = random.Random(seed)
    pupils = []
    for i in range(n):
        year = 7 + i % 5
        roll = rng.random()
        provision = "E" if roll < 0.053 else "K" if roll < 0.195 else "N"
        need = rng.choice(["SLCN", "SEMH", "MLD", "SPLD", "ASD"]) if provision != "N" else ""
        pupils.append(
            {
                "upn": make_upn("850", "9990", 20 + i // 999, i % 999 + 1),
                "surname": f"Synthetic{i:04d}",
                "forename": rng.choice(["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay"]),
                "dob": dt.date(2013 - (year - 7), 1 + i % 12, 1 + i % 28),
                "sex": rng.choice("MF"),
                "year": year,
                "provision": provision,
                "need": need,
                "start": dt.date(2024, 9, 2),
                "earlier": provision == "E",  # EHCP pupils had SEN support first
            }
        )
    return pupils


def as_csv(pupils: list[dict[str, Any]]) -> bytes:
    rows = [SIMS_HEADER]
    for p in pupils:
        rows.append(
            f"{p['upn']},{p['surname']},{p['forename']},,{p['dob']:%d/%m/%Y},{p['sex']},"
            f"Year {p['year']},{p['year']}A,{p['provision']},{p['need']},,"
            f"{p['start']:%d/%m/%Y}"
        )
    return ("\r\n".join(rows) + "\r\n").encode()


def as_ctf(pupils: list[dict[str, Any]]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- SYNTHETIC benchmark data -->\n<CTfile>'
        "<Header><CTFversion>25.0</CTFversion><SourceSchool><LEA>850</LEA><Estab>9990</Estab>"
        "<URN>999990</URN><SchoolName>Synthetic Feeder</SchoolName></SourceSchool></Header>"
        "<CTFpupilData>"
    ]
    for p in pupils:
        sen = ""
        if p["provision"] != "N":
            earlier = "<SEN><StartDate>2021-09-01</StartDate><SENprovision>K</SENprovision></SEN>"
            sen = (
                f"<SENhistory>{earlier if p['earlier'] else ''}<SEN><StartDate>"
                f"{p['start']:%Y-%m-%d}</StartDate><SENprovision>{p['provision']}</SENprovision>"
                f"</SEN><SENneeds><SENneed><SENtypeRank>1</SENtypeRank><SENtype>{p['need']}"
                "</SENtype></SENneed></SENneeds></SENhistory>"
            )
        parts.append(
            f"<Pupil><UPN>{p['upn']}</UPN><Surname>{p['surname']}</Surname>"
            f"<Forename>{p['forename']}</Forename><DOB>{p['dob']:%Y-%m-%d}</DOB>"
            f"<Sex>{p['sex']}</Sex><BasicDetails><NCyearActual>{p['year']}</NCyearActual>"
            f"</BasicDetails>{sen}</Pupil>"
        )
    parts.append("</CTFpupilData></CTfile>")
    return "".join(parts).encode()


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run(label: str, school: School, kind: str, content: bytes) -> None:
    columns = DEFAULT_COLUMNS["SIMS"] if kind == "CSV" else None
    upload_s, batch = timed(
        lambda: batch_create(
            school=school,
            kind=kind,
            original_name=f"benchmark.{kind.lower()}",
            content=content,
            by=None,
            columns=columns,
            source="SIMS" if columns else "",
        )
    )
    dry_s, plan = timed(lambda: plan_import(school=school, parsed=parse_batch(batch)))
    if not plan.ok:
        raise SystemExit(f"{label}: the synthetic file has errors: {plan.refusal()}")
    apply_s, counts = timed(lambda: batch_apply(batch=batch, by=None))
    print(
        f"{label:<34} {len(content) / 1024:7.0f} KB  upload+dry run {upload_s:6.2f}s  "
        f"dry run {dry_s:6.2f}s  apply {apply_s:6.2f}s  "
        f"(new {counts['created']}, updated {counts['updated']}, "
        f"unchanged {counts['unchanged']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=1000)
    args = parser.parse_args()
    if "pupils_pupil" not in connection.introspection.table_names():
        raise SystemExit("Migrate the database first: uv run --frozen python manage.py migrate")
    pupils = synthetic(args.pupils)
    csv_bytes, ctf_bytes = as_csv(pupils), as_ctf(pupils)
    vendor = connection.vendor
    print(f"Importing {args.pupils} synthetic pupils ({vendor}, {os.cpu_count()} CPUs)")
    try:
        with transaction.atomic():
            trust = Trust.objects.create(name="Benchmark trust (throwaway)")
            csv_school = School.objects.create(
                trust=trust, name="Benchmark CSV", urn="9999901", la_code="850", estab="9990"
            )
            ctf_school = School.objects.create(
                trust=trust, name="Benchmark CTF", urn="9999902", la_code="850", estab="9991"
            )
            run("CSV (SIMS) into an empty school", csv_school, "CSV", csv_bytes)
            run("CTF into an empty school", ctf_school, "CTF", ctf_bytes)
            # Re-import with changes: every 3rd pupil changes year, every 7th a later status.
            for i, p in enumerate(pupils):
                if i % 3 == 0:
                    p["year"] = min(p["year"] + 1, 14)
                if i % 7 == 0:
                    p["provision"], p["need"] = "K", "SEMH"
                    p["start"] = dt.date(2025, 1, 6)
                    p["earlier"] = False
            run("CTF again, with changes", ctf_school, "CTF", as_ctf(pupils))
            run("CSV again, with changes", csv_school, "CSV", as_csv(pupils))
            total = Pupil.objects.filter(school__in=[csv_school, ctf_school]).count()
            print(f"Pupils created: {total} (rolled back)")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
