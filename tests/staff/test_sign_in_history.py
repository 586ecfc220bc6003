"""Sign-in history: HR admins and heads see sign-ins and failed attempts on their own staff."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staff import sign_ins
from staff.audit import log_action
from staff.models import Membership, Role
from tests.factories import TEST_PASSWORD, member, totp_code

pytestmark = pytest.mark.django_db

URL = reverse("staff:sign_ins")


def _fail(email: str) -> None:
    Client().post(reverse("account_login"), {"login": email, "password": "wrong-password-here"})


def _membership(world, persona: str) -> Membership:
    return Membership.objects.get(user=world.users[persona], school=world.school)


def test_failed_attempts_appear_in_the_history(world) -> None:
    _fail(world.users["teacher"].email)
    world.client("sendco")  # force_login signs in (and is audited) like a real sign-in
    page = world.client("hr_admin").get(URL).content.decode()
    assert world.users["teacher"].full_name in page
    assert "Wrong password" in page
    assert "Signed in" in page
    assert world.users["sendco"].full_name in page


def test_refused_attempts_and_wrong_codes_appear_too(world) -> None:
    teacher = world.users["teacher"]
    for _ in range(6):
        _fail(teacher.email)
    log_action(teacher, sign_ins.CODE_FAILED, data={"type": "totp"})
    page = world.client("hr_admin").get(URL, {"failed": "on"}).content.decode()
    assert "Locked out" in page
    assert "refused at the password after too many failures" in page
    assert "Wrong two-factor code" in page


def test_only_this_schools_staff_are_listed(world) -> None:
    elsewhere = world.users["other_school"]
    _fail(elsewhere.email)
    _fail("nobody-here@school.example")
    page = world.client("hr_admin").get(URL).content.decode()
    assert elsewhere.full_name not in page
    assert "nobody-here" not in page
    # The head of the other school sees their own person's attempt, and not ours.
    _fail(world.users["teacher"].email)
    theirs = world.client("other_school").get(URL).content.decode()
    assert elsewhere.full_name in theirs
    assert world.users["teacher"].full_name not in theirs


def test_filter_by_person_and_by_failures(world) -> None:
    teacher, sendco = world.users["teacher"], world.users["sendco"]
    _fail(teacher.email)
    _fail(sendco.email)
    world.client("teacher")
    client = world.client("hr_admin")
    page = client.get(URL, {"person": _membership(world, "teacher").pk}).content.decode()
    history = page.split('aria-label="Sign-in history')[1]
    assert teacher.full_name in history
    assert sendco.full_name not in history
    assert "Signed in" in history
    failed = client.get(
        URL, {"person": _membership(world, "teacher").pk, "failed": "on"}
    ).content.decode()
    assert "Signed in" not in failed.split('aria-label="Sign-in history')[1]


def test_a_person_from_elsewhere_in_the_query_string_gets_a_message(world) -> None:
    _fail(world.users["teacher"].email)
    theirs = Membership.objects.get(user=world.users["other_school"]).pk
    response = world.client("hr_admin").get(URL, {"person": theirs})
    assert response.status_code == 200
    page = response.content.decode()
    assert "showing everyone" in page
    assert world.users["teacher"].full_name in page
    assert world.client("hr_admin").get(URL, {"person": "abc"}).status_code == 200


def test_the_history_query_count_does_not_grow_with_rows(world) -> None:
    client = world.client("hr_admin")
    _fail(world.users["teacher"].email)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(8):
        person = member(world.school, Role.TEACHER)
        _fail(person.email)
        Client().force_login(person)
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL).content.decode()
    assert page.count("Wrong password") == 9
    assert len(many) == len(few)


def test_a_successful_sign_in_with_the_code_is_listed(world) -> None:
    # Through the real forms: password, then the authenticator code.
    client = Client()
    client.post(
        reverse("account_login"), {"login": world.users["teacher"].email, "password": TEST_PASSWORD}
    )
    code = totp_code()  # from a step with time left, so it is still valid on arrival
    client.post(reverse("mfa_authenticate"), {"code": code})
    page = world.client("hr_admin").get(URL, {"person": _membership(world, "teacher").pk})
    assert "Signed in" in page.content.decode()
