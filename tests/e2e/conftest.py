"""Browser journeys: Playwright driving the system Chromium against the live test server."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = os.environ.get("SEND_HUB_SCREENSHOTS")


def totp_now(secret: str) -> str:
    """Return the code an authenticator app shows for ``secret``, waiting out the last seconds
    of a 30-second step as a person would, so the code cannot run out on its way (busy machine)."""
    while 30 - time.time() % 30 < 3:
        time.sleep(0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


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


# The code each person last sent, across every browser test in the run: a code is refused a
# second time, and two tests may sign the same person in within one 30-second step.
USED_CODES: dict[str, str] = {}


def fresh_code(email: str, secret: str) -> str:
    """Wait for a code that will still be valid when sent and that this person has not used,
    as an authenticator app's user would."""
    while 30 - time.time() % 30 < 3 or totp_now(secret) == USED_CODES.get(email):
        time.sleep(0.2)
    USED_CODES[email] = totp_now(secret)
    return USED_CODES[email]


def sign_in(page: Page, base: str, email: str, password: str, secret: str | None) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if secret:
        page.get_by_label("Code").fill(totp_now(secret))
        page.get_by_role("button", name="Sign In").click()


@pytest.fixture
def base_url_live(live_server: Any) -> str:
    return live_server.url


def sign_in_with_code(page: Page, base: str, email: str) -> None:
    """Sign a test person in with the test password and a fresh code from their authenticator."""
    sign_in(page, base, email, TEST_PASSWORD, secret=None)
    page.get_by_label("Code").fill(fresh_code(email, TEST_TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
