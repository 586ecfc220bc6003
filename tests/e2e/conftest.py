"""Browser journeys: Playwright driving the system Chromium against the live test server."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from interventions.models import Intervention, Programme
from staff.models import School, User
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, fresh_code

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = os.environ.get("SEND_HUB_SCREENSHOTS")

# Every wait in a journey is on a state of the page (a heading, a message, a URL), never on a
# length of time, so a generous limit costs a passing test nothing: it only bounds how long a
# broken one takes to fail. Playwright's own defaults (5 s for expect) were met by a page that
# was merely slow while both cores were busy with other work.
EXPECT_TIMEOUT_MS = 30_000
ACTION_TIMEOUT_MS = 60_000
NAVIGATION_TIMEOUT_MS = 90_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture
def new_context(
    new_context: Callable[..., BrowserContext],
) -> Callable[..., BrowserContext]:
    """Make browser contexts (the ``context`` and ``page`` fixtures' too) with patient timeouts."""

    def patient_context(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        return context

    return patient_context


@pytest.fixture
def console_errors(page: Page) -> Iterator[list[str]]:
    """Collect console errors (CSP violations included); the test asserts there are none."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield errors


def shot(page: Page, name: str) -> None:
    """Save a screenshot when SEND_HUB_SCREENSHOTS names a folder (for looking at pages)."""
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)


PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def shots(page: Page, name: str) -> None:
    """Screenshot the page at phone and desktop widths (only when screenshots are asked for)."""
    if not SCREENSHOTS:
        return
    size = page.viewport_size
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        shot(page, name)
    if size:
        page.set_viewport_size(size)


def enter_code(page: Page, email: str, secret: str = TEST_TOTP_SECRET) -> None:
    """Answer the authenticator-code page with a fresh code and wait until it is accepted."""
    page.get_by_label("Code").fill(fresh_code(email, secret))
    page.get_by_role("button", name="Sign In").click()
    # Signed in once the code page has gone; a refused code stays there and fails here, clearly.
    expect(page).not_to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))


def sign_in(page: Page, base: str, email: str, password: str, secret: str | None) -> None:
    """Sign in with the password, then (given the authenticator ``secret``) a fresh code."""
    page.goto(f"{base}/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if secret:
        enter_code(page, email, secret)


@pytest.fixture
def base_url_live(live_server: Any) -> str:
    return live_server.url


def sign_in_with_code(page: Page, base: str, email: str) -> None:
    """Sign a test person in with the test password and a fresh code, and wait for Today."""
    sign_in(page, base, email, TEST_PASSWORD, TEST_TOTP_SECRET)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()


def open_menu(page: Page, name: str) -> None:
    """Open the signed-in person's menu (under "Show menu" on a phone)."""
    toggler = page.get_by_role("button", name="Show menu")
    if toggler.is_visible():
        toggler.click()
        # Wait for the menu to finish sliding open. Mid-slide, the name is clipped by the
        # menu's growing height and a tap on it can land on the page beneath (seen in CI on
        # a busy machine: the dropdown never opened and "Sign out" was never shown).
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    who = page.get_by_role("button", name=name).or_(page.get_by_role("link", name=name))
    who.click()
    expect(who).to_have_attribute("aria-expanded", "true")


def sign_out(page: Page, name: str) -> None:
    """Sign ``name`` out through their menu and wait for the sign-in page."""
    open_menu(page, name)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Email")).to_be_visible()


def reading_group(school: School, lead: User, name: str, start_date: dt.date) -> Intervention:
    """Make a running group of 12 sessions on a "Reading booster" programme at £15 a staff hour."""
    programme = Programme.objects.create(
        school=school,
        name="Reading booster",
        kind="LITERACY",
        area="CL",
        cost_per_staff_hour=Decimal("15"),
    )
    return Intervention.objects.create(
        school=school,
        programme=programme,
        name=name,
        lead=lead,
        start_date=start_date,
        planned_sessions=12,
        status="RUNNING",
    )
