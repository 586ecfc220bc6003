"""A pupil's records: exam access arrangements, contacts, agencies and documents."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pupils.models import AccessArrangement, AgencyInvolvement, Contact, Document, Pupil
from pupils.services import records
from staff.models import AuditEvent
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

# Tiny files that start with each format's magic bytes (synthetic, not real documents).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 8 + b"\xff\xd9"
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00" + b"\x00" * 60


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _access_data(**overrides: str) -> dict[str, str]:
    return {
        "kind": AccessArrangement.Kind.EXTRA_TIME_25,
        "normal_way_of_working": "Uses extra time in timed class tests.",
        "assessment_date": "2025-09-15",
        "assessor": "A. Assessor, specialist teacher (synthetic)",
        "valid_from": "2025-09-15",
        "valid_to": "2027-09-14",
        "approve": "on",
        **overrides,
    }


CONTACT = {
    "name": "Jordan Example",
    "relationship": "Mother",
    "parental_responsibility": "on",
    "phone": "01632 960000",
    "email": "",
    "preferred_contact": "PHONE",
    "priority": "1",
    "notes": "",
}
AGENCY = {
    "agency": "SALT",
    "contact_name": "Sam Therapist",
    "contact_details": "salt@nhs.example",
    "start_date": "2025-10-01",
    "end_date": "",
    "notes": "",
}


def _upload(name: str = "report.pdf", content: bytes = PDF, title: str = "EP report") -> dict:
    return {"title": title, "kind": "EP_REPORT", "file": SimpleUploadedFile(name, content)}


ADD_FORMS = {
    "pupils:access_add": _access_data,
    "pupils:contact_add": lambda: dict(CONTACT),
    "pupils:agency_add": lambda: dict(AGENCY),
    "pupils:document_upload": _upload,
}
MODELS = {
    "pupils:access_add": AccessArrangement,
    "pupils:contact_add": Contact,
    "pupils:agency_add": AgencyInvolvement,
    "pupils:document_upload": Document,
}


# --- The add forms ---------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", sorted(ADD_FORMS))
def test_sendco_adds_a_record_and_is_sent_back_to_the_profile(world, url_name: str) -> None:
    client = world.client("sendco")
    url = reverse(url_name, args=[world.pupil.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, ADD_FORMS[url_name](), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("pupils:detail", args=[world.pupil.pk]))
    assert MODELS[url_name].objects.filter(pupil=world.pupil).count() == 1
    assert any(m.level_tag == "success" for m in response.context["messages"])


@pytest.mark.parametrize("url_name", sorted(ADD_FORMS))
def test_double_submission_makes_one_record(world, url_name: str) -> None:
    client = world.client("sendco")
    url = reverse(url_name, args=[world.pupil.pk])
    client.post(url, ADD_FORMS[url_name]())
    client.post(url, ADD_FORMS[url_name]())
    assert MODELS[url_name].objects.filter(pupil=world.pupil).count() == 1


@pytest.mark.parametrize("url_name", sorted(ADD_FORMS))
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 403),  # sees the pupil, may not edit
        ("lsa_caseload", 403),
        ("dsl", 403),
        ("hr_admin", 403),
        ("lsa_no_caseload", 404),  # the pupil is outside their caseload
        ("other_school", 404),
    ],
)
def test_add_forms_refuse_people_who_may_not_edit(
    world, url_name: str, persona: str, status: int
) -> None:
    response = world.client(persona).post(
        reverse(url_name, args=[world.pupil.pk]), ADD_FORMS[url_name]()
    )
    assert response.status_code == status
    assert not MODELS[url_name].objects.exists()


@pytest.mark.parametrize("url_name", sorted(ADD_FORMS))
def test_add_forms_send_anonymous_people_to_sign_in(world, url_name: str) -> None:
    response = world.client("anonymous").get(reverse(url_name, args=[world.pupil.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Exam access arrangements ----------------------------------------------------------------


def test_ticking_approve_records_the_sendco_and_today(world) -> None:
    sendco = world.users["sendco"]
    world.client("sendco").post(reverse("pupils:access_add", args=[world.pupil.pk]), _access_data())
    arrangement = AccessArrangement.objects.get()
    assert arrangement.approved_by == sendco
    assert arrangement.approved_on == timezone.localdate()
    assert arrangement.has_evidence
    assert AuditEvent.objects.filter(
        action="pupils.access_arrangement.added", actor=sendco, school=world.school
    ).exists()


def test_unticked_approve_leaves_the_arrangement_unapproved(world) -> None:
    data = _access_data()
    del data["approve"]
    world.client("sendco").post(reverse("pupils:access_add", args=[world.pupil.pk]), data)
    arrangement = AccessArrangement.objects.get()
    assert arrangement.approved_by is None and arrangement.approved_on is None


def test_access_arrangement_refuses_valid_to_before_valid_from(world) -> None:
    response = world.client("sendco").post(
        reverse("pupils:access_add", args=[world.pupil.pk]),
        _access_data(valid_from="2025-09-15", valid_to="2025-09-01"),
    )
    assert response.status_code == 200
    assert "is before “valid from”" in response.content.decode()
    assert not AccessArrangement.objects.exists()


def test_access_arrangement_service_refuses_valid_to_before_valid_from(world) -> None:
    with pytest.raises(ValidationError, match="before it starts"):
        records.access_arrangement_add(
            pupil=world.pupil,
            kind=AccessArrangement.Kind.READER,
            valid_from=dt.date(2025, 9, 15),
            valid_to=dt.date(2025, 9, 1),
            by=world.users["sendco"],
        )


def test_agency_refuses_end_before_start(world) -> None:
    response = world.client("sendco").post(
        reverse("pupils:agency_add", args=[world.pupil.pk]),
        {**AGENCY, "start_date": "2025-10-01", "end_date": "2025-09-01"},
    )
    assert response.status_code == 200
    assert "is before the start date" in response.content.decode()
    assert not AgencyInvolvement.objects.exists()


def test_contact_preferring_e_mail_needs_an_address(world) -> None:
    response = world.client("sendco").post(
        reverse("pupils:contact_add", args=[world.pupil.pk]),
        {**CONTACT, "preferred_contact": "EMAIL", "email": ""},
    )
    assert response.status_code == 200
    assert "Add an e-mail address" in response.content.decode()
    assert not Contact.objects.exists()


# --- The exams officer's register -------------------------------------------------------------


def _arrangement(pupil: Pupil, **fields: object) -> AccessArrangement:
    values = {
        "kind": AccessArrangement.Kind.EXTRA_TIME_25,
        "valid_from": dt.date(2025, 9, 1),
        "normal_way_of_working": "In class.",
        "assessment_date": dt.date(2025, 6, 1),
        **fields,
    }
    return AccessArrangement.objects.create(pupil=pupil, **values)


@pytest.mark.parametrize("pupils", [5, 50])
def test_access_register_queries_do_not_grow_with_rows(
    world, django_assert_max_num_queries, pupils: int
) -> None:
    for pupil in PupilFactory.create_batch(pupils, school=world.school):
        _arrangement(pupil)
        _arrangement(pupil, kind=AccessArrangement.Kind.READER, normal_way_of_working="")
    client = world.client("sendco")
    client.get(reverse("pupils:access_register"))  # first request settles the session
    # Session, user, memberships, roles, pupils, arrangements; then the session's idle-expiry
    # save (savepoint, update, release). Nothing here is per pupil.
    # +1: the layout's notification count; +1: the school's year groups for the filter.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("pupils:access_register"))
    assert response.status_code == 200
    assert len(response.context["pupils"]) == pupils


def test_access_register_lists_current_arrangements_with_evidence_warnings(world) -> None:
    today = timezone.localdate()
    _arrangement(world.pupil, kind=AccessArrangement.Kind.SCRIBE, normal_way_of_working="")
    _arrangement(
        world.pupil,
        kind=AccessArrangement.Kind.PROMPTER,
        valid_from=today - dt.timedelta(days=400),
        valid_to=today - dt.timedelta(days=1),
    )
    left = PupilFactory(school=world.school, leaving_date=today, admission_date=None)
    _arrangement(left, kind=AccessArrangement.Kind.READER)
    _arrangement(world.other_pupil, kind=AccessArrangement.Kind.READER)

    response = world.client("sendco").get(reverse("pupils:access_register"))
    html = response.content.decode()
    assert list(response.context["pupils"]) == [world.pupil]
    assert "Scribe" in html and "No evidence" in html
    assert "Prompter" not in html  # expired yesterday


def test_access_register_filters_by_year_group(world) -> None:
    _arrangement(world.pupil)  # Year 8
    year_ten = PupilFactory(school=world.school, nc_year=10)
    _arrangement(year_ten)
    client = world.client("sendco")
    response = client.get(reverse("pupils:access_register"), {"year": "10"})
    assert list(response.context["pupils"]) == [year_ten]
    get_form = response.content.decode().split('<form method="get"')[1].split("</form>")[0]
    assert "csrfmiddlewaretoken" not in get_form  # it would end up in URLs and server logs
    response = client.get(reverse("pupils:access_register"), {"year": "not-a-year"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert len(response.context["pupils"]) == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [("teacher", 403), ("lsa_caseload", 403), ("dsl", 403), ("hr_admin", 403), ("sendco", 200)],
)
def test_access_register_is_for_leaders(world, persona: str, status: int) -> None:
    response = world.client(persona).get(reverse("pupils:access_register"))
    assert response.status_code == status


# --- Documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("ep-report.PDF", PDF, "application/pdf"),
        ("scan.png", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("photo.jpg", JPEG, "image/jpeg"),
    ],
)
def test_upload_accepts_pdf_png_and_jpeg_and_stores_under_media_root(
    world, media: Path, name: str, content: bytes, content_type: str
) -> None:
    response = world.client("sendco").post(
        reverse("pupils:document_upload", args=[world.pupil.pk]), _upload(name, content)
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == content_type
    assert document.original_name == name
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    stored = Path(document.file.path)
    assert stored.is_relative_to(media) and stored.read_bytes() == content
    assert name not in str(stored)  # the child's file name stays in the database
    assert AuditEvent.objects.filter(
        action="pupils.document.uploaded", object_id=str(document.pk), school=world.school
    ).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", PNG, "its contents are not"),  # a PNG named .pdf
        ("report.pdf", HTML, "its contents are not"),  # a web page renamed
        ("setup.exe", EXE, "is not a PDF, PNG or JPEG"),
        ("report.html", HTML, "is not a PDF, PNG or JPEG"),
        ("report", PDF, "is not a PDF, PNG or JPEG"),
    ],
)
def test_upload_refuses_anything_else_with_a_clear_message(
    world, media: Path, name: str, content: bytes, message: str
) -> None:
    response = world.client("sendco").post(
        reverse("pupils:document_upload", args=[world.pupil.pk]), _upload(name, content)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_upload_refuses_a_file_over_the_size_limit(world, settings, media: Path) -> None:
    settings.SEND_HUB_MAX_UPLOAD_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    response = world.client("sendco").post(
        reverse("pupils:document_upload", args=[world.pupil.pk]), _upload("big.pdf", big)
    )
    assert response.status_code == 200
    assert "larger than the 1 MB limit" in response.content.decode()
    assert not Document.objects.exists()


def test_the_same_file_a_minute_later_is_a_new_document(world) -> None:
    first = records.document_upload(
        pupil=world.pupil,
        upload=SimpleUploadedFile("a.pdf", PDF),
        title="EP report",
        kind="EP_REPORT",
        by=world.users["sendco"],
    )
    Document.objects.filter(pk=first.pk).update(
        uploaded_at=timezone.now() - dt.timedelta(minutes=2)
    )
    records.document_upload(
        pupil=world.pupil,
        upload=SimpleUploadedFile("a.pdf", PDF),
        title="EP report",
        kind="EP_REPORT",
        by=world.users["sendco"],
    )
    assert Document.objects.count() == 2


@pytest.fixture
def document(world) -> Document:
    return records.document_upload(
        pupil=world.pupil,
        upload=SimpleUploadedFile("Report for a pupil.pdf", PDF),
        title="EP report",
        kind="EP_REPORT",
        by=world.users["sendco"],
    )


@pytest.mark.parametrize("persona", ["sendco", "dsl"])
def test_download_is_an_audited_attachment(world, document: Document, persona: str) -> None:
    url = reverse("pupils:document_download", args=[world.pupil.pk, document.pk])
    response = world.client(persona).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="pupils.document.downloaded")
    assert event.actor == world.users[persona]
    assert event.object_id == str(document.pk)
    assert event.data == {"pupil": world.pupil.pk}
    response.close()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("teacher", 403), ("lsa_caseload", 403), ("lsa_no_caseload", 404), ("other_school", 404)],
)
def test_download_is_refused_without_access(
    world, document: Document, persona: str, status: int
) -> None:
    url = reverse("pupils:document_download", args=[world.pupil.pk, document.pk])
    assert world.client(persona).get(url).status_code == status
    assert not AuditEvent.objects.filter(action="pupils.document.downloaded").exists()


def test_download_through_another_pupil_is_404(world, document: Document) -> None:
    another = PupilFactory(school=world.school)
    url = reverse("pupils:document_download", args=[another.pk, document.pk])
    assert world.client("sendco").get(url).status_code == 404


def test_download_sends_nothing_if_the_audit_fails(world, document: Document, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr("pupils.views.records.log_action", broken)
    url = reverse("pupils:document_download", args=[world.pupil.pk, document.pk])
    with pytest.raises(DatabaseError):
        world.client("sendco").get(url)


def test_download_of_a_missing_file_explains_what_to_do(world, document: Document) -> None:
    Path(document.file.path).unlink()
    url = reverse("pupils:document_download", args=[world.pupil.pk, document.pk])
    response = world.client("sendco").get(url)
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="pupils.document.downloaded").exists()


# --- The profile sections ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "flag", "heading", "add_url"),
    [
        ("access", "sees_access", "Exam access arrangements", "pupils:access_add"),
        ("contacts", "sees_contacts", "Parents and carers", "pupils:contact_add"),
        ("agencies", "sees_contacts", "External agencies", "pupils:agency_add"),
        ("documents", "sees_documents", "Documents", "pupils:document_upload"),
    ],
)
def test_sections_show_nothing_to_people_who_may_not_see_them(
    world, section: str, flag: str, heading: str, add_url: str
) -> None:
    template = f"pupils/sections/{section}.html"
    hidden = render_to_string(template, {"pupil": world.pupil, flag: False, "may_edit": True})
    assert hidden.strip() == ""
    shown = render_to_string(template, {"pupil": world.pupil, flag: True, "may_edit": False})
    assert heading in shown and "<section" in shown and "href" not in shown
    editable = render_to_string(template, {"pupil": world.pupil, flag: True, "may_edit": True})
    assert reverse(add_url, args=[world.pupil.pk]) in editable


def test_sections_list_the_records(world, document: Document) -> None:
    sendco = world.users["sendco"]
    _arrangement(world.pupil, kind=AccessArrangement.Kind.SCRIBE, normal_way_of_working="")
    records.contact_add(pupil=world.pupil, name="Jo Carer", relationship="Carer", by=sendco)
    records.agency_add(pupil=world.pupil, agency="CAMHS", start_date=dt.date(2025, 1, 1), by=sendco)
    context = {
        "pupil": world.pupil,
        "sees_access": True,
        "sees_contacts": True,
        "sees_documents": True,
        "may_edit": False,
    }
    html = "".join(
        render_to_string(f"pupils/sections/{s}.html", context)
        for s in ("access", "contacts", "agencies", "documents")
    )
    assert "Scribe" in html and "No evidence" in html
    assert "Jo Carer" in html
    assert "CAMHS" in html
    assert reverse("pupils:document_download", args=[world.pupil.pk, document.pk]) in html
