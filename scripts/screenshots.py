"""Screenshot SEND Hub's pages at phone and desktop widths, for looking at what we build.

Usage: start the demo (`make run`), then
    uv run python -m scripts.screenshots [--base http://127.0.0.1:8000] [--out var/screenshots]
Signs in as demo users (the demo relaxes MFA) and saves one PNG per page and width.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from send_hub.lib.browser import CHROMIUM_ARGS, CHROMIUM_PATH

PASSWORD = "send-hub-demo"  # noqa: S105  (the printed demo password)
WIDTHS = (375, 1280)

# A path resolved from the demo's database when the tour reaches it (archived_leaver_path).
ARCHIVED_LEAVER = "{archived_leaver}"

# (who signs in, [(name, path)]). None signs nobody in.
TOUR: list[tuple[str | None, list[tuple[str, str]]]] = [
    (
        None,
        [
            ("login", "/accounts/login/"),
            ("password-reset", "/accounts/password/reset/"),
            ("signup-closed", "/accounts/signup/"),
        ],
    ),
    (
        "sendco@brookfield.example",
        [
            ("today-sendco", "/today/"),
            ("staff-sendco", "/staff/"),
            ("mfa-index", "/accounts/2fa/"),
            ("mfa-activate", "/accounts/2fa/totp/activate/"),
        ],
    ),
    (
        "sendco@hillcrest.example",
        [
            ("sendco-dashboard", "/interventions/sendco/"),
            ("sendco-flag-no-session", "/interventions/sendco/flags/no-session/"),
            ("sendco-provision-map", "/interventions/sendco/provision/"),
            ("provision-costs", "/interventions/sendco/provision/costs/"),
            ("provision-ledger", "/interventions/evidence/ledger/"),
            ("evidence-sample", "/interventions/evidence/sample/"),
            ("sendco-what-works", "/interventions/sendco/what-works/"),
            ("sendco-termly-reports", "/interventions/sendco/reports/"),
            ("census-preflight", "/pupils/census/"),
            ("sen-register", "/pupils/"),
            ("plans-list", "/interventions/plans/"),
            ("plans-calendar", "/interventions/plans/calendar/"),
            ("plans-calendar-next", "/interventions/plans/calendar/?half=next"),
        ],
    ),
    ("sendco@brookfield.example", [("trust-view", "/interventions/trust/")]),
    # A leaver whose records are archived (read-only, with the banner); its id differs per seed.
    ("sendco@brookfield.example", [("pupil-archived-sendco", ARCHIVED_LEAVER)]),
    ("dsl@brookfield.example", [("pupil-archived-dsl", ARCHIVED_LEAVER)]),
    (
        "assistanthead@hillcrest.example",
        [
            ("records-home", "/records/"),
            ("records-request-add", "/records/requests/add/"),
        ],
    ),
    (
        "teacher@hillcrest.example",
        [("today-teacher", "/today/"), ("my-classes", "/interventions/my-classes/")],
    ),
    (
        "sendco@hillcrest.example",
        [
            ("classes", "/pupils/classes/"),
            ("classes-import", "/pupils/classes/import/"),
            ("strategies-across-teachers", "/interventions/sendco/strategies/"),
        ],
    ),
    (
        "behaviour@hillcrest.example",
        [
            ("attendance", "/interventions/attendance/"),
            ("attendance-import", "/interventions/attendance/import/"),
            ("early-warnings", "/interventions/attendance/early-warnings/"),
            ("part-time", "/interventions/attendance/part-time/"),
            ("part-time-new", "/interventions/attendance/part-time/new/"),
            ("off-site", "/interventions/attendance/off-site/"),
            ("off-site-new", "/interventions/attendance/off-site/new/"),
        ],
    ),
    (
        "dsl@brookfield.example",
        [
            ("off-site-today", "/interventions/attendance/off-site/today/"),
            ("dsl-queue", "/safeguarding/"),
        ],
    ),
    (
        "sendco@hillcrest.example",
        [("early-warning-settings", "/interventions/attendance/early-warnings/settings/")],
    ),
    (
        "lsa@brookfield.example",
        [("today-lsa", "/today/"), ("raise-concern", "/safeguarding/raise/")],
    ),
    ("head@brookfield.example", [("invite", "/staff/invite/")]),
    (
        "hr@northgate.example",
        [
            ("choose-school", "/school/"),
            ("admin", "/admin/"),
            ("admin-users", "/admin/staff/user/"),
        ],
    ),
]


def archived_leaver_path() -> str:
    """Return the profile of Brookfield's archived leaver with SEN history and a safeguarding
    file, read from the database the demo server uses (the same settings and DATABASE_URL)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_hub.settings")
    django.setup()
    from pupils.models import Pupil
    from safeguarding.models import ConcernPupil

    pupil = (
        Pupil.objects.archived()
        .filter(school__name__startswith="Brookfield", sen_statuses__isnull=False)
        .filter(pk__in=ConcernPupil.objects.values("pupil_id"))
        .order_by("pk")
        .first()
    )
    return f"/pupils/{pupil.pk}/" if pupil else "/pupils/"


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="var/screenshots")
    parser.add_argument("--extra", nargs="*", default=[], help="more email=path pairs")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tour = list(TOUR)
    for pair in args.extra:
        email, path = pair.split("=", 1)
        tour.append((email, [(path.strip("/").replace("/", "-") or "home", path)]))
    # Read from the database before Playwright starts its event loop (Django refuses queries
    # from inside one).
    leaver = (
        archived_leaver_path() if any(p == ARCHIVED_LEAVER for _, ps in tour for _, p in ps) else ""
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            for email, pages in tour:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                errors: list[str] = []
                page.on(
                    "console",
                    lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None,
                )
                if email:
                    sign_in(page, args.base, email)
                for name, path in pages:
                    if path == ARCHIVED_LEAVER:
                        path = leaver
                    page.goto(f"{args.base}{path}")
                    page.wait_for_load_state("networkidle")
                    target = out / f"{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(f"{target}  {page.url}  console errors: {len(errors)}")
                    for e in errors:
                        print("   ", e)
                    errors.clear()
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
