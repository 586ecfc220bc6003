"""The demo staff of one school: a person in every role, the LSA team and the teachers."""

from __future__ import annotations

import random

from faker import Faker

from staff.demo.role_profiles import attach_profiles
from staff.demo.training import ensure_training
from staff.demo.trust import DEMO_DOMAIN, PERSONAS, People, SchoolSpec, demo_user
from staff.models import Role, School, TrainingRecord
from staff.services import membership_grant

# Leaders the organisation chart needs beyond the personas: (key, roles, job title, secondary
# only). A Faker of their own keeps everyone else's demo names unchanged.
LEADERS = [
    ("assistanthead", [Role.HEAD], "Assistant headteacher (inclusion)", False),
    ("connect", [Role.INCLUSION_LEADER], "Connect manager", True),
    ("behaviourlead", [Role.BEHAVIOUR_SUPPORT], "Lead behaviour manager", True),
]


def ensure_people(school: School, spec: SchoolSpec, rng: random.Random) -> People:
    """Create (once) the school's staff in every role, with stable invented names."""
    fake = Faker("en_GB")
    fake.seed_instance(rng.randint(0, 10**9))
    people = People()
    for key, roles, title, _printed in PERSONAS:
        if key in {"inclusion", "behaviour"} and spec.phase != "SECONDARY":
            continue
        user = demo_user(f"{key}@{spec.slug}.{DEMO_DOMAIN}", fake.name(), title)
        membership_grant(user=user, school=school, roles=roles, job_title=title)
        people.by_key[key] = user
    n_lsas = 4 if spec.phase == "PRIMARY" else 8
    people.lsas.append(people.by_key["lsa"])
    for i in range(2, n_lsas + 1):
        user = demo_user(
            f"lsa{i}@{spec.slug}.{DEMO_DOMAIN}", fake.name(), "Learning support assistant"
        )
        membership_grant(user=user, school=school, roles=[Role.LSA], job_title=user.job_title)
        people.lsas.append(user)
    # An LSA with no caseload yet (a new starter), as the access rules must show.
    user = demo_user(
        f"newlsa@{spec.slug}.{DEMO_DOMAIN}", fake.name(), "Learning support assistant (new)"
    )
    membership_grant(user=user, school=school, roles=[Role.LSA], job_title=user.job_title)
    people.by_key["newlsa"] = user
    people.teachers.append(people.by_key["teacher"])
    for i in range(2, (6 if spec.phase == "PRIMARY" else 14) + 1):
        user = demo_user(f"teacher{i}@{spec.slug}.{DEMO_DOMAIN}", fake.name(), "Teacher")
        membership_grant(user=user, school=school, roles=[Role.TEACHER], job_title="Teacher")
        people.teachers.append(user)
    ensure_staff_records(school, spec, people)
    return people


def ensure_staff_records(school: School, spec: SchoolSpec, people: People) -> None:
    """Attach role profiles, line managers and hours to the demo staff, and their training."""
    _leaders(school, spec, people)
    attach_profiles(school, spec, people)
    if not TrainingRecord.objects.of_school(school).exists():
        ensure_training(school, spec, people)


def _leaders(school: School, spec: SchoolSpec, people: People) -> None:
    """Create (once) the leaders the organisation chart needs beyond the personas."""
    fake = Faker("en_GB")
    fake.seed_instance(int(spec.urn) * 7)
    for key, roles, title, secondary_only in LEADERS:
        if secondary_only and spec.phase != "SECONDARY":
            continue
        user = demo_user(f"{key}@{spec.slug}.{DEMO_DOMAIN}", fake.name(), title)
        membership_grant(user=user, school=school, roles=roles, job_title=title)
        people.by_key[key] = user
