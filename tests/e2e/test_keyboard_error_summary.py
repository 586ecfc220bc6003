"""Errors people hear (issue #20): a refused form shows an error summary at the top, announced
(role alert) and focused, each message a link that takes focus to its field, and the page's
title starts with "Error:"; the field is marked invalid and described by its message."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.models import Enrolment, ScheduleSlot, Session
from staff.models import Role
from tests.e2e.conftest import PHONE, reading_group, shot, sign_in_with_code
from tests.factories import PupilFactory, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_refused_sign_in_and_a_cancelled_session_without_a_reason_are_summarised(
    page: Page, live_server, console_errors
) -> None:
    school = SchoolFactory(name="Brookfield Test Primary")
    lsa = member(school, Role.LSA, full_name="Morgan Testlsa")
    today = timezone.localdate()
    group = reading_group(school, lsa, "Year 4 reading group", today - dt.timedelta(days=21))
    ScheduleSlot.objects.create(
        intervention=group, weekday=today.weekday(), start_time=dt.time(10, 15), minutes=30
    )
    ava = PupilFactory(school=school, legal_forename="Ava", legal_surname="Testpupil")
    Enrolment.objects.create(intervention=group, pupil=ava, joined_on=group.start_date)
    page.set_viewport_size(PHONE)

    # Sign-in: the summary is focused, titled, and its message leads to the first field.
    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill(lsa.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    shot(page, "error-summary-sign-in")
    summary.get_by_role("link", name=re.compile("not correct")).click()
    expect(page.get_by_label("Email")).to_be_focused()

    # The session log: cancelled without a reason links to the reasons.
    sign_in_with_code(page, live_server.url, lsa.email)
    page.get_by_role("link", name="Year 4 reading group").click()
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    page.get_by_text("No, cancelled").click()
    page.get_by_role("button", name="Save session").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    shot(page, "error-summary-session")
    first_reason = page.locator("input[name=cancel_reason]").first
    expect(first_reason).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link").first.click()
    expect(first_reason).to_be_focused()
    assert not Session.objects.exists()
    assert console_errors == []
