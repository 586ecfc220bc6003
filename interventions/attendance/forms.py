"""Attendance forms: the import, the early-warning thresholds, "seen, action taken", and the
part-time timetable register."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from interventions.attendance.importer import COLUMNS, DEFAULT_COLUMNS
from interventions.attendance.models import WEEKDAYS, EarlyWarningSettings, OffSiteAttendance
from pupils.forms.imports import ColumnsUploadForm
from pupils.importers.mis_csv import Column
from pupils.models import ImportMapping, Pupil
from send_hub.lib.forms import form_field
from send_hub.lib.widgets import DateInput

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


class _Plain(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PartTimeForm(_Plain):
    pupil = forms.ModelChoiceField(queryset=Pupil.objects.none())
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why a reduced timetable, for now: what it is for and what returning full "
        "time depends on.",
    )
    hours_per_week = forms.DecimalField(
        label="Hours a week in school", max_digits=4, decimal_places=1, min_value=0
    )
    start_date = forms.DateField(widget=DateInput())
    parents_agreed = forms.BooleanField(label="Agreed with the parents", required=False)
    parents_agreed_on = forms.DateField(
        label="Date the parents agreed", required=False, widget=DateInput()
    )
    review_on = forms.DateField(
        label="First review",
        widget=DateInput(),
        help_text="At most 6 weeks after the start.",
    )
    la_informed_on = forms.DateField(
        label="Local authority informed on",
        required=False,
        widget=DateInput(),
        help_text="Leave blank until you have told them; the register shows who is waiting.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "pupil", forms.ModelChoiceField).queryset = Pupil.objects.visible_to(
            user
        ).on_roll()
        self.initial.setdefault("start_date", timezone.localdate())


class PartTimeReviewForm(_Plain):
    reviewed_on = forms.DateField(label="Reviewed on", widget=DateInput())
    hours_per_week = forms.DecimalField(
        label="Hours a week in school from now", max_digits=4, decimal_places=1, min_value=0
    )
    review_on = forms.DateField(
        label="Next review", widget=DateInput(), help_text="At most 6 weeks after this review."
    )
    la_informed_on = forms.DateField(
        label="Local authority informed on", required=False, widget=DateInput()
    )


class PartTimeEndForm(_Plain):
    ended_on = forms.DateField(label="Ended on", widget=DateInput())
    note = forms.CharField(
        label="Why it ended",
        required=False,
        max_length=2000,
        help_text="For example: back to a full timetable.",
    )


class PlacementForm(_Plain):
    pupil = forms.ModelChoiceField(queryset=Pupil.objects.none())
    provider = forms.CharField(max_length=200)
    address = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.MultipleChoiceField(
        label="Days at the provider",
        choices=[(str(i), name) for i, name in enumerate(WEEKDAYS)],
        widget=forms.CheckboxSelectMultiple,
    )
    safeguarding_confirmed = forms.BooleanField(
        label="The provider has confirmed its safeguarding arrangements in writing", required=False
    )
    safeguarding_confirmed_on = forms.DateField(
        label="Date of that confirmation", required=False, widget=DateInput()
    )
    contact_name = forms.CharField(label="Named contact at the provider", max_length=150)
    contact_phone = forms.CharField(label="Contact's phone number", max_length=40)
    start_date = forms.DateField(widget=DateInput())
    end_date = forms.DateField(required=False, widget=DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "pupil", forms.ModelChoiceField).queryset = Pupil.objects.visible_to(
            user
        ).on_roll()
        self.initial.setdefault("start_date", timezone.localdate())

    def clean_days(self) -> str:
        return "".join(self.cleaned_data["days"])


class OffSiteAttendanceForm(_Plain):
    date = forms.DateField(widget=DateInput())
    status = forms.ChoiceField(
        label="At the provider",
        choices=OffSiteAttendance.Status.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(required=False, max_length=500)


class PlacementEndForm(_Plain):
    end_date = forms.DateField(label="Ended on", widget=DateInput())
