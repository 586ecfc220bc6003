"""Classes and teaching groups from the MIS timetable: who teaches whom, and since when.

Membership and teaching are dated links, never deleted: a re-import ends the links a class no
longer has and starts new ones, so who taught whom when stays readable. A teacher sees the pupils
they teach now, and for the school's grace days after a link ends (``TeacherAccess``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Self

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from staff.models import Role, School, User
from staff.permissions import LEADERS, roles_for

# Days a teacher keeps seeing a pupil after the class (or their place in it) ends, when the
# school has not chosen: long enough to write a review's input after a timetable change.
DEFAULT_GRACE_DAYS = 14


class TeacherAccess(models.Model):
    """What a school lets its teachers see beyond the passport, strategies, targets, access
    arrangements and intervention attendance of the pupils they teach."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="teacher_access")
    grace_days = models.PositiveSmallIntegerField(
        "days teachers keep seeing a pupil after a class ends",
        default=DEFAULT_GRACE_DAYS,
        validators=[MaxValueValidator(120)],
    )
    parent_voice = models.BooleanField("teachers see parent voice in support plans", default=False)
    contacts = models.BooleanField("teachers see parents' and carers' contacts", default=False)
    documents = models.BooleanField("teachers see uploaded documents", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "teacher access setting"

    def __str__(self) -> str:
        return f"Teacher access at {self.school}"

    @classmethod
    def for_school(cls, school_id: int | None) -> TeacherAccess:
        """Return the school's settings, or the defaults (unsaved) when it has chosen none."""
        found = cls.objects.filter(school_id=school_id).first() if school_id else None
        return found or cls()


# Capability -> the TeacherAccess switch that grants it to teachers (staff.permissions asks).
SETTING_GRANTS = {
    "interventions.plans_parent_voice": "parent_voice",
    "pupils.view_contacts": "contacts",
    "pupils.view_documents": "documents",
}


def teacher_setting_grant(switch: str) -> Callable[[Any, int, frozenset[str]], bool]:
    """Return a check that grants a capability to teachers where the school's ``switch`` is on."""

    def grant(user: Any, school_id: int, roles: frozenset[str]) -> bool:
        if Role.TEACHER not in roles:
            return False
        cache: dict[int, TeacherAccess] = getattr(user, "_teacher_access", None) or {}
        if school_id not in cache:
            cache[school_id] = TeacherAccess.for_school(school_id)
            user._teacher_access = cache
        return bool(getattr(cache[school_id], switch))

    return grant


# Sources of the neutral "speak to the DSL" flag (the safeguarding app registers one at start):
# each takes pupil ids and returns those flagged, so pupils never imports safeguarding.
FlagProvider = Callable[[set[int]], set[int]]
_flag_providers: list[FlagProvider] = []


def register_flag_provider(provider: FlagProvider) -> None:
    """Add a source of flagged pupils (safe to call twice)."""
    if provider not in _flag_providers:
        _flag_providers.append(provider)


def flagged_pupils(ids: set[int]) -> set[int]:
    """Return which of ``ids`` carry the neutral "speak to the DSL" flag (no detail, ever)."""
    found: set[int] = set()
    for provider in _flag_providers:
        found |= provider(ids)
    return found


def _cutoff(user: Any, school_id: int | None, on: dt.date | None) -> dt.date:
    today = on or timezone.localdate()
    cache: dict[int | None, int] = getattr(user, "_grace_days", None) or {}
    if school_id not in cache:
        cache[school_id] = TeacherAccess.for_school(school_id).grace_days
        if user is not None:
            user._grace_days = cache
    return today - dt.timedelta(days=cache[school_id])


def taught_links(user: Any, school_id: int | None, on: dt.date | None = None) -> Q:
    """Return the filter on ClassMember for the pupils ``user`` teaches in ``school_id`` now,
    or taught until at most the school's grace days ago."""
    cutoff = _cutoff(user, school_id, on)
    return (
        Q(teaching_class__school_id=school_id)
        & Q(teaching_class__teacher_links__teacher=user)
        & (
            Q(teaching_class__teacher_links__end_date__isnull=True)
            | Q(teaching_class__teacher_links__end_date__gte=cutoff)
        )
        & (Q(end_date__isnull=True) | Q(end_date__gte=cutoff))
    )


class TeachingClassQuerySet(models.QuerySet["TeachingClass"]):
    def visible_to(self, user: Any) -> Self:
        """Return the classes ``user`` may see in their current school: the SENDCo and head
        see every class; a teacher the classes they teach now; anyone else none."""
        school_id = getattr(user, "current_school_id", None)
        roles = roles_for(user, school_id)
        if not roles or not getattr(user, "is_authenticated", False):
            return self.none()
        mine = self.filter(school_id=school_id)
        if roles & LEADERS:
            return mine
        if Role.TEACHER in roles:
            return mine.taught_by(user)
        return self.none()

    def taught_by(self, user: Any) -> Self:
        """Return the classes ``user`` teaches now (a current teacher link)."""
        return self.filter(teacher_links__teacher=user, teacher_links__end_date__isnull=True)

    def with_current(self) -> Self:
        """Prefetch current teachers and current members with their pupils (three queries)."""
        return self.prefetch_related(
            models.Prefetch(
                "teacher_links",
                queryset=ClassTeacher.objects.current().select_related("teacher"),
                to_attr="current_teachers",
            ),
            models.Prefetch(
                "memberships",
                queryset=ClassMember.objects.current().select_related("pupil"),
                to_attr="current_members",
            ),
        )


class TeachingClass(models.Model):
    """A class or teaching group (a set, a form group taught as one) as the MIS names it."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="teaching_classes")
    code = models.CharField(
        "class code", max_length=40, help_text="As the timetable names it, e.g. 9X/Ma2."
    )
    subject = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeachingClassQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "class"
        verbose_name_plural = "classes"
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="class_code_once_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.subject}".strip()


class LinkQuerySet(models.QuerySet[Any]):
    def current(self) -> Self:
        """Return links that have not ended."""
        return self.filter(end_date__isnull=True)


class ClassTeacher(models.Model):
    """A teacher's dated link to a class; the current ones teach it now."""

    teaching_class = models.ForeignKey(
        TeachingClass, on_delete=models.CASCADE, related_name="teacher_links"
    )
    teacher = models.ForeignKey(User, on_delete=models.PROTECT, related_name="class_links")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["teaching_class", "teacher"],
                condition=Q(end_date__isnull=True),
                name="class_teacher_once_while_current",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="class_teacher_ends_after_start",
            ),
        ]
        indexes = [
            # teacher scope: the classes one teacher teaches (now or lately)
            models.Index(fields=["teacher", "end_date"], name="class_teacher_scope_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} teaches {self.teaching_class}"


class ClassMember(models.Model):
    """A pupil's dated place in a class."""

    teaching_class = models.ForeignKey(
        TeachingClass, on_delete=models.CASCADE, related_name="memberships"
    )
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.CASCADE, related_name="class_memberships"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["teaching_class", "pupil"],
                condition=Q(end_date__isnull=True),
                name="class_member_once_while_current",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="class_member_ends_after_start",
            ),
        ]
        indexes = [
            # a pupil's classes (profile, review requests: who teaches this pupil)
            models.Index(fields=["pupil", "end_date"], name="class_member_pupil_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} in {self.teaching_class}"


class ClassImport(models.Model):
    """An uploaded timetable CSV: previewed as a dry run, then applied all or nothing once."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    content = models.BinaryField()
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
