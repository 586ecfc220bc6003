"""Forms around signing in: the two-factor code (audited when refused) and the history filter."""

from __future__ import annotations

from typing import Any

from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from django import forms
from django.core.exceptions import ValidationError

from send_hub.lib.forms import form_field
from staff import sign_ins
from staff.models import Membership


class _AuditRefusalMixin:
    stage = sign_ins.STAGE_TWO_FACTOR
    user: Any

    def clean_code(self) -> str:
        """Check the code under allauth's limits, auditing a code the limits refused unchecked.

        A wrong code is audited by staff.audit_receivers (allauth signals it); a refusal is not
        signalled, so it is caught here.
        """
        try:
            return super().clean_code()  # type: ignore[misc]
        except ValidationError as exc:
            if getattr(exc, "code", None) == "too_many_login_attempts":
                sign_ins.sign_in_refused_log(
                    request=context.request, account=self.user, stage=self.stage
                )
            raise


class AuthenticateForm(_AuditRefusalMixin, mfa_forms.AuthenticateForm):
    stage = sign_ins.STAGE_TWO_FACTOR


class ReauthenticateForm(_AuditRefusalMixin, mfa_forms.ReauthenticateForm):
    stage = sign_ins.STAGE_REAUTHENTICATION


class SignInFilterForm(forms.Form):
    """Read the history page's query string: one person, and whether to show only failures."""

    person = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    failed = forms.BooleanField(required=False, label="Failed and refused attempts only")

    def __init__(self, *args: Any, members: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "person", forms.TypedChoiceField).choices = [
            ("", "Everyone"),
            *((m.pk, m.user.full_name) for m in members),
        ]
        self.fields["person"].error_messages["invalid_choice"] = (
            "That person is not on the staff list here any more; showing everyone."
        )
