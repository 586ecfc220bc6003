"""The one date widget and the one date-and-time widget every form uses.

Browsers read an ``<input type="date">`` value only as ISO (2026-12-02). Django renders a
widget's value in the active locale's first input format unless the widget names its own,
and en-GB's is 02/12/2026, which a browser rejects: the field opens blank and the form
cannot be saved with the value it showed. These widgets always name the ISO format.
"""

from __future__ import annotations

from typing import Any

from django import forms

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """A browser date picker whose value is always ISO."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATE_FORMAT)


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker whose value is always ISO, to the minute."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)
