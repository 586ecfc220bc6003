"""Pattern monitoring: removals per 100 pupils by group on a fixture worked out by hand, the
looked-after switch, the CSV, and query budgets that do not grow with the records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from interventions.behaviour.services import disproportionality, removal_rates
from interventions.models import Removal
from staff.models import Role
from tests.factories import PupilFactory, left_on, member, on_register

pytestmark = pytest.mark.django_db
START, END = dt.date(2025, 11, 1), dt.date(2025, 11, 30)


def _remove(pupil, by, day: int = 10, times: int = 1) -> None:
    for n in range(times):
        start = timezone.make_aware(dt.datetime(2025, 11, day, 9 + n))
        Removal.objects.create(
            school=pupil.school,
            pupil=pupil,
            kind="REMOVAL",
            started_at=start,
            ended_at=start + dt.timedelta(minutes=30),
            reason="Fake reason",
            recorded_by=by,
        )


def _school_of_ten(world):
    """Ten pupils on roll: 4 no SEN, 3 K, 3 E; 3 pupil premium; 1 looked-after.

    world.pupil (K)            2 removals
    e1 (E)                     1
    k2 (K, pupil premium)      1
    n1 (N, PP, looked-after)   3
    n2 (N)                     1, but in October: outside the period
    a leaver (K)               2, not on roll: not counted
    another school's pupil     1, not counted
    """
    by = world.users["sendco"]
    e = [PupilFactory(school=world.school) for _ in range(3)]
    for p in e:
        on_register(p, "E", "SEMH")
    k = [PupilFactory(school=world.school, pupil_premium=True) for _ in range(2)]
    for p in k:
        on_register(p, "K", "SEMH")
    n = [PupilFactory(school=world.school) for _ in range(4)]
    n[0].pupil_premium = n[0].looked_after = True
    n[0].save()
    leaver = PupilFactory(school=world.school)
    on_register(leaver, "K")
    _remove(world.pupil, by, times=2)
    _remove(e[0], by)
    _remove(k[0], by)
    _remove(n[0], by, times=3)
    start = timezone.make_aware(dt.datetime(2025, 10, 6, 9))
    Removal.objects.create(
        school=world.school,
        pupil=n[1],
        kind="REMOVAL",
        started_at=start,
        reason="x",
        recorded_by=by,
    )
    _remove(leaver, by, times=2)
    _remove(world.other_pupil, world.users["other_school"])
    left_on(leaver, dt.date(2025, 12, 1))  # after their records were made (records.archive)


def test_removals_per_100_by_group_match_the_hand_worked_figures(world) -> None:
    _school_of_ten(world)
    rows = disproportionality(school=world.school, start=START, end=END, include_lac=True)
    got = {r.label: (r.pupils, r.removals, r.pupils_removed, r.per_100) for r in rows}
    assert got == {
        "All pupils": (10, 7, 4, Decimal("70.0")),
        "No SEN": (4, 3, 1, Decimal("75.0")),
        "SEN support (K)": (3, 3, 2, Decimal("100.0")),
        "EHC plan (E)": (3, 1, 1, Decimal("33.3")),
        "Pupil premium": (3, 4, 2, Decimal("133.3")),
        "Not pupil premium": (7, 3, 2, Decimal("42.9")),
        "Looked-after": (1, 3, 1, Decimal("300.0")),
        "Not looked-after": (9, 4, 3, Decimal("44.4")),
    }


def test_looked_after_figures_only_for_those_who_may_see_them(world) -> None:
    _school_of_ten(world)
    support = member(world.school, Role.BEHAVIOUR_SUPPORT)
    client = world.client("sendco")
    client.force_login(support)
    url = reverse("interventions:monitoring") + "?start=2025-11-01&end=2025-11-30"
    page = client.get(url).content.decode()
    assert "Pupil premium" in page and "Looked-after</th>" not in page
    page = world.client("sendco").get(url).content.decode()
    assert "Looked-after</th>" in page


def test_csv_export_has_the_group_figures_and_is_audited(world) -> None:
    _school_of_ten(world)
    url = reverse("interventions:monitoring_csv") + "?start=2025-11-01&end=2025-11-30"
    response = world.client("sendco").get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Pupil premium,3,4,2,133.3" in lines
    from staff.models import AuditEvent

    assert AuditEvent.objects.filter(action="interventions.monitoring.exported").exists()


def _sexes_and_ethnicities(world):
    """Five pupils on roll (world.pupil and four more), one leaver:

    world.pupil   F, ethnicity not recorded   2 removals
    m1            M, WBRI                     1
    m2            M, WBRI                     0
    f1            F, ASIN                     3
    f2            F, not recorded             0
    a leaver      M, WBRI                     2, not on roll: not counted
    """
    by = world.users["sendco"]
    m1 = PupilFactory(school=world.school, sex="M", ethnicity="WBRI")
    PupilFactory(school=world.school, sex="M", ethnicity="WBRI")
    f1 = PupilFactory(school=world.school, sex="F", ethnicity="ASIN")
    PupilFactory(school=world.school, sex="F")
    leaver = PupilFactory(school=world.school, sex="M", ethnicity="WBRI")
    _remove(world.pupil, by, times=2)
    _remove(m1, by)
    _remove(f1, by, times=3)
    _remove(leaver, by, times=2)
    left_on(leaver, dt.date(2025, 12, 1))  # after their records were made (records.archive)


def test_removals_by_sex_and_ethnicity_match_the_hand_worked_figures(world) -> None:
    _sexes_and_ethnicities(world)
    rates = removal_rates(school=world.school, start=START, end=END, include_lac=False)
    by_sex = {r.label: (r.pupils, r.removals, r.pupils_removed, r.per_100) for r in rates.by_sex}
    assert by_sex == {
        "Male": (2, 1, 1, Decimal("50.0")),
        "Female": (3, 5, 2, Decimal("166.7")),
    }
    by_ethnicity = [
        (r.label, r.pupils, r.removals, r.pupils_removed, r.per_100) for r in rates.by_ethnicity
    ]
    assert by_ethnicity == [
        ("ASIN", 1, 3, 1, Decimal("300.0")),
        ("WBRI", 2, 1, 1, Decimal("50.0")),
        ("Not recorded", 2, 2, 1, Decimal("100.0")),
    ]
    assert rates.groups[0].label == "All pupils" and rates.groups[0].removals == 6


def test_the_page_and_csv_show_sex_and_ethnicity_with_not_recorded(world) -> None:
    _sexes_and_ethnicities(world)
    client = world.client("sendco")
    query = "?start=2025-11-01&end=2025-11-30"
    page = client.get(reverse("interventions:monitoring") + query).content.decode()
    assert "By ethnicity" in page and "Not recorded</th>" in page and "WBRI</th>" in page
    assert "Male</th>" in page
    lines = client.get(reverse("interventions:monitoring_csv") + query).content.decode()
    assert "Sex: Female,3,5,2,166.7" in lines.splitlines()
    assert "Ethnicity: Not recorded,2,2,1,100.0" in lines.splitlines()


@pytest.mark.parametrize("size", [3, 40])
def test_monitoring_pages_keep_a_fixed_query_budget(
    world, django_assert_max_num_queries, size
) -> None:
    by = world.users["sendco"]
    for i in range(size):
        pupil = PupilFactory(
            school=world.school, pupil_premium=i % 2 == 0, ethnicity=f"Group {i % 7}"
        )
        _remove(pupil, by, day=3 + i % 20, times=2)
        _remove(world.pupil, by, day=3 + i % 20)
    client = world.client("sendco")
    url = reverse("interventions:monitoring") + "?start=2025-11-01&end=2025-11-30"
    client.get(url)
    with django_assert_max_num_queries(13):  # +1: the layout's notification count
        assert client.get(url).status_code == 200
    pupil_url = reverse("interventions:behaviour_pupil", args=[world.pupil.pk])
    with django_assert_max_num_queries(13):
        assert client.get(pupil_url + "?start=2025-11-01&end=2025-11-30").status_code == 200
