"""Roles in the Django admin: every change goes through staff.services.membership_roles_change.

The admin offers no other way to give someone a role: the roles are one field on the membership
form (no inline of MembershipRole rows, no bulk action), and opening a membership again from the
person's page is checked too. The head and DSL roles follow the same rule as in the app
(staff.permissions.role_grant_refusal); a refusal is shown on the form with what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from staff import services
from staff.admin.access import admin_user
from staff.models import Membership, Role, User

ROLES_HELP = (
    "The head and DSL roles open the whole safeguarding file: only the headteacher grants the "
    "head role, the headteacher or a DSL grants the DSL role, nobody grants themselves, and the "
    "school's DSLs are told. The headteacher can also change roles in SEND Hub: {}."
)


def roles_help() -> str:
    """Return the roles field's help, linking to the in-app page that applies the same rule."""
    link = format_html('<a href="{}">Staff, then Change roles</a>', reverse("staff:members"))
    return format_html(ROLES_HELP, link)


class MembershipAdminForm(forms.ModelForm):
    """The membership form with its roles, checked against the signed-in person (``by``)."""

    roles = forms.MultipleChoiceField(
        choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    by: User | None = None  # set per request by MembershipAdmin.get_form

    class Meta:
        model = Membership
        fields = [
            "user",
            "school",
            "job_title",
            "active",
            "role_profile",
            "line_manager",
            "contracted_hours",
            "contracted_weeks",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].help_text = roles_help()
        if self.instance.pk:
            self.initial.setdefault("roles", sorted(self.instance.role_codes))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.by is None or self.errors:
            return data
        if self.instance.pk:
            membership = Membership.objects.get(pk=self.instance.pk)
        else:
            membership = Membership(user=data.get("user"), school=data.get("school"))
        if membership.school_id is None or membership.user_id is None:
            return data
        problems = services.role_change_refusals(
            membership=membership,
            roles=data.get("roles") or [],
            by=self.by,
            active=data.get("active"),
        )
        if problems:
            self.add_error("roles", problems)
        return data


def membership_admin_save(
    request: HttpRequest, membership: Membership, *, roles: Iterable[str], active: bool
) -> None:
    """Save a membership's roles and whether it is open through the one service."""
    services.membership_roles_change(
        membership=membership,
        roles=roles,
        active=active,
        by=admin_user(request),
        via="admin",
        request=request,
    )


class MembershipInlineFormSet(BaseInlineFormSet):
    """A person's memberships: re-opening one that holds the head or DSL role is a grant."""

    by: User | None = None  # set per request by MembershipInline.get_formset

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            membership = form.instance
            if not membership.pk or not form.has_changed() or self.by is None:
                continue
            if "school" in form.changed_data:
                form.add_error(
                    "school", "A membership stays with its school: add a new one for another."
                )
                continue
            if "active" not in form.changed_data:
                continue
            current = Membership.objects.get(pk=membership.pk)
            problems = services.role_change_refusals(
                membership=current,
                roles=current.role_codes,
                by=self.by,
                active=form.cleaned_data.get("active"),
            )
            if problems:
                form.add_error("active", problems)

    def save_through_service(self, request: HttpRequest) -> None:
        """Save new and changed rows; opening or closing one goes through the service."""
        for membership in self.save(commit=False):
            wanted = membership.active
            if membership.pk is None:
                membership.save()  # a new membership holds no roles yet
                continue
            was = Membership.objects.values_list("active", flat=True).get(pk=membership.pk)
            membership.active = was
            membership.save()
            if wanted != was:
                membership_admin_save(
                    request,
                    membership,
                    roles=membership.role_codes,
                    active=wanted,
                )
