"""The demo timetable: classes and sets for both demo schools, brought in through the timetable
import as a SENDCo would (a CSV, a dry run, an apply), so the demo exercises the real path.

A primary school has one class per year group, with the demo teacher also taking a small
phonics group; a secondary school sets each year group in English, maths, science and history,
and the demo teacher teaches maths sets in two year groups. Tests and benchmarks borrow
``timetable_csv`` to write synthetic files.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable

from pupils.demo.register import on_sen_register
from pupils.importers.classes import class_import_apply, class_import_create
from pupils.models import Pupil, TeachingClass
from send_hub.lib.csv import SafeWriter
from staff.demo import People, SchoolSpec
from staff.models import School

HEADER = ("Class", "Subject", "Teacher Email", "UPN", "Name")
SECONDARY_SUBJECTS = [("Ma", "Maths"), ("En", "English"), ("Sc", "Science"), ("Hi", "History")]
SETS_PER_SUBJECT = 4
YEAR_LABEL = {0: "R", **{n: str(n) for n in range(1, 15)}}


def timetable_csv(rows: Iterable[tuple[str, str, str, str, str]]) -> bytes:
    """Return a timetable CSV (class, subject, teacher e-mail, UPN, name) as the SIMS mapping
    reads it."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def _primary(
    pupils: list[Pupil], people: People, sen: set[int]
) -> list[tuple[str, str, str, str, str]]:
    rows = []
    years = sorted({p.nc_year for p in pupils if p.nc_year is not None})
    others = [t for t in people.teachers if t != people.by_key["teacher"]]
    # The demo teacher has the Year 4 class (or the middle year), as a class teacher would.
    mine = 4 if 4 in years else years[len(years) // 2]
    teachers = {y: others[i % len(others)] for i, y in enumerate(y for y in years if y != mine)}
    teachers[mine] = people.by_key["teacher"]
    for p in pupils:
        if p.nc_year is None:
            continue
        code = f"{YEAR_LABEL[p.nc_year]}{'B' if p.nc_year > 0 else ''}"
        rows.append((f"Class {code}", "", teachers[p.nc_year].email, p.upn, p.display_name))
    # A small phonics group for the teacher: the SEN pupils of the year below theirs.
    below = [p for p in pupils if p.nc_year == mine - 1]
    for p in [p for p in below if p.pk in sen][:6] or below[:6]:
        rows.append(("Phonics 3", "Phonics", people.by_key["teacher"].email, p.upn, p.display_name))
    return rows


def _secondary(
    pupils: list[Pupil], people: People, sen: set[int]
) -> list[tuple[str, str, str, str, str]]:
    rows = []
    me = people.by_key["teacher"]
    others = [t for t in people.teachers if t != me]
    by_year: dict[int, list[Pupil]] = {}
    for p in pupils:
        if p.nc_year is not None:
            by_year.setdefault(p.nc_year, []).append(p)
    n = 0
    for year, in_year in sorted(by_year.items()):
        for prefix, subject in SECONDARY_SUBJECTS:
            for s in range(1, SETS_PER_SUBJECT + 1):
                code = f"{year}{prefix}{s}"
                # The demo teacher teaches maths sets 2 and 3 in Years 8 and 9.
                if prefix == "Ma" and year in (8, 9) and s in (2, 3):
                    teacher = me
                else:
                    teacher = others[n % len(others)]
                    n += 1
                for p in in_year[s - 1 :: SETS_PER_SUBJECT]:
                    rows.append((code, subject, teacher.email, p.upn, p.display_name))
    return rows


def seed_classes(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Import (once) the school's timetable of classes through the timetable import."""
    if spec.slug not in {"brookfield", "hillcrest"} or not people.teachers:
        return
    if TeachingClass.objects.filter(school=school).exists():
        return
    pupils = list(Pupil.objects.filter(school=school).on_roll().order_by("pk"))
    build = _primary if spec.phase == "PRIMARY" else _secondary
    sen = set(on_sen_register(school).values_list("pk", flat=True))
    content = timetable_csv(build(pupils, people, sen))
    batch = class_import_create(
        school=school,
        original_name="timetable.csv",
        content=content,
        by=people.by_key["sendco"],
        columns={"code": "Class", "subject": "Subject", "teacher": "Teacher Email", "upn": "UPN"},
        source="SIMS",
    )
    class_import_apply(batch=batch, by=people.by_key["sendco"])
