"""The SENDCo adds three pupils to a group in one step: search, tick, and the date it shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.models import Enrolment
from staff.models import Role
from tests.e2e.conftest import reading_group, shot, sign_in_with_code
from tests.factories import PupilFactory, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _group_and_pupils():
    school = SchoolFactory(name="Brookfield Test Primary")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    lsa = member(school, Role.LSA, full_name="Morgan Testlsa")
    intervention = reading_group(
        school, lsa, "Year 5 reading group", timezone.localdate() - dt.timedelta(days=7)
    )
    already = PupilFactory(school=school, legal_forename="Eli", legal_surname="Testjoiner")
    Enrolment.objects.create(
        intervention=intervention, pupil=already, joined_on=intervention.start_date
    )
    joining = [
        PupilFactory(school=school, legal_forename=name, legal_surname="Testjoiner", nc_year=5)
        for name in ("Ava", "Ben", "Cara")
    ]
    PupilFactory(school=school, legal_forename="Dev", legal_surname="Testjoiner", nc_year=6)
    return sendco, intervention, joining


@pytest.mark.parametrize("width", [375, 1280])
def test_sendco_enrols_three_pupils_in_one_step(
    page: Page, live_server, console_errors, width
) -> None:
    sendco, intervention, joining = _group_and_pupils()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_code(page, live_server.url, sendco.email)
    page.goto(live_server.url + reverse("interventions:detail", args=[intervention.pk]))
    expect(page.get_by_role("heading", name="Year 5 reading group")).to_be_visible()

    page.get_by_text("Add pupils", exact=True).click()
    page.get_by_label("Name or UPN").fill("testjoiner")
    boxes = page.get_by_role("checkbox", name=re.compile("Testjoiner"))
    expect(boxes).to_have_count(4)  # Eli is already in the group, so not offered
    page.get_by_label("Year", exact=True).select_option(label="Year 5")
    expect(boxes).to_have_count(3)
    for pupil in joining:
        page.get_by_role("checkbox", name=re.compile(f"^{pupil.legal_forename} Testjoiner")).check()
    shot(page, "bulk-enrol-ticked")
    page.get_by_role("button", name="Add ticked pupils").click()  # the date it shows: today

    expect(page.get_by_text("3 pupils joined Year 5 reading group")).to_be_visible()
    shot(page, "bulk-enrol-done")
    current = intervention.enrolments.filter(left_on__isnull=True)
    assert current.count() == 4
    assert set(current.filter(pupil__in=joining).values_list("joined_on", flat=True)) == {
        timezone.localdate()
    }
    assert console_errors == []
