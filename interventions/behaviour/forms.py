"""Behaviour forms: removals, events, review meetings, the monitoring period and the import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from interventions.behaviour.importer import COLUMNS, DEFAULT_COLUMNS
from interventions.behaviour.models import BehaviourEvent, Removal
from pupils.forms.imports import ColumnsUploadForm
from pupils.importers.mis_csv import Column
from pupils.models import ImportMapping, Pupil
from send_hub.lib.forms import form_field
from send_hub.lib.widgets import DateInput, DateTimeInput
from staff.models import School, User

SOURCES = [(s, ImportMapping.Source(s).label) for s in DEFAULT_COLUMNS]


class BehaviourImportForm(ColumnsUploadForm):
    COLUMNS = COLUMNS
    SAVE_AS_EXAMPLE = "Class Charts weekly"
    TOO_BIG_HINT = "Export a shorter period at a time."

    file = forms.FileField(
        label="CSV file from the MIS or behaviour system",
        help_text="Up to 10 MB. You see a preview before anything is saved.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    source = forms.ChoiceField(label="Exported from", choices=SOURCES, required=False)
    field_order = ["file", "source"]

    def column_help(self, column: Column) -> str:
        return "Leave blank to find " + " or ".join(f"“{a}”" for a in column.aliases)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("source"):
            data["source"] = ImportMapping.Source.OTHER
        return data


class RemovalForm(forms.ModelForm):
    class Meta:
        model = Removal
        fields = [
            "pupil",
            "kind",
            "started_at",
            "ended_at",
            "suspension_days",
            "location",
            "reason",
            "referred_by",
            "supervised_by",
            "work_set",
        ]
        widgets = {
            "started_at": DateTimeInput(),
            "ended_at": DateTimeInput(),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: User, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "pupil", forms.ModelChoiceField).queryset = Pupil.objects.visible_to(
            user
        ).on_roll()
        for name in ("referred_by", "supervised_by"):
            form_field(self, name, forms.ModelChoiceField).queryset = User.objects.working_at(
                school
            )
        for name in ("started_at", "ended_at"):
            form_field(self, name, forms.DateTimeField).input_formats = ["%Y-%m-%dT%H:%M"]


class MeetingForm(forms.Form):
    meeting_on = forms.DateField(widget=DateInput(), label="Meeting date")
    attendees = forms.CharField(max_length=300)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class EventForm(forms.ModelForm):
    class Meta:
        model = BehaviourEvent
        fields = ["pupil", "kind", "category", "points", "occurred_on", "note"]
        widgets = {"occurred_on": DateInput()}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "pupil", forms.ModelChoiceField).queryset = Pupil.objects.visible_to(
            user
        ).on_roll()
        self.initial.setdefault("occurred_on", timezone.localdate())


class PeriodForm(forms.Form):
    start = forms.DateField(required=False, widget=DateInput())
    end = forms.DateField(required=False, widget=DateInput())

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        start, end = today - dt.timedelta(weeks=12), today
        if self.is_valid():
            start = self.cleaned_data["start"] or start
            end = self.cleaned_data["end"] or end
        if start > end:
            start, end = end, start
        return start, end
