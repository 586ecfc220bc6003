"""The demo's pupils: a register in the national mix, caseloads and each SEN pupil's records.

seed_demo calls ``seed_school`` once per school; tests and benchmarks borrow ``make_upn``, and
the other apps' demos ``on_sen_register``.
"""

from __future__ import annotations

import random

from pupils.demo.classes import seed_classes, timetable_csv
from pupils.demo.records import seed_records
from pupils.demo.register import make_upn, on_sen_register, seed_register
from pupils.models import Pupil
from staff.demo import People, SchoolSpec
from staff.models import School

__all__ = ["make_upn", "on_sen_register", "seed_school", "timetable_csv"]


def seed_school(*, school: School, spec: SchoolSpec, people: People, rng: random.Random) -> None:
    """Create the school's register once, then its pupils' records once."""
    if not Pupil.objects.filter(school=school).exists():
        seed_register(school=school, spec=spec, people=people, rng=rng)
    seed_records(school=school, spec=spec, people=people, rng=rng)
    seed_classes(school=school, spec=spec, people=people, rng=rng)
