"""Pupils educated off site: placements, the day's attendance there, where a pupil is today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interventions.attendance import offsite
from interventions.attendance.models import AttendanceMark, OffSiteAttendance, OffSitePlacement
from tests.conftest import World
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

WEEKDAYS = "01234"
WEDNESDAY = dt.datetime(2025, 11, 5, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _a_wednesday() -> Iterator[None]:
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def _placement(w: World, **over: object) -> OffSitePlacement:
    today = timezone.localdate()
    values: dict[str, object] = {
        "school": w.school,
        "pupil": w.pupil,
        "by": w.users["sendco"],
        "provider": "Riverside Learning Centre",
        "address": "1 Fake Street, Testtown",
        "days": WEEKDAYS,
        "safeguarding_confirmed": True,
        "safeguarding_confirmed_on": today - dt.timedelta(days=30),
        "contact_name": "Contact Fakename",
        "contact_phone": "01632 960123",
        "start_date": today - dt.timedelta(days=10),
        "end_date": None,
    }
    values.update(over)
    return offsite.placement_create(**values)  # type: ignore[arg-type]


def _mark(w: World, code: str) -> None:
    AttendanceMark.objects.create(
        school=w.school, pupil=w.pupil, date=timezone.localdate(), session="AM", code_id=code
    )


def test_where_now_unknown_without_a_mark(world: World) -> None:
    assert offsite.where_now(world.pupil, timezone.localdate()).state == offsite.UNKNOWN


def test_where_now_on_site_by_todays_mark(world: World) -> None:
    _mark(world, "/")
    assert offsite.where_now(world.pupil, timezone.localdate()).state == offsite.ON_SITE


def test_where_now_absent_by_todays_mark(world: World) -> None:
    _mark(world, "I")
    where = offsite.where_now(world.pupil, timezone.localdate())
    assert where.state == offsite.ABSENT and "today's mark is I" in where.words


def test_where_now_at_the_provider_on_its_days(world: World) -> None:
    today = timezone.localdate()
    p = _placement(world)
    where = offsite.where_now(world.pupil, today)
    assert (where.state, where.placement) == (offsite.AT_PROVIDER, p)
    assert "not yet recorded" in where.words
    offsite.offsite_attendance_record(
        placement=p, by=world.users["sendco"], date=today, status="LATE", note=""
    )
    assert offsite.where_now(world.pupil, today).words.endswith("(arrived late)")
    offsite.offsite_attendance_record(
        placement=p, by=world.users["sendco"], date=today, status="ABSENT", note="Rang home"
    )
    assert offsite.where_now(world.pupil, today).state == offsite.ABSENT
    assert OffSiteAttendance.objects.count() == 1  # a correction, not a second record


def test_not_at_the_provider_on_other_days_or_after_it_ends(world: World) -> None:
    today = timezone.localdate()
    _placement(world, days="0134")  # not Wednesdays
    _mark(world, "/")
    assert offsite.where_now(world.pupil, today).state == offsite.ON_SITE
    OffSitePlacement.objects.all().delete()
    _placement(world, end_date=today - dt.timedelta(days=1))
    assert offsite.where_now(world.pupil, today).state == offsite.ON_SITE


def test_safeguarding_warning_missing_or_older_than_12_months(world: World) -> None:
    today = timezone.localdate()
    assert _placement(world).safeguarding_warning(today) == ""
    missing = _placement(world, safeguarding_confirmed=False, safeguarding_confirmed_on=None)
    assert "No written safeguarding confirmation" in missing.safeguarding_warning(today)
    old = _placement(world, safeguarding_confirmed_on=today - dt.timedelta(days=400))
    assert "more than 12 months old" in old.safeguarding_warning(today)


def test_placement_validation(world: World) -> None:
    with pytest.raises(ValidationError, match="days of the week"):
        _placement(world, days="")
    with pytest.raises(ValidationError, match="date of the provider's written confirmation"):
        _placement(world, safeguarding_confirmed_on=None)
    with pytest.raises(ValidationError, match="before the start"):
        _placement(world, end_date=timezone.localdate() - dt.timedelta(days=20))
    assert not OffSitePlacement.objects.exists()


def test_double_post_of_a_day_creates_one_record(world: World) -> None:
    p = _placement(world)
    client = world.client("behaviour_support")
    url = reverse("interventions:offsite", args=[p.pk])
    data = {
        "action": "attendance",
        "day-date": timezone.localdate().isoformat(),
        "day-status": "ATTENDED",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert OffSiteAttendance.objects.filter(placement=p).count() == 1


def test_new_placement_by_post(world: World) -> None:
    today = timezone.localdate()
    response = world.client("head").post(
        reverse("interventions:offsite_new"),
        {
            "pupil": world.pupil.pk,
            "provider": "Farm School Fake",
            "address": "Fake Lane",
            "days": ["1", "3"],
            "contact_name": "Contact Fakename",
            "contact_phone": "01632 960999",
            "start_date": today.isoformat(),
        },
    )
    assert response.status_code == 302
    p = OffSitePlacement.objects.get()
    assert p.days == "13" and p.safeguarding_confirmed_on is None
    page = world.client("head").get(reverse("interventions:offsite_list")).content.decode()
    assert "No written safeguarding confirmation" in page


def test_dsl_list_shows_todays_off_site_pupils_with_numbers(
    world: World, django_assert_max_num_queries: Any
) -> None:
    _placement(world)
    for n in range(3):  # more pupils off site cost no more queries
        other = PupilFactory(school=world.school)
        placement = _placement(world, pupil=other, contact_phone=f"01632 96050{n}")
        offsite.offsite_attendance_record(
            placement=placement,
            by=world.users["sendco"],
            date=timezone.localdate(),
            status="ABSENT",
            note="",
        )
    client = world.client("dsl")
    client.get("/")  # the session's first request: sign-in bookkeeping
    with django_assert_max_num_queries(10):
        page = client.get(reverse("interventions:offsite_today")).content.decode()
    assert page.count("Absent: did not arrive at") == 3
    assert world.pupil.display_name in page and "01632 960123" in page
    assert "Expected at Riverside Learning Centre" in page


def test_the_pupil_page_says_where_the_pupil_is(world: World) -> None:
    _mark(world, "/")
    page = world.client("sendco").get(reverse("pupils:attendance", args=[world.pupil.pk]))
    assert "On site" in page.content.decode()


def test_the_demo_has_two_placements_one_due_today() -> None:
    from django.core.management import call_command

    call_command("seed_demo", schools=1, quiet_logins=True)
    today = timezone.localdate()
    placements = OffSitePlacement.objects.current(today)
    assert placements.count() == 2
    assert placements.on_day(today).exists()
    assert any(p.safeguarding_warning(today) for p in placements)
    assert OffSiteAttendance.objects.exists()
