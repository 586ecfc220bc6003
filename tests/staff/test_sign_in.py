"""Sign-in rules: invitation only, MFA before pupil data, no account enumeration, auditing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staff.middleware import AUTH_AT_SESSION_KEY
from staff.models import AuditEvent, Role
from tests.factories import TEST_PASSWORD, member

pytestmark = pytest.mark.django_db


def test_self_sign_up_is_closed(client: Client) -> None:
    response = client.post(
        reverse("account_signup"), {"email": "walk.in@school.example", "password1": "x" * 16}
    )
    assert "by invitation" in response.content.decode()
    from staff.models import User

    assert not User.objects.filter(email="walk.in@school.example").exists()


def test_password_sign_in_asks_for_the_authenticator_code(world, client: Client) -> None:
    user = world.users["sendco"]
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in yet: Today still sends them to sign in.
    assert client.get(reverse("core:today"))["Location"].startswith(reverse("account_login"))


def test_sign_in_without_an_authenticator_must_set_one_up(world) -> None:
    user = member(world.school, Role.TEACHER, totp=False)
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    response = client.get(reverse("pupils:detail", args=[world.pupil.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_relaxed_mfa_lets_the_demo_through(world, settings) -> None:
    settings.SEND_HUB_MFA_REQUIRED = False
    user = member(world.school, Role.TEACHER, totp=False)
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    response = client.get(reverse("core:today"))
    assert response.status_code == 200
    assert "two-factor sign-in is not enforced" in response.content.decode()


def test_sign_ins_and_failures_are_audited(world, client: Client) -> None:
    user = world.users["teacher"]
    client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password-here"})
    assert AuditEvent.objects.filter(action="staff.user.sign_in_failed").count() == 1
    world.client("teacher")  # force_login fires user_logged_in too
    assert AuditEvent.objects.filter(action="staff.user.signed_in", actor=user).exists()


def test_password_reset_does_not_reveal_whether_an_account_exists(world, client: Client) -> None:
    known = client.post(reverse("account_reset_password"), {"email": world.users["teacher"].email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@school.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_password_reset_never_signs_in(world, client: Client) -> None:
    user = world.users["teacher"]
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    new_password = "a-brand-new-long-passphrase-42"
    client.post(form_url, {"password1": new_password, "password2": new_password})
    # The password changed, but nobody is signed in: the next sign-in still asks for the code.
    assert "_auth_user_id" not in client.session
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": new_password}
    )
    assert response["Location"] == reverse("mfa_authenticate")


def test_sessions_end_ten_hours_after_sign_in(world) -> None:
    client = world.client("teacher")
    session = client.session
    session[AUTH_AT_SESSION_KEY] = (timezone.now() - timedelta(hours=10, minutes=1)).isoformat()
    session.save()
    response = client.get(reverse("core:today"))
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_person_in_two_schools_chooses_and_sees_the_current_one(world) -> None:
    user = member(world.school, Role.TEACHER)
    from staff.services import membership_grant

    membership_grant(user=user, school=world.other_school, roles=[Role.SENDCO])
    client = Client()
    client.force_login(user)
    response = client.get(reverse("core:today"))
    assert response["Location"].startswith(reverse("staff:choose_school"))
    client.post(reverse("staff:choose_school"), {"school": world.other_school.pk})
    page = client.get(reverse("core:today")).content.decode()
    assert world.other_school.name in page
    # Their teacher role in the first school does not follow them into the second.
    assert client.get(reverse("pupils:detail", args=[world.pupil.pk])).status_code == 404


def test_choosing_a_school_you_do_not_work_in_is_refused(world) -> None:
    client = world.client("teacher")
    client.post(reverse("staff:choose_school"), {"school": world.other_school.pk})
    assert world.other_school.name not in client.get(reverse("core:today")).content.decode()
