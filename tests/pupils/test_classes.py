"""Classes from the MIS timetable: the CSV import (dry run, bad rows, all-or-nothing apply,
re-import) and a SENDCo's hand edit, keeping the history of who taught whom."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pupils.demo import make_upn, timetable_csv
from pupils.importers.apply import ImportRefused
from pupils.importers.classes import class_import_apply, class_import_create, plan_classes
from pupils.models import ClassImport, ClassMember, ClassTeacher, Pupil, TeachingClass
from pupils.services.classes import class_save
from staff.models import AuditEvent, Role, School, User
from tests.conftest import World
from tests.factories import PupilFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db

SIMS = {"code": "Class", "subject": "Subject", "teacher": "Teacher Email", "upn": "UPN"}


def _pupils(school: School, n: int) -> list[Pupil]:
    return Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=make_upn("850", "7710", 30 + i // 999, i % 999 + 1),
            legal_forename="Syn",
            legal_surname=f"Pupil{i:04d}",
            date_of_birth=dt.date(2012, 1, 1),
            sex="F",
            nc_year=7 + i % 5,
        )
        for i in range(n)
    )


def _timetable(pupils: list[Pupil], teachers: list[User], classes: int, size: int = 30) -> bytes:
    """``classes`` classes of ``size`` pupils, drawn in turn from ``pupils``."""
    rows = []
    for c in range(classes):
        teacher = teachers[c % len(teachers)]
        for j in range(size):
            p = pupils[(c * 25 + j) % len(pupils)]
            rows.append((f"C{c:02d}", f"Subject {c % 8}", teacher.email, p.upn, p.legal_surname))
    return timetable_csv(rows)


def _import(school: School, content: bytes, by: User | None = None) -> ClassImport:
    return class_import_create(
        school=school, original_name="tt.csv", content=content, by=by, columns=SIMS
    )


@pytest.fixture
def big() -> dict[str, Any]:
    school = SchoolFactory()
    teachers = [member(school, Role.TEACHER) for _ in range(10)]
    pupils = _pupils(school, 1000)
    return {"school": school, "teachers": teachers, "pupils": pupils}


def test_forty_classes_of_a_thousand_pupils_dry_run_apply_and_reimport_idempotent(
    big: dict[str, Any],
) -> None:
    school, teachers, pupils = big["school"], big["teachers"], big["pupils"]
    content = _timetable(pupils, teachers, 40)
    with CaptureQueriesContext(connection) as dry:
        plan = plan_classes(school=school, content=content, columns=SIMS)
    assert plan.ok
    assert plan.counts["classes"] == 40 and plan.counts["new_classes"] == 40
    assert plan.counts["joining"] == 1200 and plan.counts["teachers_joining"] == 40
    # The dry run's cost does not grow with the file: a handful of queries for 1,200 rows.
    assert len(dry.captured_queries) <= 6
    assert not TeachingClass.objects.filter(school=school).exists()  # a dry run writes nothing

    batch = _import(school, content)
    counts = class_import_apply(batch=batch, by=None)
    assert counts["classes"] == 40
    assert TeachingClass.objects.filter(school=school).count() == 40
    assert ClassMember.objects.current().filter(teaching_class__school=school).count() == 1200
    assert ClassTeacher.objects.current().filter(teaching_class__school=school).count() == 40

    again = _import(school, content)
    assert again.summary["dry_run"]["changed_classes"] == 0
    counts = class_import_apply(batch=again, by=None)
    assert counts["joining"] == counts["leaving"] == counts["new_classes"] == 0
    assert ClassMember.objects.filter(teaching_class__school=school).count() == 1200
    assert ClassTeacher.objects.filter(teaching_class__school=school).count() == 40


def test_bad_rows_are_named_by_line_and_nothing_is_imported(big: dict[str, Any]) -> None:
    school, teachers, pupils = big["school"], big["teachers"], big["pupils"]
    other = PupilFactory(school=SchoolFactory())
    rows = [
        ("C01", "Maths", teachers[0].email, pupils[0].upn, ""),  # line 2: fine
        ("C01", "Maths", "nobody@elsewhere.example", pupils[1].upn, ""),  # line 3
        ("C01", "Maths", teachers[0].email, "A123", ""),  # line 4: not a UPN
        ("C01", "Maths", teachers[0].email, other.upn, ""),  # line 5: another school's pupil
        ("", "Maths", teachers[0].email, pupils[2].upn, ""),  # line 6: no class
        ("C01", "English", teachers[0].email, pupils[3].upn, ""),  # line 7: other subject
    ]
    plan = plan_classes(school=school, content=timetable_csv(rows), columns=SIMS)
    problems = {r.line: " ".join(r.errors) for r in plan.error_rows}
    assert set(problems) == {3, 4, 5, 6, 7}
    assert "nobody@elsewhere.example" in problems[3] and "invite them" in problems[3]
    assert "not a valid UPN" in problems[4] or "UPN" in problems[4]
    assert other.upn in problems[5]
    assert "class code is blank" in problems[6]
    assert "Maths on an earlier line but English" in problems[7]
    batch = _import(school, timetable_csv(rows))
    with pytest.raises(ImportRefused, match="Nothing was imported"):
        class_import_apply(batch=batch, by=None)
    assert not TeachingClass.objects.filter(school=school).exists()


def test_a_file_without_the_columns_says_which_it_has(big: dict[str, Any]) -> None:
    plan = plan_classes(school=big["school"], content=b"Group,Tutor\n9X,someone\n", columns=SIMS)
    assert plan.file_errors and '"Group"' in plan.file_errors[0]


def test_reimport_replaces_the_named_classes_only_and_keeps_history(
    big: dict[str, Any],
) -> None:
    school, teachers, pupils = big["school"], big["teachers"], big["pupils"]
    first = [
        ("A", "Maths", teachers[0].email, pupils[0].upn, ""),
        ("A", "Maths", teachers[0].email, pupils[1].upn, ""),
        ("B", "Art", teachers[1].email, pupils[2].upn, ""),
    ]
    class_import_apply(batch=_import(school, timetable_csv(first)), by=None)
    # Class A changes teacher and loses pupil 1, gains pupil 3; class B is not in the file.
    second = [
        ("A", "Maths", teachers[2].email, pupils[0].upn, ""),
        ("A", "Maths", teachers[2].email, pupils[3].upn, ""),
    ]
    counts = class_import_apply(batch=_import(school, timetable_csv(second)), by=None)
    assert counts["joining"] == 1 and counts["leaving"] == 1
    a = TeachingClass.objects.get(school=school, code="A")
    current = set(
        ClassMember.objects.current().filter(teaching_class=a).values_list("pupil", flat=True)
    )
    assert current == {pupils[0].pk, pupils[3].pk}
    left = ClassMember.objects.get(teaching_class=a, pupil=pupils[1])
    assert left.end_date == timezone.localdate()  # history kept, not deleted
    links = {t.teacher_id: t.end_date for t in ClassTeacher.objects.filter(teaching_class=a)}
    assert links == {teachers[0].pk: timezone.localdate(), teachers[2].pk: None}
    b = TeachingClass.objects.get(school=school, code="B")
    assert ClassMember.objects.current().filter(teaching_class=b).count() == 1


def test_a_file_is_applied_once(big: dict[str, Any]) -> None:
    school, teachers, pupils = big["school"], big["teachers"], big["pupils"]
    batch = _import(school, _timetable(pupils, teachers, 2))
    class_import_apply(batch=batch, by=None)
    with pytest.raises(ImportRefused, match="already imported"):
        class_import_apply(batch=batch, by=None)
    assert AuditEvent.objects.filter(action="pupils.class_import.applied").count() == 1


def test_hand_edit_keeps_history_and_refuses_a_duplicate_code(world: World) -> None:
    sendco, teacher = world.users["sendco"], world.users["teacher"]
    second = PupilFactory(school=world.school)
    cls = class_save(
        school=world.school,
        code="7Y/Sc2",
        subject="Science",
        teachers=[teacher],
        pupils=[world.pupil, second],
        by=sendco,
    )
    again = class_save(
        school=world.school,
        teaching_class=cls,
        code="7Y/Sc2",
        subject="Science",
        teachers=[teacher],
        pupils=[world.pupil],
        by=sendco,
    )
    assert again.pk == cls.pk
    assert ClassMember.objects.get(teaching_class=cls, pupil=second).end_date is not None
    # The same submit twice changes nothing more.
    class_save(
        school=world.school,
        teaching_class=cls,
        code="7Y/Sc2",
        subject="Science",
        teachers=[teacher],
        pupils=[world.pupil],
        by=sendco,
    )
    assert ClassMember.objects.filter(teaching_class=cls).count() == 2
    with pytest.raises(ValidationError, match="already a class 8X/Ma1"):
        class_save(
            school=world.school,
            code="8x/ma1",
            subject="",
            teachers=[teacher],
            pupils=[],
            by=sendco,
        )


def test_sendco_uploads_previews_and_applies_a_timetable(world: World) -> None:
    client = world.client("sendco")
    content = timetable_csv(
        [("9Q/Hi1", "History", world.users["teacher"].email, world.pupil.upn, "")]
    )
    response = client.post(
        reverse("pupils:class_import"),
        {
            "file": SimpleUploadedFile("tt.csv", content, content_type="text/csv"),
            "source": "SIMS",
            **{f"col_{k}": v for k, v in SIMS.items()},
        },
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert b"9Q/Hi1" in preview.content and b"Import 1 classes" in preview.content
    done = client.post(response["Location"])
    assert done.status_code == 302
    listing = client.get(reverse("pupils:class_list"))
    assert b"9Q/Hi1" in listing.content and b"8X/Ma1" in listing.content


def test_sendco_edits_a_class_by_hand(world: World) -> None:
    cls = TeachingClass.objects.get(school=world.school, code="8X/Ma1")
    response = world.client("sendco").post(
        reverse("pupils:class_edit", args=[cls.pk]),
        {"code": "8X/Ma1", "subject": "Maths", "teachers": [world.users["head"].pk]},
    )
    assert response.status_code == 302
    assert set(
        ClassTeacher.objects.current().filter(teaching_class=cls).values_list("teacher", flat=True)
    ) == {world.users["head"].pk}
    assert not ClassMember.objects.current().filter(teaching_class=cls).exists()
