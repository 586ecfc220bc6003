"""Forms for the programme catalogue, interventions, enrolments and session logging."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from interventions.delivery.models import (
    Intervention,
    Programme,
    ScheduleSlot,
    Session,
    SessionAttendance,
)
from pupils.models import NC_YEAR_CHOICES, Pupil
from send_hub.lib.forms import form_field
from send_hub.lib.widgets import DateInput
from staff.models import School, User


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class StaffChoiceField(forms.ModelChoiceField):
    """A choice of staff, by name (by e-mail for someone with no name recorded)."""

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class InterventionChoiceField(forms.ModelMultipleChoiceField):
    """Interventions as boxes to tick, each with its status (plans and EHCPs link them)."""

    def label_from_instance(self, obj: Intervention) -> str:
        return f"{obj.name} ({obj.get_status_display().lower()})"


class ProgrammeForm(forms.ModelForm):
    measures = forms.MultipleChoiceField(
        choices=Programme.Measure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="How progress is measured at the start and the end.",
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "kind",
            "area",
            "typical_sessions",
            "sessions_per_week",
            "session_minutes",
            "group_size",
            "staff_per_group",
            "cost_per_staff_hour",
            "measures",
            "numeric_measure_label",
            "description",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.helper = _helper()

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Programme.objects.filter(school=self.school, name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError("The catalogue already has a programme with this name.")
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "NUMERIC" in (data.get("measures") or []) and not data.get("numeric_measure_label"):
            self.add_error(
                "numeric_measure_label", 'Name the numeric scale, e.g. "Reading age (months)".'
            )
        return data


class InterventionForm(forms.ModelForm):
    assistants = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Intervention
        fields = [
            "programme",
            "name",
            "lead",
            "assistants",
            "start_date",
            "planned_sessions",
            "aims",
            "fixed_costs",
            "referral_reason",
            "referred_by",
        ]
        widgets = {
            "start_date": DateInput(),
            "aims": forms.Textarea(attrs={"rows": 3}),
            "referral_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"referral_reason": "For ELSA blocks: why the pupil was referred."}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and self.initial.get("start_date") is None:
            self.initial["start_date"] = timezone.localdate()
        staff = User.objects.working_at(school)
        form_field(self, "programme", forms.ModelChoiceField).queryset = Programme.objects.filter(
            school=school, active=True
        )
        form_field(self, "lead", forms.ModelChoiceField).queryset = staff
        form_field(self, "assistants", forms.ModelMultipleChoiceField).queryset = staff
        self.helper = _helper()


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        choices=[("", "Choose"), *ScheduleSlot.WEEKDAYS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(min_value=5, max_value=240, required=False)
    room = forms.CharField(max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "weekday" else "form-control"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        filled = [data.get("weekday") is not None, bool(data.get("start_time"))]
        if any(filled) and not all(filled):
            raise forms.ValidationError("Give both the day and the time, or leave both empty.")
        if all(filled) and not data.get("minutes"):
            data["minutes"] = 30
        return data


SlotFormSet = forms.formset_factory(SlotForm, extra=0, min_num=3, max_num=5)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Intervention.Status.choices)
    reason = forms.CharField(max_length=300, required=False)
    # Sent by the "Complete anyway" button after the few-sessions warning.
    confirmed = forms.BooleanField(required=False)


class EnrolSearchForm(forms.Form):
    """Find pupils to add: words of a name or a UPN, and/or an NC year."""

    q = forms.CharField(label="Name or UPN", max_length=100, required=False)
    year = forms.TypedChoiceField(
        label="Year",
        choices=[("", "Any year"), *NC_YEAR_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def has_query(self) -> bool:
        """Say whether there is enough to search on (two letters, or a year)."""
        if not self.is_valid():
            return False
        return len(self.cleaned_data["q"].strip()) >= 2 or self.cleaned_data["year"] is not None


class EnrolPupilsForm(forms.Form):
    """Several ticked pupils joining on one date (a pupil already in the group is reported)."""

    pupils = forms.ModelMultipleChoiceField(
        queryset=Pupil.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one pupil to add.",
            "invalid_choice": "One of the ticked pupils is no longer on roll here: search again.",
        },
    )
    joined_on = forms.DateField(
        label="Joined on",
        widget=DateInput(),
    )

    def __init__(self, *args: Any, pupils: QuerySet[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "pupils", forms.ModelMultipleChoiceField).queryset = pupils
        self.fields["joined_on"].initial = timezone.localdate()

    def clean_joined_on(self) -> dt.date:
        day = self.cleaned_data["joined_on"]
        if day > timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError("That is more than a year ahead.")
        return day


class LeaveForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False)


class TargetsForm(forms.Form):
    target_1 = forms.CharField(max_length=300, required=False, label="Target 1")
    target_2 = forms.CharField(max_length=300, required=False, label="Target 2")
    target_3 = forms.CharField(max_length=300, required=False, label="Target 3")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class SessionForm(forms.Form):
    """The session-level fields; per-pupil rows are read by ``attendance_rows``."""

    client_key = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(widget=DateInput())
    status = forms.ChoiceField(choices=Session.Status.choices, initial=Session.Status.DELIVERED)
    cancel_reason = forms.ChoiceField(
        choices=[("", "Choose"), *Session.CancelReason.choices], required=False
    )
    minutes = forms.IntegerField(min_value=0, max_value=480, required=False)
    plan = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evaluation = forms.CharField(required=False, max_length=2000)
    is_ending = forms.BooleanField(required=False)

    def __init__(self, *args: Any, pupils: list[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pupils = pupils
        self.fields["client_key"].initial = uuid.uuid4()

    def renew_key(self) -> None:
        """Give the bound form a fresh one-time key: its old one already saved another session."""
        # Bound from request.POST, a QueryDict: its copy is the mutable one.
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data["client_key"] = str(uuid.uuid4())
        self.data = data

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("status") == Session.Status.DELIVERED and not data.get("minutes"):
            self.add_error("minutes", "How many minutes did the session last?")
        if data.get("status") == Session.Status.CANCELLED and not data.get("cancel_reason"):
            self.add_error("cancel_reason", "Say why the session did not happen.")
        day = data.get("date")
        if day and day > timezone.localdate():
            self.add_error("date", "That day has not happened yet.")
        if day and day < timezone.localdate() - dt.timedelta(days=366):
            self.add_error("date", "That is more than a year ago.")
        data["attendance"] = self._attendance_rows()
        return data

    def _attendance_rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        valid = set(SessionAttendance.Attendance.values)
        for pupil in self.pupils:
            raw = self.data.get(f"att-{pupil.pk}", SessionAttendance.Attendance.PRESENT)
            if raw not in valid:
                self.add_error(None, f"Choose an attendance for {pupil.display_name}.")
                continue
            engagement = self.data.get(f"eng-{pupil.pk}") or None
            if engagement is not None:
                if engagement not in {"1", "2", "3", "4", "5"}:
                    self.add_error(None, f"Engagement for {pupil.display_name} must be 1 to 5.")
                    continue
                engagement = int(engagement)
            if raw not in SessionAttendance.ATTENDED:
                engagement = None
            note = (self.data.get(f"note-{pupil.pk}") or "")[:300]
            rows.append(
                {"pupil_id": pupil.pk, "attendance": raw, "engagement": engagement, "note": note}
            )
        return rows
