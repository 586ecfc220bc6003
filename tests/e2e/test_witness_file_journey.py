"""Issue #13 defect 3, the way the DSL meets it: a concern about one child (Alfie) with another
(Bea) as a witness. The DSL triages it, adds a decision, an action and a case note about Alfie's
family; Bea's chronology, its PDF and her transfer file hold none of it, Alfie's holds all."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pupils.models import Pupil
from safeguarding.categories import ensure_default_categories
from safeguarding.models import Category, Concern, Transfer
from staff.models import Role
from tests.e2e.conftest import DESKTOP, shots, sign_in
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, PupilFactory, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


NARRATIVE = "Alfie had a bruise on his cheek and said dad hit mum. NARR-ALFIE"
WORDS = "Dad shouts and then he hits. WORDS-ALFIE"
RATIONALE = "Domestic abuse at home: speak to mum away from dad. WHY-ALFIE"
ACTION = "Phone the family social worker today. TODO-ALFIE"
NOTE = "Mum says dad has left the family home. NOTE-ALFIE"
ALFIE_ONLY = ["NARR-ALFIE", "WORDS-ALFIE", "WHY-ALFIE", "TODO-ALFIE", "NOTE-ALFIE"]


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def add_pupil(page: Page, name: str, full_name: str) -> None:
    """Find a pupil with the search-as-you-type box and add them to the concern."""
    # Wait for the box's own search: answered after the pupil is added, it would list them again.
    with page.expect_response(lambda r: r.url.endswith("/safeguarding/raise/pupils/")):
        page.get_by_label("Find a pupil by name").fill(name)
    with page.expect_response(lambda r: r.url.endswith("/safeguarding/raise/pupils/pick/")):
        page.get_by_role("button", name=f"Add {full_name}").click()


def test_a_witness_file_holds_none_of_the_other_childs_record(
    page: Page, live_server, console_errors: list[str]
) -> None:
    ensure_default_categories(Category)  # a flush by an earlier browser test empties it
    school = SchoolFactory(name="Brookfield Witness Primary")
    dsl = member(school, Role.DSL, full_name="Dana Safeguard", job_title="DSL")
    alfie = PupilFactory(school=school, legal_forename="Alfie", legal_surname="Subjectson")
    bea = PupilFactory(school=school, legal_forename="Bea", legal_surname="Witnessby")
    base = live_server.url

    page.set_viewport_size(DESKTOP)
    sign_in(page, base, dsl.email, TEST_PASSWORD, TEST_TOTP_SECRET)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()

    # The DSL raises it: Alfie the child they are worried about, Bea saw it.
    page.goto(f"{base}/safeguarding/raise/")
    page.wait_for_load_state("load")
    add_pupil(page, "alfie", "Alfie Subjectson")
    expect(page.get_by_label("How is Alfie involved?")).to_have_value("CONCERN_FOR")
    page.get_by_label("Physical abuse").first.check()
    page.get_by_label("Domestic abuse").first.check()
    add_pupil(page, "bea", "Bea Witnessby")
    page.get_by_label("How is Bea involved?").select_option("WITNESS")
    page.get_by_label("Where did it happen?").fill("Playground")
    page.get_by_label("What happened?").fill(NARRATIVE)
    page.get_by_label("The child's words, exactly as they said them").fill(WORDS)
    page.get_by_role("button", name="Send to the DSL team").click()
    expect(page.get_by_role("heading", name="Concern SG-", exact=False)).to_be_visible()
    concern = Concern.objects.get()

    # Triage: each form starts with Alfie (the subject) ticked and Bea not.
    decision = page.locator("form", has=page.get_by_role("heading", name="Record a decision"))
    about = decision.get_by_role("group", name="Which children this decision is about")
    expect(about.get_by_label("Alfie Subjectson (the child I am worried about)")).to_be_checked()
    expect(about.get_by_label("Bea Witnessby (saw or heard what happened)")).not_to_be_checked()
    decision.get_by_label("Status from now on").select_option("IN_PROGRESS")
    decision.get_by_label("Risk level").select_option("HIGH")
    decision.get_by_label("Rationale").fill(RATIONALE)
    shots(page, "witness-decision-form")
    decision.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()

    action = page.locator("form", has=page.get_by_role("heading", name="Add an action"))
    action.get_by_role("textbox", name="Action").fill(ACTION)
    action.get_by_label("Owner").select_option(label="Dana Safeguard")
    # A deadline already past is refused with a message.
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    action.get_by_label("Deadline").evaluate("(el, v) => { el.min = ''; el.value = v; }", yesterday)
    action.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("alert", name="There is a problem")).to_contain_text(
        "The deadline cannot be in the past."
    )
    action = page.locator("form", has=page.get_by_role("heading", name="Add an action"))
    action.get_by_label("Deadline").fill((timezone.localdate() + dt.timedelta(days=2)).isoformat())
    shots(page, "witness-action-form")
    action.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added.")).to_be_visible()

    page.locator("summary", has_text="Add to this concern").click()
    note = page.locator("form", has=page.get_by_role("button", name="Add", exact=True))
    note.get_by_label("This is").select_option("CASE_NOTE")
    note.get_by_label("What you are adding").fill(NOTE)
    shots(page, "witness-case-note-form")
    note.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Added. It is dated")).to_be_visible()
    expect(page.get_by_text(f"On the file of: {alfie.display_name}").first).to_be_visible()

    # Bea's chronology: that she was involved and how, when, who raised it. Nothing of Alfie's.
    page.goto(f"{base}/safeguarding/pupils/{bea.pk}/")
    expect(page.get_by_role("heading", name="Bea Witnessby: chronology")).to_be_visible()
    expect(
        page.get_by_text(f"Concern {concern.reference} raised by Dana Safeguard")
    ).to_be_visible()
    expect(page.get_by_text("Saw or heard what happened")).to_be_visible()
    body = page.locator("main").inner_text()
    for marker in ALFIE_ONLY:
        assert marker not in body
    assert "Alfie" not in body
    shots(page, "witness-chronology")

    # Her PDF, after the DSL confirms their password.
    page.goto(f"{base}/accounts/reauthenticate/?next=/safeguarding/pupils/{bea.pk}/")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Bea Witnessby: chronology")).to_be_visible()
    response = page.request.get(f"{base}/safeguarding/pupils/{bea.pk}/chronology.pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert concern.reference in text and "Saw or heard what happened" in text
    for marker in ALFIE_ONLY:
        assert marker not in text

    # Her transfer file.
    Pupil.objects.filter(pk=bea.pk).update(leaving_date=timezone.localdate())
    page.goto(f"{base}/safeguarding/transfers/")
    card = page.locator(".card", has=page.get_by_role("heading", name="Bea Witnessby"))
    card.get_by_role("textbox", name="New school*").fill("Riverside Test Academy")
    card.get_by_label("The new school's DSL").fill("Sam Receiver, 01632 960000")
    card.get_by_role("button", name="Start transfer").click()
    expect(
        page.get_by_role("heading", name="Bea Witnessby → Riverside Test Academy")
    ).to_be_visible()
    transfer = Transfer.objects.get(pupil=bea)
    response = page.request.get(f"{base}/safeguarding/transfers/{transfer.pk}/file.zip")
    with zipfile.ZipFile(io.BytesIO(response.body())) as archive:
        text = pdf_text(archive.read("chronology.pdf"))
        manifest = archive.read("manifest.json").decode()
    assert "Saw or heard what happened" in text
    for marker in ALFIE_ONLY:
        assert marker not in text and marker not in manifest

    # Alfie's file holds all of it.
    page.goto(f"{base}/safeguarding/pupils/{alfie.pk}/")
    body = page.locator("main").inner_text()
    for marker in ("NARR-ALFIE", "WHY-ALFIE", "TODO-ALFIE", "NOTE-ALFIE"):
        assert marker in body
    text = pdf_text(
        page.request.get(f"{base}/safeguarding/pupils/{alfie.pk}/chronology.pdf").body()
    )
    for marker in ALFIE_ONLY:
        assert marker in text

    assert console_errors == []
