"""Settings: strict parsing, production hardening, headers on every signed-in page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from send_hub.lib import env as env_module
from send_hub.lib.secret_key import secret_key_problem

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


def test_production_refuses_the_example_two_factor_key() -> None:
    example = re.search(
        r"^SEND_HUB_MFA_ENCRYPTION_KEYS=(\S+)$", (ROOT / ".env.example").read_text(), re.M
    )
    assert example is not None
    env = {**PRODUCTION_ENV, "SEND_HUB_MFA_ENCRYPTION_KEYS": example.group(1)}
    result = _manage("check", extra_env=env)
    assert result.returncode != 0
    assert "published example" in result.stderr


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


# --- Defaults that cannot hurt a school ------------------------------------------------------


def _strong_env(**extra: str) -> dict[str, str]:
    """Production values that start, without DJANGO_DEBUG (so its default applies)."""
    from cryptography.fernet import Fernet

    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_DEBUG"}
    env.setdefault("SEND_HUB_MFA_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    env.update(extra)
    return env


def _print_setting(expression: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = f"from django.conf import settings; print({expression})"
    return _manage("shell", "--no-imports", "-c", code, extra_env=extra_env)


def test_debug_is_off_unless_turned_on() -> None:
    result = _print_setting("settings.DEBUG", _strong_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("replace-with-a-long-random-string", "example value"),  # .env.example
        ("build-only-not-secret", "example value"),
        ("development-only-key-never-use-in-production-0123456789abcdef", "example value"),
        ("Zq8-xW3vR1tLm9Kp2sYb7NcE4hJ6fGdA0uTiOoP5eQ1rS3", "characters long"),  # 46
        ("ab" * 40, "too few different characters"),
        ("django-insecure-" + "x1y2z3w4v5u6t7s8r9q0" * 3, "made for development"),
    ],
)
def test_a_weak_or_published_key_is_refused(key: str, reason: str) -> None:
    assert reason in (secret_key_problem(key) or "")


def test_production_refuses_the_example_key_and_says_how_to_make_one() -> None:
    result = _manage(
        "check", extra_env=_strong_env(DJANGO_SECRET_KEY="replace-with-a-long-random-string")
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr and "example value" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_production_refuses_a_short_key() -> None:
    short = "s3cret-but-short-0123456789"
    result = _manage("check", extra_env=_strong_env(DJANGO_SECRET_KEY=short))
    assert result.returncode != 0
    assert "use at least 50" in result.stderr


def test_debug_accepts_any_key_and_keeps_one_per_machine(tmp_path: Path) -> None:
    env = {"DJANGO_DEBUG": "true", "SEND_HUB_VAR_DIR": str(tmp_path)}
    first = _print_setting("settings.SECRET_KEY", env)
    second = _print_setting("settings.SECRET_KEY", env)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert key == second.stdout.strip()  # the same key across restarts: nobody is signed out
    assert len(key) >= 50
    stored = tmp_path / "dev-secret-key"
    assert stored.read_text() == key
    assert stored.stat().st_mode & 0o077 == 0  # readable by its owner only
    short = _print_setting("settings.SECRET_KEY", {**env, "DJANGO_SECRET_KEY": "demo"})
    assert short.stdout.strip() == "demo"


def test_base_url_must_be_an_address() -> None:
    result = _manage("check", extra_env=_strong_env(SEND_HUB_BASE_URL="send-hub.school.example"))
    assert result.returncode != 0
    assert "SEND_HUB_BASE_URL" in result.stderr and "https://" in result.stderr


def test_the_demo_and_the_ci_turn_debug_on_explicitly() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run\b[^:\n]*: export DJANGO_DEBUG = true$", makefile, re.MULTILINE)
    assert re.search(r"^run migrations-check: export DJANGO_DEBUG", makefile, re.MULTILINE)
    assert (ROOT / "tests" / "settings.py").read_text().count('"DJANGO_DEBUG"] = "true"') == 1
