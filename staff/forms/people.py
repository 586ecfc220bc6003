"""Forms about who works here: inviting, accepting an invitation, choosing a school, roles."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation

from send_hub.lib.form_keys import OneTimeKeyForm
from send_hub.lib.forms import form_field
from staff.models import Membership, Role, School, User
from staff.services import grantable_roles, role_change_refusals


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        max_length=150, help_text="Their full name, as colleagues know them."
    )
    email = forms.EmailField(label="Work e-mail address")
    job_title = forms.CharField(max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="What they do here. Roles decide what they can see.",
    )

    def __init__(self, *args: Any, user: User, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "roles", forms.MultipleChoiceField).choices = grantable_roles(
            by=user, school=school
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Your full name")
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Type it again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are different.")
        elif p1:
            candidate = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ChooseSchoolForm(forms.Form):
    school = forms.IntegerField()


class MemberRolesForm(OneTimeKeyForm):
    """Change one colleague's roles; head and DSL follow the grant rule, checked on the field."""

    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Roles decide what they can see. Untick a role to take it away.",
    )

    def __init__(self, *args: Any, membership: Membership, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"roles": sorted(membership.role_codes)})
        super().__init__(*args, **kwargs)
        self.membership, self.user = membership, user
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_roles(self) -> list[str]:
        roles = self.cleaned_data["roles"]
        problems = role_change_refusals(membership=self.membership, roles=roles, by=self.user)
        if problems:
            raise forms.ValidationError(problems)
        return roles
