"""Forms for what the provision map counts beside sessions: the school's rates and budget,
in-class support, resources and services, and top-up funding. Each opens ready to save with
today's date."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from interventions.evidence.models import (
    InClassSupport,
    ProvisionCost,
    ProvisionSettings,
    TopUpFunding,
)
from pupils.models import Pupil
from send_hub.lib.forms import form_field
from send_hub.lib.widgets import DateInput
from staff.models import School, User


class _Helper:
    helper: FormHelper

    def _no_tag(self) -> None:
        self.helper = FormHelper()
        self.helper.form_tag = False


class SettingsForm(_Helper, forms.ModelForm):
    class Meta:
        model = ProvisionSettings
        fields = [
            "ledger_threshold",
            "on_cost_percent",
            "support_hourly_rate",
            "notional_sen_budget",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._no_tag()


def _pupils(form: forms.BaseForm, user: Any) -> None:
    form_field(form, "pupil", forms.ModelChoiceField).queryset = (
        Pupil.objects.visible_to(user)
        .filter(leaving_date__isnull=True)
        .order_by("legal_surname", "legal_forename")
    )


class SupportForm(_Helper, forms.ModelForm):
    class Meta:
        model = InClassSupport
        fields = [
            "staff",
            "class_name",
            "nc_year",
            "pupil",
            "hours_per_week",
            "hourly_rate",
            "start_date",
            "end_date",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(self, *args: Any, user: Any, school: School, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._no_tag()
        form_field(self, "staff", forms.ModelChoiceField).queryset = User.objects.working_at(school)
        _pupils(self, user)
        self.fields["pupil"].help_text = "Support with one pupil; or name a class above."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("pupil") and not data.get("class_name"):
            raise forms.ValidationError("Name the class, or choose the pupil supported.")
        return data


class CostForm(_Helper, forms.ModelForm):
    class Meta:
        model = ProvisionCost
        fields = ["kind", "description", "supplier", "cost", "incurred_on", "pupil", "area"]
        widgets = {"incurred_on": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"incurred_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._no_tag()
        _pupils(self, user)
        self.fields["pupil"].help_text = "Empty: the school's, for no one pupil."


class TopUpForm(_Helper, forms.ModelForm):
    class Meta:
        model = TopUpFunding
        fields = ["pupil", "amount", "received_on", "reference"]
        widgets = {"received_on": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._no_tag()
        _pupils(self, user)
