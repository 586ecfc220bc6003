"""Trusts, schools and their term dates in the admin; trust-wide roles for superusers only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from staff.admin.access import HRAdminMixin, hr_school_ids
from staff.models import School, SchoolTerm, Trust, TrustRole


@admin.register(Trust)
class TrustAdmin(HRAdminMixin, admin.ModelAdmin):
    school_path = "schools"
    read_only = True
    search_fields = ("name",)


@admin.register(School)
class SchoolAdmin(HRAdminMixin, admin.ModelAdmin):
    school_path = "pk"
    read_only = True
    list_display = ("name", "urn", "phase", "trust")
    list_filter = ("phase", "trust")
    search_fields = ("name", "urn")


@admin.register(SchoolTerm)
class SchoolTermAdmin(HRAdminMixin, admin.ModelAdmin):
    """Term dates: the school office records its local authority's dates each year."""

    list_display = ("school", "academic_year", "half", "starts_on", "ends_on")
    list_filter = ("school", "academic_year")
    ordering = ("school", "starts_on")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)  # a wrongly entered half term can simply be removed

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = hr_school_ids(request.user)
        if db_field.name == "school" and ids is not None:
            kwargs["queryset"] = School.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TrustRole)
class TrustRoleAdmin(admin.ModelAdmin):
    """Trust-wide roles are granted by the installation's superusers, not by a school's HR."""

    list_display = ("user", "trust", "role", "active")
    list_filter = ("trust", "role", "active")
    autocomplete_fields = ("user",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser
