"""Who may use the admin, and for which schools: the HR_ADMIN role, never Django permissions.

HR admins hold no Django model permissions; what they may do here is decided by the HR_ADMIN role
(staff.permissions), and they see only the people and schools where they hold it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from staff.models import MembershipRole, Role, RoleProfile, School, User


def hr_school_ids(user: Any) -> set[int] | None:
    """Return the schools where ``user`` is an HR admin (None meaning all, for superusers)."""
    if user.is_superuser:
        return None
    return set(
        MembershipRole.objects.filter(
            role=Role.HR_ADMIN, membership__user=user, membership__active=True
        ).values_list("membership__school_id", flat=True)
    )


def admin_allowed(request: HttpRequest) -> bool:
    """Return whether the signed-in person may use the admin at all (HR admin somewhere)."""
    user = request.user
    if not (user.is_active and user.is_authenticated and user.is_staff):
        return False
    ids = hr_school_ids(user)
    return ids is None or bool(ids)


admin.site.has_permission = admin_allowed  # type: ignore[method-assign]


def admin_user(request: HttpRequest) -> User:
    """Return the person using the admin, whom admin_allowed has already seen signed in."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


class HRAdminMixin:
    """Grant HR admins the admin for their own schools without Django model permissions."""

    school_path: str = "school"
    read_only = False

    def _allowed(self, request: HttpRequest) -> bool:
        return admin_allowed(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request) and not self.read_only

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request) and not self.read_only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people and schools are deactivated, never deleted

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        ids = hr_school_ids(request.user)
        if ids is None:
            return qs
        return self.scope(qs, ids)

    def scope(self, qs: QuerySet[Any], school_ids: set[int]) -> QuerySet[Any]:
        """Return the rows of ``qs`` that belong to ``school_ids``."""
        return qs.filter(**{f"{self.school_path}__in": school_ids}).distinct()


def editable_trust_ids(user: Any) -> set[int] | None:
    """Return the trusts whose standards ``user`` may change (None meaning all: superusers).

    A trust-wide standard binds every school in the trust, so only someone who is HR admin in
    all of them changes it.
    """
    ids = hr_school_ids(user)
    if ids is None:
        return None
    trusts = set(School.objects.filter(pk__in=ids).values_list("trust_id", flat=True))
    return {t for t in trusts if not School.objects.filter(trust_id=t).exclude(pk__in=ids).exists()}


def may_edit(request: HttpRequest, profile: RoleProfile | None) -> bool:
    """Return whether the signed-in HR admin may change ``profile`` (None: a new one)."""
    if not admin_allowed(request):
        return False
    if profile is None:
        return True
    if not profile.is_current:
        return False  # earlier versions are kept as they were
    if profile.school_id is not None:
        ids = hr_school_ids(request.user)
        return ids is None or profile.school_id in ids
    trusts = editable_trust_ids(request.user)
    return trusts is None or profile.trust_id in trusts
