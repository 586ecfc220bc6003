"""The SENDCo keeps an EHCP: section F linked to an intervention, the annual review, its report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.models import EHCP, AnnualReview
from staff.models import Role
from tests.e2e.conftest import shot, sign_in_with_code
from tests.factories import PupilFactory, SchoolFactory, member, on_register
from tests.interventions.factories import EnrolmentFactory, InterventionFactory, deliver

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _pupil_with_ehcp():
    school = SchoolFactory(name="Brookfield Test Secondary")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    pupil = PupilFactory(school=school, legal_forename="Ava", legal_surname="Testpupil", nc_year=9)
    on_register(pupil, "E", "SLCN")
    today = timezone.localdate()
    group = InterventionFactory(
        school=school, name="Talk group (Tue)", start_date=today - dt.timedelta(weeks=8)
    )
    EnrolmentFactory(intervention=group, pupil=pupil, joined_on=group.start_date)
    for weeks in (1, 2, 3, 5):
        deliver(group, today - dt.timedelta(weeks=weeks), minutes=45, attendance={pupil: "PRESENT"})
    ehcp = EHCP.objects.create(
        school=school,
        pupil=pupil,
        coordinator=sendco,
        local_authority="Testshire",
        issued_on=today - dt.timedelta(days=360),
        next_review_due=today + dt.timedelta(days=5),
    )
    ehcp.outcomes.create(text="Joins a group discussion and gives a view.", area="CL")
    return sendco, pupil, ehcp


@pytest.mark.parametrize("width", [375, 1280])
def test_sendco_links_provision_reviews_the_ehcp_and_downloads_the_report(
    page: Page, live_server, console_errors, width: int
) -> None:
    sendco, pupil, ehcp = _pupil_with_ehcp()
    today = timezone.localdate()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_code(page, live_server.url, sendco.email)
    page.goto(f"{live_server.url}/pupils/{pupil.pk}/")  # from the pupil's page, its support
    page.get_by_role("link", name="Support", exact=True).click()
    page.get_by_role("link", name="EHCP record and annual reviews").click()
    expect(page.get_by_role("heading", name="EHCP for Ava Testpupil")).to_be_visible()

    page.get_by_role("link", name="Add provision", exact=True).click()
    page.get_by_label("Provision (section F)").fill("Small-group talk session, weekly.")
    page.get_by_label("Hours a week").fill("1")
    page.get_by_label("Outcome it serves").select_option(label=ehcp.outcomes.get().text)
    page.get_by_label("Talk group (Tue) (running)").check()
    shot(page, "ehcp-provision-form")
    page.get_by_role("button", name="Add the provision").click()
    expect(page.get_by_text("Provision line added.")).to_be_visible()
    # 4 sessions of 45 min attended in the last six weeks: 3 h / 6 = 0.5 h a week.
    expect(
        page.get_by_text("Stated 1 h/week; delivered 0.5 h/week over the last 6 weeks.")
    ).to_be_visible()
    expect(page.get_by_text("Below the stated hours")).to_be_visible()
    shot(page, "ehcp-detail")

    page.get_by_role("link", name="Schedule the annual review").click()
    meeting = today - dt.timedelta(days=2)
    page.get_by_label("Date of the annual review meeting").fill(meeting.isoformat())
    shot(page, "ehcp-schedule")
    page.get_by_role("button", name="Schedule the review").click()
    expect(
        page.get_by_role("heading", name=f"Annual review: meeting {meeting:%-d %b %Y}")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Preparing for adulthood", exact=True)).to_be_visible()
    invitations = page.locator("#step-invitations")
    expect(invitations.get_by_text("Overdue by 16 days")).to_be_visible()
    shot(page, "ehcp-review-overdue")

    invitations.get_by_label("Date done").fill((meeting - dt.timedelta(days=15)).isoformat())
    invitations.get_by_role("button", name="Record: Invitations and advice circulated").click()
    expect(page.get_by_text("Recorded: invitations and advice circulated.")).to_be_visible()
    meeting_step = page.locator("#step-meeting")
    meeting_step.get_by_label("Date done").fill(meeting.isoformat())
    meeting_step.get_by_role("button", name="Record: Annual review meeting").click()
    expect(page.get_by_text("Recorded: meeting held.")).to_be_visible()
    expect(page.locator("#step-meeting").get_by_text("Done ✓")).to_be_visible()
    expect(page.locator("#step-meeting").get_by_text("by Sam Testsendco")).to_be_visible()
    shot(page, "ehcp-review")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the review report (PDF)").click()
    review = AnnualReview.objects.get(ehcp=ehcp)
    assert info.value.suggested_filename == f"annual-review-pupil-{pupil.pk}-{review.pk}.pdf"
    assert console_errors == []


def test_sendco_records_an_ehcp_from_the_pupil(page: Page, live_server, console_errors) -> None:
    school = SchoolFactory(name="Brookfield Test Secondary")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    pupil = PupilFactory(school=school, legal_forename="Ben", legal_surname="Testpupil")
    page.set_viewport_size({"width": 375, "height": 900})
    sign_in_with_code(page, live_server.url, sendco.email)
    page.goto(f"{live_server.url}/interventions/pupils/{pupil.pk}/ehcp/")
    shot(page, "ehcp-none")
    page.get_by_role("link", name="Record an EHCP").click()
    page.get_by_label("Local authority").fill("Testshire")
    page.get_by_label("Date the plan was issued").fill("2025-11-03")
    page.get_by_label("Phase transfer").select_option("POST16")
    page.get_by_label("Year of the move").fill("2027")
    shot(page, "ehcp-create")
    page.get_by_role("button", name="Record the EHCP").click()
    expect(page.get_by_text("EHCP recorded.")).to_be_visible()
    expect(page.get_by_text("Amended plan needed by 31 Mar 2027")).to_be_visible()
    expect(page.get_by_text("3 Nov 2026")).to_be_visible()  # first review due
    assert console_errors == []
