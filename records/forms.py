"""Forms for records management: a subject access request, a legal hold, approving disposal."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from pupils.models import Pupil
from records.models import DisposalBatch, DisposalItem, SubjectAccessRequest
from send_hub.lib.widgets import DateInput
from staff.models import User


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's <form> carries the one token
    return helper


class RequestForm(forms.Form):
    """Record a subject access request about a pupil or a member of staff."""

    pupil = forms.ModelChoiceField(
        queryset=Pupil.objects.none(), required=False, label="About a pupil"
    )
    user = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Or about a member of staff"
    )
    requester_name = forms.CharField(label="Who asked", max_length=150)
    requester = forms.ChoiceField(
        label="Who they are", choices=SubjectAccessRequest.Requester.choices
    )
    received_on = forms.DateField(label="Date received", widget=DateInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        school_id: int = getattr(user, "current_school_id", None) or 0
        pupil_field = self.fields["pupil"]
        assert isinstance(pupil_field, forms.ModelChoiceField)
        pupil_field.queryset = Pupil.objects.visible_to(user)
        staff_field = self.fields["user"]
        assert isinstance(staff_field, forms.ModelChoiceField)
        staff_field.queryset = User.objects.filter(memberships__school_id=school_id).order_by(
            "full_name"
        )
        self.fields["received_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("pupil")) == bool(data.get("user")):
            raise forms.ValidationError("Choose the pupil or the member of staff (one of them).")
        return data


class HoldForm(forms.Form):
    """Put a legal hold on a pupil's records."""

    pupil = forms.ModelChoiceField(queryset=Pupil.objects.none(), label="Pupil")
    reason = forms.CharField(
        max_length=200, help_text="For example the reference of a claim or an inquiry."
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "hold")
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        field = self.fields["pupil"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Pupil.objects.visible_to(user)


class ApproveForm(forms.Form):
    """Approve a disposal list, keeping (after review) the items ticked."""

    keep = forms.ModelMultipleChoiceField(
        queryset=DisposalItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Keep after review (not disposed of)",
    )
    confirm = forms.BooleanField(
        label="I have reviewed this list and approve the disposal of everything not kept."
    )

    def __init__(self, *args: Any, batch: DisposalBatch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        field = self.fields["keep"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = batch.items.filter(state=DisposalItem.State.PENDING).select_related(
            "pupil"
        )
