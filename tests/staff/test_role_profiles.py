"""Role profiles: time shares, versions, adoption, the chart's rules and JSON in and out."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from staff import services
from staff.admin.profile_inlines import AccountabilityFormSet
from staff.models import Accountability, Criterion, Membership, RoleProfile, Value
from staff.models.profiles import time_share_problem
from staff.profiles.io import parse_profiles, profiles_to_json
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _profile(school, title="Learning support assistant", **fields) -> RoleProfile:
    return RoleProfile.objects.create(school=school, title=title, **fields)


def _section(profile, heading, share=None, **fields) -> Accountability:
    return Accountability.objects.create(
        profile=profile, heading=heading, time_share=share, **fields
    )


def test_time_shares_over_100_are_refused(world) -> None:
    assert time_share_problem([85, 15, 5]) == (
        "The shares of time add up to 105%; together they must not exceed 100%. "
        "Lower one of them (lessons per week can stay as they are)."
    )
    assert time_share_problem([80, 15, 5, None]) is None
    # The admin's formset checks the rows together, as they are being edited.
    profile = _profile(world.school)
    data = {
        "accountabilities-TOTAL_FORMS": "3",
        "accountabilities-INITIAL_FORMS": "0",
        "accountabilities-MIN_NUM_FORMS": "0",
        "accountabilities-MAX_NUM_FORMS": "1000",
    }
    for n, share in enumerate([85, 15, 5]):
        data |= {
            f"accountabilities-{n}-heading": f"Section {n}",
            f"accountabilities-{n}-time_share": str(share),
            f"accountabilities-{n}-activity": "OTHER",
            f"accountabilities-{n}-order": str(n + 1),
        }
    from django.forms import inlineformset_factory

    FormSet = inlineformset_factory(
        RoleProfile,
        Accountability,
        formset=AccountabilityFormSet,
        fields=["heading", "time_share", "activity", "order"],
    )
    formset = FormSet(
        data=data, instance=profile, prefix="accountabilities", default_order_field="order"
    )
    assert not formset.is_valid()
    assert "105%" in formset.non_form_errors()[0]
    data["accountabilities-0-time_share"] = "80"
    formset = FormSet(
        data=data, instance=profile, prefix="accountabilities", default_order_field="order"
    )
    assert formset.is_valid(), formset.errors


def test_a_single_share_above_100_is_refused_by_the_database(world) -> None:
    profile = _profile(world.school)
    with pytest.raises(ValidationError):
        Accountability(profile=profile, heading="All of it", time_share=120).full_clean()


def test_a_profile_belongs_to_a_school_or_a_trust_not_both(world) -> None:
    with pytest.raises(ValidationError):
        RoleProfile(school=world.school, trust=world.school.trust, title="Both").full_clean()
    with pytest.raises(ValidationError):
        RoleProfile(title="Neither").full_clean()


def test_reports_to_cannot_make_a_circle_or_cross_schools(world) -> None:
    head = _profile(world.school, "Headteacher")
    sendco = _profile(world.school, "SENDCo", reports_to=head)
    head.reports_to = sendco
    with pytest.raises(ValidationError, match="circle"):
        head.full_clean()
    elsewhere = _profile(world.other_school, "Headteacher")
    sendco.reports_to = elsewhere
    with pytest.raises(ValidationError, match="same school"):
        sendco.full_clean()


def test_new_version_keeps_the_old_one_and_moves_people_and_reports(world) -> None:
    hr = world.users["hr_admin"]
    head = _profile(world.school, "Headteacher")
    lsa_profile = _profile(world.school, reports_to=head)
    _section(lsa_profile, "Support for pupils", 80, local_duties="Run the nurture group")
    Value.objects.create(profile=lsa_profile, name="Kindness", meaning="Be kind")
    Criterion.objects.create(profile=lsa_profile, group="SKILLS", text="Listens", level="E")
    Membership.objects.filter(user=world.users["lsa_caseload"]).update(role_profile=lsa_profile)
    report = _profile(world.school, "Apprentice LSA", reports_to=lsa_profile)

    new = services.role_profile_new_version(profile=lsa_profile, by=hr)

    lsa_profile.refresh_from_db()
    assert (new.version, new.lineage, new.supersedes) == (2, lsa_profile.lineage, lsa_profile)
    assert lsa_profile.status == RoleProfile.Status.SUPERSEDED and not lsa_profile.is_current
    assert new.reports_to == head
    assert [a.local_duties for a in new.accountabilities.all()] == ["Run the nurture group"]
    assert new.values.get().name == "Kindness" and new.criteria.get().level == "E"
    # The old version keeps its own rows.
    assert lsa_profile.accountabilities.count() == 1
    report.refresh_from_db()
    assert report.reports_to == new
    assert Membership.objects.get(user=world.users["lsa_caseload"]).role_profile == new
    # Who did it is on the record, for the new rows too.
    assert new.accountabilities.get().history.get().history_user == hr


def test_duplicating_a_replaced_version_says_which_replaced_it(world) -> None:
    profile = _profile(world.school)
    services.role_profile_new_version(profile=profile, by=world.users["hr_admin"])
    with pytest.raises(ValidationError, match="already been replaced by version 2"):
        services.role_profile_new_version(profile=profile, by=world.users["hr_admin"])


def test_a_school_adopts_a_trust_standard_with_its_wording(world) -> None:
    standard = RoleProfile.objects.create(trust=world.school.trust, title="LSA level 2")
    _section(standard, "Support for pupils", standard_duties="Deliver programmes")
    local = services.role_profile_adopt(
        profile=standard, school=world.school, by=world.users["hr_admin"]
    )
    assert (local.school, local.trust, local.based_on, local.version) == (
        world.school,
        None,
        standard,
        1,
    )
    assert local.lineage != standard.lineage
    assert local.accountabilities.get().standard_duties == "Deliver programmes"
    school_profile = _profile(world.school)
    with pytest.raises(ValidationError):
        services.role_profile_adopt(
            profile=school_profile, school=world.school, by=world.users["hr_admin"]
        )
    outside = SchoolFactory()  # another trust
    with pytest.raises(ValidationError):
        services.role_profile_adopt(profile=standard, school=outside, by=None)


def test_json_export_imports_into_another_school_unchanged(world) -> None:
    head = _profile(world.school, "Headteacher", reference="H1")
    profile = _profile(
        world.school,
        reference="RP-1",
        grade="B3",
        salary_min=23000,
        salary_max=24000,
        hours_per_week="37",
        profile_date="2021-12-01",
        profile_date_month_only=True,
        purpose="One\nTwo",
        reports_to=head,
    )
    _section(profile, "Support", 80, lessons_per_week=25, activity="PUPIL_SUPPORT")
    Criterion.objects.create(
        profile=profile, group="SKILLS", text="Listens", level="D", by_test=True, by_references=True
    )
    raw = profiles_to_json(list(RoleProfile.objects.with_contents().order_by("pk")))
    created, notes = services.role_profiles_import(
        parsed=parse_profiles(raw), school=world.other_school, by=world.users["other_school"]
    )
    assert notes == []
    copy = next(p for p in created if p.reference == "RP-1")
    assert copy.school == world.other_school and copy.reports_to.reference == "H1"
    assert copy.reports_to.school == world.other_school
    assert (copy.grade, copy.salary_max, str(copy.hours_per_week), copy.purpose) == (
        "B3",
        24000,
        "37.0",
        "One\nTwo",
    )
    assert copy.accountabilities.get().lessons_per_week == 25
    assert copy.criteria.get().assessed_by == "T R"


def test_import_is_all_or_nothing_and_says_what_is_wrong(world) -> None:
    payload = {
        "format": "send-hub/role-profiles",
        "format_version": 1,
        "profiles": [
            {"title": "Fine"},
            {
                "title": "Too much time",
                "accountabilities": [
                    {"heading": "A", "time_share": 85},
                    {"heading": "B", "time_share": 15},
                    {"heading": "C", "time_share": 5},
                ],
            },
        ],
    }
    with pytest.raises(ValidationError, match="Too much time: The shares of time add up to 105%"):
        services.role_profiles_import(
            parsed=parse_profiles(json.dumps(payload)), school=world.school, by=None
        )
    assert not RoleProfile.objects.exists()
    with pytest.raises(ValidationError, match="not a SEND Hub role profile export"):
        parse_profiles(b'{"profiles": []}')
    with pytest.raises(ValidationError, match="unknown fields"):
        parse_profiles(json.dumps({**payload, "profiles": [{"title": "X", "salary": 1}]}))
    with pytest.raises(ValidationError, match="not a JSON file"):
        parse_profiles(b"\x89PNG")
