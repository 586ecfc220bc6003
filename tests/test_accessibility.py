"""axe-core on every page each persona can reach, at phone and desktop widths (issue #20).

The pages are the access matrix's: every row in tests/test_access_matrix.py's MATRIX (so every
row another app adds to tests/<app>/access_rows.py is crawled without touching this file), with
the same World and the same ids, opened by each persona the row lets in (GET 200). Beside them:
the sign-in page, the two-factor code page, the two-factor and password pages a signed-in person
manages, and the admin pages HR uses (the index, each model's list, add form and a record).

Which persona opens which page (what "materially different" means here):
- Today and the menu are built per role, so Today is scanned as every persona that signs in.
- Any other page is opened as each of SCANNED (one persona per kind of access: anonymous, an
  LSA with a caseload, the ELSA, a teacher, the SENDCo, the DSL, HR and behaviour support; the
  head, the inclusion leader, the LSA without a caseload and the other school's SENDCo see the
  same templates as one of them), and axe runs only when the structure of <main> (elements,
  classes, roles, ARIA attributes) differs from every version of that page already scanned:
  the same markup with another person's name in it would give axe the same answers.
- axe runs at 1280 px, then the same page is narrowed to 375 px and run again (no reload).

The rules are axe's WCAG 2.0, 2.1 and 2.2 A and AA tags. One browser, one context per persona
(its session cookie made by Django's test client), one tab reused for every page. The test
fails with each violation's page, width, rule and elements, and prints how many pages and runs
it made and how long it took.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections, transaction
from django.test import Client
from django.test.testcases import LiveServerThread, _MediaFilesHandler
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader

from tests.access import OK
from tests.conftest import World
from tests.factories import TEST_PASSWORD
from tests.test_access_matrix import MATRIX

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.e2e]

WIDTHS = (1280, 375)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
SCANNED = [
    "anonymous",
    "lsa_caseload",
    "elsa",
    "teacher",
    "sendco",
    "dsl",
    "hr_admin",
    "behaviour_support",
]
EVERY_SIGNED_IN = [
    "lsa_caseload",
    "lsa_no_caseload",
    "elsa",
    "teacher",
    "sendco",
    "dsl",
    "hr_admin",
    "other_school",
    "head",
    "inclusion_leader",
    "behaviour_support",
]
# Pages outside the matrix's namespaces: allauth's (a signed-in person manages their own).
ACCOUNT_PAGES = ["account_change_password", "mfa_index"]

# The structure of <main>: tags, classes, roles and ARIA attributes, without text or ids' numbers.
SKELETON_JS = """() => {
  const root = document.querySelector('main') || document.body;
  const parts = [];
  const walk = (el) => {
    const aria = [...el.attributes]
      .filter(a => a.name.startsWith('aria-') || ['role', 'type', 'tabindex'].includes(a.name))
      .map(a => a.name + '=' + a.value.replace(/\\d+/g, '#'));
    parts.push(el.tagName + '.' + el.className + '[' + aria.join(',') + ']');
    for (const child of el.children) walk(child);
  };
  walk(root);
  return parts.join('|');
}"""


# Two frames: the resize event (and app.js's marking of scrolling tables) has been handled.
SETTLED_JS = """() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(
  () => setTimeout(r, 0))))"""


# WCAG 1.4.10 Reflow, which axe does not check: nothing but a scrolling region may be wider than
# a 375 px screen. Gives the elements that stick out, or null.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let parent = el.parentElement, clipped = false;
    while (parent && parent !== document.body) {
      if (getComputedStyle(parent).overflowX !== 'visible') { clipped = true; break; }
      parent = parent.parentElement;
    }
    if (!clipped) {
      out.push(el.outerHTML.slice(0, 120) + ' (right edge ' + Math.round(box.right) + ' px)');
    }
  }
  return out.slice(-3);
}"""


@dataclass
class Scan:
    pages: set[str] = field(default_factory=set)
    runs: int = 0
    opened: int = 0
    axe_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    seen: dict[str, set[str]] = field(default_factory=dict)


