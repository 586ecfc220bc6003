"""Two-factor set-up stays reachable whatever account page a person opens first."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from staff.models import Role
from tests.factories import TEST_PASSWORD, member, totp_code

pytestmark = pytest.mark.django_db


def test_opening_the_email_page_first_does_not_block_two_factor_set_up(world) -> None:
    user = member(world.school, Role.TEACHER, totp=False)
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    # allauth records the sign-in address as unverified when this page is first opened.
    assert client.get(reverse("account_email")).status_code == 200
    assert client.get(reverse("core:today"))["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    if page.redirect_chain:  # allauth asks for the password again first; then the set-up opens
        assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
        page = client.post(page.redirect_chain[-1][0], {"password": TEST_PASSWORD}, follow=True)
    assert page.resolver_match.url_name == "mfa_activate_totp"
    secret = page.context["form"].secret
    code = totp_code(secret)  # from a step with time left, so it is still valid on arrival
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("core:today")).status_code == 200
