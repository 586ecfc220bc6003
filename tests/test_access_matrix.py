"""Every named URL x every persona, with the answer each must get.

A URL in one of our namespaces without a row fails ``test_every_url_has_a_row``: adding a
page means deciding, in a row here or in tests/<app>/access_rows.py, who may open it.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from staff.models import Invitation
from tests.access import FORBIDDEN, LOGIN, OK, REDIRECT, Row
from tests.conftest import PERSONAS, World

OUR_NAMESPACES = {"core", "staff", "pupils", "interventions", "safeguarding"}
# Apps whose rows live in tests/<app>/access_rows.py (a ROWS dict).
APPS_WITH_ROWS = ["pupils", "interventions", "staff", "safeguarding"]


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
    "staff:choose_school": Row(),
    "staff:members": Row(
        default=FORBIDDEN, expect={"sendco": OK, "hr_admin": OK, "other_school": OK}
    ),
    "staff:invite": Row(default=FORBIDDEN, expect={"hr_admin": OK, "other_school": OK}),
    "staff:accept_invitation": Row(args=_invitation_token, expect={"anonymous": OK}),
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
    if response.status_code in (301, 302):
        location = response["Location"]
        return LOGIN if location.startswith(reverse("account_login")) else REDIRECT
    return str(response.status_code)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_access(world: World, url_name: str, persona: str) -> None:
    row = MATRIX[url_name]
    url = reverse(url_name, args=row.args(world))
    client = world.client(persona)
    response = client.get(url)
    assert _observed(response, client) == row.outcome(persona), (
        f"{persona} GET {url_name}: got {response.status_code} {response.get('Location', '')}"
    )
