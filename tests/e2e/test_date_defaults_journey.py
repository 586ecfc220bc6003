"""A SENDCo saves forms with the date they open with: a browser must be able to show it.

Regression for date inputs rendered as 02/12/2026 (en-GB), which browsers show blank and
refuse to submit. Nothing here types a date.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.models import Placement, Room
from pupils.models import KeyAdult
from staff.models import Role
from tests.e2e.conftest import shot, sign_in
from tests.factories import (
    TEST_PASSWORD,
    TEST_TOTP_SECRET,
    PupilFactory,
    SchoolFactory,
    member,
    on_register,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_forms_save_with_the_date_they_open_with(page: Page, live_server, width: int) -> None:
    school = SchoolFactory(name="Brookfield Test Academy")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    member(school, Role.LSA, full_name="Lee Testlsa")
    pupil = PupilFactory(school=school, legal_forename="Ava", legal_surname="Testpupil")
    on_register(pupil)
    room = Room.objects.create(school=school, name="Connect 1", capacity=6)
    room.leaders.add(sendco)
    today = timezone.localdate()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, sendco.email, TEST_PASSWORD, TEST_TOTP_SECRET)

    # A key adult, from the pupil's page: choose the person, keep the start date shown.
    page.goto(f"{live_server.url}/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Add a key adult").click()
    start = page.get_by_label("Start date")
    expect(start).to_have_value(today.isoformat())
    shot(page, "key-adult-form")
    page.get_by_label("Member of staff").select_option(label="Lee Testlsa")
    page.get_by_role("button", name="Save key adult").click()
    expect(page.get_by_text("Lee Testlsa").first).to_be_visible()
    assert KeyAdult.objects.get(pupil=pupil, staff__full_name="Lee Testlsa").start_date == today

    # A Connect placement: the start date is today without touching it.
    page.goto(f"{live_server.url}/interventions/connect/rooms/{room.pk}/place/")
    expect(page.get_by_label("Start date")).to_have_value(today.isoformat())
    page.locator("#id_pupil").select_option(index=1)
    page.get_by_label("Referral reason").fill("Fake referral for a test")
    page.get_by_label("Stage 1: share of timetable in mainstream (%)").fill("0")
    page.get_by_label("Stage 1: success criteria").fill("Fake criteria")
    shot(page, "placement-form")
    page.get_by_role("button", name="Place").click()
    expect(page.get_by_role("heading", name="Place a pupil")).not_to_be_visible()
    assert Placement.objects.get(pupil=pupil).start_date == today
