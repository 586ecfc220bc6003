"""Admin for safeguarding configuration only. Concerns and casework never appear here: HR admins
see no concerns, and the records are append-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest

from safeguarding.models import Category, SafeguardingSettings
from staff.admin import HRAdminMixin, hr_school_ids


@admin.register(SafeguardingSettings)
class SafeguardingSettingsAdmin(HRAdminMixin, admin.ModelAdmin):
    list_display = ("school", "head_sees_concerns")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        ids = hr_school_ids(request.user)
        if db_field.name == "school" and ids is not None and field is not None:
            field.queryset = field.queryset.filter(pk__in=ids)
        return field


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Categories are shared by every school: superusers only (no HR admin holds the permission)."""

    list_display = ("name", "code", "position", "active")
    list_editable = ("position", "active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire a category (untick "active"); concerns keep the ones they used
