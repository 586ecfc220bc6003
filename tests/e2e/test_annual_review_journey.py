"""The SENDCo runs an EHCP annual review from the invitations to the recommendation, then takes
the report as PDF (read back with pdftotext) and as Word (read back with python-docx)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.ehcp.review_record import numbered_sections
from interventions.models import EHCP, AnnualReview
from staff.models import Role
from tests.e2e.conftest import shot, sign_in_with_code
from tests.factories import PupilFactory, SchoolFactory, member, on_register
from tests.interventions.factories import EnrolmentFactory, InterventionFactory, deliver

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHILD = "I like talk group because everyone listens when it is my turn."
PARENT = "She tells us about her day now, which she never used to."
PROGRESS_1 = "Gives a view in the group most weeks; needs a prompt card less often."
PROGRESS_2 = "Retells a short text with picture prompts; not yet without them."
SHORTFALL = "Six sessions cancelled in January while the group's LSA was off sick."
WORK = "Wants to work with animals; a college taster day is booked for June."
AMENDMENT = "Reading 1:1 for 20 minutes three times a week with a trained LSA."
REASONS = "Reading provision needs to change; the other outcomes stay as they are."


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
    talk = ehcp.outcomes.create(text="Joins a group discussion and gives a view.", area="CI")
    ehcp.outcomes.create(text="Reads a short text and retells it in order.", area="CL")
    line = ehcp.provision.create(
        description="Small-group talk session, weekly.", hours_per_week=1, outcome=talk
    )
    line.interventions.set([group])
    return sendco, pupil, ehcp


def _save(page: Page, button: str, message: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_text(message)).to_be_visible()


def test_sendco_runs_an_annual_review_from_invitation_to_recommendation(
    page: Page, live_server, console_errors, tmp_path: Path
) -> None:
    sendco, pupil, ehcp = _pupil_with_ehcp()
    today = timezone.localdate()
    meeting = today - dt.timedelta(days=2)
    page.set_viewport_size({"width": 375, "height": 900})
    sign_in_with_code(page, live_server.url, sendco.email)
    page.goto(f"{live_server.url}/interventions/ehcp/{ehcp.pk}/")
    page.get_by_role("link", name="Schedule the annual review").click()
    page.get_by_label("Date of the annual review meeting").fill(meeting.isoformat())
    page.get_by_role("button", name="Schedule the review").click()
    expect(
        page.get_by_role("heading", name=f"Annual review: meeting {meeting:%-d %b %Y}")
    ).to_be_visible()

    # Invitations: who, when, their advice, whether they came.
    for name, role, attended in (
        ("Pat Testparent", "Parent or carer", "Attended"),
        ("Lee Testofficer", "Local authority SEN officer", "Did not attend"),
    ):
        page.get_by_role("link", name="Record an invitation").click()
        page.get_by_label("Name").fill(name)
        page.get_by_label("Role").select_option(label=role)
        page.get_by_label("Invited on").fill((meeting - dt.timedelta(days=15)).isoformat())
        page.get_by_label("Advice or views received on").fill(
            (meeting - dt.timedelta(days=4)).isoformat()
        )
        page.get_by_label("At the meeting").select_option(label=attended)
        shot(page, "annual-review-invitation")
        _save(page, "Add to the invitations", "Invitation recorded.")
    invitees = page.locator("#record-invitees")
    expect(invitees.get_by_role("cell", name="Pat Testparent", exact=True)).to_be_visible()
    expect(invitees.get_by_role("cell", name="Did not attend")).to_be_visible()

    # The statutory steps: invitations out, the meeting held.
    step = page.locator("#step-invitations")
    step.get_by_label("Date done").fill((meeting - dt.timedelta(days=15)).isoformat())
    step.get_by_role("button", name="Record: Invitations and advice circulated").click()
    expect(page.get_by_text("Recorded: invitations and advice circulated.")).to_be_visible()
    step = page.locator("#step-meeting")
    step.get_by_label("Date done").fill(meeting.isoformat())
    step.get_by_role("button", name="Record: Annual review meeting").click()
    expect(page.get_by_text("Recorded: meeting held.")).to_be_visible()

    # Views in their own words.
    page.get_by_role("link", name="Record the views").click()
    page.get_by_label("The child's or young person's views").fill(CHILD)
    page.get_by_label("The parents' or carers' views").fill(PARENT)
    shot(page, "annual-review-views")
    _save(page, "Save", "Saved to the review record.")
    expect(page.get_by_text(CHILD)).to_be_visible()

    # Progress against both outcomes, beside the evidence.
    for number, (progress, words) in enumerate(
        (("On track to be achieved", PROGRESS_1), ("Some progress", PROGRESS_2)), start=1
    ):
        page.get_by_role("link", name=f"Record progress for outcome {number}").click()
        if number == 1:
            expect(page.get_by_text("4 sessions attended")).to_be_visible()
            shot(page, "annual-review-progress")
        page.get_by_label(progress).check()
        page.get_by_label("What the evidence shows").fill(words)
        _save(page, "Save the progress", "Progress recorded.")
    expect(page.locator("#record-progress").get_by_text(PROGRESS_2)).to_be_visible()

    # Section F: delivered as specified? Stated 1 h a week, delivered 0.5 h.
    page.get_by_role("link", name="Record delivery for provision 1").click()
    expect(page.get_by_text("0.5 h a week over the last 6 weeks")).to_be_visible()
    page.get_by_label("Partly delivered").check()
    page.get_by_label("Reasons for any shortfall").fill(SHORTFALL)
    shot(page, "annual-review-provision")
    _save(page, "Save", "Delivery recorded.")

    # Year 9: preparing for adulthood.
    page.get_by_role("link", name="Record preparing for adulthood").click()
    page.get_by_label("Higher education and/or employment").fill(WORK)
    _save(page, "Save", "Saved to the review record.")

    # One amendment, then the recommendation.
    page.get_by_role("link", name="Recommend an amendment").click()
    page.get_by_label("Section of the plan").select_option(
        label="Section F: special educational provision"
    )
    page.get_by_label("Recommended amendment").fill(AMENDMENT)
    _save(page, "Add the amendment", "Amendment recorded.")
    page.get_by_role("link", name="Record the recommendation").click()
    page.get_by_label("Amend", exact=True).check()
    page.get_by_label("Reasons").fill(REASONS)
    shot(page, "annual-review-recommendation")
    _save(page, "Save", "Saved to the review record.")
    expect(page.get_by_text("the local authority amend the plan")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "annual-review-record")

    review = AnnualReview.objects.get(ehcp=ehcp)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the review report (PDF)").click()
    assert info.value.suggested_filename == f"annual-review-pupil-{pupil.pk}-{review.pk}.pdf"
    pdf = tmp_path / "review.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    for words in (
        *numbered_sections().values(),
        "Pat Testparent",
        CHILD,
        PARENT,
        PROGRESS_1,
        PROGRESS_2,
        SHORTFALL,
        WORK,
        AMENDMENT,
        REASONS,
        "Progress: On track to be achieved",
        "Progress: Some progress",
        "amend the plan",
    ):
        assert words in flat, words

    with page.expect_download() as info:
        page.get_by_role("link", name="Word (DOCX)").click()
    word = tmp_path / "review.docx"
    info.value.save_as(word)
    document = docx.Document(str(word))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(numbered_sections().values())
    body = "\n".join(p.text for p in document.paragraphs)
    for words in (CHILD, PARENT, PROGRESS_1, PROGRESS_2, SHORTFALL, WORK, AMENDMENT, REASONS):
        assert words in body, words
    assert console_errors == []
