"""Transfers, the queue and chronology filters, report periods and attachments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from safeguarding.forms.concerns import _helper, _text
from safeguarding.models import (
    Addendum,
    Attachment,
    Category,
    Concern,
    TransferStep,
)
from send_hub.lib.dates import nice_datetime
from send_hub.lib.forms import form_field
from send_hub.lib.uploads import ACCEPT, max_upload_mb, upload_content_type
from send_hub.lib.widgets import DateInput
from staff.models import User


class TransferStartForm(forms.Form):
    destination_school = forms.CharField(label="New school", max_length=200)
    destination_contact = forms.CharField(
        label="The new school's DSL",
        max_length=200,
        help_text="Name, and a phone number or secure e-mail address.",
    )


class TransferStepForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(TransferStep.Kind.SENT, "Sent"), (TransferStep.Kind.RECEIVED, "Received")],
        widget=forms.HiddenInput,
    )
    method = forms.ChoiceField(
        label="How it was sent", choices=[("", "—"), *TransferStep.Method.choices], required=False
    )
    person = forms.CharField(label="To whom", max_length=200)
    on = forms.DateField(label="Date", widget=DateInput())
    note = forms.CharField(label="Note", widget=_text(2), required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", kind.lower())
        kwargs.setdefault("initial", {"kind": kind, "on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if kind == TransferStep.Kind.RECEIVED:
            del self.fields["method"]
            self.fields["person"].label = "Confirmed by (name and role at the new school)"
        else:
            self.fields["method"].required = True
        self.helper = _helper()


class QueueFilterForm(forms.Form):
    SHOW = [
        ("open", "Open"),
        ("new", "Not yet triaged"),
        ("urgent", "Urgent and open"),
        ("closed", "Closed"),
        ("all", "All"),
    ]
    show = forms.ChoiceField(choices=SHOW, required=False)


class ChronologyFilterForm(forms.Form):
    category = forms.ChoiceField(label="Category", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "category", forms.ChoiceField).choices = [("", "All categories")] + [
            (c.code, c.name) for c in Category.objects.all()
        ]


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The start of the period must come before its end.")
        return cleaned


class AddendumChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Addendum) -> str:
        text = obj.text if len(obj.text) <= 50 else obj.text[:49] + "…"
        return f"Your {obj.get_kind_display().lower()} of {nice_datetime(obj.written_at)}: {text}"


class AttachmentForm(forms.Form):
    """A file for a concern: a photo or scan of a handwritten note, a letter, minutes. Checked
    by its content (send_hub.lib.uploads), not its name."""

    file = forms.FileField(widget=forms.FileInput(attrs={"accept": ACCEPT}))
    kind = forms.ChoiceField(
        label="What it is", choices=Attachment.Kind.choices, initial=Attachment.Kind.HANDWRITTEN
    )
    description = forms.CharField(
        label="Describe it (optional)",
        max_length=200,
        required=False,
        help_text="For example “MASH outcome letter” or “my notes from break time”.",
    )
    addendum = AddendumChoiceField(
        label="Add it to",
        queryset=Addendum.objects.none(),
        required=False,
        empty_label="The concern itself",
    )

    def __init__(self, *args: Any, concern: Concern, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "attachment")
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"PDF, PNG or JPEG, up to {max_upload_mb()} MB. On a phone you can take a photo."
        )
        own = concern.addenda.filter(author=user).order_by("-written_at", "-pk")
        if own.exists():
            form_field(self, "addendum", forms.ModelChoiceField).queryset = own
        else:
            del self.fields["addendum"]
        self.helper = _helper()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload_content_type(upload)
        return upload
