"""The forms and list filters of the role-profile admin: the profile, import and adopt."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from send_hub.lib.forms import form_field
from staff.admin.access import editable_trust_ids, hr_school_ids
from staff.models import RoleProfile, School, Trust
from staff.models.profiles import STANDARD_FIELDS
from staff.profiles.io import PROFILE_FIELDS, parse_profiles


class RoleProfileForm(forms.ModelForm):
    # When the page was opened: saving over someone else's later save is refused, not silent.
    seen_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RoleProfile
        fields = ["school", "trust", "reports_to", *PROFILE_FIELDS]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"})
            for name in (
                "summary",
                "purpose",
                *STANDARD_FIELDS,
                *(f"{n}_local" for n in STANDARD_FIELDS if n != "purpose"),
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen_updated_at"] = self.instance.updated_at.isoformat()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        seen = data.get("seen_updated_at")
        if self.instance.pk and seen:
            latest = RoleProfile.objects.filter(pk=self.instance.pk).values_list(
                "updated_at", flat=True
            )
            saved = next(iter(latest), None)
            if saved is not None and saved.isoformat() != seen:
                last = self.instance.history.order_by("-history_date").first()
                who = getattr(last, "history_user", None) or "Someone"
                when = timezone.localtime(saved).strftime("%H:%M")
                raise ValidationError(
                    f"{who} saved this profile at {when}, after you opened it. Your changes "
                    "are not saved: open the profile again to see theirs, then make yours."
                )
        return data


class DepartmentFilter(admin.SimpleListFilter):
    """Departments of the profiles this person can see (never another school's)."""

    title = "department"
    parameter_name = "department"
    field = "department"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        values = (
            model_admin.get_queryset(request)
            .exclude(**{self.field: ""})
            .values_list(self.field, flat=True)
            .distinct()
            .order_by(self.field)
        )
        return [(v, v) for v in values]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class GradeFilter(DepartmentFilter):
    title = "grade"
    parameter_name = "grade"
    field = "grade"


class ImportForm(forms.Form):
    file = forms.FileField(label="JSON file exported from SEND Hub")
    school = forms.ModelChoiceField(
        queryset=School.objects.none(), required=False, label="Import into school"
    )
    trust = forms.ModelChoiceField(
        queryset=Trust.objects.none(),
        required=False,
        label="Or, as trust-wide standards, into trust",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = hr_school_ids(user)
        trusts = editable_trust_ids(user)
        form_field(self, "school", forms.ModelChoiceField).queryset = (
            School.objects.all() if ids is None else School.objects.filter(pk__in=ids)
        )
        form_field(self, "trust", forms.ModelChoiceField).queryset = (
            Trust.objects.all() if trusts is None else Trust.objects.filter(pk__in=trusts)
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if bool(data.get("school")) == bool(data.get("trust")):
            raise ValidationError("Choose a school, or a trust for trust-wide standards.")
        upload = data.get("file")
        if upload is not None:
            if upload.size > 2 * 1024 * 1024:
                raise ValidationError("The file is too big for role profiles (2 MB at most).")
            data["parsed"] = parse_profiles(upload.read())
        return data


class AdoptForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), label="For school")
