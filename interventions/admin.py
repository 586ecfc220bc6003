"""The Django admin for interventions: only the installation-wide lists (superusers).

Schools' own records are kept through SEND Hub's pages, with their permissions and audit.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from interventions.attendance.models import AttendanceCode, AttendanceMark
from interventions.plans.models import PlanKind


@admin.register(PlanKind)
class PlanKindAdmin(admin.ModelAdmin):
    """The kinds of support plan every school chooses from (IEP, behaviour, pastoral...)."""

    list_display = ("name", "code", "order")
    list_editable = ("order",)
    search_fields = ("name", "code")

    def has_delete_permission(self, request: HttpRequest, obj: PlanKind | None = None) -> bool:
        # A kind in use stays (plans PROTECT it); an unused one may go.
        return super().has_delete_permission(request, obj) and (
            obj is None or not obj.plans.exists()
        )


@admin.register(AttendanceCode)
class AttendanceCodeAdmin(admin.ModelAdmin):
    """The DfE attendance codes and how each counts: data, marked (verify) until checked.

    Only a superuser changes them: a wrong category changes every school's figures.
    """

    list_display = ("code", "meaning", "category", "verified")
    list_filter = ("category", "verified")
    search_fields = ("code", "meaning")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(
        self, request: HttpRequest, obj: AttendanceCode | None = None
    ) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(
        self, request: HttpRequest, obj: AttendanceCode | None = None
    ) -> bool:
        # A code in use stays (marks PROTECT it); an unused one may go.
        return bool(request.user.is_superuser) and (
            obj is None or not AttendanceMark.objects.filter(code=obj).exists()
        )
