"""An HR admin changes a local duty in a new version of a role profile and prints it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from staff.models import Accountability, Role, RoleProfile
from tests.e2e.conftest import enter_code, shot
from tests.factories import TEST_PASSWORD, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OLD_DUTY = "Run the lunchtime nurture group"
NEW_DUTY = "Run the lunchtime nurture group and a Friday social skills club"


def test_hr_admin_saves_a_new_version_and_downloads_the_pdf(
    page: Page, live_server, console_errors: list[str]
) -> None:
    school = SchoolFactory(name="Brookfield Test Primary")
    hr = member(school, Role.HR_ADMIN, full_name="Hana Recordkeeper")
    profile = RoleProfile.objects.create(
        school=school, title="Learning support assistant, level 2", reference="RP-0207"
    )
    Accountability.objects.create(
        profile=profile,
        heading="Support for pupils and teachers",
        standard_duties="Deliver individual programmes\nKeep records of progress",
        local_duties=f"{OLD_DUTY}\nKeep the wellbeing log",
        activity="PUPIL_SUPPORT",
    )
    page.set_viewport_size({"width": 1280, "height": 900})

    # The admin's door is the app's: allauth's sign-in, then the authenticator code.
    page.goto(f"{live_server.url}/admin/staff/roleprofile/")
    page.get_by_label("Email").fill(hr.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_code(page, hr.email)

    expect(page.get_by_role("heading", name="Select role profile to change")).to_be_visible()
    page.get_by_role("link", name="Learning support assistant, level 2").click()
    page.get_by_role("button", name="Duplicate as a new version").click()
    expect(page.get_by_text("This is version 2: make your changes and save.")).to_be_visible()

    local = page.locator('textarea[name="accountabilities-0-local_duties"]')
    expect(local).to_have_value(re.compile(OLD_DUTY))
    local.fill(f"{NEW_DUTY}\nKeep the wellbeing log")
    shot(page, "role-profile-admin-edit")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = download_info.value
    assert pdf.suggested_filename == "learning-support-assistant-level-2-v2.pdf"
    reader = PdfReader(io.BytesIO(Path(pdf.path()).read_bytes()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Friday social skills club" in text
    assert "Role profile (cannot be changed)" in text

    # Version 1 is still there to read, exactly as it was, and cannot be changed.
    new = RoleProfile.objects.current().get(lineage=profile.lineage)
    assert new.version == 2 and new.accountabilities.get().local_duties.startswith(NEW_DUTY)
    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("Hana Recordkeeper").first).to_be_visible()
    page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_text("Version 1, kept read-only.")).to_be_visible()
    expect(page.get_by_text(OLD_DUTY, exact=False).first).to_be_visible()
    expect(page.get_by_text("Friday social skills club")).to_have_count(0)
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    shot(page, "role-profile-admin-old-version")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "role-profile-admin-old-version")
    assert console_errors == []
