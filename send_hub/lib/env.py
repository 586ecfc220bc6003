"""Strict environment parsing on top of django-environ.

django-environ reads values (and ``*_FILE`` secrets through ``FileAwareEnv``) but treats any
unrecognised boolean as False. A school's server with ``DJANGO_DEBUG=ture`` must fail loudly, not
run silently in an unexpected mode, so booleans and choices are checked here.
"""

from __future__ import annotations

from collections.abc import Iterable

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.FileAwareEnv()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """Return a boolean variable, refusing anything but an unambiguous yes or no."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return an integer variable, refusing text and values below ``minimum``."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_choice(name: str, default: str, choices: Iterable[str]) -> str:
    """Return a variable that must be one of ``choices``."""
    allowed = tuple(choices)
    value = env.str(name, default=default)
    if value not in allowed:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(allowed)}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list with blanks removed."""
    raw = env.str(name, default="")
    if raw == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]
