"""Forms for a pupil's records: access arrangements, contacts, agencies, documents."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from pupils.forms.register import NO_SUCH_YEAR, school_year_choices
from pupils.models import NC_YEAR_CHOICES, AccessArrangement, AgencyInvolvement, Contact, Document
from send_hub.lib.dates import nice_date
from send_hub.lib.forms import form_field
from send_hub.lib.uploads import ACCEPT, upload_content_type
from send_hub.lib.widgets import DateInput, QuickSelect
from staff.models import School


class _HelperMixin:
    def _add_helper(self) -> None:
        # The template owns the <form> tag, its method, enctype, CSRF token and buttons (and a
        # GET form must never carry the CSRF token into a URL).
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class AccessArrangementForm(_HelperMixin, forms.Form):
    kind = forms.ChoiceField(label="Arrangement", choices=AccessArrangement.Kind.choices)
    normal_way_of_working = forms.CharField(
        label="Normal way of working",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How teachers see this in lessons. Without it the arrangement shows a "
        "“no evidence” warning.",
    )
    assessment_date = forms.DateField(required=False, widget=DateInput())
    assessor = forms.CharField(
        max_length=150, required=False, help_text="Name and qualification of the assessor."
    )
    valid_from = forms.DateField(widget=DateInput(), initial=timezone.localdate)
    valid_to = forms.DateField(
        required=False, widget=DateInput(), help_text="Leave blank if it has no end date yet."
    )
    approve = forms.BooleanField(
        label="I approve this arrangement as SENDCo (recorded with today's date)", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_helper()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error(
                "valid_to",
                f"“Valid to” ({nice_date(end)}) is before “valid from” ({nice_date(start)}). "
                "Check the two dates.",
            )
        return data


class ContactForm(_HelperMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "relationship",
            "parental_responsibility",
            "phone",
            "email",
            "preferred_contact",
            "priority",
            "notes",
        ]
        labels = {
            "parental_responsibility": "Has parental responsibility",
            "preferred_contact": "Preferred way to contact",
            "priority": "Contact order",
        }
        help_texts = {
            "relationship": "For example mother, father, carer, grandparent.",
            "priority": "1 is contacted first.",
        }
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_helper()


class AgencyForm(_HelperMixin, forms.ModelForm):
    class Meta:
        model = AgencyInvolvement
        fields = ["agency", "contact_name", "contact_details", "start_date", "end_date", "notes"]
        labels = {
            "contact_name": "Named contact",
            "contact_details": "Their phone or e-mail",
            "end_date": "End date",
        }
        help_texts = {"end_date": "Leave blank while they are still involved."}
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and self.initial.get("start_date") is None:
            self.initial["start_date"] = timezone.localdate()
        self._add_helper()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date",
                f"The end date ({nice_date(end)}) is before the start date ({nice_date(start)}). "
                "Check the two dates.",
            )
        return data


class DocumentForm(_HelperMixin, forms.Form):
    title = forms.CharField(max_length=200, help_text="For example “EP report, March 2025”.")
    kind = forms.ChoiceField(label="Type of document", choices=Document.Kind.choices)
    file = forms.FileField(
        help_text="PDF, PNG or JPEG only.",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("kind", Document.Kind.OTHER)
        self._add_helper()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload_content_type(upload)
        return upload


class AccessRegisterFilterForm(_HelperMixin, forms.Form):
    """The exams officer's year-group filter, read from the query string."""

    year = forms.TypedChoiceField(
        label="Year group",
        choices=[("", "All year groups"), *NC_YEAR_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": NO_SUCH_YEAR},
        widget=QuickSelect,
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "year", forms.TypedChoiceField).choices = [
            ("", "All year groups"),
            *school_year_choices(school),
        ]
        self._add_helper()
