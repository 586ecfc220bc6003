"""The behaviour import's upload form: the file, the columns it is read by, and a name to save."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms

from interventions.importers_behaviour import COLUMNS, DEFAULT_COLUMNS
from pupils.importers import upload_size_check
from pupils.models import ImportMapping

SOURCES = [(s, ImportMapping.Source(s).label) for s in DEFAULT_COLUMNS]


class BehaviourImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file from the MIS or behaviour system",
        help_text="Up to 10 MB. You see a preview before anything is saved.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    source = forms.ChoiceField(label="Exported from", choices=SOURCES, required=False)
    save_as = forms.CharField(
        label="Save these columns as",
        max_length=100,
        required=False,
        help_text="Name them to reuse next time (for example “Class Charts weekly”). "
        "Leave blank to use them just this once.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for column in COLUMNS:
            self.fields[f"col_{column.name}"] = forms.CharField(
                label=f"{column.label} column",
                max_length=100,
                required=False,
                help_text=("Leave blank to find " + " or ".join(f"“{a}”" for a in column.aliases)),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template owns the form
        self.helper.layout = Layout(
            "file",
            Fieldset(
                "Columns in your export",
                "source",
                *(f"col_{c.name}" for c in COLUMNS),
                "save_as",
            ),
        )

    def clean_file(self) -> Any:
        return upload_size_check(
            self.cleaned_data["file"], too_big_hint="Export a shorter period at a time."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("source"):
            data["source"] = ImportMapping.Source.OTHER
        return data

    def columns(self) -> dict[str, str]:
        """Return our field -> CSV header, as typed (blank: recognise the usual names)."""
        return {c.name: (self.cleaned_data.get(f"col_{c.name}") or "").strip() for c in COLUMNS}
