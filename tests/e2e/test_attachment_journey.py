"""Files on a concern: the teacher who raised it adds a photo of their handwritten note from a
phone; the DSL adds a scanned letter at a desk, finds both in the child's chronology beside the
child's words and the body map, and downloads one. The teacher cannot open either."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from safeguarding.categories import ensure_default_categories
from safeguarding.models import Attachment, Category, FileAccess
from staff.models import Role
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, shots, sign_in_with_code, sign_out
from tests.factories import TEST_PASSWORD, PupilFactory, SchoolFactory, member
from tests.safeguarding.helpers import make_concern

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300
PDF = b"%PDF-1.4\n% a scanned letter, synthetic\n%%EOF\n"
MARKS = [
    {"side": "front", "x": 31.0, "y": 42.0, "note": "Bruise on the left forearm"},
    {"side": "back", "x": 56.0, "y": 28.0, "note": "Red mark below the shoulder"},
]


def test_the_dsl_adds_a_scanned_letter_finds_it_in_the_chronology_and_downloads_it(
    page: Page, live_server, console_errors: list[str], tmp_path: Path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_default_categories(Category)  # a flush by an earlier browser test empties it
    school = SchoolFactory(name="Brookfield Files Primary")
    teacher = member(school, Role.TEACHER, full_name="Tamsin Testwell", job_title="Class teacher")
    dsl = member(school, Role.DSL, full_name="Dana Safeguard", job_title="DSL")
    pupil = PupilFactory(school=school, legal_forename="Wren", legal_surname="Example", nc_year=5)
    concern = make_concern(
        None,
        pupil=pupil,
        reporter=teacher,
        childs_words="It hurt when he grabbed my arm.",
        body_map=MARKS,
    )
    note = tmp_path / "break time note.png"
    note.write_bytes(PNG)
    letter = tmp_path / "mash letter.pdf"
    letter.write_bytes(PDF)
    base = live_server.url
    concern_url = f"{base}/safeguarding/concerns/{concern.pk}/"

    # The teacher who raised it adds a photo of their handwritten note, on a phone.
    page.set_viewport_size(PHONE)
    sign_in_with_code(page, base, teacher.email)
    page.goto(concern_url)
    page.get_by_text("Add a file: a photo or scan of your handwritten note").click()
    if SCREENSHOTS:  # the form as a teacher sees it on a phone
        page.locator("#files").screenshot(path=f"{SCREENSHOTS}/safeguarding-add-file-375.png")
    page.locator("input[type=file]").set_input_files(str(note))
    page.get_by_role("button", name="Upload the file").click()
    expect(page.get_by_text("“break time note.png” is on the concern.")).to_be_visible()
    files = page.get_by_role("region", name="Files you added")
    expect(files.get_by_text("break time note.png")).to_be_visible()
    expect(files.get_by_role("link", name="break time note.png")).to_have_count(0)
    expect(page.get_by_text("Only the DSL team can open files")).to_be_visible()
    mine = Attachment.objects.get()
    # Asked with the teacher's cookies, without opening an error page in the browser.
    download_url = f"{concern_url}files/{mine.pk}/"
    assert page.request.get(download_url, max_redirects=0).status == 403
    sign_out(page, "Tamsin Testwell")

    # The DSL, at a desk, adds the letter from MASH with the form's defaults but its kind.
    page.set_viewport_size(DESKTOP)
    sign_in_with_code(page, base, dsl.email)
    page.goto(concern_url)
    page.get_by_text("Add a file: a scan, a letter, minutes").click()
    page.locator("input[type=file]").set_input_files(str(letter))
    page.get_by_label("What it is").select_option("LETTER")
    page.get_by_label("Describe it (optional)").fill("MASH outcome letter")
    page.get_by_role("button", name="Upload the file").click()
    expect(page.get_by_text("“mash letter.pdf” is on the concern.")).to_be_visible()
    shots(page, "safeguarding-concern-files")

    # Both files are in the chronology, with the child's words and the body map.
    page.goto(f"{base}/safeguarding/pupils/{pupil.pk}/")
    expect(page.get_by_role("heading", name="Wren Example: chronology")).to_be_visible()
    chron = page.locator(".chron-list")
    expect(chron.get_by_text("It hurt when he grabbed my arm.")).to_be_visible()
    expect(chron.get_by_text("Front: Bruise on the left forearm")).to_be_visible()
    expect(chron.get_by_role("img", name="Front of the body: 1 mark")).to_be_visible()
    expect(chron.get_by_role("link", name="break time note.png")).to_be_visible()
    expect(chron.get_by_text("MASH outcome letter")).to_be_visible()
    shots(page, "safeguarding-chronology-files")

    # Downloading is like printing: the DSL confirms their password first.
    chron.get_by_role("link", name="mash letter.pdf").click()
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirm").click()
    letter_row = Attachment.objects.get(original_name="mash letter.pdf")
    assert download.value.suggested_filename == f"{concern.reference}-file-{letter_row.pk}.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    access = FileAccess.objects.get(kind=FileAccess.Kind.FILE_DOWNLOADED)
    assert (access.user, access.pupil) == (dsl, pupil)

    assert console_errors == []
