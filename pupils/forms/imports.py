"""Forms for importing pupils: choose columns, upload a file, confirm legacy statements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms

from pupils.importers import CONFIRM_LABEL, upload_size_check
from pupils.importers.mis_csv import COLUMNS, DEFAULT_COLUMNS, Column, columns_problems
from pupils.models import ImportBatch, ImportMapping
from send_hub.lib.forms import form_field
from staff.models import School

DEFAULT_SOURCE = ImportMapping.Source.SIMS


class MappingChoiceForm(forms.Form):
    """A query-string form: which saved mapping or standard export fills in the columns.

    Pupil imports start from each MIS's export; other imports pass their own ``kind`` and
    ``defaults`` (source -> columns), and see only the mappings saved for that kind.
    """

    start_from = forms.ChoiceField(label="Start from the columns of", required=False)

    def __init__(
        self,
        *args: Any,
        school: School,
        kind: str = ImportMapping.Kind.PUPILS,
        defaults: dict[str, dict[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.defaults = DEFAULT_COLUMNS if defaults is None else defaults
        self.mappings = {m.pk: m for m in ImportMapping.objects.filter(school=school, kind=kind)}
        choices: list[tuple[str, str]] = [
            (source, f"{ImportMapping.Source(source).label} (standard export)")
            for source in self.defaults
        ]
        choices += [(f"saved:{pk}", f"Saved: {m.name}") for pk, m in self.mappings.items()]
        form_field(self, "start_from", forms.ChoiceField).choices = choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template owns the form (and GET forms need none)

    def selected(self) -> tuple[str, dict[str, str], ImportMapping | None]:
        """Return (source, columns, saved mapping or None) for the choice made (the first
        standard export if none)."""
        value = self.cleaned_data.get("start_from") if self.is_valid() else ""
        if value and value.startswith("saved:"):
            mapping = self.mappings[int(value.split(":", 1)[1])]
            return mapping.source, dict(mapping.columns), mapping
        source = value or (DEFAULT_SOURCE if DEFAULT_SOURCE in self.defaults else "")
        source = source or next(iter(self.defaults))
        return source, dict(self.defaults[source]), None


class ColumnsUploadForm(forms.Form):
    """An upload read by named columns, with the columns to read it by and a name to save them
    under: the pupil import and the behaviour import. Subclasses declare ``file`` and
    ``source`` and say which columns they read."""

    COLUMNS: ClassVar[Sequence[Column]] = ()
    LEAD_FIELDS: ClassVar[tuple[str, ...]] = ("file",)
    LEGEND = "Columns in your export"
    SAVE_AS_EXAMPLE = ""
    TOO_BIG_HINT = ""

    save_as = forms.CharField(label="Save these columns as", max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for column in self.COLUMNS:
            self.fields[f"col_{column.name}"] = forms.CharField(
                label=f"{column.label} column",
                max_length=100,
                required=False,
                help_text=self.column_help(column),
            )
        form_field(self, "save_as", forms.CharField).help_text = (
            f"Name them to reuse next time (for example “{self.SAVE_AS_EXAMPLE}”). "
            "Leave blank to use them just this once."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template owns the form
        self.helper.layout = Layout(
            *self.LEAD_FIELDS,
            Fieldset(self.LEGEND, "source", *(f"col_{c.name}" for c in self.COLUMNS), "save_as"),
        )

    def column_help(self, column: Column) -> str:
        """Return the hint under a column's box."""
        return ""

    def clean_file(self) -> Any:
        return upload_size_check(self.cleaned_data["file"], too_big_hint=self.TOO_BIG_HINT)

    def columns(self) -> dict[str, str]:
        """Return our field -> CSV header, as typed (blank: recognise the usual names)."""
        return {
            c.name: (self.cleaned_data.get(f"col_{c.name}") or "").strip() for c in self.COLUMNS
        }


class ImportUploadForm(ColumnsUploadForm):
    COLUMNS = COLUMNS
    LEAD_FIELDS = ("kind", "file")
    LEGEND = "Columns in your MIS export (CSV only)"
    SAVE_AS_EXAMPLE = "SIMS pupil list"
    TOO_BIG_HINT = "Export fewer pupils at a time."

    kind = forms.ChoiceField(
        label="What are you importing?",
        choices=ImportBatch.Kind.choices,
        initial=ImportBatch.Kind.CSV,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="File",
        help_text="A CSV exported from your MIS, or a Common Transfer File (.xml). Up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xml,text/csv,text/xml"}),
    )
    source = forms.ChoiceField(label="MIS", choices=ImportMapping.Source.choices, required=False)
    field_order = ["kind", "file", "source"]

    def column_help(self, column: Column) -> str:
        return "Required" if column.required else "Leave blank if your export has none"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == ImportBatch.Kind.CSV:
            columns = self.columns()
            if columns_problems(columns):
                for column in COLUMNS:
                    if column.required and not columns.get(column.name):
                        self.add_error(f"col_{column.name}", "Give the column that holds this.")
            if not data.get("source"):
                data["source"] = ImportMapping.Source.OTHER
        return data


class PreviewOptionsForm(forms.Form):
    """On the preview (query string) and the apply button (POST)."""

    confirm_statements = forms.BooleanField(
        label=CONFIRM_LABEL,
        required=False,
        help_text="Statements of SEN were replaced by EHC plans in 2014. Tick this once you have "
        "checked that each pupil shown with S has (or had) an EHC plan.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template owns the form (and GET forms need none)

    @property
    def confirmed(self) -> bool:
        return self.is_valid() and bool(self.cleaned_data["confirm_statements"])
