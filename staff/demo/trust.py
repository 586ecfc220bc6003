"""The demo trust, its schools and their term dates, the demo sign-ins, and whoever works trust-wide.

Invented names only; every address is under the reserved .example domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from staff import terms
from staff.models import Membership, Role, School, SchoolTerm, Trust, TrustRole, User
from staff.services import membership_grant

DEMO_PASSWORD = "send-hub-demo"  # noqa: S105  (printed by seed_demo; demo data only)
DEMO_DOMAIN = "example"  # reserved top-level domain: these addresses can never reach anyone
TRUST_NAME = "Northgate Learning Trust"

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
    """One demo school: its name, phase, size and the codes its UPNs are made from."""

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
    """Return the demo trust, creating it once."""
    trust, _ = Trust.objects.get_or_create(name=TRUST_NAME)
    return trust


def ensure_school(trust: Trust, spec: SchoolSpec) -> School:
    """Return the school ``spec`` describes, creating it once in ``trust``."""
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


def demo_user(email: str, full_name: str, job_title: str) -> User:
    """Return the demo account for ``email``, creating it with the shared demo password."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email, password=_demo_password_hash(), full_name=full_name, job_title=job_title
        )
    return user


def ensure_trust_hr(schools: list[School]) -> User:
    """One HR admin who works across the whole trust (and so chooses a school after sign-in)."""
    user = demo_user(f"hr@northgate.{DEMO_DOMAIN}", "Priya Dhaliwal", "Trust HR officer")
    for school in schools:
        membership_grant(
            user=user, school=school, roles=[Role.HR_ADMIN], job_title="Trust HR officer"
        )
    return user


def ensure_terms(school: School, *, today: date | None = None) -> None:
    """Record this academic year's and last year's half terms, as a school office would.

    Local authorities set different dates: every other school's year starts two days later.
    """
    today = today or timezone.localdate()
    shift = timedelta(days=2 * (int(school.urn) % 2))
    this_year = terms.academic_year_of(today)
    for year in (this_year - 1, this_year):
        for half in terms.half_terms(school.pk, year):
            if not half.recorded:
                SchoolTerm.objects.get_or_create(
                    school=school,
                    academic_year=year,
                    half=half.code,
                    defaults={"starts_on": half.start + shift, "ends_on": half.end + shift},
                )


def ensure_trust_lead(trust: Trust, schools: list[School]) -> User | None:
    """Make the first school's SENDCo the trust's SEND lead too: the trust view shows every
    school's figures, and pupils only in the school where they hold a role."""
    if not schools:
        return None
    sendco = (
        Membership.objects.filter(school=schools[0], roles__role=Role.SENDCO)
        .order_by("pk")
        .values_list("user", flat=True)
        .first()
    )
    if sendco is None:
        return None
    TrustRole.objects.get_or_create(user_id=sendco, trust=trust, role=TrustRole.Role.SEND_LEAD)
    return User.objects.get(pk=sendco)


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
    leads = set(TrustRole.objects.filter(active=True).values_list("user__email", flat=True))
    rows = [
        (email, f"{roles} + TRUST SEND LEAD" if email in leads else roles, school)
        for email, roles, school in rows
    ]
    rows.append((f"hr@northgate.{DEMO_DOMAIN}", "HR_ADMIN (every school)", "choose after sign-in"))
    return rows
