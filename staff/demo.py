"""Synthetic demo trust: schools and the people who work in them. Fake names only.

Every app may add a ``demo.py`` with ``seed_school(school, people, rng)``; the ``seed_demo``
command calls them in INSTALLED_APPS order, so each later feature grows the demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth.hashers import make_password
from faker import Faker

from staff.models import Membership, Role, School, Trust, User
from staff.services import membership_grant

DEMO_PASSWORD = "send-hub-demo"  # noqa: S105  (printed by seed_demo; demo data only)
DEMO_DOMAIN = "example"  # reserved top-level domain: these addresses can never reach anyone
TRUST_NAME = "Northgate Learning Trust (demo)"

# The first two schools are the ones people explore; further ones make a bigger trust for
# benchmarks (12 schools come to about 14,000 pupils).
SCHOOLS = [
    ("Brookfield Primary School", "PRIMARY", 275, "brookfield"),
    ("Hillcrest Academy", "SECONDARY", 1060, "hillcrest"),
]
EXTRA_PRIMARY = [
    "Ashby Lane Primary",
    "Willowmere Primary",
    "St Anselm's Primary",
    "Kestrel Park Primary",
    "Ferncombe Infant and Junior",
]
EXTRA_SECONDARY = [
    "Castlegate School",
    "Ridgeway College",
    "Marlowe High School",
    "Oakhurst Academy",
    "Sandbrook School",
]


@dataclass(frozen=True)
class SchoolSpec:
    name: str
    phase: str
    pupils: int
    slug: str
    urn: str
    la_code: str
    estab: str


@dataclass
class People:
    """The demo staff of one school, by what they do, for the other apps' seeders."""

    by_key: dict[str, User] = field(default_factory=dict)
    lsas: list[User] = field(default_factory=list)
    teachers: list[User] = field(default_factory=list)


# (key, roles, job title, printed as a demo sign-in)
PERSONAS = [
    ("head", [Role.HEAD, Role.DSL], "Headteacher", True),
    ("sendco", [Role.SENDCO], "SENDCo", True),
    ("dsl", [Role.DSL], "Deputy designated safeguarding lead", True),
    ("lsa", [Role.LSA], "Learning support assistant", True),
    ("elsa", [Role.ELSA], "ELSA and learning mentor", True),
    ("teacher", [Role.TEACHER], "Class teacher", True),
    ("inclusion", [Role.INCLUSION_LEADER], "Inclusion leader (Connect)", False),
    ("behaviour", [Role.BEHAVIOUR_SUPPORT], "Behaviour senior support assistant", False),
]


def school_specs(count: int) -> list[SchoolSpec]:
    """Return ``count`` school definitions (the first two fixed, the rest alternating phases)."""
    rows = list(SCHOOLS)
    i = 0
    while len(rows) < count:
        if i % 2 == 0:
            name = EXTRA_SECONDARY[(i // 2) % len(EXTRA_SECONDARY)]
            rows.append((name, "SECONDARY", 2200, f"s{i}"))
        else:
            name = EXTRA_PRIMARY[(i // 2) % len(EXTRA_PRIMARY)]
            rows.append((name, "PRIMARY", 420, f"p{i}"))
        i += 1
    specs = []
    for n, (name, phase, pupils, slug) in enumerate(rows[:count]):
        # Fictional URNs in a block no real school uses; LA 850 is a valid code for UPNs.
        specs.append(
            SchoolSpec(name, phase, pupils, slug, f"{990100 + n}", "850", f"{2100 + n:04d}")
        )
    return specs


def ensure_trust() -> Trust:
    trust, _ = Trust.objects.get_or_create(name=TRUST_NAME)
    return trust


def ensure_school(trust: Trust, spec: SchoolSpec) -> School:
    school, _ = School.objects.get_or_create(
        urn=spec.urn,
        defaults={
            "trust": trust,
            "name": spec.name,
            "phase": spec.phase,
            "la_code": spec.la_code,
            "estab": spec.estab,
        },
    )
    return school


@cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; one hash shared by every demo account keeps seeding quick.
    return make_password(DEMO_PASSWORD)


def _user(email: str, full_name: str, job_title: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email, password=_demo_password_hash(), full_name=full_name, job_title=job_title
        )
    return user


def ensure_people(school: School, spec: SchoolSpec, rng: random.Random) -> People:
    """Create (once) the school's staff in every role, with stable fake names."""
    fake = Faker("en_GB")
    fake.seed_instance(rng.randint(0, 10**9))
    people = People()
    for key, roles, title, _printed in PERSONAS:
        if key in {"inclusion", "behaviour"} and spec.phase != "SECONDARY":
            continue
        user = _user(f"{key}@{spec.slug}.{DEMO_DOMAIN}", fake.name(), title)
        membership_grant(user=user, school=school, roles=roles, job_title=title)
        people.by_key[key] = user
    n_lsas = 4 if spec.phase == "PRIMARY" else 8
    people.lsas.append(people.by_key["lsa"])
    for i in range(2, n_lsas + 1):
        user = _user(f"lsa{i}@{spec.slug}.{DEMO_DOMAIN}", fake.name(), "Learning support assistant")
        membership_grant(user=user, school=school, roles=[Role.LSA], job_title=user.job_title)
        people.lsas.append(user)
    # An LSA with no caseload yet (a new starter), as the access rules must show.
    user = _user(
        f"newlsa@{spec.slug}.{DEMO_DOMAIN}", fake.name(), "Learning support assistant (new)"
    )
    membership_grant(user=user, school=school, roles=[Role.LSA], job_title=user.job_title)
    people.by_key["newlsa"] = user
    people.teachers.append(people.by_key["teacher"])
    for i in range(2, (6 if spec.phase == "PRIMARY" else 14) + 1):
        user = _user(f"teacher{i}@{spec.slug}.{DEMO_DOMAIN}", fake.name(), "Teacher")
        membership_grant(user=user, school=school, roles=[Role.TEACHER], job_title="Teacher")
        people.teachers.append(user)
    return people


def ensure_trust_hr(schools: list[School]) -> User:
    """One HR admin who works across the whole trust (and so chooses a school after sign-in)."""
    user = _user(f"hr@northgate.{DEMO_DOMAIN}", "Priya Demo-Hale", "Trust HR officer")
    for school in schools:
        membership_grant(
            user=user, school=school, roles=[Role.HR_ADMIN], job_title="Trust HR officer"
        )
    return user


def printed_sign_ins(schools: list[School]) -> list[tuple[str, str, str]]:
    """Return (e-mail, roles, school) rows for the demo sign-ins worth trying first."""
    rows = []
    printed = {key for key, *_rest, show in PERSONAS if show} | {"newlsa"}
    for m in (
        Membership.objects.filter(school__in=schools[:2])
        .select_related("user", "school")
        .prefetch_related("roles")
        .order_by("school__urn", "pk")
    ):
        key = m.user.email.split("@")[0]
        if key in printed:
            rows.append(
                (m.user.email, " + ".join(sorted(r.role for r in m.roles.all())), m.school.name)
            )
    rows.append((f"hr@northgate.{DEMO_DOMAIN}", "HR_ADMIN (every school)", "choose after sign-in"))
    return rows
