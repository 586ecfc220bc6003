"""The demo's role profiles, imported from export files as a school imports its own.

The files in ``profiles/`` are in the role-profile export format (staff.profiles.io), so they go
through the same parse and import a school's upload does. Who works to which profile, and on
what hours, is what HR records beside them.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from simple_history.utils import bulk_create_with_history

from staff import services
from staff.demo.trust import People, SchoolSpec
from staff.models import Membership, RoleProfile, SafeguardingDuty, School, Specialism, Value
from staff.profiles.io import ParsedProfile, parse_profiles

PROFILE_FILES = Path(__file__).resolve().parent / "profiles"
LSA_STANDARD = "NLT-RP-0207"  # the trust's generic level 2 LSA profile (trust-standards.json)

# Who works to which profile (by reference): person key, or "lsas" for every LSA.
PRIMARY_HOLDERS = {
    "head": "NLT-LDR-01",
    "assistanthead": "NLT-LDR-02",
    "sendco": "NLT-LDR-03",
    "elsa": "NLT-ELSA-01",
    "lsas": LSA_STANDARD,
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


def read_profiles(*names: str) -> list[ParsedProfile]:
    """Parse the named export files in ``profiles/``, in order, as an upload would be."""
    return [
        parsed
        for name in names
        for parsed in parse_profiles((PROFILE_FILES / f"{name}.json").read_bytes())
    ]


def _ensure_profiles(school: School, spec: SchoolSpec) -> dict[str, RoleProfile]:
    """Create the school's profiles once (and the trust's standard); return them by reference."""
    trust = school.trust
    standard = RoleProfile.objects.current().filter(trust=trust, reference=LSA_STANDARD).first()
    if standard is None:
        services.role_profiles_import(parsed=read_profiles("trust-standards"), trust=trust, by=None)
        standard = RoleProfile.objects.current().get(trust=trust, reference=LSA_STANDARD)
    if not RoleProfile.objects.filter(school=school).exists():
        primary = spec.phase == "PRIMARY"
        files = ["all-schools"] if primary else ["all-schools", "secondary"]
        services.role_profiles_import(parsed=read_profiles(*files), school=school, by=None)
        if primary:
            _adopt_lsa_standard(standard, school)
    return {p.reference: p for p in RoleProfile.objects.current().filter(school=school)}


def _adopt_lsa_standard(standard: RoleProfile, school: School) -> None:
    """Give a primary school its copy of the trust's LSA standard, with its local duties beside.

    The local words are an export file too; a school writes them in the admin, which has no
    service, so they are set here as the admin's form would save them.
    """
    local = services.role_profile_adopt(profile=standard, school=school, by=None)
    (words,) = read_profiles("primary-lsa-local-duties")
    for accountability, written in zip(
        local.accountabilities.all(), words.parts["accountabilities"], strict=True
    ):
        accountability.local_duties = written.local_duties
        accountability.save(update_fields=["local_duties"])
    for name in (
        "key_decisions_local",
        "working_conditions_local",
        "requirements_local",
        "context_local",
        "safeguarding_statement",
        "local_duties_reviewed",
    ):
        setattr(local, name, getattr(words.profile, name))
    local.reports_to = RoleProfile.objects.current().get(school=school, reference="NLT-LDR-02")
    local.full_clean()
    local.save()
    for key, model in (("values", Value), ("safeguarding_duties", SafeguardingDuty)):
        rows = words.parts[key]
        for row in rows:
            row.profile = local
        bulk_create_with_history(rows, model)


def attach_profiles(school: School, spec: SchoolSpec, people: People) -> None:
    """Give the demo staff their role profiles, line managers and contracted hours."""
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
