"""The DSL moves a leaver's child protection file: start, download, sent, receipt, complete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.categories import ensure_default_categories
from safeguarding.models import Category, Transfer, TransferStep
from safeguarding.services import transfer_deadline
from staff.models import Role
from tests.e2e.conftest import DESKTOP, shots, sign_in
from tests.factories import (
    TEST_PASSWORD,
    TEST_TOTP_SECRET,
    PupilFactory,
    SchoolFactory,
    left_on,
    member,
)
from tests.safeguarding.helpers import make_concern

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_dsl_moves_a_file_to_the_new_school_and_sees_an_overdue_leaver(
    page: Page, live_server, console_errors: list[str]
) -> None:
    ensure_default_categories(Category)  # a flush by an earlier browser test empties it
    school = SchoolFactory(name="Brookfield Transfer Primary")
    teacher = member(school, Role.TEACHER, full_name="Tamsin Testwell")
    dsl = member(school, Role.DSL, full_name="Dana Safeguard", job_title="DSL")
    today = timezone.localdate()
    leaver = PupilFactory(
        school=school, legal_forename="Wren", legal_surname="Leaverson", leaving_date=today
    )
    forgotten = PupilFactory(school=school, legal_forename="Olly", legal_surname="Overduson")
    for pupil in (leaver, forgotten):
        make_concern(None, pupil=pupil, reporter=teacher, text="A synthetic concern")
    # Olly left 40 days ago, after the concern was made (an archived leaver's records are
    # read-only, records.archive).
    left_on(forgotten, today - dt.timedelta(days=40))
    overdue_by = transfer_deadline(school_id=school.pk, leaving_date=forgotten.leaving_date)
    assert overdue_by < today
    base = live_server.url

    page.set_viewport_size(DESKTOP)
    sign_in(page, base, dsl.email, TEST_PASSWORD, TEST_TOTP_SECRET)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()

    # The leaver nobody has started on already shows when the file was due, and that it is late.
    page.goto(f"{base}/safeguarding/transfers/")
    late = page.locator(".card", has=page.get_by_role("heading", name="Olly Overduson"))
    expect(late.get_by_text(f"file due by {overdue_by:%-d %b %Y}")).to_be_visible()
    expect(late.get_by_text("Overdue", exact=True)).to_be_visible()
    shots(page, "safeguarding-transfers-leavers")

    # Start the transfer for the pupil leaving today.
    card = page.locator(".card", has=page.get_by_role("heading", name="Wren Leaverson"))
    expect(card.get_by_text("Overdue", exact=True)).to_have_count(0)
    card.get_by_role("textbox", name="New school*").fill("Riverside Test Academy")
    card.get_by_label("The new school's DSL").fill("Sam Receiver, 01632 960000")
    card.get_by_role("button", name="Start transfer").click()
    expect(
        page.get_by_role("heading", name="Wren Leaverson → Riverside Test Academy")
    ).to_be_visible()
    transfer = Transfer.objects.get(pupil=leaver)
    detail = f"{base}/safeguarding/transfers/{transfer.pk}/"

    # Download: the file is sensitive, so the DSL confirms their password first.
    page.get_by_role("link", name="Download the file").click()
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirm").click()
    assert download.value.suggested_filename.endswith(".zip")
    page.goto(detail)
    expect(page.get_by_text("Last exported")).to_be_visible()

    # Sent: how and to whom; the date the form shows (today) is kept.
    page.get_by_label("How it was sent").select_option("SECURE_EMAIL")
    page.get_by_label("To whom").fill("Sam Receiver")
    page.get_by_role("button", name="Record how it was sent").click()
    expect(page.get_by_text("Recorded how the file was sent.")).to_be_visible()
    expect(page.get_by_text("by secure (encrypted) e-mail to Sam Receiver")).to_be_visible()

    # Receipt: the new school's DSL confirmed it.
    page.get_by_label("Confirmed by (name and role at the new school)").fill("Sam Receiver, DSL")
    shots(page, "safeguarding-transfer-receipt")
    page.get_by_role("button", name="Record receipt").click()
    expect(page.get_by_text("Receipt confirmed: this transfer is complete.")).to_be_visible()
    expect(page.get_by_text("Confirmed", exact=False).first).to_be_visible()
    expect(page.get_by_role("button", name="Record receipt")).to_have_count(0)
    kinds = list(transfer.steps.values_list("kind", flat=True))
    assert kinds == [TransferStep.Kind.EXPORTED, TransferStep.Kind.SENT, TransferStep.Kind.RECEIVED]
    assert transfer.steps.get(kind=TransferStep.Kind.RECEIVED).person == "Sam Receiver, DSL"

    # Complete: the list moves it out of "In progress"; the forgotten leaver still waits.
    page.goto(f"{base}/safeguarding/transfers/")
    completed = page.locator("section", has=page.get_by_role("heading", name="Completed"))
    expect(completed.get_by_text("Wren Leaverson → Riverside Test Academy")).to_be_visible()
    expect(completed.get_by_text("Receipt confirmed")).to_be_visible()
    in_progress = page.locator("section", has=page.get_by_role("heading", name="In progress"))
    expect(in_progress.get_by_text("Wren Leaverson")).to_have_count(0)
    expect(page.get_by_role("heading", name="Olly Overduson")).to_be_visible()
    shots(page, "safeguarding-transfers-done")

    assert console_errors == []
