"""Files on concerns: added by the reporter or the DSL team with the same checks as pupils'
documents, append-only, downloaded by the DSL team only (audited on the child's file), listed in
the chronology and its PDF, and carried in the transfer package."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from safeguarding import services
from safeguarding.models import Alert, Attachment, FileAccess
from staff.models import AuditEvent
from tests.factories import TEST_PASSWORD, PupilFactory
from tests.safeguarding.helpers import REFUSED_EDIT, make_concern

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200 + b"\n%%EOF"
MARKS = [
    {"side": "front", "x": 30.0, "y": 40.0, "note": "Bruise on the left forearm"},
    {"side": "back", "x": 55.0, "y": 30.0, "note": "Red mark below the shoulder"},
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _upload(name: str = "my note.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _post(client, concern, **fields):
    data = {
        "attachment-kind": fields.pop("kind", "HANDWRITTEN"),
        "attachment-description": fields.pop("description", ""),
        "attachment-file": fields.pop("file", _upload()),
        **{f"attachment-{k}": v for k, v in fields.items()},
    }
    return client.post(reverse("safeguarding:attachment_add", args=[concern.pk]), data)


def _reauthenticated(world, persona: str = "dsl"):
    client = world.client(persona)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    return client


def test_the_reporter_attaches_a_photo_of_their_note_and_the_dsl_team_is_alerted(
    world, tmp_path
) -> None:
    concern = make_concern(world)
    response = _post(world.client("teacher"), concern, description="Notes from break time")
    assert response.status_code == 302
    assert response["Location"].endswith("#files")
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type) == ("my note.png", "image/png")
    assert attachment.uploaded_by == world.users["teacher"]
    # Stored under a random name: nothing about the file or the child in the path.
    stored = Path(attachment.file.name)
    assert stored.parts[:2] == ("safeguarding", str(world.school.pk))
    assert "note" not in stored.name and len(stored.name) == 32
    assert (tmp_path / attachment.file.name).read_bytes() == PNG
    alert = Alert.objects.get(kind=Alert.Kind.ADDED)
    assert alert.recipient == world.users["dsl"]
    assert AuditEvent.objects.filter(action="safeguarding.attachment.added").exists()
    # The reporter sees it listed on their concern, without a link to open it.
    page = world.client("teacher").get(reverse("safeguarding:concern", args=[concern.pk]))
    html = page.content.decode()
    assert "my note.png" in html and "Only the DSL team can open files" in html
    assert reverse("safeguarding:attachment_download", args=[concern.pk, attachment.pk]) not in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ" + b"\x00" * 100, "is not a PDF, PNG or JPEG"),
        ("letter.pdf", b"<html><script>alert(1)</script></html>", "its contents are not"),
        ("photo.jpg", PNG, "its contents are not"),
    ],
)
def test_a_file_is_judged_by_its_content_not_its_name(world, name, content, message) -> None:
    concern = make_concern(world)
    response = _post(world.client("dsl"), concern, file=_upload(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_with_the_limit_named(world, settings) -> None:
    settings.SEND_HUB_MAX_UPLOAD_MB = 1
    concern = make_concern(world)
    big = _upload("minutes.pdf", PDF + b"0" * (1024 * 1024))
    response = _post(world.client("dsl"), concern, kind="MINUTES", file=big)
    assert response.status_code == 200
    assert "larger than the 1 MB limit" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_same_file_sent_twice_is_stored_once(world) -> None:
    concern = make_concern(world)
    client = world.client("teacher")
    _post(client, concern)
    _post(client, concern)
    assert Attachment.objects.count() == 1


def test_a_member_of_staff_who_did_not_raise_it_cannot_add_or_download(world) -> None:
    concern = make_concern(world)
    assert _post(world.client("lsa_caseload"), concern).status_code == 404
    attachment = services.attachment_add(
        concern=concern, by=world.users["dsl"], upload=_upload(), kind="LETTER"
    )
    url = reverse("safeguarding:attachment_download", args=[concern.pk, attachment.pk])
    # The reporter sees it listed but cannot open it; others are refused before any lookup.
    assert _reauthenticated(world, "teacher").get(url).status_code == 403
    assert world.client("lsa_caseload").get(url).status_code == 403
    assert not FileAccess.objects.filter(kind=FileAccess.Kind.FILE_DOWNLOADED).exists()


def test_the_dsl_downloads_a_file_as_an_attachment_recorded_on_the_childs_file(world) -> None:
    concern = make_concern(world)
    attachment = services.attachment_add(
        concern=concern, by=world.users["teacher"], upload=_upload(), kind="HANDWRITTEN"
    )
    url = reverse("safeguarding:attachment_download", args=[concern.pk, attachment.pk])
    # Like printing: the DSL re-enters their password first.
    first = world.client("dsl").get(url)
    assert first.status_code == 302
    assert first["Location"].startswith(reverse("account_reauthenticate"))
    response = _reauthenticated(world).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"{concern.reference}-file-{attachment.pk}.png" in response["Content-Disposition"]
    assert "note" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    access = FileAccess.objects.get(kind=FileAccess.Kind.FILE_DOWNLOADED)
    assert (access.pupil, access.user, access.concern) == (
        world.pupil,
        world.users["dsl"],
        concern,
    )
    assert AuditEvent.objects.filter(action="safeguarding.attachment.downloaded").exists()
    log = world.client("dsl").get(reverse("safeguarding:access_log", args=[world.pupil.pk]))
    assert "downloaded a file attached to a concern" in log.content.decode().lower()


def test_a_file_missing_from_storage_is_explained_not_a_500(world, tmp_path) -> None:
    concern = make_concern(world)
    attachment = services.attachment_add(
        concern=concern, by=world.users["dsl"], upload=_upload(), kind="LETTER"
    )
    (tmp_path / attachment.file.name).unlink()
    url = reverse("safeguarding:attachment_download", args=[concern.pk, attachment.pk])
    response = _reauthenticated(world).get(url, follow=True)
    assert response.status_code == 200
    assert "is missing from SEND Hub" in response.content.decode()


def test_files_are_append_only(world) -> None:
    concern = make_concern(world)
    services.attachment_add(concern=concern, by=world.users["dsl"], upload=_upload(), kind="OTHER")
    table = connection.ops.quote_name(Attachment._meta.db_table)
    for statement in (f"UPDATE {table} SET description = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match=REFUSED_EDIT),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)


def test_a_file_on_a_case_note_goes_on_the_files_of_the_children_it_is_about(world) -> None:
    witness = PupilFactory(school=world.school, legal_forename="Wanda", legal_surname="Witness")
    concern = make_concern(world, others=((witness, "WITNESS", ()),))
    witness_link = concern.links.get(pupil=witness)
    dsl = world.users["dsl"]
    note = services.addendum_add(
        concern=concern,
        by=dsl,
        kind="CASE_NOTE",
        text="Spoke to the witness with a parent present.",
        children=[witness_link],
    )
    on_note = services.attachment_add(
        concern=concern, by=dsl, upload=_upload("w.pdf", PDF), kind="MINUTES", addendum=note
    )
    on_concern = services.attachment_add(
        concern=concern, by=world.users["teacher"], upload=_upload(), kind="HANDWRITTEN"
    )
    assert [link.pupil for link in services.attachment_children(on_note)] == [witness]
    assert [link.pupil for link in services.attachment_children(on_concern)] == [world.pupil]
    client = world.client("dsl")
    witness_page = client.get(reverse("safeguarding:chronology", args=[witness.pk]))
    html = witness_page.content.decode()
    assert "w.pdf" in html and "my note.png" not in html
    subject_page = client.get(reverse("safeguarding:chronology", args=[world.pupil.pk]))
    html = subject_page.content.decode()
    assert "my note.png" in html and "w.pdf" not in html


def test_only_what_you_wrote_can_carry_your_file(world) -> None:
    concern = make_concern(world)
    note = services.addendum_add(
        concern=concern, by=world.users["dsl"], kind="CASE_NOTE", text="Called home."
    )
    with pytest.raises(Exception, match="something you wrote"):
        services.attachment_add(
            concern=concern,
            by=world.users["teacher"],
            upload=_upload(),
            kind="HANDWRITTEN",
            addendum=note,
        )


def test_the_chronology_lists_files_and_shows_the_childs_words_and_body_map(world) -> None:
    witness = PupilFactory(school=world.school)
    concern = make_concern(
        world,
        childs_words="He said it happened at the weekend.",
        body_map=MARKS,
        others=((witness, "WITNESS", ()),),
    )
    services.attachment_add(
        concern=concern,
        by=world.users["teacher"],
        upload=_upload("scan.pdf", PDF),
        kind="HANDWRITTEN",
        description="Notes from break time",
    )
    client = world.client("dsl")
    html = client.get(reverse("safeguarding:chronology", args=[world.pupil.pk])).content.decode()
    assert "He said it happened at the weekend." in html
    assert "Bruise on the left forearm" in html and 'class="body-map-svg"' in html
    assert "scan.pdf" in html and "Handwritten note (scan or photo)".lower() in html.lower()
    assert "Notes from break time" in html
    # The witness's file holds neither the subject's words, the body map nor the file.
    html = client.get(reverse("safeguarding:chronology", args=[witness.pk])).content.decode()
    assert "He said it happened at the weekend." not in html
    assert "Bruise on the left forearm" not in html and "body-map-svg" not in html
    assert "scan.pdf" not in html


def test_the_chronology_pdf_lists_a_file_without_its_content(world) -> None:
    concern = make_concern(world, body_map=MARKS)
    secret = b"%PDF-1.4\nCONTENT-NEVER-PRINTED\n%%EOF"
    services.attachment_add(
        concern=concern, by=world.users["dsl"], upload=_upload("mash.pdf", secret), kind="LETTER"
    )
    response = _reauthenticated(world).get(
        reverse("safeguarding:chronology_pdf", args=[world.pupil.pk])
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert f"File added to {concern.reference}" in text and "mash.pdf" in text
    assert "Bruise on the left forearm" in text
    assert "CONTENT-NEVER-PRINTED" not in text


def test_the_transfer_package_carries_the_files_and_lists_them(world) -> None:
    witness = PupilFactory(school=world.school, legal_forename="Wanda", legal_surname="Witness")
    concern = make_concern(world, others=((witness, "WITNESS", ()),))
    services.attachment_add(
        concern=concern,
        by=world.users["teacher"],
        upload=_upload("Wanda Witness note.png"),
        kind="HANDWRITTEN",
    )
    services.attachment_add(
        concern=concern, by=world.users["dsl"], upload=_upload("mash.pdf", PDF), kind="LETTER"
    )
    world.pupil.leaving_date = timezone.localdate()
    world.pupil.save()
    transfer = services.transfer_start(
        pupil=world.pupil, by=world.users["dsl"], destination_school="X", destination_contact="Y"
    )
    _name, content = services.transfer_export(transfer=transfer, by=world.users["dsl"])
    archive = zipfile.ZipFile(io.BytesIO(content))
    ref = concern.reference
    png_name = f"attachments/01-{ref}-handwritten.png"
    pdf_name = f"attachments/02-{ref}-letter.pdf"
    assert sorted(archive.namelist()) == sorted(
        ["chronology.pdf", "manifest.json", png_name, pdf_name]
    )
    assert archive.read(png_name) == PNG and archive.read(pdf_name) == PDF
    manifest = json.loads(archive.read("manifest.json"))
    assert [f["name"] for f in manifest["files"]] == ["chronology.pdf", png_name, pdf_name]
    assert [a["kind"] for a in manifest["attachments"]] == [
        "Handwritten note (scan or photo)",
        "Letter (for example from MASH or social care)",
    ]
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(archive.read("chronology.pdf"))).pages
    )
    assert png_name in text and pdf_name in text
    # A file's original name may name another child: it does not leave the school.
    assert "Wanda" not in text and "Wanda" not in archive.read("manifest.json").decode()


@pytest.mark.parametrize("n", [2, 20])
def test_files_do_not_add_queries_per_file_to_the_chronology(
    world, django_assert_max_num_queries, n
) -> None:
    for i in range(n):
        concern = make_concern(world, body_map=MARKS)
        note = services.addendum_add(
            concern=concern, by=world.users["dsl"], kind="CASE_NOTE", text=f"Note {i}"
        )
        services.attachment_add(
            concern=concern, by=world.users["teacher"], upload=_upload(), kind="HANDWRITTEN"
        )
        services.attachment_add(
            concern=concern,
            by=world.users["dsl"],
            upload=_upload("m.pdf", PDF + str(i).encode()),
            kind="MINUTES",
            addendum=note,
        )
    client = world.client("dsl")
    url = reverse("safeguarding:chronology", args=[world.pupil.pk])
    # 34: as tests/safeguarding/test_queries.py (the latest entries found from their moments);
    # +6 for the first look after a change, which stamps the school's files afresh before it
    # keeps what it worked out (safeguarding.services.kept).
    with django_assert_max_num_queries(40):
        response = client.get(url)
    assert response.context["chronology"].total == 4 * n  # concerns, notes and both files
    with django_assert_max_num_queries(34):
        response = client.get(url, {"all": "1"})
    assert len(response.context["chronology"].attachments) == 2 * n
