"""The SENDCo opens what works, builds the governors' termly report and downloads the PDF; a
trust lead compares the trust's schools."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from interventions.insight import termly
from interventions.insight.outcomes import SMALL_LABEL
from interventions.models import TermlyReport
from staff.models import TrustRole
from tests.conftest import World
from tests.e2e.conftest import shot, sign_in_with_code
from tests.interventions.test_what_works import AUTUMN, autumn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("width", [375, 1280])
def test_sendco_reads_what_works_then_builds_and_downloads_the_termly_report(
    page: Page, live_server, console_errors, world: World, width: int
) -> None:
    autumn(world)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_code(page, live_server.url, world.users["sendco"].email)
    page.goto(f"{live_server.url}/interventions/sendco/what-works/?term={AUTUMN}")
    expect(page.get_by_role("heading", name="What works", level=1)).to_be_visible()
    expect(page.get_by_text("Reading booster").locator("visible=true").first).to_be_visible()
    expect(page.get_by_text(SMALL_LABEL).locator("visible=true").first).to_be_visible()
    shot(page, "what-works")

    page.get_by_role("link", name="Termly reports").click()
    expect(page.get_by_role("heading", name="Termly impact reports")).to_be_visible()
    page.get_by_role("button", name="governors' version").first.click()
    expect(page.get_by_text("is being built")).to_be_visible()
    expect(page.get_by_text("Queued").first).to_be_visible()
    shot(page, "termly-reports")

    # The worker's part, done here: the page notices by itself (it polls while building).
    report = TermlyReport.objects.get()
    termly.termly_report_build(report_id=report.pk)
    download_link = page.get_by_role("link", name="Download PDF")
    expect(download_link).to_be_visible()
    with page.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename.endswith("-governors.pdf")
    assert console_errors == []


@pytest.mark.parametrize("width", [375, 1280])
def test_trust_lead_compares_the_schools(
    page: Page, live_server, console_errors, world: World, width: int
) -> None:
    autumn(world)
    lead = world.users["sendco"]
    TrustRole.objects.create(user=lead, trust=world.school.trust, role=TrustRole.Role.SEND_LEAD)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_code(page, live_server.url, lead.email)
    page.goto(f"{live_server.url}/interventions/trust/?term={AUTUMN}")
    expect(page.get_by_role("heading", name="Across the trust", level=1)).to_be_visible()
    expect(page.get_by_text("Elsewhere Test School").locator("visible=true").first).to_be_visible()
    shot(page, "trust")
    assert console_errors == []
