"""Bring classes and teaching groups in from the MIS timetable (a CSV export).

One row per pupil in a class: class or set code, subject, the teacher's e-mail address, the
pupil's UPN. The same pattern as the pupil import, with its helpers: read through a column mapping
(saved mappings of kind CLASSES; blank columns are recognised by their usual names), a dry run
naming each bad row, and an all-or-nothing apply that refuses to run twice. Each class the file
names ends up with exactly the file's pupils and teachers: links the file drops are ended today,
new ones start today, and the rest are left alone, so importing the same file again changes
nothing and the history of who taught whom stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pupils.importers.apply import MAX_UPLOAD_BYTES, ImportRefused
from pupils.importers.mis_csv import Column, mapped_rows
from pupils.importers.values import upn_problem
from pupils.models import (
    ClassImport,
    ClassMember,
    ClassTeacher,
    ImportMapping,
    Pupil,
    TeachingClass,
)
from send_hub.lib.dates import nice_date
from staff.audit import log_action
from staff.models import School, User

COLUMNS = [
    Column("code", "Class or set code", True, ("Class", "Class code", "Set", "Group", "Code")),
    Column("subject", "Subject", False, ("Subject", "Course")),
    Column(
        "teacher",
        "Teacher's e-mail address",
        True,
        ("Teacher email", "Teacher e-mail", "Staff email", "Teacher"),
    ),
    Column("upn", "Pupil's UPN", True, ("UPN",)),
    Column("pupil_name", "Pupil name (shown on the preview)", False, ("Name", "Pupil name")),
]
DEFAULT_COLUMNS: dict[str, dict[str, str]] = {
    ImportMapping.Source.OTHER: {c.name: "" for c in COLUMNS},
    ImportMapping.Source.SIMS: {
        "code": "Class",
        "subject": "Subject",
        "teacher": "Teacher Email",
        "upn": "UPN",
        "pupil_name": "Name",
    },
    ImportMapping.Source.ARBOR: {
        "code": "Academic Unit",
        "subject": "Subject",
        "teacher": "Staff Email",
        "upn": "UPN",
        "pupil_name": "Student",
    },
}


@dataclass
class ClassRow:
    line: int
    code: str
    subject: str
    teacher_email: str
    upn: str
    name_in_file: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class ClassChange:
    """What applying the file does to one class."""

    code: str
    subject: str
    teaching_class: TeachingClass | None
    pupils: dict[int, Pupil] = field(default_factory=dict)
    teachers: dict[int, User] = field(default_factory=dict)
    joining: list[Pupil] = field(default_factory=list)
    leaving: list[ClassMember] = field(default_factory=list)
    teachers_joining: list[User] = field(default_factory=list)
    teachers_leaving: list[ClassTeacher] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.teaching_class is None
            or self.teaching_class.subject != self.subject
            or self.joining
            or self.leaving
            or self.teachers_joining
            or self.teachers_leaving
        )


@dataclass
class ClassPlan:
    rows: list[ClassRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    classes: list[ClassChange] = field(default_factory=list)

    @property
    def error_rows(self) -> list[ClassRow]:
        return [r for r in self.rows if r.errors]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "classes": len(self.classes),
            "new_classes": sum(1 for c in self.classes if c.teaching_class is None),
            "changed_classes": sum(1 for c in self.classes if c.changed),
            "joining": sum(len(c.joining) for c in self.classes),
            "leaving": sum(len(c.leaving) for c in self.classes),
            "teachers_joining": sum(len(c.teachers_joining) for c in self.classes),
            "teachers_leaving": sum(len(c.teachers_leaving) for c in self.classes),
            "errors": len(self.error_rows) + len(self.file_errors),
        }

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.error_rows


def parse(content: bytes, columns: dict[str, str] | None = None) -> ClassPlan:
    """Read the file through ``columns`` (our field -> header) into rows with their problems."""
    plan = ClassPlan()
    read = mapped_rows(content, columns or {}, COLUMNS)
    plan.file_errors += read.file_errors
    if plan.file_errors:
        return plan
    for line, values in read.rows:
        row = ClassRow(
            line=line,
            code=" ".join(values["code"].split())[:40],
            subject=" ".join(values.get("subject", "").split())[:80],
            teacher_email=values["teacher"].strip().lower(),
            upn=values["upn"].replace(" ", "").upper(),
            name_in_file=values.get("pupil_name", "")[:200],
        )
        if not row.code:
            row.errors.append("The class code is blank.")
        if not row.teacher_email:
            row.errors.append("The teacher's e-mail address is blank.")
        problem = upn_problem(row.upn)
        if problem:
            row.errors.append(problem)
        plan.rows.append(row)
    if not plan.rows:
        plan.file_errors.append("The file has no classes in it (only a header row).")
    return plan


def plan_classes(
    *, school: School, content: bytes, columns: dict[str, str] | None = None, lock: bool = False
) -> ClassPlan:
    """Parse and compare with the school's pupils, staff and classes (a fixed number of
    queries, whatever the size of the file)."""
    plan = parse(content, columns)
    if plan.file_errors:
        return plan
    upns = {r.upn for r in plan.rows if not r.errors}
    pupils = {p.upn: p for p in Pupil.objects.filter(school=school, upn__in=upns).on_roll()}
    emails = {r.teacher_email for r in plan.rows if r.teacher_email}
    staff = {u.email.lower(): u for u in User.objects.working_at(school).filter(email__in=emails)}
    codes = {r.code for r in plan.rows if r.code}
    existing = TeachingClass.objects.filter(school=school, code__in=codes)
    if lock:
        existing = existing.select_for_update()
    by_code = {c.code: c for c in existing}
    members: dict[int, dict[int, ClassMember]] = {}
    for m in ClassMember.objects.current().filter(teaching_class__in=by_code.values()):
        members.setdefault(m.teaching_class_id, {})[m.pupil_id] = m
    teachers: dict[int, dict[int, ClassTeacher]] = {}
    for t in ClassTeacher.objects.current().filter(teaching_class__in=by_code.values()):
        teachers.setdefault(t.teaching_class_id, {})[t.teacher_id] = t

    changes: dict[str, ClassChange] = {}
    for row in plan.rows:
        if row.errors:
            continue
        pupil = pupils.get(row.upn)
        if pupil is None:
            row.errors.append(f"No pupil on roll in this school has the UPN {row.upn}.")
        teacher = staff.get(row.teacher_email)
        if teacher is None:
            row.errors.append(
                f"Nobody working at this school has the e-mail address {row.teacher_email}: "
                "invite them first, or correct the address."
            )
        change = changes.get(row.code)
        if change is None:
            change = changes[row.code] = ClassChange(
                code=row.code, subject=row.subject, teaching_class=by_code.get(row.code)
            )
        elif row.subject and change.subject and row.subject != change.subject:
            row.errors.append(
                f"Class {row.code} is {change.subject} on an earlier line but {row.subject} here."
            )
        change.subject = change.subject or row.subject
        if pupil is not None and teacher is not None and not row.errors:
            change.pupils[pupil.pk] = pupil
            change.teachers[teacher.pk] = teacher
    for change in changes.values():
        cls = change.teaching_class
        now_members = members.get(cls.pk, {}) if cls else {}
        now_teachers = teachers.get(cls.pk, {}) if cls else {}
        change.joining = [p for pk, p in change.pupils.items() if pk not in now_members]
        change.leaving = [m for pk, m in now_members.items() if pk not in change.pupils]
        change.teachers_joining = [u for pk, u in change.teachers.items() if pk not in now_teachers]
        change.teachers_leaving = [t for pk, t in now_teachers.items() if pk not in change.teachers]
    plan.classes = sorted(changes.values(), key=lambda c: c.code)
    return plan


def write_plan(plan: ClassPlan, school: School) -> None:
    """Create new classes and start and end the links the plan names (bulk, a few queries)."""
    today = timezone.localdate()
    new = [
        TeachingClass(school=school, code=c.code, subject=c.subject)
        for c in plan.classes
        if c.teaching_class is None
    ]
    for cls in new:
        cls.full_clean(exclude=["school"], validate_unique=False)
    created = {c.code: c for c in TeachingClass.objects.bulk_create(new)}
    renamed = []
    for change in plan.classes:
        if change.teaching_class is None:
            change.teaching_class = created[change.code]
        elif change.subject and change.teaching_class.subject != change.subject:
            change.teaching_class.subject = change.subject
            renamed.append(change.teaching_class)
    TeachingClass.objects.bulk_update(renamed, ["subject"])
    leaving = [m.pk for c in plan.classes for m in c.leaving]
    ClassMember.objects.filter(pk__in=leaving, end_date__isnull=True).update(end_date=today)
    gone = [t.pk for c in plan.classes for t in c.teachers_leaving]
    ClassTeacher.objects.filter(pk__in=gone, end_date__isnull=True).update(end_date=today)
    ClassMember.objects.bulk_create(
        ClassMember(teaching_class=c.teaching_class, pupil=p, start_date=today)
        for c in plan.classes
        for p in c.joining
    )
    ClassTeacher.objects.bulk_create(
        ClassTeacher(teaching_class=c.teaching_class, teacher=u, start_date=today)
        for c in plan.classes
        for u in c.teachers_joining
    )


def batch_columns(batch: ClassImport) -> dict[str, str]:
    """Return the columns a batch was uploaded with (none: the usual names are recognised)."""
    return dict((batch.summary or {}).get("columns") or {})


@transaction.atomic
def class_import_create(
    *,
    school: School,
    original_name: str,
    content: bytes,
    by: User | None,
    columns: dict[str, str] | None = None,
    source: str = "",
) -> ClassImport:
    """Store an uploaded timetable with the columns to read it by; record its dry-run counts."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportRefused("The file is over 10 MB: export one year group at a time.")
    columns = {c.name: (columns or {}).get(c.name, "").strip() for c in COLUMNS}
    batch = ClassImport.objects.create(
        school=school, original_name=original_name[:255], content=content, created_by=by
    )
    plan = plan_classes(school=school, content=content, columns=columns)
    batch.summary = {"columns": columns, "source": source, "dry_run": plan.counts}
    batch.save(update_fields=["summary"])
    log_action(batch, "pupils.class_import.uploaded", actor=by, data=batch.summary)
    return batch


