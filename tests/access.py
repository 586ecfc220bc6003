"""The access matrix's vocabulary: each app lists its rows in tests/<app>/access_rows.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import World

OK, LOGIN, FORBIDDEN, NOT_FOUND, REDIRECT, GONE = "200", "login", "403", "404", "302", "410"
NOT_ALLOWED = "405"  # a POST-only action opened with GET, or a GET-only page sent a POST
BAD_REQUEST = "400"  # a POST the page cannot read, answered with a message

# Refusals: what someone who may not open a page gets, whatever the method.
REFUSED = frozenset({LOGIN, FORBIDDEN, NOT_FOUND})
# What an empty POST may get from someone allowed to send it: the form again with its errors,
# a redirect (saved, or sent back with a message), 405 from a GET-only page, or 400.
POST_ANSWERS = frozenset({OK, REDIRECT, NOT_ALLOWED, BAD_REQUEST, GONE})


def method_first(*personas: str) -> dict[str, str]:
    """``Row.post`` for a GET-only page that checks the method before it looks its record up:
    the personas its lookup refuses on GET get 405 to a POST, which reveals nothing."""
    return dict.fromkeys(personas, NOT_ALLOWED)


@dataclass
class Row:
    args: Callable[[World], list[Any]] = lambda w: []
    default: str = OK
    expect: dict[str, str] = field(default_factory=dict)
    # The answer to an empty POST, where the rule in post_outcome() does not give it:
    # ``post_default`` for everyone allowed in, ``post`` per persona.
    post_default: str | None = None
    post: dict[str, str] = field(default_factory=dict)
    # Views that turn a wrong method away before looking anything up (``@require_GET`` outside
    # the permission check) answer 405 to everyone signed in: set this to NOT_ALLOWED for them.
    # It reveals nothing (no lookup has happened), so it counts as refusing them identically.
    post_refused: str | None = None
    # Models ("app_label.Model") whose rows an empty POST from someone allowed may add, change or
    # remove, because the action needs nothing more (remove a line, build a report).
    writes: tuple[str, ...] = ()

    def outcome(self, persona: str) -> str:
        if persona in self.expect:
            return self.expect[persona]
        return LOGIN if persona == "anonymous" else self.default

    def post_outcome(self, persona: str) -> str:
        """The answer to an empty POST: a persona refused on GET is refused the same way."""
        if persona in self.post:
            return self.post[persona]
        get = self.outcome(persona)
        if get in REFUSED:
            if self.post_refused is not None and get != LOGIN:
                return self.post_refused
            return get
        if self.post_default is not None:
            return self.post_default
        if get == OK:
            return NOT_ALLOWED  # a page that takes no form: GET only
        if get == NOT_ALLOWED:
            return REDIRECT  # a POST-only action: does its work (or says why not) and goes back
        return get
