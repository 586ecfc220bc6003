"""Forms for classes: the timetable import's upload and a SENDCo's hand edit of one class."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from pupils.forms.imports import ColumnsUploadForm
from pupils.importers.classes import COLUMNS, DEFAULT_COLUMNS
from pupils.importers.mis_csv import Column
from pupils.models import ImportMapping, Pupil, TeacherAccess
from send_hub.lib.forms import form_field
from staff.models import School, User

SOURCES = [(s, ImportMapping.Source(s).label) for s in DEFAULT_COLUMNS]


class ClassImportForm(ColumnsUploadForm):
    COLUMNS = COLUMNS
    SAVE_AS_EXAMPLE = "SIMS timetable"
    TOO_BIG_HINT = "Export one year group at a time."

    file = forms.FileField(
        label="CSV file of classes from the MIS",
        help_text="One row per pupil in each class. Up to 10 MB. You see a preview before "
        "anything is saved.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    source = forms.ChoiceField(label="Exported from", choices=SOURCES, required=False)
    field_order = ["file", "source"]

    def column_help(self, column: Column) -> str:
        return "Leave blank to find " + " or ".join(f"“{a}”" for a in column.aliases)

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.cleaned_data.get("source"):
            self.cleaned_data["source"] = ImportMapping.Source.OTHER
        return self.cleaned_data


class ClassForm(forms.Form):
    code = forms.CharField(
        label="Class code", max_length=40, help_text="As the timetable names it."
    )
    subject = forms.CharField(max_length=80, required=False)
    teachers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        help_text="Hold Ctrl (or Cmd) to choose more than one.",
    )
    pupils = forms.ModelMultipleChoiceField(
        queryset=Pupil.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="Hold Ctrl (or Cmd) to choose more than one. Pupils taken out of the class "
        "leave it today; the class's history keeps their time in it.",
    )

    def __init__(self, *args: Any, school: School, **kw: Any) -> None:
        super().__init__(*args, **kw)
        multiple = forms.ModelMultipleChoiceField
        form_field(self, "teachers", multiple).queryset = User.objects.working_at(school)
        form_field(self, "pupils", multiple).queryset = Pupil.objects.filter(
            school=school
        ).on_roll()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template owns the form


class TeacherAccessForm(forms.ModelForm):
    """The school's teacher-access settings: a single-model edit with no side effects."""

    class Meta:
        model = TeacherAccess
        fields = ["grace_days", "parent_voice", "contacts", "documents"]
        help_texts = {
            "grace_days": "After a class ends (or a pupil leaves it), its teacher keeps seeing "
            "the pupil for this many days, e.g. to give input to a review.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
