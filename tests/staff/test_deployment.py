"""Deployment: logged minutes come from providers other apps register; none means zeros."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from pupils.models import KeyAdult
from staff import deployment
from staff.models import Accountability, Membership, Role, RoleProfile
from tests.factories import PupilFactory, assign, member

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@pytest.fixture
def no_providers(monkeypatch):
    monkeypatch.setattr(deployment, "_minutes_providers", [])
    monkeypatch.setattr(deployment, "_caseload_providers", [])


def test_logged_minutes_are_zeros_without_providers(world, no_providers) -> None:
    minutes = deployment.logged_minutes(world.users["lsa_caseload"], world.school, MONDAY)
    assert minutes == {"PUPIL_SUPPORT": 0, "LIAISON": 0, "CURRICULUM": 0, "OTHER": 0}
    assert deployment.caseload_sizes(world.school, [world.users["lsa_caseload"].pk]) is None


def test_logged_minutes_add_up_what_each_provider_reports(world, no_providers) -> None:
    lsa = world.users["lsa_caseload"]
    seen = {}

    def sessions(*, school, week_start, user_ids):
        seen.update(school=school, week_start=week_start, user_ids=user_ids)
        return {lsa.pk: {"PUPIL_SUPPORT": 90, "LIAISON": 30}, 999_999: {"PUPIL_SUPPORT": 5}}

    def clubs(*, school, week_start, user_ids):
        return {lsa.pk: {"PUPIL_SUPPORT": 10, "LUNCH_CLUB": 20}}

    deployment.register_minutes_provider(sessions)
    deployment.register_minutes_provider(sessions)  # ready() can run twice: counted once
    deployment.register_minutes_provider(clubs)
    wednesday = date(2026, 3, 4)
    minutes = deployment.logged_minutes(lsa, world.school, wednesday)
    assert minutes == {"PUPIL_SUPPORT": 100, "LIAISON": 30, "CURRICULUM": 0, "OTHER": 20}
    assert seen == {"school": world.school, "week_start": MONDAY, "user_ids": [lsa.pk]}


def test_caseload_counter_counts_current_key_adult_links(world, no_providers) -> None:
    lsa = world.users["lsa_caseload"]
    ended = assign(PupilFactory(school=world.school), lsa)
    ended.end_date = date(2026, 1, 1)
    ended.save()
    assign(PupilFactory(school=world.school), lsa, kind=KeyAdult.Kind.ONE_TO_ONE)
    assign(world.other_pupil, lsa)  # another school's pupil is not this school's caseload
    # What pupils/apps.py registers (the report names the two lines).
    deployment.register_caseload_provider(deployment.caseload_counter(KeyAdult))
    ids = [lsa.pk, world.users["lsa_no_caseload"].pk]
    assert deployment.caseload_sizes(world.school, ids) == {ids[0]: 2, ids[1]: 0}


def _support_profile(school) -> RoleProfile:
    profile = RoleProfile.objects.create(school=school, title="Faculty learning support")
    for heading, share, activity in [
        ("Support for students", 80, "PUPIL_SUPPORT"),
        ("Liaison", 15, "LIAISON"),
        ("Curriculum", 5, "CURRICULUM"),
    ]:
        Accountability.objects.create(
            profile=profile, heading=heading, time_share=share, activity=activity
        )
    return profile


def test_deployment_page_compares_logged_time_with_the_profile(world, no_providers) -> None:
    lsa = world.users["lsa_caseload"]
    Membership.objects.filter(user=lsa).update(
        role_profile=_support_profile(world.school), contracted_hours=30
    )
    deployment.register_minutes_provider(
        lambda *, school, week_start, user_ids: {lsa.pk: {"PUPIL_SUPPORT": 60, "LIAISON": 60}}
    )
    response = world.client("sendco").get(reverse("staff:deployment"), {"week": "2026-03-04"})
    assert response.status_code == 200
    people = {p.membership.user_id: p for p in response.context["people"]}
    lines = {line.activity: line for line in people[lsa.pk].lines}
    assert (lines["PUPIL_SUPPORT"].share, lines["PUPIL_SUPPORT"].planned_minutes) == (80, 1440)
    assert (lines["PUPIL_SUPPORT"].logged, lines["PUPIL_SUPPORT"].logged_share) == (60, 50)
    assert lines["PUPIL_SUPPORT"].verdict == "below" and lines["LIAISON"].verdict == "above"
    assert response.context["week_start"] == MONDAY
    assert b"Below profile" in response.content
    # Support staff without a profile are listed too; teachers without one are not.
    assert world.users["lsa_no_caseload"].pk in people
    assert world.users["teacher"].pk not in people


def test_deployment_page_survives_a_bad_week_and_no_providers(world, no_providers) -> None:
    response = world.client("sendco").get(reverse("staff:deployment"), {"week": "soon"})
    assert response.status_code == 200
    assert b"No sessions are logged in SEND Hub yet" in response.content


def test_deployment_queries_do_not_grow_with_staff(
    world, no_providers, django_assert_max_num_queries
) -> None:
    profile = _support_profile(world.school)
    for _ in range(12):
        user = member(world.school, Role.LSA)
        Membership.objects.filter(user=user).update(role_profile=profile)
    client = world.client("sendco")
    with django_assert_max_num_queries(16):
        assert client.get(reverse("staff:deployment")).status_code == 200
