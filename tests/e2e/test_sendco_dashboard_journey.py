"""The SENDCo opens the SEND dashboard from Today, follows "no session for 14 days" to the pupil,
looks at the pupil's provision, and downloads the term's provision map as CSV."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.models import Enrolment, ScheduleSlot
from staff.models import Role
from tests.e2e.conftest import shot, sign_in_with_code
from tests.factories import PupilFactory, SchoolFactory, member, on_register
from tests.interventions.factories import InterventionFactory, ProgrammeFactory, deliver

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _school() -> object:
    """A school where Ava's group has not met for three weeks, relative to today."""
    today = timezone.localdate()
    school = SchoolFactory(name="Brookfield Test School")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    lsa = member(school, Role.LSA, full_name="Lee Testone")
    ava = PupilFactory(school=school, legal_forename="Ava", legal_surname="Testpupil", nc_year=7)
    ben = PupilFactory(school=school, legal_forename="Ben", legal_surname="Testpupil", nc_year=8)
    on_register(ava, "K", "SLCN")
    on_register(ben, "E", "ASD")
    group = InterventionFactory(
        school=school,
        programme=ProgrammeFactory(school=school, name="Reading booster", area="CL"),
        name="Y7 reading booster",
        lead=lsa,
        start_date=today - dt.timedelta(days=35),
    )
    ScheduleSlot.objects.create(intervention=group, weekday=0, start_time=dt.time(9, 0), minutes=30)
    Enrolment.objects.create(intervention=group, pupil=ava, joined_on=group.start_date)
    deliver(group, today - dt.timedelta(days=21), minutes=30, attendance={ava: "PRESENT"})
    return sendco


@pytest.mark.parametrize("width", [375, 1280])
def test_sendco_follows_a_flag_to_a_pupil_and_exports_the_provision_map(
    page: Page, live_server, console_errors, width: int
) -> None:
    sendco = _school()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_code(page, live_server.url, sendco.email)
    page.get_by_role("link", name="Open the SEND dashboard").click()
    expect(page.get_by_role("heading", name="SEND dashboard", level=1)).to_be_visible()
    shot(page, "sendco-dashboard")

    page.get_by_role("link", name=re.compile(r"No session for 14 days")).click()
    expect(page.get_by_role("heading", name="No session for 14 days")).to_be_visible()
    expect(page.get_by_text("Last session")).to_be_visible()
    shot(page, "sendco-flag")
    page.get_by_role("link", name="Provision this year for Ava Testpupil").click()
    expect(page.get_by_role("heading", name="Provision for Ava Testpupil")).to_be_visible()
    shot(page, "sendco-pupil-provision")
    page.get_by_role("link", name="Ava Testpupil").click()
    expect(page.get_by_role("heading", name=re.compile("Ava Testpupil"))).to_be_visible()

    page.goto(f"{live_server.url}/interventions/sendco/")
    page.get_by_role("link", name="Provision map").click()
    expect(page.get_by_role("heading", name="Provision map")).to_be_visible()
    shot(page, "sendco-provision")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    csv_text = download_info.value.path().read_text(encoding="utf-8-sig")
    assert "Y7 reading booster" in csv_text
    assert "Ava Testpupil" in csv_text
    assert console_errors == []
