"""An LSA logs a group session on a phone in four taps and one line, even without signal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.models import Enrolment, Intervention, Programme, ScheduleSlot, Session
from staff.models import Role
from tests.e2e.conftest import shot, totp_now
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, PupilFactory, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _group_of_four():
    school = SchoolFactory(name="Brookfield Test Primary")
    lsa = member(school, Role.LSA, full_name="Morgan Testlsa")
    programme = Programme.objects.create(
        school=school,
        name="Reading booster",
        kind="LITERACY",
        area="CL",
        cost_per_staff_hour=Decimal("15"),
    )
    today = timezone.localdate()
    intervention = Intervention.objects.create(
        school=school,
        programme=programme,
        name="Year 4 reading group",
        lead=lsa,
        start_date=today - dt.timedelta(days=21),
        planned_sessions=12,
        status="RUNNING",
    )
    ScheduleSlot.objects.create(
        intervention=intervention,
        weekday=today.weekday(),
        start_time=dt.time(10, 15),
        minutes=30,
        room="Library",
    )
    for name in ("Ava", "Ben", "Cara", "Dev"):
        pupil = PupilFactory(school=school, legal_forename=name, legal_surname="Testpupil")
        Enrolment.objects.create(
            intervention=intervention, pupil=pupil, joined_on=intervention.start_date
        )
    return lsa, intervention


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_now(TEST_TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()


def test_lsa_logs_a_group_of_four_in_four_taps_and_one_line(
    page: Page, live_server, console_errors
) -> None:
    lsa, _intervention = _group_of_four()
    page.set_viewport_size({"width": 375, "height": 800})
    _sign_in(page, live_server.url, lsa.email)
    shot(page, "today-lsa-sessions")

    page.get_by_role("link", name="Year 4 reading group").click()  # tap 1
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    shot(page, "session-log")
    ben = page.get_by_role("group", name="Attendance for Ben Testpupil")
    ben.get_by_text("Absent", exact=True).click()  # tap 2: Ben was off today
    page.get_by_label("How did it go?").fill(
        "Good focus; Ava read a whole page alone."
    )  # the one line
    page.get_by_role("button", name="Save session").click()  # tap 3

    expect(page.get_by_role("heading", name="Year 4 reading group")).to_be_visible()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()
    expect(page.get_by_text("Good focus; Ava read a whole page alone.")).to_be_visible()
    shot(page, "intervention-after-logging")
    session = Session.objects.get()
    marks = {
        a.pupil.legal_forename: a.attendance for a in session.attendance.select_related("pupil")
    }
    assert marks == {"Ava": "PRESENT", "Ben": "ABSENT", "Cara": "PRESENT", "Dev": "PRESENT"}
    assert session.minutes == 30 and session.evaluation.startswith("Good focus")
    assert console_errors == []


def test_a_dropped_connection_loses_nothing_and_logs_once(page: Page, live_server, context) -> None:
    lsa, _intervention = _group_of_four()
    page.set_viewport_size({"width": 375, "height": 800})
    _sign_in(page, live_server.url, lsa.email)
    page.get_by_role("link", name="Year 4 reading group").click()
    page.get_by_label("Progress note for Cara Testpupil").fill("Sounded out three new words")
    page.get_by_label("How did it go?").fill("Written in the corridor with no signal")

    context.set_offline(True)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("No connection. Your session is kept on this phone")).to_be_visible()
    shot(page, "session-offline")
    assert not Session.objects.exists()

    # Back in signal: the page is reloaded (the draft comes back) and saved.
    context.set_offline(False)
    page.reload()
    expect(page.get_by_text("We kept the session you had not saved yet.")).to_be_visible()
    expect(page.get_by_label("How did it go?")).to_have_value(
        "Written in the corridor with no signal"
    )
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()
    session = Session.objects.get()
    assert session.evaluation == "Written in the corridor with no signal"
    assert (
        session.attendance.get(pupil__legal_forename="Cara").note == "Sounded out three new words"
    )
