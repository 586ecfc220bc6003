"""Small tokens that forms carry between showing a record and saving it."""

from __future__ import annotations

from hashlib import sha256
from typing import Any


def fingerprint(values: list[Any]) -> str:
    """Return a short fingerprint of some values, for an edit form to carry what it saw.

    A different fingerprint on save means someone changed the record in between.
    """
    return sha256(repr(values).encode()).hexdigest()[:16]
