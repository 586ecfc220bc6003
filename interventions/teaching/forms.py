"""Teachers' forms: the review input answer, a strategy's feedback, and asking for input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from interventions.teaching.models import ReviewInputRequest
from send_hub.lib.widgets import DateInput

PROGRESS_CHOICES = [("", "Choose…"), *ReviewInputRequest.Progress.choices]


class ReviewInputForm(forms.Form):
    """Progress on each target (or section E outcome) seen in lessons, what works, concerns."""

    what_works = forms.CharField(
        label="What works in your lessons",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Strategies, seating, groupings: whatever helps this pupil learn with you.",
    )
    concerns = forms.CharField(
        label="Concerns", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, items: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        fields: dict[str, forms.Field] = {}
        for pk, wording in items:
            fields[f"progress_{pk}"] = forms.ChoiceField(
                label=wording, choices=PROGRESS_CHOICES, required=False
            )
            fields[f"note_{pk}"] = forms.CharField(
                label="What you have seen (optional)",
                max_length=500,
                required=False,
                widget=forms.TextInput(),
            )
        # Targets first, then the open questions.
        self.fields = {**fields, **self.fields}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template owns the form

    def progress(self) -> list[dict[str, Any]]:
        """Return one entry per target: its id, wording, progress chosen and note."""
        return [
            {
                "id": pk,
                "wording": wording,
                "progress": self.cleaned_data.get(f"progress_{pk}", ""),
                "note": self.cleaned_data.get(f"note_{pk}", "").strip(),
            }
            for pk, wording in self.items
        ]


class AskForInputForm(forms.Form):
    due_on = forms.DateField(label="Answers needed by", widget=DateInput())

    def __init__(self, *args: Any, default_due: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = default_due
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class StrategyFeedbackForm(forms.Form):
    strategy = forms.CharField(max_length=300)
    helped = forms.TypedChoiceField(
        choices=[("yes", "Helped"), ("no", "Did not help")],
        coerce=lambda v: v == "yes",
    )
