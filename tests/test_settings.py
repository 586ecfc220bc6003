"""Settings: strict parsing, production hardening, headers on every signed-in page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from send_hub.lib import env as env_module

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-like-secret-for-the-deploy-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "send-hub.school.example",
    "SEND_HUB_BASE_URL": "https://send-hub.school.example",
    "SEND_HUB_MFA_REQUIRED": "true",
    "SEND_HUB_BEHIND_PROXY": "true",
    "SEND_HUB_MFA_ENCRYPTION_KEYS": "lc67iiQb4g-zD4FL628U8T8NRYaclHRKWxaWTdqiCI8=",
}


def _manage(*args: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SEND_HUB_"))}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_values() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", extra_env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = _manage("check", extra_env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_secret_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("file-secret-" + "abcdefghij0123456789" * 3)
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SECRET_KEY_FILE"] = str(secret)
    result = _manage("check", "--deploy", "--fail-level", "WARNING", extra_env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_odd_boolean_stops_start_up() -> None:
    result = _manage("check", extra_env={"DJANGO_DEBUG": "ture"})
    assert result.returncode != 0
    assert "is not a boolean" in result.stderr


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
def test_env_bool_is_strict(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("SEND_HUB_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured):
        env_module.env_bool("SEND_HUB_TEST_FLAG", default=False)


def test_env_int_refuses_text_and_small_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_HUB_TEST_N", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_module.env_int("SEND_HUB_TEST_N", 1)
    monkeypatch.setenv("SEND_HUB_TEST_N", "0")
    with pytest.raises(ImproperlyConfigured):
        env_module.env_int("SEND_HUB_TEST_N", 1, minimum=1)


def test_cache_is_in_the_database(settings) -> None:
    # allauth's rate limits must be shared by all workers and survive Redis being down.
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_session_lifetimes(settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ABSOLUTE_AGE.total_seconds() == 10 * 3600


@pytest.mark.django_db
def test_signed_in_pages_are_never_stored_and_have_a_strict_csp(world) -> None:
    response = world.client("sendco").get(reverse("core:today"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'self'" in script_src
    assert "<script>" not in response.content.decode()  # every script has a src


@pytest.mark.django_db
def test_no_page_asks_a_third_party(world) -> None:
    body = world.client("sendco").get(reverse("core:today")).content.decode()
    for marker in ("https://", "http://", "//cdn"):
        assert f'src="{marker}' not in body and f'href="{marker}' not in body
