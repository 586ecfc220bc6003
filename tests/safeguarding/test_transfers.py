"""Moving a leaver's child protection file: start, export (zip), sent, receipt confirmed."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pupils.models import Pupil
from safeguarding.models import FileAccess, Involvement, Transfer, TransferStep
from safeguarding.schooldays import add_school_days
from tests.factories import TEST_PASSWORD, PupilFactory
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(world):
    sibling = PupilFactory(school=world.school, legal_forename="Sibling", legal_surname="Named")
    make_concern(world, text="TRANSFER-TEXT", others=((sibling, Involvement.WITNESS, ()),))
    Pupil.objects.filter(pk=world.pupil.pk).update(leaving_date=dt.date(2025, 7, 18))
    world.pupil.refresh_from_db()
    return world.pupil


def test_a_leaver_with_a_file_is_listed_and_a_transfer_starts_with_a_deadline(
    world, leaver
) -> None:
    client = world.client("dsl")
    page = client.get(reverse("safeguarding:transfers"))
    assert leaver.display_name in page.content.decode()
    response = client.post(
        reverse("safeguarding:transfer_start", args=[leaver.pk]),
        {"destination_school": "Riverside Academy", "destination_contact": "Sam Dsl, 0123"},
    )
    transfer = Transfer.objects.get()
    assert response["Location"] == reverse("safeguarding:transfer", args=[transfer.pk])
    # Left on Friday 18 July 2025; the summer term (typical dates) ends on Monday 21 July, so
    # the other four school days are the first of the autumn term: 1 to 4 September.
    assert transfer.deadline == dt.date(2025, 9, 4)
    assert (
        leaver.display_name not in client.get(reverse("safeguarding:transfers")).context["leavers"]
    )


def test_a_pupil_without_a_leaving_date_cannot_start(world) -> None:
    make_concern(world)
    response = world.client("dsl").post(
        reverse("safeguarding:transfer_start", args=[world.pupil.pk]),
        {"destination_school": "X", "destination_contact": "Y"},
    )
    assert response.status_code == 200
    assert "leaving date first" in response.content.decode()
    assert not Transfer.objects.exists()


def test_export_needs_reauthentication_and_gives_pdf_and_manifest(world, leaver) -> None:
    client = world.client("dsl")
    client.post(
        reverse("safeguarding:transfer_start", args=[leaver.pk]),
        {"destination_school": "Riverside Academy", "destination_contact": "Sam Dsl"},
    )
    transfer = Transfer.objects.get()
    url = reverse("safeguarding:transfer_export", args=[transfer.pk])
    assert client.get(url)["Location"].startswith(reverse("account_reauthenticate"))
    # Recording "sent" before any export is refused.
    step = reverse("safeguarding:transfer_step", args=[transfer.pk])
    sent = {
        "sent-kind": "SENT",
        "kind": "SENT",
        "sent-method": "SECURE_EMAIL",
        "sent-person": "Sam Dsl",
        "sent-on": timezone.localdate().isoformat(),
    }
    assert client.post(step, sent).status_code == 200
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.get(url)
    assert response["Content-Type"] == "application/zip"
    assert leaver.legal_surname not in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["chronology.pdf", "manifest.json"]
    pdf = archive.read("chronology.pdf")
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "TRANSFER-TEXT" in text
    assert "Sibling Named" not in text  # other children are not named in a file that leaves
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["pupil"]["upn"] == leaver.upn
    assert manifest["to_school"] == "Riverside Academy"
    assert len(manifest["records"]["concerns"]) == 1
    assert FileAccess.objects.filter(kind=FileAccess.Kind.FILE_EXPORTED).count() == 1
    assert client.post(step, sent).status_code == 302
    received = {
        "kind": "RECEIVED",
        "received-kind": "RECEIVED",
        "received-person": "Sam Dsl, DSL",
        "received-on": timezone.localdate().isoformat(),
    }
    assert client.post(step, received).status_code == 302
    assert list(transfer.steps.values_list("kind", flat=True)) == [
        TransferStep.Kind.EXPORTED,
        TransferStep.Kind.SENT,
        TransferStep.Kind.RECEIVED,
    ]
    assert not Transfer.objects.overdue(on=dt.date(2030, 1, 1)).exists()


def test_transfer_deadlines_count_the_schools_own_term_days(world) -> None:
    from staff.models import SchoolTerm

    SchoolTerm.objects.create(
        school=world.school,
        academic_year=2025,
        half="AUTUMN_1",
        starts_on=dt.date(2025, 9, 3),
        ends_on=dt.date(2025, 10, 24),
    )
    SchoolTerm.objects.create(
        school=world.school,
        academic_year=2025,
        half="AUTUMN_2",
        starts_on=dt.date(2025, 11, 3),
        ends_on=dt.date(2025, 12, 19),
    )
    school = world.school.pk
    # In term: five weekdays, as before (Wednesday 8 October -> Wednesday 15 October).
    assert add_school_days(dt.date(2025, 10, 8), 5, school_id=school) == dt.date(2025, 10, 15)
    # Across October half term: 27-31 October do not count.
    assert add_school_days(dt.date(2025, 10, 22), 5, school_id=school) == dt.date(2025, 11, 5)
    # This school starts on 3 September, not the typical 1st.
    assert add_school_days(dt.date(2025, 8, 20), 1, school_id=school) == dt.date(2025, 9, 3)
    # Without a school, weekdays only (the triage clock).
    assert add_school_days(dt.date(2025, 10, 22), 5) == dt.date(2025, 10, 29)


def _form_names(page: str, button: str) -> dict[str, str]:
    """Return the inputs of the form holding ``button``, as the browser posts them."""
    form = next(f for f in page.split("<form")[1:] if button in f.split("</form>")[0])
    form = form.split("</form>")[0]
    names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', form)
    values = dict(re.findall(r'<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"', form))
    return {name: values.get(name, "") for name in names}


def test_receipt_posted_as_the_page_names_it_completes_the_transfer(world, leaver) -> None:
    """The receipt form posts ``received-kind``: it was read as "sent" and nothing was saved."""
    client = world.client("dsl")
    client.post(
        reverse("safeguarding:transfer_start", args=[leaver.pk]),
        {"destination_school": "Riverside Academy", "destination_contact": "Sam Dsl"},
    )
    transfer = Transfer.objects.get()
    TransferStep.objects.create(
        transfer=transfer, kind=TransferStep.Kind.EXPORTED, by=world.users["dsl"]
    )
    detail = reverse("safeguarding:transfer", args=[transfer.pk])
    step = reverse("safeguarding:transfer_step", args=[transfer.pk])
    sent = _form_names(client.get(detail).content.decode(), "Record how it was sent")
    assert "kind" not in sent and sent["sent-kind"] == "SENT"
    sent.update({"sent-method": "SECURE_EMAIL", "sent-person": "Sam Dsl"})
    response = client.post(step, sent, follow=True)
    assert "Recorded how the file was sent." in response.content.decode()
    received = _form_names(response.content.decode(), "Record receipt")
    assert received["received-kind"] == "RECEIVED"
    received["received-person"] = "Sam Dsl, DSL at Riverside"
    response = client.post(step, received, follow=True)
    assert "this transfer is complete" in response.content.decode()
    assert transfer.steps.get(kind=TransferStep.Kind.RECEIVED).person == "Sam Dsl, DSL at Riverside"
    listing = client.get(reverse("safeguarding:transfers"))
    assert [t.pk for t in listing.context["done"]] == [transfer.pk]
    assert listing.context["open"] == []


def test_a_step_posted_without_its_form_is_refused_with_a_message(world, leaver) -> None:
    client = world.client("dsl")
    client.post(
        reverse("safeguarding:transfer_start", args=[leaver.pk]),
        {"destination_school": "Riverside Academy", "destination_contact": "Sam Dsl"},
    )
    transfer = Transfer.objects.get()
    response = client.post(
        reverse("safeguarding:transfer_step", args=[transfer.pk]),
        {"kind": "RECEIVED", "person": "Someone"},
    )
    assert response.status_code == 200
    assert "Nothing was recorded" in response.content.decode()
    assert not transfer.steps.exists()


def test_a_leaver_not_yet_started_shows_the_due_date_and_overdue(world, leaver) -> None:
    # Left Friday 18 July 2025: due Thursday 4 September (typical term dates), long past.
    page = world.client("dsl").get(reverse("safeguarding:transfers"))
    [listed] = page.context["leavers"]
    assert listed.transfer_due == dt.date(2025, 9, 4)
    card = page.content.decode().split(leaver.display_name, 1)[1].split("Start transfer")[0]
    assert "file due by 4 Sep 2025" in card and "Overdue" in card


def test_a_leaver_due_in_the_future_is_not_overdue(world, leaver) -> None:
    leaving = timezone.localdate() + dt.timedelta(days=30)
    Pupil.objects.filter(pk=leaver.pk).update(leaving_date=leaving)
    page = world.client("dsl").get(reverse("safeguarding:transfers"))
    [listed] = page.context["leavers"]
    assert listed.transfer_due > leaving
    card = page.content.decode().split(leaver.display_name, 1)[1].split("Start transfer")[0]
    assert "Overdue" not in card and "Not started" in card
