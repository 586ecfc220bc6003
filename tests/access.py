"""The access matrix's vocabulary: each app lists its rows in tests/<app>/access_rows.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import World

OK, LOGIN, FORBIDDEN, NOT_FOUND, REDIRECT, GONE = "200", "login", "403", "404", "302", "410"
NOT_ALLOWED = "405"  # a POST-only action opened with GET, by someone allowed to post it


@dataclass
class Row:
    args: Callable[[World], list[Any]] = lambda w: []
    default: str = OK
    expect: dict[str, str] = field(default_factory=dict)

    def outcome(self, persona: str) -> str:
        if persona in self.expect:
            return self.expect[persona]
        return LOGIN if persona == "anonymous" else self.default
