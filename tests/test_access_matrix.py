"""Every named URL x every persona, GET and an empty POST, with the answer each must get.

A URL in one of our namespaces without a row fails ``test_every_url_has_a_row``: adding a
page means deciding, in a row here or in tests/<app>/access_rows.py, who may open it.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from staff.models import Invitation
from tests.access import (
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    OK,
    POST_ANSWERS,
    REDIRECT,
    REFUSED,
    Row,
)
from tests.conftest import PERSONAS, World

OUR_NAMESPACES = {"core", "staff", "pupils", "interventions", "safeguarding", "records"}
# Apps whose rows live in tests/<app>/access_rows.py (a ROWS dict).
APPS_WITH_ROWS = ["pupils", "interventions", "staff", "safeguarding", "records"]


def _invitation_token(w: World) -> list[Any]:
    invitation = Invitation.objects.create(
        school=w.school,
        email="new.starter@school.example",
        full_name="New Starter",
        roles=["LSA"],
        invited_by=w.users["hr_admin"],
        expires_at=Invitation.default_expiry(),
    )
    return [invitation.make_token()]


MATRIX: dict[str, Row] = {
    "core:home": Row(default=REDIRECT, expect={"anonymous": REDIRECT}),
    "core:today": Row(),
    "core:healthz": Row(expect={"anonymous": OK}),
    "staff:choose_school": Row(post_default=OK),
    "staff:members": Row(
        default=FORBIDDEN, expect={"sendco": OK, "head": OK, "hr_admin": OK, "other_school": OK}
    ),
    "staff:invite": Row(
        default=FORBIDDEN,
        expect={"hr_admin": OK, "head": OK, "other_school": OK},
        post_default=OK,
    ),
    # The invitation is for someone else: a signed-in person who posts it is told so and sent
    # to the sign-in page (nothing joins them to the school).
    "staff:accept_invitation": Row(
        args=_invitation_token, expect={"anonymous": OK}, post_default=LOGIN, post={"anonymous": OK}
    ),
    # Not in our namespaces, but the admin's door matters: HR admins only, sign-in via allauth.
    "admin:index": Row(default=FORBIDDEN, expect={"hr_admin": OK}),
}
# Each app keeps its own rows beside its tests; a name listed twice is a mistake.
for _app in APPS_WITH_ROWS:
    _rows = importlib.import_module(f"tests.{_app}.access_rows").ROWS
    assert not set(_rows) & set(MATRIX), f"{_app} repeats rows: {set(_rows) & set(MATRIX)}"
    MATRIX.update(_rows)


def _named_urls() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and namespace in OUR_NAMESPACES:
                names.add(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_has_a_row() -> None:
    missing = _named_urls() - set(MATRIX)
    assert not missing, f"Add access-matrix rows for: {sorted(missing)}"


def _observed(response: Any, client: Any) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("admin:login")):
        # The admin sends everyone it refuses to its login page, which allauth guards: follow it.
        response = client.get(response["Location"])
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        return LOGIN if location.startswith(reverse("account_login")) else REDIRECT
    return str(response.status_code)


# GET-only pages that still show themselves to a POST (200) instead of answering 405. The matrix
# checks that they write nothing. Ours all answer 405 (@require_GET); Django's admin index stays.
POST_SHOWS_PAGE = {
    "admin:index",  # Django's own admin
}

# An empty POST must leave every table of ours as it was (rows and their contents), except the
# records of who looked at what, which any page shown writes, even a form shown with its errors.
CHECKED_APPS = {"staff", "pupils", "interventions", "safeguarding"}
LOOK_LOGS = {"staff.AuditEvent", "safeguarding.FileAccess"}


def _fingerprint_sql() -> tuple[list[str], str]:
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in CHECKED_APPS
        and m._meta.label not in LOOK_LOGS
        and not m._meta.proxy
        and m._meta.managed
    ]
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # Rows and a checksum of their contents, every table in one query.
        each = "(SELECT count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) FROM {} t)"
    else:
        each = "(SELECT count(*) FROM {})"
    parts = [each.format(qn(m._meta.db_table)) for m in models]
    return [m._meta.label for m in models], "SELECT " + ", ".join(parts)


def _fingerprint(labels: list[str], sql: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(labels, cursor.fetchone(), strict=True))


def _ask(client: Any, method: str, url: str) -> str:
    try:
        response = getattr(client, method)(url, {})
    except Exception as exc:  # the test client re-raises what would be a 500
        return f"500 ({type(exc).__name__}: {exc})"
    return _observed(response, client)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_rows_refuse_a_post_as_they_refuse_a_get() -> None:
    """The rows themselves: nobody refused a page is let in by posting to it."""
    wrong = []
    for url_name, row in MATRIX.items():
        for persona in PERSONAS:
            get, post = row.outcome(persona), row.post_outcome(persona)
            if post not in REFUSED | POST_ANSWERS:
                wrong.append(f"{url_name} {persona}: POST {post}")
            if get in REFUSED and post not in {get, NOT_ALLOWED}:
                wrong.append(f"{url_name} {persona}: GET {get} but POST {post}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_access(world: World, url_name: str) -> None:
    """GET, then an empty POST, as every persona; each in a savepoint, so none sees another's.

    One test per URL rather than per URL and persona: the World is built once per URL, which
    keeps some 170 URLs x 12 personas x 2 methods to a few minutes.
    """
    row = MATRIX[url_name]
    url = reverse(url_name, args=row.args(world))
    labels, sql = _fingerprint_sql()
    wrong: list[str] = []
    for persona in PERSONAS:
        with transaction.atomic():
            client = world.client(persona)
            got = _ask(client, "get", url)
            if got != row.outcome(persona):
                wrong.append(f"{persona} GET: got {got}, want {row.outcome(persona)}")
            want = row.post_outcome(persona)
            if want == NOT_ALLOWED and url_name in POST_SHOWS_PAGE and got == OK:
                want = OK
            before = _fingerprint(labels, sql)
            got = _ask(client, "post", url)
            if got != want:
                wrong.append(f"{persona} POST: got {got}, want {want}")
            after = _fingerprint(labels, sql)
            may_write = set(row.writes) if want not in REFUSED else set()
            changed = {label for label in before if before[label] != after[label]} - may_write
            if changed:
                wrong.append(f"{persona} POST {got} changed {sorted(changed)}")
            transaction.set_rollback(True)
    assert not wrong, f"{url_name} ({url}):\n  " + "\n  ".join(wrong)
