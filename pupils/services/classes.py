"""Writes for classes: a SENDCo's or admin's hand edit (the timetable import is in
pupils.importers.classes and shares its writer, so both keep the same dated history)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from pupils.importers.classes import ClassChange, ClassPlan, write_plan
from pupils.models import ClassMember, ClassTeacher, Pupil, TeachingClass
from staff.audit import log_action
from staff.models import School, User


@transaction.atomic
def class_save(
    *,
    school: School,
    code: str,
    subject: str,
    teachers: Iterable[User],
    pupils: Iterable[Pupil],
    by: User,
    teaching_class: TeachingClass | None = None,
) -> TeachingClass:
    """Create a class, or change one, so that it has exactly ``teachers`` and ``pupils``.

    Links dropped end today and new ones start today, as a re-import does, so the history of
    who taught whom stays. A second submit of the same form changes nothing.
    """
    code = " ".join(code.split())
    if not code:
        raise ValidationError({"code": "Give the class code the timetable uses."})
    if teaching_class is not None:
        teaching_class = TeachingClass.objects.select_for_update().get(pk=teaching_class.pk)
    clash = TeachingClass.objects.filter(school=school, code__iexact=code)
    if teaching_class is not None:
        clash = clash.exclude(pk=teaching_class.pk)
    existing = clash.first()
    if existing is not None:
        raise ValidationError(
            {"code": f"There is already a class {existing.code}: open that one instead."}
        )
    teacher_list, pupil_list = list(teachers), list(pupils)
    if not teacher_list:
        raise ValidationError({"teachers": "Choose at least one teacher."})
    if any(p.school_id != school.pk for p in pupil_list):
        raise ValidationError({"pupils": "Choose pupils of this school."})
    if teaching_class is not None and teaching_class.code != code:
        teaching_class.code = code
        teaching_class.full_clean(exclude=["school"])
        teaching_class.save(update_fields=["code", "updated_at"])
    change = ClassChange(
        code=code,
        subject=" ".join(subject.split()),
        teaching_class=teaching_class,
        pupils={p.pk: p for p in pupil_list},
        teachers={u.pk: u for u in teacher_list},
    )
    if teaching_class is not None:
        members = {
            m.pupil_id: m
            for m in ClassMember.objects.current().filter(teaching_class=teaching_class)
        }
        links = {
            t.teacher_id: t
            for t in ClassTeacher.objects.current().filter(teaching_class=teaching_class)
        }
    else:
        members, links = {}, {}
    change.joining = [p for pk, p in change.pupils.items() if pk not in members]
    change.leaving = [m for pk, m in members.items() if pk not in change.pupils]
    change.teachers_joining = [u for pk, u in change.teachers.items() if pk not in links]
    change.teachers_leaving = [t for pk, t in links.items() if pk not in change.teachers]
    if teaching_class is not None and not change.subject:
        teaching_class.subject = ""
        teaching_class.save(update_fields=["subject", "updated_at"])
    write_plan(ClassPlan(classes=[change]), school)
    saved = change.teaching_class
    assert saved is not None  # write_plan creates it
    log_action(
        saved,
        "pupils.class.saved",
        actor=by,
        data={
            "joining": len(change.joining),
            "leaving": len(change.leaving),
            "teachers_joining": len(change.teachers_joining),
            "teachers_leaving": len(change.teachers_leaving),
        },
    )
    return saved
