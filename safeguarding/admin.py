"""Admin for safeguarding configuration only. Concerns and casework never appear here: HR admins
see no concerns, and the records are append-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest

from safeguarding.models import Category, SafeguardingSettings
from safeguarding.services.settings import safeguarding_settings_change, settings_change_refusal
from staff.admin import HRAdminMixin, hr_school_ids
from staff.models import School


def _settings_schools(request: HttpRequest) -> list[int] | None:
    """Return the admin's schools whose settings they may change (None: all, for superusers)."""
    ids = hr_school_ids(request.user)
    if ids is None:
        return None
    return [pk for pk in sorted(ids) if settings_change_refusal(by=request.user, school=pk) is None]


class SafeguardingSettingsForm(forms.ModelForm):
    class Meta:
        model = SafeguardingSettings
        fields = ["school", "head_sees_concerns"]
        help_texts = {
            "head_sees_concerns": (
                "Heads who are not on the DSL team see no concerns unless this is ticked. Only "
                "the headteacher or a DSL can change this; the change is recorded and the "
                "school's DSLs are told."
            )
        }


@admin.register(SafeguardingSettings)
class SafeguardingSettingsAdmin(HRAdminMixin, admin.ModelAdmin):
    """Whether the head reads every concern: a head or DSL changes it, through the service."""

    form = SafeguardingSettingsForm
    list_display = ("school", "head_sees_concerns")
    actions = None

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        schools = _settings_schools(request)
        return super().has_add_permission(request) and (schools is None or bool(schools))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            schools = _settings_schools(request)
            return schools is None or bool(schools)
        return settings_change_refusal(by=request.user, school=obj.school_id) is None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("school",) if obj else ()

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        schools = _settings_schools(request)
        if db_field.name == "school" and schools is not None and field is not None:
            field.queryset = School.objects.filter(pk__in=schools)
        return field

    def save_model(
        self, request: HttpRequest, obj: SafeguardingSettings, form: Any, change: bool
    ) -> None:
        # The service checks the rule again, audits the change and tells the school's DSLs.
        saved = safeguarding_settings_change(
            school=obj.school,
            head_sees_concerns=obj.head_sees_concerns,
            by=request.user,  # type: ignore[arg-type]
            request=request,
        )
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Categories are shared by every school: superusers only (no HR admin holds the permission)."""

    list_display = ("name", "code", "position", "active")
    list_editable = ("position", "active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire a category (untick "active"); concerns keep the ones they used