@transaction.atomic
def class_import_apply(*, batch: ClassImport, by: User | None) -> dict[str, int]:
    """Apply a timetable all or nothing: re-plan under lock, write, audit; refuse twice."""
    locked = ClassImport.objects.select_for_update().select_related("school").get(pk=batch.pk)
    if locked.applied_at is not None:
        when = timezone.localtime(locked.applied_at)
        raise ImportRefused(
            f"This file was already imported on {nice_date(when)} at {when:%H:%M}. "
            "Nothing was changed."
        )
    plan = plan_classes(
        school=locked.school,
        content=bytes(locked.content),
        columns=batch_columns(locked),
        lock=True,
    )
    if not plan.ok:
        raise ImportRefused(
            "Nothing was imported: correct the rows with errors and upload the file again."
        )
    counts = plan.counts
    try:
        with transaction.atomic():
            write_plan(plan, locked.school)
    except (IntegrityError, ValidationError) as exc:
        # Someone changed one of these classes between our read and our write.
        raise ImportRefused(
            "These classes changed while the file was being imported, so nothing was imported. "
            "Open the preview again and apply it once more."
        ) from exc
    locked.applied_at = timezone.now()
    locked.applied_by = by if getattr(by, "is_authenticated", False) else None
    locked.summary = {**locked.summary, "applied": counts}
    locked.save(update_fields=["applied_at", "applied_by", "summary"])
    log_action(locked, "pupils.class_import.applied", actor=by, data=counts)
    batch.applied_at, batch.applied_by, batch.summary = (
        locked.applied_at,
        locked.applied_by,
        locked.summary,
    )
    return counts
