"""Forms for outcome measures: one per measure, each posted on its own from the measures page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from crispy_forms.helper import FormHelper
from django import forms
from django.http import QueryDict
from django.utils import timezone

from interventions.delivery.models import Enrolment, EnrolmentTarget
from interventions.outcomes.measures import (
    GOAL_NUMBERS,
    NUMERIC_MAX,
    POINT_ORDER,
    SDQ_SUBSCALES,
    Kind,
    Point,
    measure_version,
)
from interventions.outcomes.models import MeasureRecord
from send_hub.lib.widgets import DateInput


def _score_field(label: str, required: bool = True) -> forms.IntegerField:
    message = f"{label}: enter a whole number from 0 to 10."
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10,
        required=required,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": message,
            "max_value": message,
            "invalid": message,
            "required": f"{label}: enter the score (0 to 10).",
        },
    )


class MeasureForm(forms.Form):
    """What every measure has: the point, the date it was taken and the version last seen."""

    kind: ClassVar[str] = ""

    point = forms.ChoiceField(
        label="When",
        choices=Point.choices,
        help_text="Saving a point that is already recorded replaces it.",
    )
    taken_on = forms.DateField(label="Date taken", widget=DateInput())
    # The versions of this measure's records when the page was drawn, "BASELINE:ab12,EXIT:",
    # so a save never silently overwrites what someone else saved in the meantime.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        enrolment: Enrolment,
        records: dict[str, MeasureRecord],
        targets: list[EnrolmentTarget],
        edit_point: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", self.kind.lower())
        self.enrolment = enrolment
        self.records = records
        self.targets = targets
        point = edit_point or self._next_point()
        record = records.get(point)  # a point already recorded opens as a correction
        initial = {
            "point": point,
            "taken_on": timezone.localdate(),
            "seen": self.versions(),
            **(self.initial_from(record) if record else {}),
        }
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _next_point(self) -> str:
        if Point.BASELINE not in self.records:
            return Point.BASELINE
        return Point.EXIT

    def versions(self) -> str:
        return ",".join(f"{p}:{measure_version(self.records.get(p))}" for p in POINT_ORDER)

    def refresh_versions(self) -> None:
        """Show the latest versions, so saving again (after reading the warning) replaces."""
        # Bound from request.POST, a QueryDict: its copy is the mutable one.
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("seen")] = self.versions()
        self.data = data

    def seen_version(self) -> str | None:
        """Return the version of the chosen point's record when the page was drawn."""
        raw = self.cleaned_data.get("seen") or ""
        if not raw:
            return None  # an old page or a script: no check
        seen = dict(part.split(":", 1) for part in raw.split(",") if ":" in part)
        return seen.get(self.cleaned_data["point"], "")

    def initial_from(self, record: MeasureRecord) -> dict[str, Any]:
        return {"taken_on": record.taken_on}

    def measure_kwargs(self) -> dict[str, Any]:
        """Return the keyword arguments for ``measures.measure_record``."""
        data = self.cleaned_data
        return {
            "kind": self.kind,
            "point": data["point"],
            "taken_on": data["taken_on"],
            "seen_version": self.seen_version(),
        }


class GBOForm(MeasureForm):
    kind = Kind.GBO

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        texts = {t.number: t.text for t in self.targets}
        for n in GOAL_NUMBERS:
            if n in texts:
                field = _score_field(f"Goal {n}: {texts[n]}", required=False)
                field.help_text = "0 = not met at all, 10 = fully met. Leave blank to skip."
                self.fields[f"gbo_{n}"] = field

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # A rating posted for a goal that is not set (a stale page, or a script) is refused,
        # never dropped in silence.
        for n in GOAL_NUMBERS:
            name = f"gbo_{n}"
            if name not in self.fields and self.data.get(self.add_prefix(name)):
                self.add_error(
                    None,
                    f"Goal {n} has not been set for {self.enrolment.pupil}: add it as target {n} "
                    "first, or leave it blank.",
                )
        return data

    def initial_from(self, record: MeasureRecord) -> dict[str, Any]:
        return {
            "taken_on": record.taken_on,
            **{f"gbo_{n}": getattr(record, f"gbo_{n}") for n in GOAL_NUMBERS},
        }

    def measure_kwargs(self) -> dict[str, Any]:
        goals = {n: self.cleaned_data.get(f"gbo_{n}") for n in GOAL_NUMBERS}
        return {**super().measure_kwargs(), "goals": goals}


class NumericForm(MeasureForm):
    kind = Kind.NUMERIC

    value = forms.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=NUMERIC_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = self.enrolment.intervention.programme.numeric_measure_label or "Score"
        field = self.fields["value"]
        field.label = label
        message = f"Enter {label.lower()} as a number from 0 to {NUMERIC_MAX:,}."
        field.error_messages.update(
            {"min_value": message, "max_value": message, "invalid": message}
        )

    def initial_from(self, record: MeasureRecord) -> dict[str, Any]:
        value = record.value
        if value is not None and value == value.to_integral_value():
            value = value.quantize(Decimal(1))  # 113, not 113.00
        return {"taken_on": record.taken_on, "value": value}

    def measure_kwargs(self) -> dict[str, Any]:
        return {**super().measure_kwargs(), "value": self.cleaned_data["value"]}


class SDQForm(MeasureForm):
    """The five subscale scores of a scored SDQ: never the questionnaire's items."""

    kind = Kind.SDQ

    informant = forms.ChoiceField(
        label="Completed by",
        choices=[("", "Choose…"), *MeasureRecord.Informant.choices],
        help_text="Use the same version (teacher, parent or self) at every point.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in SDQ_SUBSCALES.items():
            self.fields[name] = _score_field(label)

    def initial_from(self, record: MeasureRecord) -> dict[str, Any]:
        return {
            "taken_on": record.taken_on,
            "informant": record.sdq_informant,
            **{name: getattr(record, f"sdq_{name}") for name in SDQ_SUBSCALES},
        }

    def measure_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().measure_kwargs(),
            "informant": data["informant"],
            "sdq": {name: data.get(name) for name in SDQ_SUBSCALES},
        }


FORMS: dict[str, type[MeasureForm]] = {
    Kind.GBO: GBOForm,
    Kind.NUMERIC: NumericForm,
    Kind.SDQ: SDQForm,
}


class MeasureChoiceForm(forms.Form):
    """Which measure a POST is for, or which record a GET asks to correct (query string)."""

    kind = forms.ChoiceField(choices=Kind.choices)
    point = forms.ChoiceField(choices=Point.choices, required=False)
