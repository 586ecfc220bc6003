"""A role profile's rows in the admin: ordered by dragging or by typing a position.

A profile's rows may be changed exactly when the profile itself may (staff.admin.access.may_edit),
and the shares of time of its accountabilities together stay at or under 100%.
"""

from __future__ import annotations

from typing import Any

from adminsortable2.admin import CustomInlineFormSet, SortableInlineAdminMixin
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from staff.admin.access import admin_allowed, may_edit
from staff.models import Accountability, Contact, Criterion, SafeguardingDuty, Value
from staff.models.profiles import time_share_problem


class OrderedFormSet(CustomInlineFormSet):
    """adminsortable2's drag ordering, with the position also shown as a number to type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.form.base_fields.get(self.default_order_field or "")
        if field is not None:
            # adminsortable2 finds the input by its class when a row is dragged.
            field.widget = forms.NumberInput(
                attrs={"class": "_reorder_ staff-position", "min": 0, "aria-label": "Position"}
            )
            field.label = "Position"
            field.help_text = ""


class AccountabilityFormSet(OrderedFormSet):
    def clean(self) -> None:
        super().clean()
        shares = [
            form.cleaned_data.get("time_share")
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        problem = time_share_problem(shares)
        if problem:
            raise ValidationError(problem)


class _PartPermissions:
    """A profile's rows may be changed exactly when the profile itself may."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_edit(request, obj)


class _PartInline(_PartPermissions, SortableInlineAdminMixin, admin.TabularInline):
    formset = OrderedFormSet
    extra = 0
    # Compact boxes: a row of the table must fit beside its neighbours.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 34})},
    }


class AccountabilityInline(_PartPermissions, SortableInlineAdminMixin, admin.StackedInline):
    model = Accountability
    formset = AccountabilityFormSet
    extra = 0
    fields = (
        "heading",
        "reference",
        "standard_duties",
        "local_duties",
        ("time_share", "lessons_per_week"),
        "time_note",
        "activity",
    )
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField"})},
    }

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # An adopted standard: the employer's wording is shown, the school writes beside it.
        if obj is not None and obj.based_on_id:
            return ("standard_duties",)
        return ()


class ContactInline(_PartInline):
    model = Contact
    fields = ("kind", "who", "purpose", "local_who")


class ValueInline(_PartInline):
    model = Value
    fields = ("name", "meaning")


class SafeguardingDutyInline(_PartInline):
    model = SafeguardingDuty
    fields = ("name", "duty")


class CriterionInline(_PartInline):
    model = Criterion
    fields = (
        "group",
        "text",
        "level",
        "by_application",
        "by_test",
        "by_interview",
        "by_references",
        "by_certificate",
    )
