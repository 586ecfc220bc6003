"""Forms for the register, the pupil record, SEN status, passports and key adults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from pupils.models import (
    NC_YEAR_CHOICES,
    Area,
    KeyAdult,
    NeedType,
    Passport,
    Provision,
    Pupil,
)
from send_hub.lib.forms import form_field
from send_hub.lib.widgets import DateInput, QuickSelect
from staff.models import Membership, School, User

ANY: list[tuple[str | int, str]] = [("", "Any")]

# The year groups each phase teaches, for a school with no pupils' years recorded yet.
PHASE_YEARS: dict[str, range] = {
    School.Phase.PRIMARY: range(0, 7),  # Reception to Year 6
    School.Phase.SECONDARY: range(7, 14),  # Year 7 to Year 13
    School.Phase.ALL_THROUGH: range(0, 14),
}


NO_SUCH_YEAR = "No pupil on roll here is in that year group now: choose one from the list."


def school_year_choices(
    school: School, years_on_roll: Collection[int] | None = None
) -> list[tuple[int, str]]:
    """Return the NC year groups a year-group filter offers for ``school``, in order.

    The years its pupils on roll are in (one indexed query, or ``years_on_roll`` when the
    caller has counted them already); before any are recorded, the years its phase teaches;
    every year only for a special school or AP with neither.
    """
    if years_on_roll is None:
        recorded = (
            Pupil.objects.filter(school=school, nc_year__isnull=False)
            .on_roll()
            .order_by()
            .values_list("nc_year", flat=True)
            .distinct()
        )
        years_on_roll = {year for year in recorded if year is not None}
    years = set(years_on_roll) or set(PHASE_YEARS.get(school.phase, range(0)))
    return [(n, label) for n, label in NC_YEAR_CHOICES if n in years] or list(NC_YEAR_CHOICES)


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's <form> carries the one token
    return helper


class RegisterFilterForm(forms.Form):
    """The register's filters, read from the query string (names never go in it)."""

    SORTS = [
        ("name", "Surname"),
        ("year", "Year"),
        ("status", "Status"),
        ("need", "Primary need"),
    ]
    STATUS_CHOICES = [
        ("SEN", "SEN support or EHCP"),
        ("K", "SEN support (K)"),
        ("E", "EHCP (E)"),
        ("N", "No SEN (N)"),
        ("ALL", "Everyone on roll"),
    ]

    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, widget=QuickSelect)
    need = forms.ChoiceField(
        label="Primary need",
        choices=ANY + list(NeedType.choices),
        required=False,
        widget=QuickSelect,
    )
    area = forms.ChoiceField(
        label="Area of need", choices=ANY + list(Area.choices), required=False, widget=QuickSelect
    )
    year = forms.TypedChoiceField(
        choices=[*ANY, *NC_YEAR_CHOICES],  # narrowed to the school's own years in __init__
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": NO_SUCH_YEAR},
        widget=QuickSelect,
    )
    key_adult = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, widget=QuickSelect
    )
    pupil_premium = forms.ChoiceField(
        label="Pupil premium",
        choices=[("", "Any"), ("yes", "Yes"), ("no", "No")],
        required=False,
        widget=QuickSelect,
    )
    sort = forms.ChoiceField(choices=SORTS, required=False, widget=QuickSelect)
    s = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        school: School,
        key_adults: Iterable[tuple[int, str]],
        years_on_roll: Collection[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The school's current key adults (pupils.services.register_figures.key_adult_choices).
        form_field(self, "key_adult", forms.TypedChoiceField).choices = [*ANY, *key_adults]
        form_field(self, "year", forms.TypedChoiceField).choices = [
            *ANY,
            *school_year_choices(school, years_on_roll),
        ]
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["class"] = "form-select"


class RegisterSearchForm(forms.Form):
    q = forms.CharField(label="Name or UPN", max_length=100)


class PupilForm(forms.ModelForm):
    """The pupil's record as the MIS holds it (the SENDCo keeps it up to date)."""

    updated_at_seen = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Pupil
        fields = [
            "upn",
            "mis_id",
            "legal_forename",
            "legal_surname",
            "preferred_forename",
            "preferred_surname",
            "date_of_birth",
            "sex",
            "nc_year",
            "registration_group",
            "admission_date",
            "leaving_date",
            "pupil_premium",
            "free_school_meals",
            "eal",
            "looked_after",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "admission_date": DateInput(),
            "leaving_date": DateInput(),
        }

    def __init__(self, *args: Any, school: School, show_looked_after: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        if not show_looked_after:
            del self.fields["looked_after"]
        if self.instance.pk:
            self.fields["updated_at_seen"].initial = self.instance.updated_at
        self.helper = _helper()

    def clean_upn(self) -> str:
        upn = self.cleaned_data["upn"].strip().upper()
        clash = Pupil.objects.filter(school=self.school, upn=upn).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another pupil in this school already has this UPN.")
        return upn

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        seen = data.get("updated_at_seen")
        if self.instance.pk and seen and seen != self.instance.updated_at:
            raise forms.ValidationError(
                "Someone else changed this record while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            )
        return data


class SENStatusForm(forms.Form):
    provision = forms.ChoiceField(choices=Provision.choices, widget=forms.RadioSelect)
    start_date = forms.DateField(widget=DateInput())
    primary_need = forms.ChoiceField(choices=ANY + list(NeedType.choices), required=False)
    secondary_need = forms.ChoiceField(choices=ANY + list(NeedType.choices), required=False)
    parents_informed_on = forms.DateField(
        required=False,
        widget=DateInput(),
        help_text="When the pupil's parents or carers were told about their SEN provision.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = timezone.localdate()
        self.helper = _helper()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        provision = data.get("provision")
        if provision in (Provision.SEN_SUPPORT, Provision.EHCP) and not data.get(
            "parents_informed_on"
        ):
            self.add_error(
                "parents_informed_on",
                "Record the date the parents or carers were informed: schools must tell them "
                "when they make SEN provision for their child.",
            )
        start, told = data.get("start_date"), data.get("parents_informed_on")
        if start and start > timezone.localdate() + dt.timedelta(days=365):
            self.add_error("start_date", "That start date is more than a year away.")
        if told and told > timezone.localdate():
            self.add_error("parents_informed_on", "That date is in the future.")
        return data

    @property
    def needs(self) -> list[str]:
        return [
            n
            for n in (
                self.cleaned_data.get("primary_need"),
                self.cleaned_data.get("secondary_need"),
            )
            if n
        ]


class PassportForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Passport
        fields = [*Passport.SECTIONS, "reviewed_with_family_on"]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 3}) for name in Passport.SECTIONS},
            "reviewed_with_family_on": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class KeyAdultForm(forms.Form):
    # The school's whole staff to choose from: QuickSelect writes the options without a template.
    staff = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Member of staff", widget=QuickSelect
    )
    kind = forms.ChoiceField(choices=KeyAdult.Kind.choices, label="As", widget=QuickSelect)
    start_date = forms.DateField(widget=DateInput())

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.active().filter(school=school).values("user_id")
        staff = User.objects.filter(pk__in=members).only("pk", "full_name", "email")
        form_field(self, "staff", forms.ModelChoiceField).queryset = staff.order_by("full_name")
        self.fields["start_date"].initial = timezone.localdate()
        self.helper = _helper()
