"""Signing in with password and authenticator code, on a phone and a desktop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staff.models import AuditEvent, Role
from tests.e2e.conftest import enter_code, fresh_code, shot, sign_in, sign_out
from tests.factories import (
    TEST_PASSWORD,
    TEST_TOTP_SECRET,
    PupilFactory,
    assign,
    member,
    on_register,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_sendco_signs_in_with_password_and_totp_and_reaches_today(
    page: Page, live_server, console_errors: list[str], width: int
) -> None:
    from tests.factories import SchoolFactory

    school = SchoolFactory(name="Brookfield Test Primary")
    sendco = member(school, Role.SENDCO, full_name="Jordan Testwood")
    for _ in range(3):
        on_register(PupilFactory(school=school), "K", "SEMH")
    page.set_viewport_size({"width": width, "height": 800})

    sign_in(page, live_server.url, sendco.email, TEST_PASSWORD, secret=None)
    expect(page.get_by_label("Code")).to_be_visible()
    shot(page, "mfa-authenticate")
    enter_code(page, sendco.email)

    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(page.get_by_text("Brookfield Test Primary").first).to_be_visible()
    expect(page.get_by_role("heading", name="SEN register")).to_be_visible()
    expect(page.get_by_role("link", name="Raise a safeguarding concern")).to_be_visible()
    shot(page, "today-sendco")
    if width < 992:
        # The menu folds behind a button on a phone; it must open with the keyboard too.
        page.get_by_role("button", name="Show menu").focus()
        page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Staff", exact=True)).to_be_visible()
    assert AuditEvent.objects.filter(action="staff.user.signed_in", actor=sendco).exists()
    assert console_errors == []


def test_lsa_sees_only_their_caseload_and_signs_out(
    page: Page, live_server, console_errors: list[str]
) -> None:
    from tests.factories import SchoolFactory

    school = SchoolFactory()
    lsa = member(school, Role.LSA)
    mine = PupilFactory(school=school, legal_forename="Alexa", legal_surname="Caseload")
    on_register(mine, "E", "ASD")
    assign(mine, lsa)
    PupilFactory(school=school, legal_forename="Bertie", legal_surname="Notmine")
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server.url, lsa.email, TEST_PASSWORD, TEST_TOTP_SECRET)
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    page.get_by_role("link", name="Alexa Caseload").click()
    expect(page.get_by_role("heading", name="Alexa Caseload", level=1)).to_be_visible()
    shot(page, "pupil-detail-lsa")
    expect(page.get_by_text("Bertie")).to_have_count(0)
    sign_out(page, lsa.full_name)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert console_errors == []


def _fits_the_phone(page: Page) -> None:
    """Nothing on the page is wider than the screen (no sideways scrolling on a phone)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def test_two_factor_set_up_on_a_phone_looks_like_the_app(
    page: Page, live_server, console_errors: list[str]
) -> None:
    from tests.factories import SchoolFactory

    school = SchoolFactory(name="Brookfield Phone Primary")
    teacher = member(school, Role.TEACHER, full_name="Robin Phoneset", totp=False)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server.url, teacher.email, TEST_PASSWORD, secret=None)

    # Every two-factor page carries the app's bar and footer, and fits the phone.
    brand = page.get_by_role("link", name="SEND Hub", exact=True)
    if page.get_by_label("Password").count():  # allauth asks for the password again first
        expect(brand).to_be_visible()
        _fits_the_phone(page)
        shot(page, "mfa-reauthenticate-password")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    expect(brand).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^[A-Z2-7]{16,}$"))).to_be_visible()
    _fits_the_phone(page)
    shot(page, "mfa-activate")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(fresh_code(teacher.email, secret))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    expect(brand).to_be_visible()
    _fits_the_phone(page)
    shot(page, "mfa-recovery-codes")

    page.goto(f"{live_server.url}/accounts/2fa/reauthenticate/")
    expect(page.get_by_label("Code")).to_be_visible()
    expect(brand).to_be_visible()
    _fits_the_phone(page)
    shot(page, "mfa-reauthenticate")

    # Signed out and back in, the code is asked for on the app's own page.
    page.context.clear_cookies()
    sign_in(page, live_server.url, teacher.email, TEST_PASSWORD, secret=None)
    expect(page.get_by_label("Code")).to_be_visible()
    expect(brand).to_be_visible()
    _fits_the_phone(page)
    shot(page, "mfa-authenticate-again")
    enter_code(page, teacher.email, secret)  # a code not sent before, even in this step
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    assert console_errors == []