def _report(violation: dict[str, Any]) -> str:
    nodes = violation["nodes"][:5]
    lines = [f"  {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in nodes:
        target = " ".join(str(t) for t in node["target"])
        lines.append(f"    {target}: {node['html'][:160]}")
        summary = (node.get("failureSummary") or "").replace("\n", " ")[:240]
        if summary:
            lines.append(f"      {summary}")
    if len(violation["nodes"]) > len(nodes):
        lines.append(f"    ... and {len(violation['nodes']) - len(nodes)} more")
    return "\n".join(lines)


class Scanner:
    def __init__(self, browser: Browser, base: str) -> None:
        self.browser = browser
        self.base = base
        self.scan = Scan()
        self.contexts: dict[str, tuple[BrowserContext, Page]] = {}

    def page_for(self, persona: str, cookie: str | None) -> Page:
        if persona not in self.contexts:
            context = self.browser.new_context(
                viewport={"width": WIDTHS[0], "height": 900}, bypass_csp=True
            )
            context.set_default_timeout(60_000)
            context.set_default_navigation_timeout(90_000)
            if cookie:
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.base}]
                )
            self.contexts[persona] = (context, context.new_page())
        return self.contexts[persona][1]

    def check(self, page: Page, label: str, key: str) -> None:
        """Run axe on what ``page`` shows at each width, unless this structure was scanned."""
        page.evaluate(SETTLED_JS)
        skeleton = page.evaluate(SKELETON_JS)
        seen = self.scan.seen.setdefault(key, set())
        if skeleton in seen:
            return
        seen.add(skeleton)
        self.scan.pages.add(label)
        started = time.monotonic()
        page.evaluate(AXE_SCRIPT)  # axe-core as axe-playwright-python ships it, once a page
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate(SETTLED_JS)
            results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
            self.scan.runs += 1
            for violation in results["violations"]:
                self.scan.failures.append(f"{label} at {width} px:\n{_report(violation)}")
            if width < 400:
                overflow = page.evaluate(OVERFLOW_JS)
                if overflow is not None:
                    self.scan.failures.append(
                        f"{label} at {width} px:\n  reflow: the page scrolls sideways\n    "
                        + "\n    ".join(overflow)
                    )
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        self.scan.axe_seconds += time.monotonic() - started

    def visit(
        self, page: Page, url: str, label: str, key: str, *, only_if_open: bool = False
    ) -> bool:
        """Open ``url`` and check it; it must open (200) unless ``only_if_open``."""
        self.scan.opened += 1
        try:
            response = page.goto(self.base + url, wait_until="load")
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                return False  # a file (PDF, CSV, DOCX), not a page
            raise
        if response is not None and not response.headers.get("content-type", "").startswith(
            "text/html"
        ):
            return False
        if response is None or response.status != 200:
            if only_if_open:
                return False
            self.scan.failures.append(f"{label}: {url} answered {response and response.status}")
            return False
        self.check(page, label, key)
        return True

    def close(self) -> None:
        for context, _ in self.contexts.values():
            context.close()


# Held by the live server for each request and by the test around its own queries.
DATABASE = threading.RLock()


