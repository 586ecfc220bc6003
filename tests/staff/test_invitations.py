"""Accounts come only from single-use, expiring invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staff import services
from staff.models import AuditEvent, Invitation, Membership, Role, User

pytestmark = pytest.mark.django_db


def _invite(world, **overrides) -> Invitation:
    fields = {
        "school": world.school,
        "email": "New.Starter@School.example",
        "full_name": "Robin Newstarter",
        "job_title": "LSA",
        "roles": [Role.LSA],
        "by": world.users["hr_admin"],
    }
    return services.invitation_create(**{**fields, **overrides})


def test_invitation_is_e_mailed_once_with_a_working_link(world) -> None:
    invitation = _invite(world)
    assert invitation.email == "new.starter@school.example"
    assert services.invitation_send(invitation_id=invitation.pk) is True
    assert services.invitation_send(invitation_id=invitation.pk) is False  # a re-run sends nothing
    assert len(mail.outbox) == 1
    assert reverse("staff:accept_invitation", args=[invitation.make_token()]) in mail.outbox[0].body


def test_the_same_invitation_twice_is_one_invitation(world) -> None:
    first = _invite(world)
    second = _invite(world)
    assert first.pk == second.pk
    assert Invitation.objects.count() == 1


def test_double_submitted_invite_form_makes_one_invitation(world) -> None:
    client = world.client("hr_admin")
    data = {"full_name": "Sam Twice", "email": "sam@school.example", "roles": [Role.TEACHER]}
    client.post(reverse("staff:invite"), data)
    client.post(reverse("staff:invite"), data)
    assert Invitation.objects.filter(email="sam@school.example").count() == 1


def test_hr_admin_cannot_grant_head_or_dsl(world) -> None:
    client = world.client("hr_admin")
    response = client.post(
        reverse("staff:invite"),
        {"full_name": "Sam", "email": "sam@school.example", "roles": [Role.DSL]},
    )
    assert response.status_code == 200
    assert "not one of the available choices" in response.content.decode()
    assert not Invitation.objects.exists()


def test_accepting_creates_the_account_and_membership_and_signs_in(world) -> None:
    invitation = _invite(world)
    client = Client()
    password = "a-long-and-memorable-passphrase"
    response = client.post(
        reverse("staff:accept_invitation", args=[invitation.make_token()]),
        {"full_name": "Robin Newstarter", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.starter@school.example")
    membership = Membership.objects.get(user=user, school=world.school)
    assert membership.role_codes == {Role.LSA}
    assert AuditEvent.objects.filter(action="staff.invitation.accepted").exists()
    # Signed in, but MFA comes before anything else.
    assert client.get(reverse("core:today"))["Location"] == reverse("mfa_activate_totp")


def test_a_used_link_cannot_be_used_again(world) -> None:
    invitation = _invite(world)
    services.invitation_accept(invitation_id=invitation.pk, password="p" * 16, full_name="Robin")
    response = Client().get(reverse("staff:accept_invitation", args=[invitation.make_token()]))
    assert response.status_code == 410
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(
            invitation_id=invitation.pk, password="p" * 16, full_name="Robin"
        )


def test_an_expired_link_is_refused(world) -> None:
    invitation = _invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = Client().get(reverse("staff:accept_invitation", args=[invitation.make_token()]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_forged_or_renewed_link_is_not_found(world) -> None:
    invitation = _invite(world)
    old_token = invitation.make_token()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    renewed = _invite(world)  # expired: renewed with a new link
    assert renewed.pk == invitation.pk
    assert Client().get(reverse("staff:accept_invitation", args=[old_token])).status_code == 404
    assert Client().get(reverse("staff:accept_invitation", args=["not-a-token"])).status_code == 404


def test_weak_passwords_are_refused_with_a_message(world) -> None:
    invitation = _invite(world)
    response = Client().post(
        reverse("staff:accept_invitation", args=[invitation.make_token()]),
        {"full_name": "Robin", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode() or "too short" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_existing_account_joins_a_second_school(world) -> None:
    teacher = world.users["teacher"]
    invitation = _invite(world, school=world.other_school, email=teacher.email)
    client = world.client("teacher")
    client.post(reverse("staff:accept_invitation", args=[invitation.make_token()]))
    assert Membership.objects.filter(user=teacher, school=world.other_school).exists()


def test_hr_admin_role_opens_the_admin(world) -> None:
    invitation = _invite(world, email="hr2@school.example", roles=[Role.HR_ADMIN])
    user = services.invitation_accept(
        invitation_id=invitation.pk, password="p" * 16, full_name="HR Two"
    )
    assert user.is_staff
