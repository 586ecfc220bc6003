"""Access-matrix rows for the pupils app (see tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from pupils import records
from pupils.models import ImportBatch, Passport, Pupil
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Row
from tests.conftest import World


def _pupil(w: World) -> list[Any]:
    return [w.pupil.pk]


def _with_passport(w: World) -> list[Any]:
    Passport.objects.create(pupil=w.pupil, version=1, strategies="Use a visual timetable")
    return [w.pupil.pk]


def _key_adult_link(w: World) -> list[Any]:
    return [w.pupil.pk, w.pupil.key_adults.get().pk]


def _document(w: World) -> list[Any]:
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n")
    doc = records.document_upload(
        pupil=w.pupil, upload=upload, title="Report", kind="OTHER", by=w.users["sendco"]
    )
    return [w.pupil.pk, doc.pk]


def _batch(w: World) -> list[Any]:
    batch = ImportBatch.objects.create(
        school=w.school, kind="CTF", original_name="x.xml", content=b"<CTfile/>"
    )
    return [batch.pk]


def _leaver(w: World) -> list[Any]:
    Pupil.objects.filter(pk=w.pupil.pk).update(leaving_date="2026-07-22")
    return [w.pupil.pk]


# Who may open what, inside the first school (other_school is a SENDCo, DSL and head elsewhere).
SENDCO_ONLY = {"sendco": OK, "other_school": OK}
SENDCO_EDITS_PUPIL = {"sendco": OK, "other_school": NOT_FOUND}
RECORD_ADD = {
    "lsa_caseload": FORBIDDEN,
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "sendco": OK,
    "other_school": NOT_FOUND,
}
SEES_PUPIL = {
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "hr_admin": FORBIDDEN,
    "other_school": NOT_FOUND,
}

ROWS: dict[str, Row] = {
    # The pupil is on lsa_caseload's caseload in the first school.
    "pupils:detail": Row(args=_pupil, expect=SEES_PUPIL),
    "pupils:register": Row(default=FORBIDDEN, expect=SENDCO_ONLY),
    "pupils:register_export": Row(default=FORBIDDEN, expect=SENDCO_ONLY),
    "pupils:add": Row(default=FORBIDDEN, expect=SENDCO_ONLY),
    "pupils:edit": Row(args=_pupil, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL),
    "pupils:sen_status": Row(args=_pupil, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL),
    "pupils:passport_edit": Row(
        args=_pupil,
        default=FORBIDDEN,
        expect={
            "lsa_caseload": OK,
            "lsa_no_caseload": NOT_FOUND,
            "elsa": NOT_FOUND,
            "sendco": OK,
            "other_school": NOT_FOUND,
        },
    ),
    "pupils:passport_print": Row(args=_with_passport, expect=SEES_PUPIL),
    "pupils:key_adult_add": Row(
        args=_pupil, default=FORBIDDEN, expect={"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED}
    ),
    "pupils:key_adult_end": Row(
        args=_key_adult_link,
        default=FORBIDDEN,
        expect={"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED},
    ),
    "pupils:access_add": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD),
    "pupils:contact_add": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD),
    "pupils:agency_add": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD),
    "pupils:document_upload": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD),
    "pupils:document_download": Row(
        args=_document, default=FORBIDDEN, expect={**RECORD_ADD, "dsl": OK}
    ),
    "pupils:access_register": Row(default=FORBIDDEN, expect=SENDCO_ONLY),
    "pupils:import_start": Row(default=FORBIDDEN, expect=SENDCO_ONLY),
    "pupils:import_preview": Row(args=_batch, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL),
    "pupils:import_apply": Row(
        args=_batch, default=FORBIDDEN, expect={"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED}
    ),
    "pupils:ctf_export": Row(args=_leaver, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL),
}
