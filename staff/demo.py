"""Synthetic demo trust: schools and the people who work in them. Invented names only.

Every app may add a ``demo.py`` with ``seed_school(school, people, rng)``; the ``seed_demo``
command calls them in INSTALLED_APPS order, so each later feature grows the demo.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from faker import Faker
from simple_history.utils import bulk_create_with_history

from staff import demo_profiles, services, terms
from staff.models import (
    CPDEntry,
    Membership,
    Role,
    RoleProfile,
    SafeguardingDuty,
    School,
    SchoolTerm,
    Specialism,
    SupervisionSession,
    TrainingRecord,
    Trust,
    TrustRole,
    User,
    Value,
)
from staff.models.records import expiry_from
from staff.profiles import io as profile_io
from staff.services import membership_grant
from staff.training import default_training_types, term_before, term_containing

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
    """Create (once) the school's staff in every role, with stable invented names."""
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
    ensure_staff_records(school, spec, people)
    return people


def ensure_trust_hr(schools: list[School]) -> User:
    """One HR admin who works across the whole trust (and so chooses a school after sign-in)."""
    user = _user(f"hr@northgate.{DEMO_DOMAIN}", "Priya Dhaliwal", "Trust HR officer")
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


# --- Role profiles and staff records -------------------------------------------------------

# Leaders the organisation chart needs beyond the personas above: (key, roles, job title,
# secondary only). A Faker of their own keeps everyone else's demo names unchanged.
LEADERS = [
    ("assistanthead", [Role.HEAD], "Assistant headteacher (inclusion)", False),
    ("connect", [Role.INCLUSION_LEADER], "Connect manager", True),
    ("behaviourlead", [Role.BEHAVIOUR_SUPPORT], "Lead behaviour manager", True),
]

# Who works to which profile (by reference): person key, or "lsas" for every LSA.
PRIMARY_HOLDERS = {
    "head": "NLT-LDR-01",
    "assistanthead": "NLT-LDR-02",
    "sendco": "NLT-LDR-03",
    "elsa": "NLT-ELSA-01",
    "lsas": "NLT-RP-0207",
}
SECONDARY_HOLDERS = {
    "head": "NLT-LDR-01",
    "assistanthead": "NLT-LDR-02",
    "sendco": "NLT-LDR-03",
    "elsa": "NLT-ELSA-01",
    "connect": "NLT-CON-01",
    "inclusion": "NLT-CON-02",
    "behaviourlead": "NLT-BEH-01",
    "behaviour": "NLT-BEH-05",
    "lsas": "HC-FLS-01",  # the last three LSAs work in Connect instead (CON-3104)
}
CONNECT_LSAS = 3
HOURS = {"lsa": Decimal("32.5"), "elsa": Decimal("30"), "leader": Decimal("37")}


def _import(
    profiles: list[dict[str, Any]], *, school: School | None = None, trust: Trust | None = None
) -> None:
    payload = {
        "format": profile_io.FORMAT,
        "format_version": profile_io.FORMAT_VERSION,
        "profiles": profiles,
    }
    parsed = profile_io.parse_profiles(json.dumps(payload))
    services.role_profiles_import(parsed=parsed, school=school, trust=trust, by=None)


def _ensure_profiles(school: School, spec: SchoolSpec) -> dict[str, RoleProfile]:
    """Create the school's profiles once (and the trust's standard); return them by reference."""
    trust = school.trust
    standard = (
        RoleProfile.objects.current()
        .filter(trust=trust, reference=demo_profiles.LSA_LEVEL_2["reference"])
        .first()
    )
    if standard is None:
        _import(demo_profiles.TRUST_STANDARDS, trust=trust)
        standard = RoleProfile.objects.current().get(
            trust=trust, reference=demo_profiles.LSA_LEVEL_2["reference"]
        )
    if not RoleProfile.objects.filter(school=school).exists():
        primary = spec.phase == "PRIMARY"
        _import(demo_profiles.PRIMARY if primary else demo_profiles.SECONDARY, school=school)
        if primary:
            _adopt_lsa_standard(standard, school)
    return {p.reference: p for p in RoleProfile.objects.current().filter(school=school)}


