"""The demo holds all five seed role profiles with the shape of the real documents."""

from __future__ import annotations

import random

import pytest

from staff import demo
from staff.models import Criterion, Membership, RoleProfile, School
from staff.profiles.document import document_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_schools() -> dict[str, School]:
    """The demo trust's primary and secondary, with their staff (the staff part of seed_demo)."""
    trust = demo.ensure_trust()
    schools = {}
    for spec in demo.school_specs(2):
        school = demo.ensure_school(trust, spec)
        demo.ensure_people(school, spec, random.Random(spec.urn))
        schools[spec.phase] = school
    return schools


def _current(school: School | None, reference: str, **extra: object) -> RoleProfile:
    scope = {"school": school} if school else {"school__isnull": True}
    return RoleProfile.objects.with_contents().current().get(reference=reference, **scope, **extra)


def test_seed_000_keeps_the_standard_beside_the_schools_local_duties(demo_schools) -> None:
    primary = demo_schools["PRIMARY"]
    standard = _current(None, "NLT-RP-0207")
    local = _current(primary, "NLT-RP-0207")
    assert local.based_on == standard and standard.trust == primary.trust
    sections = list(local.accountabilities.all())
    assert len(sections) == 3
    # Two columns: every section has the employer's wording and the school's own.
    assert all(a.standard_duties and a.local_duties for a in sections)
    assert [a.standard_duties for a in sections] == [
        a.standard_duties for a in standard.accountabilities.all()
    ]
    assert not any(a.local_duties for a in standard.accountabilities.all())
    assert document_context(local)["two_columns"]
    assert not document_context(standard)["two_columns"]
    assert local.key_decisions.count("\n") == local.key_decisions_local.count("\n") == 2
    assert [v.name for v in local.values.all()] == [
        "Dedication",
        "Empathy",
        "Forgiveness",
        "Generosity",
    ]
    assert [d.name for d in local.safeguarding_duties.all()] == [
        "Observance",
        "Listening",
        "Reporting",
        "Responding",
        "Recording",
    ]
    assert {c.kind for c in local.contacts.all()} == {"INTERNAL", "EXTERNAL"}
    assert local.local_duties_reviewed.strftime("%B %Y") == "February 2025"


def test_seed_001_has_its_shares_of_time_and_lessons(demo_schools) -> None:
    profile = _current(demo_schools["SECONDARY"], "HC-FLS-01")
    sections = list(profile.accountabilities.all())
    assert len(sections) == 9
    timed = [a for a in sections if a.time_share is not None]
    # The source reads 85/15/5, which adds up to 105%: the rule is at most 100%, so the demo
    # holds 80% and says why beside it (see test_time_shares_over_100_are_refused).
    assert [a.time_share for a in timed] == [80, 15, 5]
    assert "85%" in timed[0].time_note
    assert [a.lessons_per_week for a in timed] == [25, 4, 1]
    assert [a.activity for a in timed] == ["PUPIL_SUPPORT", "LIAISON", "CURRICULUM"]
    assert sections[3].reference == "TS 1.8"
    assert "four areas of need" in profile.specialism


def test_seed_002_elsa_profile_is_attached_in_both_schools(demo_schools) -> None:
    for school in demo_schools.values():
        profile = _current(school, "NLT-ELSA-01")
        assert len(profile.accountabilities.all()) == 3
        assert profile.reports_to.reference == "NLT-LDR-03"
        elsa = Membership.objects.get(school=school, user__email__startswith="elsa@")
        assert elsa.role_profile == profile
        levels = [c.level for c in profile.criteria.all()]
        assert levels.count("D") == 1 and set(levels) == {"", "D"}  # only ELSA is marked


def test_seed_003_person_specification_has_e_d_and_how_assessed(demo_schools) -> None:
    profile = _current(demo_schools["SECONDARY"], "CON-3104")
    criteria = list(profile.criteria.all())
    assert [len([c for c in criteria if c.group == g]) for g in Criterion.Group.values[:3]] == [
        3,
        9,
        10,
    ]
    assert {c.level for c in criteria} == {"E", "D"}
    assert sum(c.level == "D" for c in criteria) == 3
    assert all(c.assessed_by for c in criteria)
    assert {code for c in criteria for code in c.assessed_by.split()} == {"A", "T", "I", "C"}
    assert [c.assessed_by for c in criteria if c.by_test] == ["T", "T"]
    assert (profile.grade, profile.hours_per_week, profile.working_pattern) == (
        "B3",
        37,
        "Term time plus ten days",
    )
    assert profile.salary_min < profile.salary_max
    assert len(profile.accountabilities.all()) == 9
    assert profile.reports_to.title == "Connect manager"


def test_seed_004_has_job_family_band_and_a_month_only_date(demo_schools) -> None:
    profile = _current(demo_schools["SECONDARY"], "NLT-BEH-05")
    assert (profile.grade, profile.job_family_code, profile.evaluation_band) == (
        "P5",
        "5SUPB",
        "158-188",
    )
    assert profile.profile_date_month_only
    assert dict(document_context(profile)["facts"])["Profile date"] == "January 2022"
    assert len(profile.accountabilities.all()) == 8
    assert profile.dimensions.splitlines() == ["Line management: none.", "Budget: none."]


def test_demo_staff_work_to_profiles_and_the_chart_reaches_the_head(demo_schools) -> None:
    school = demo_schools["SECONDARY"]
    lsas = Membership.objects.filter(school=school, roles__role="LSA")
    assert all(m.role_profile_id for m in lsas)
    behaviour = Membership.objects.get(school=school, user__email__startswith="behaviour@")
    chain = []
    profile = behaviour.role_profile
    while profile is not None:
        chain.append(profile.title)
        profile = profile.reports_to
    assert chain == [
        "Behaviour senior support assistant",
        "Lead behaviour manager",
        "Assistant headteacher (inclusion)",
        "Headteacher",
    ]
    assert behaviour.line_manager.email.startswith("behaviourlead@")


def test_demo_staff_records_are_idempotent(demo_schools) -> None:
    counts = (RoleProfile.objects.count(), Membership.objects.count())
    for spec in demo.school_specs(2):
        school = demo.ensure_school(demo.ensure_trust(), spec)
        demo.ensure_people(school, spec, random.Random(spec.urn))
    assert (RoleProfile.objects.count(), Membership.objects.count()) == counts
