"""Access-matrix rows for the pupils app (see tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from pupils.models import ClassImport, ImportBatch, Passport, Pupil, TeachingClass
from pupils.services import records
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, method_first
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


def _class(w: World) -> list[Any]:
    return [TeachingClass.objects.get(school=w.school, code="8X/Ma1").pk]


def _class_batch(w: World) -> list[Any]:
    batch = ClassImport.objects.create(
        school=w.school, original_name="tt.csv", content=b"Class,Teacher Email,UPN\n"
    )
    return [batch.pk]


def _leaver(w: World) -> list[Any]:
    Pupil.objects.filter(pk=w.pupil.pk).update(leaving_date="2026-07-22")
    return [w.pupil.pk]


# Who may open what, inside the first school (other_school is a SENDCo, DSL and head elsewhere).
# The inclusion leader has no caseload here, so, like the other LSA, sees no pupil (404).
SENDCO_ONLY = {"sendco": OK, "other_school": OK}
REGISTER_READERS = {**SENDCO_ONLY, "head": OK}  # pupils.view_register: the SENDCo and the head
SENDCO_EDITS_PUPIL = {"sendco": OK, "other_school": NOT_FOUND}
RECORD_ADD = {
    "lsa_caseload": FORBIDDEN,
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "inclusion_leader": NOT_FOUND,
    "sendco": OK,
    "other_school": NOT_FOUND,
}
# Whoever sees world.pupil; pages that follow the pupil (support plans, the EHCP) use it too.
SEES_PUPIL = {
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "inclusion_leader": NOT_FOUND,
    "hr_admin": FORBIDDEN,
    "other_school": NOT_FOUND,
}
# POST-only actions: another school's SENDCo posting for this school's pupil or batch gets 404.
ELSEWHERE_POSTS = {"other_school": NOT_FOUND}

# GET-only pages answer a POST 405 before they look the pupil up.
NOT_THEIR_PUPIL = method_first("lsa_no_caseload", "elsa", "other_school", "inclusion_leader")

ROWS: dict[str, Row] = {
    # The pupil is on lsa_caseload's caseload in the first school.
    "pupils:detail": Row(args=_pupil, expect=SEES_PUPIL, post=NOT_THEIR_PUPIL),
    # The profile's other sections: whoever sees the pupil opens each, and is shown the parts of
    # it their role may see (its tab is left out where that is none of it).
    "pupils:support": Row(args=_pupil, expect=SEES_PUPIL, post=NOT_THEIR_PUPIL),
    "pupils:attendance": Row(args=_pupil, expect=SEES_PUPIL, post=NOT_THEIR_PUPIL),
    "pupils:records": Row(args=_pupil, expect=SEES_PUPIL, post=NOT_THEIR_PUPIL),
    # The register's search form posts, and is answered with a redirect to its query string.
    "pupils:register": Row(default=FORBIDDEN, expect=REGISTER_READERS, post_default=REDIRECT),
    "pupils:register_export": Row(default=FORBIDDEN, expect=REGISTER_READERS),
    # The census pre-flight and its figures: the register's readers, over their own school.
    "pupils:census": Row(default=FORBIDDEN, expect=REGISTER_READERS),
    "pupils:census_export": Row(default=FORBIDDEN, expect=REGISTER_READERS),
    "pupils:add": Row(default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK),
    "pupils:edit": Row(args=_pupil, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL, post_default=OK),
    "pupils:sen_status": Row(
        args=_pupil, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL, post_default=OK
    ),
    "pupils:passport_edit": Row(
        args=_pupil,
        default=FORBIDDEN,
        expect={
            "lsa_caseload": OK,
            "lsa_no_caseload": NOT_FOUND,
            "elsa": NOT_FOUND,
            "inclusion_leader": NOT_FOUND,
            "sendco": OK,
            "other_school": NOT_FOUND,
        },
        # Every field is optional: an empty form saves a new, empty passport version.
        post_default=REDIRECT,
        writes=("pupils.Passport",),
    ),
    "pupils:passport_print": Row(args=_with_passport, expect=SEES_PUPIL, post=NOT_THEIR_PUPIL),
    # A form page, as the pupil's other records are added (an empty POST shows its errors).
    "pupils:key_adult_add": Row(
        args=_pupil, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL, post_default=OK
    ),
    "pupils:key_adult_end": Row(
        args=_key_adult_link,
        default=FORBIDDEN,
        expect={"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED},
        post=ELSEWHERE_POSTS,
        writes=("pupils.KeyAdult",),  # ending the link today needs nothing more
    ),
    "pupils:access_add": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD, post_default=OK),
    "pupils:contact_add": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD, post_default=OK),
    "pupils:agency_add": Row(args=_pupil, default=FORBIDDEN, expect=RECORD_ADD, post_default=OK),
    "pupils:document_upload": Row(
        args=_pupil, default=FORBIDDEN, expect=RECORD_ADD, post_default=OK
    ),
    # pupils.view_documents: leaders and the DSL. The method is checked before the document.
    "pupils:document_download": Row(
        args=_document,
        default=FORBIDDEN,
        expect={**RECORD_ADD, "dsl": OK, "head": OK},
        post_refused=NOT_ALLOWED,
        post={"hr_admin": FORBIDDEN},
    ),
    "pupils:access_register": Row(default=FORBIDDEN, expect=REGISTER_READERS),
    "pupils:import_start": Row(default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK),
    "pupils:import_preview": Row(
        args=_batch,
        default=FORBIDDEN,
        expect=SENDCO_EDITS_PUPIL,
        post={"other_school": NOT_ALLOWED},
    ),
    "pupils:import_apply": Row(
        args=_batch,
        default=FORBIDDEN,
        expect={"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED},
        post=ELSEWHERE_POSTS,
    ),
    # Classes: the SENDCo imports and edits them; the head reads the list.
    "pupils:class_list": Row(default=FORBIDDEN, expect=REGISTER_READERS),
    "pupils:class_add": Row(default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK),
    "pupils:class_edit": Row(
        args=_class, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL, post_default=OK
    ),
    "pupils:class_import": Row(default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK),
    # The school's teacher-access settings; an empty form is refused (the grace days).
    "pupils:teacher_access": Row(default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK),
    # An empty POST applies the file: refused with a message (an empty file), on the preview.
    "pupils:class_import_preview": Row(
        args=_class_batch, default=FORBIDDEN, expect=SENDCO_EDITS_PUPIL, post_default=OK
    ),
    "pupils:ctf_export": Row(
        args=_leaver,
        default=FORBIDDEN,
        expect=SENDCO_EDITS_PUPIL,
        post={"other_school": NOT_ALLOWED},
    ),
}