def _adopt_lsa_standard(standard: RoleProfile, school: School) -> None:
    """Give a primary school its copy of the trust's LSA standard, with its local duties beside."""
    local = services.role_profile_adopt(profile=standard, school=school, by=None)
    words = demo_profiles.LSA_LEVEL_2_LOCAL
    for accountability, duties in zip(
        local.accountabilities.all(), words["accountabilities"], strict=True
    ):
        accountability.local_duties = duties
        accountability.save(update_fields=["local_duties"])
    for name in (
        "key_decisions_local",
        "working_conditions_local",
        "requirements_local",
        "context_local",
        "safeguarding_statement",
    ):
        setattr(local, name, words[name])
    local.local_duties_reviewed = date.fromisoformat(words["local_duties_reviewed"])
    local.reports_to = RoleProfile.objects.current().get(school=school, reference="NLT-LDR-02")
    local.full_clean()
    local.save()
    bulk_create_with_history(
        [Value(profile=local, order=n, **row) for n, row in enumerate(words["values"], start=1)],
        Value,
    )
    bulk_create_with_history(
        [
            SafeguardingDuty(profile=local, order=n, **row)
            for n, row in enumerate(words["safeguarding_duties"], start=1)
        ],
        SafeguardingDuty,
    )


def _leaders(school: School, spec: SchoolSpec, people: People) -> None:
    fake = Faker("en_GB")
    fake.seed_instance(int(spec.urn) * 7)
    for key, roles, title, secondary_only in LEADERS:
        if secondary_only and spec.phase != "SECONDARY":
            continue
        user = _user(f"{key}@{spec.slug}.{DEMO_DOMAIN}", fake.name(), title)
        membership_grant(user=user, school=school, roles=roles, job_title=title)
        people.by_key[key] = user


def ensure_staff_records(school: School, spec: SchoolSpec, people: People) -> None:
    """Attach role profiles, line managers and hours to the demo staff, and their training."""
    _leaders(school, spec, people)
    profiles = _ensure_profiles(school, spec)
    primary = spec.phase == "PRIMARY"
    holders = PRIMARY_HOLDERS if primary else SECONDARY_HOLDERS
    by_user: dict[int, RoleProfile] = {}
    for key, reference in holders.items():
        if key == "lsas":
            lsas = [*people.lsas, people.by_key["newlsa"]]
            for n, user in enumerate(lsas):
                in_connect = not primary and n >= len(lsas) - CONNECT_LSAS
                by_user[user.pk] = profiles["CON-3104" if in_connect else reference]
        elif key in people.by_key:
            by_user[people.by_key[key].pk] = profiles[reference]
    memberships = {
        m.user_id: m for m in Membership.objects.filter(school=school, user_id__in=by_user)
    }
    first_holder: dict[int, int] = {}
    for uid, profile in by_user.items():
        first_holder.setdefault(profile.pk, uid)
    for uid, profile in by_user.items():
        m = memberships[uid]
        if m.role_profile_id is not None:
            continue
        m.role_profile = profile
        manager = first_holder.get(profile.reports_to_id)
        m.line_manager_id = manager if manager != uid else None
        kind = (
            "lsa"
            if profile.reference in {"HC-FLS-01", "CON-3104"} or profile.based_on_id
            else "leader"
        )
        if profile.reference == "NLT-ELSA-01":
            kind = "elsa"
        m.contracted_hours = HOURS[kind]
        m.contracted_weeks = Decimal("52.14") if kind == "leader" else Decimal("39")
        m.save(
            update_fields=["role_profile", "line_manager", "contracted_hours", "contracted_weeks"]
        )
        if profile.reference == "HC-FLS-01":
            Specialism.objects.get_or_create(membership=m, area=("CI", "CL", "SEMH", "SP")[uid % 4])
    if not TrainingRecord.objects.of_school(school).exists():
        _training(school, spec, people)


