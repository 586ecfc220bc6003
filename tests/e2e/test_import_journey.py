"""The SENDCo imports a Common Transfer File in the browser and works with the result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pupils.models import Pupil
from staff.models import Role
from tests.e2e.conftest import enter_code, shot
from tests.factories import TEST_PASSWORD, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIXTURE = (
    Path(__file__).resolve().parent.parent / "pupils" / "fixtures" / "ctf_joiners_SYNTHETIC.xml"
)


def test_sendco_imports_a_ctf_filters_by_semh_and_opens_a_passport(
    page: Page, live_server, console_errors: list[str]
) -> None:
    school = SchoolFactory(name="Brookfield Test Primary")
    sendco = member(school, Role.SENDCO)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill(sendco.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_code(page, sendco.email)

    page.get_by_role("link", name="SEN register").first.click()
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Common Transfer File").check()
    page.locator("input[type=file]").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Preview: ctf_joiners_SYNTHETIC.xml")).to_be_visible()
    shot(page, "import-preview")
    assert not Pupil.objects.filter(school=school).exists()  # a dry run changes nothing
    page.get_by_role("button", name="Apply this import").click()
    expect(page.get_by_role("heading", name="Imported: ctf_joiners_SYNTHETIC.xml")).to_be_visible()
    assert Pupil.objects.filter(school=school).count() == 3

    page.get_by_role("link", name="SEN register").first.click()
    page.get_by_label("Primary need").select_option("SEMH")
    # htmx swaps the results in place and records the filter in the address bar.
    expect(page).to_have_url(re.compile(r"need=SEMH"))
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ben Placeholder")  # BESD in the file: SEMH here
    shot(page, "register-semh")
    rows.first.get_by_role("link").click()

    expect(page.get_by_role("heading", name="Ben Placeholder", level=1)).to_be_visible()
    page.get_by_role("link", name="Write").click()
    page.get_by_label("Strategies that help me").fill("Give me a quiet space and a now/next card.")
    page.get_by_role("button", name="Save new version").click()
    page.get_by_role("link", name="Print").click()
    expect(page.get_by_role("heading", name="Ben Placeholder")).to_be_visible()
    expect(page.get_by_text("Give me a quiet space and a now/next card.")).to_be_visible()
    shot(page, "passport-print")
    assert console_errors == []
