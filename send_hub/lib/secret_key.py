"""The secret key: refuse weak ones in production, and give the demo one of its own.

Django's ``check --deploy`` only warns about a weak key, and only when someone runs it. A school's
server must not start at all with the key copied from ``.env.example`` or a short one, because
whoever knows the key can forge a signed-in session.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

# Keys that were ever committed to this repository: known to anyone who reads it.
PUBLISHED_KEYS = frozenset(
    {
        "replace-with-a-long-random-string",  # .env.example
        "build-only-not-secret",  # the Dockerfile's collectstatic step, before it made one
        "development-only-key-never-use-in-production-0123456789abcdef",  # the old demo default
    }
)

HOW_TO_MAKE_ONE = (
    "Make one with\n"
    '    python -c "import secrets; print(secrets.token_urlsafe(50))"\n'
    "and put it in DJANGO_SECRET_KEY (or in a file named by DJANGO_SECRET_KEY_FILE)."
)


def secret_key_problem(key: str) -> str | None:
    """Return why ``key`` must not sign a school's sessions, or None when it is fit to use."""
    if not key:
        return "is not set"
    if key in PUBLISHED_KEYS:
        return "is the example value, which anyone can read"
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"starts with {SECRET_KEY_INSECURE_PREFIX!r}: it was made for development"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"is {len(key)} characters long; use at least {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return "repeats too few different characters to be hard to guess"
    return None


def machine_secret_key(path: Path) -> str:
    """Return this machine's development key from ``path``, making it on first use.

    The demo signs sessions with a key nobody else has, without anyone having to make one. Several
    processes start at once (the web server, Celery beat), so the file is written aside and linked
    into place: whoever links first wins and everyone reads the same key.
    """
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
        return path.read_text().strip()
    except OSError:
        # A read-only checkout still runs: the key then lasts as long as the process.
        return secrets.token_urlsafe(50)