def _one_at_a_time(app: Any) -> Any:
    """``app``, answering each request (body and closing included) while holding DATABASE."""

    def locked(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with DATABASE:
            response = app(environ, start_response)
            try:
                return list(response)
            finally:
                if hasattr(response, "close"):
                    response.close()

    return locked


class _SharedConnectionServer(LiveServerThread):
    """A live server answering inside the test's own transaction (its database connection).

    Each matrix row's ids are made in a savepoint and rolled back after its page is scanned,
    as the access matrix isolates its rows, so rows that make the same named records (a room
    called "Connect 1") do not collide, and nothing is committed.

    One connection cannot be used by two threads at once: the browser may still be fetching
    /favicon.ico (which saves the session) when the test rolls a row's savepoint back. So each
    request is answered holding ``DATABASE``, and the test holds it whenever it touches the
    database while the browser is open.
    """

    def run(self) -> None:
        for alias, conn in (self.connections_override or {}).items():
            connections[alias] = conn
        try:
            handler = _one_at_a_time(self.static_handler(_MediaFilesHandler(WSGIHandler())))
            self.httpd = self._create_server(connections_override=self.connections_override)
            shared = set(self.connections_override or {})

            def close_others() -> None:
                # Each request's thread closes what it opened (a replica's connection, say),
                # never the shared one, which the test's transaction lives on.
                for conn in connections.all(initialized_only=True):
                    if conn.alias not in shared:
                        conn.close()

            self.httpd._close_connections = close_others  # type: ignore[method-assign]
            if self.port == 0:
                self.port = self.httpd.server_address[1]
            self.httpd.set_app(handler)
            self.is_ready.set()
            self.httpd.serve_forever()
        except Exception as exc:  # handed to the test, as Django's own thread does
            self.error = exc
            self.is_ready.set()


@pytest.fixture
def shared_server(world: World) -> Iterator[str]:
    connection = connections["default"]
    connection.inc_thread_sharing()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    thread = _SharedConnectionServer(
        "127.0.0.1", StaticFilesHandler, connections_override={"default": connection}
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()


@pytest.fixture
def scanner(browser: Browser, shared_server: str) -> Iterator[Scanner]:
    scanner = Scanner(browser, shared_server)
    yield scanner
    scanner.close()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _session_cookie(world: World, persona: str) -> str | None:
    if persona == "anonymous":
        return None
    with DATABASE:
        client: Client = world.client(persona)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        for view in ("changelist", "add"):
            try:
                urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}"))
            except NoReverseMatch:
                continue
        if model_admin.has_change_permission is not None:
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                urls.append(
                    reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
                )
    return urls


def test_every_page_passes_axe_at_phone_and_desktop_widths(world: World, scanner: Scanner) -> None:
    started = time.monotonic()
    cookies = {persona: _session_cookie(world, persona) for persona in EVERY_SIGNED_IN}
    cookies["anonymous"] = None

    # Today and the menu, as everyone.
    for persona in EVERY_SIGNED_IN:
        page = scanner.page_for(persona, cookies[persona])
        scanner.visit(page, reverse("core:today"), f"core:today as {persona}", f"today-{persona}")

    # Every page in the access matrix, as each kind of persona it lets in.
    for url_name, row in sorted(MATRIX.items()):
        if url_name in {"core:today", "core:home", "core:healthz"}:
            continue
        personas = [p for p in SCANNED if row.outcome(p) == OK]
        if not personas:
            continue
        with DATABASE:
            savepoint = transaction.savepoint()
        try:
            with DATABASE:
                url = reverse(url_name, args=row.args(world))
            for persona in personas:
                page = scanner.page_for(persona, cookies[persona])
                scanner.visit(page, url, f"{url_name} ({url}) as {persona}", url_name)
        finally:
            with DATABASE:
                transaction.savepoint_rollback(savepoint)

    # The admin HR uses.
    hr = scanner.page_for("hr_admin", cookies["hr_admin"])
    with DATABASE:
        admin_urls = _admin_urls()
    for url in admin_urls:
        scanner.visit(hr, url, f"admin {url} as hr_admin", url, only_if_open=True)

    # The pages a signed-in person manages their sign-in with.
    sendco = scanner.page_for("sendco", cookies["sendco"])
    for name in ACCOUNT_PAGES:
        scanner.visit(sendco, reverse(name), f"{name} as sendco", name)

    # Signing in: the password page, the same page refusing a password, and the code page.
    anonymous = scanner.page_for("anonymous", None)
    scanner.visit(anonymous, reverse("account_login"), "account_login", "login")
    anonymous.get_by_label("Email").fill(world.users["teacher"].email)
    anonymous.get_by_label("Password").fill("not-the-password")
    anonymous.get_by_role("button", name="Sign in").click()
    anonymous.wait_for_load_state()
    scanner.check(anonymous, "account_login refusing a password", "login-refused")
    anonymous.get_by_label("Password").fill(TEST_PASSWORD)
    anonymous.get_by_role("button", name="Sign in").click()
    anonymous.wait_for_url(f"**{reverse('mfa_authenticate')}")
    scanner.check(anonymous, "mfa_authenticate", "mfa_authenticate")

    seconds = time.monotonic() - started
    summary = (
        f"axe: {len(scanner.scan.pages)} pages, {scanner.scan.runs} runs "
        f"(at {' and '.join(str(w) for w in WIDTHS)} px) in {seconds:.0f} s; "
        f"{scanner.scan.opened} pages opened, {scanner.scan.axe_seconds:.0f} s in axe"
    )
    print(summary)
    failures = scanner.scan.failures
    assert not failures, f"{summary}; {len(failures)} failures:\n" + "\n".join(failures)


# Pages people print from the browser, each as a persona who may open it (issue #20).
PRINTED = {
    "pupils:passport_print": "sendco",
    "interventions:plan": "sendco",
    "safeguarding:chronology": "dsl",
    "staff:profile": "sendco",
}
# Text of the page's frame, which must not be on paper.
NOT_ON_PAPER = ["Skip to main content", "Raise a safeguarding concern", "Sign out", "open source"]
A4_POINTS = (595, 842)


def test_passport_plan_chronology_and_role_profile_print_cleanly_on_a4(
    world: World, scanner: Scanner, tmp_path: Path
) -> None:
    wrong: list[str] = []
    for url_name, persona in PRINTED.items():
        row = MATRIX[url_name]
        assert row.outcome(persona) == OK, f"{persona} cannot open {url_name}"
        with DATABASE:
            url = reverse(url_name, args=row.args(world))
        page = scanner.page_for(persona, _session_cookie(world, persona))
        page.goto(scanner.base + url, wait_until="load")
        heading = page.locator("h1").first.inner_text().strip()
        buttons = {
            b.strip()
            for b in page.locator("main button:visible, main .btn:visible").all_inner_texts()
            if len(b.strip()) > 3
        }
        # A menu inside the page (the staff pages' section links), as it reads in a row.
        menus = [
            " ".join(" ".join(nav.locator("a").all_inner_texts()).split())
            for nav in page.locator("main nav:visible").all()
        ]
        buttons.update(menu for menu in menus if menu.count(" ") > 1)
        path = tmp_path / f"{url_name.replace(':', '-')}.pdf"
        page.pdf(path=str(path), format="A4", print_background=True, prefer_css_page_size=True)
        pdf = PdfReader(str(path))
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        flat = " ".join(text.split())
        for number, sheet in enumerate(pdf.pages, start=1):
            size = (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height)))
            if size != A4_POINTS:
                wrong.append(f"{url_name} page {number} is {size} points, not A4")
        if " ".join(heading.split()) not in flat:
            wrong.append(f"{url_name}: the heading {heading!r} is not on paper")
        for frame in NOT_ON_PAPER:
            if frame in flat:
                wrong.append(f"{url_name}: {frame!r} is printed")
        for label in buttons:
            if " ".join(label.split()) in flat:
                wrong.append(f"{url_name}: the control {label!r} is printed")
    assert not wrong, "\n".join(wrong)