def _training(school: School, spec: SchoolSpec, people: People) -> None:
    """Give everyone believable training dates: most current, a few running out or expired."""
    rng = random.Random(f"staff-{spec.urn}")
    today = timezone.localdate()
    types = default_training_types()
    staff = list(
        Membership.objects.active()
        .filter(school=school)
        .select_related("user")
        .prefetch_related("roles")
    )
    records: list[TrainingRecord] = []

    def add(user: User, code: str, days_ago: int, provider: str = "") -> None:
        done = today - timedelta(days=days_ago)
        kind = types[code]
        records.append(
            TrainingRecord(
                user=user,
                training_type=kind,
                completed_on=done,
                expires_on=expiry_from(done, kind.validity_months),
                provider=provider,
            )
        )

    for m in staff:
        roles = m.role_codes
        add(m.user, "dbs-enhanced", rng.randint(60, 1800))
        add(m.user, "safeguarding-1", rng.randint(30, 1150), "Local safeguarding partnership")
        add(m.user, "prevent", rng.randint(30, 760), "Home Office e-learning")
        if roles & {Role.DSL, Role.HEAD}:
            add(m.user, "dsl", rng.choice([200, 690, 715]), "Local safeguarding partnership")
            add(m.user, "safeguarding-2", rng.randint(100, 900))
        if roles & {Role.LSA, Role.INCLUSION_LEADER, Role.BEHAVIOUR_SUPPORT} and rng.random() < 0.5:
            add(m.user, "first-aid", rng.randint(100, 1200), "St John Ambulance")
        if roles & {Role.INCLUSION_LEADER, Role.BEHAVIOUR_SUPPORT}:
            add(m.user, "positive-handling", rng.randint(250, 380), "Accredited trainer")
    lsa = people.by_key.get("lsa")
    if lsa is not None:
        add(lsa, "makaton", 400, "Makaton Charity tutor")
    elsa = people.by_key.get("elsa")
    if elsa is not None:
        add(elsa, "elsa", 700, "Educational psychology service")
    bulk_create_with_history(records, TrainingRecord)
    if elsa is not None:
        _supervision(school, spec, elsa, today)
        CPDEntry.objects.bulk_create(
            [
                CPDEntry(
                    user=elsa,
                    date=today - timedelta(days=40),
                    title="Supporting bereaved children",
                    provider="Local bereavement charity",
                    hours=Decimal("3"),
                ),
                CPDEntry(
                    user=elsa,
                    date=today - timedelta(days=150),
                    title="Anxiety in the classroom",
                    provider="Educational psychology service",
                    hours=Decimal("2.5"),
                ),
            ]
        )
    if lsa is not None:
        CPDEntry.objects.create(
            user=lsa,
            date=today - timedelta(days=20),
            title="Precision teaching refresher",
            provider="SENDCo (in house)",
            hours=Decimal("1.5"),
        )


def _supervision(school: School, spec: SchoolSpec, elsa: User, today: date) -> None:
    """Supervision for the ELSA: the primary's ELSA missed one last term, so it shows lapsing."""
    this_term = term_containing(today)
    last_term = term_before(this_term)
    last_count = 1 if spec.phase == "PRIMARY" else 2
    days = (last_term.end - last_term.start).days
    dates = [
        last_term.start + timedelta(days=days * (n + 1) // (last_count + 1))
        for n in range(last_count)
    ]
    if (today - this_term.start).days > 20:
        dates.append(this_term.start + timedelta(days=14))
    SupervisionSession.objects.bulk_create(
        [
            SupervisionSession(
                user=elsa,
                school=school,
                date=d,
                supervisor="Dr Helen Okoro",
                duration_minutes=90,
                cases_discussed=2 + n % 3,
            )
            for n, d in enumerate(dates)
        ]
    )
