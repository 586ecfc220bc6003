"""Attendance forms: the import, the early-warning thresholds, and "seen, action taken"."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from interventions.attendance.importer import COLUMNS, DEFAULT_COLUMNS
from interventions.attendance.models import EarlyWarningSettings
from pupils.forms.imports import ColumnsUploadForm
from pupils.importers.mis_csv import Column
from pupils.models import ImportMapping

SOURCES = [(s, ImportMapping.Source(s).label) for s in DEFAULT_COLUMNS]


class AttendanceImportForm(ColumnsUploadForm):
    COLUMNS = COLUMNS
    SAVE_AS_EXAMPLE = "SIMS weekly marks"
    TOO_BIG_HINT = "Export a shorter period at a time (a half term is usually well under 10 MB)."

    file = forms.FileField(
        label="CSV file of attendance marks from the MIS",
        help_text="One row per session: UPN, date, AM or PM and the mark. Up to 10 MB. You see a "
        "preview before anything is saved.",
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


class SettingsForm(forms.ModelForm):
    """The school's thresholds; the service saves them."""

    class Meta:
        model = EarlyWarningSettings
        fields = [
            "window_days",
            "attendance_below",
            "attendance_drop",
            "removals",
            "net_sanctions",
            "low_checkins",
            "rules_to_flag",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class SeenForm(forms.Form):
    action = forms.CharField(
        label="What was done",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: spoke to the pupil and rang home; attendance meeting booked.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
