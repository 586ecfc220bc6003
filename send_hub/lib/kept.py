"""Copies of what a page reads, kept in the cache until what they were read from changes.

A ``Stamp`` names a set of tables (the register's, the safeguarding files'). Each school has a
*stamp* for it: a random token that every write to those tables replaces. ``Stamp.kept`` keeps
a value worked out from them under the token current when it was worked out; a copy whose token
is not the school's current one is never shown, it is worked out again.

A write replaces the token twice: at once, and again when its transaction commits. With the
database cache (``settings.CACHES``) the first replacement is part of the writer's own
transaction, so readers see the new records and the new token together; the second is for a
cache outside the database, and means a copy worked out from the old records before the commit
is never taken for the new ones. The app that owns the tables replaces the token on every
``save()`` and ``delete()`` (signal receivers); code that writes them in bulk calls
``Stamp.changed`` itself. A kept copy also expires after ``KEPT_SECONDS`` whatever happens.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

KEPT_SECONDS = 600
# Part of every kept copy's key, so that a copy kept by an older release is never read back:
# add one whenever what a caller keeps changes shape.
FORMAT = 4
T = TypeVar("T")


STAMPS: list[Stamp] = []  # every stamp made, for ``all_changed``


def all_changed(school_ids: Iterable[int]) -> None:
    """Retire every kept copy of these schools, whatever it was read from: for writes that send
    no signals across apps (records' disposal of append-only rows, the demo)."""
    ids = frozenset(school_ids)
    for stamp in STAMPS:
        if stamp.per_school:
            stamp.changed(ids)


class Stamp:
    """The stamp over one set of tables, per school; ``name`` tells the sets apart."""

    def __init__(self, name: str, *, per_school: bool = True) -> None:
        self.name = name
        # Each school has its stamp; else each of something else (a pupil, say), whose copies
        # are also kept under a per-school stamp that ``all_changed`` replaces.
        self.per_school = per_school
        STAMPS.append(self)

    def _key(self, school_id: int) -> str:
        return f"{self.name}-stamp:{school_id}"

    def _replace(self, school_ids: Iterable[int]) -> None:
        # Gone, not overwritten: one statement however many (the next reader stamps afresh).
        cache.delete_many([self._key(pk) for pk in set(school_ids)])

    def _waiting(self) -> _OnCommit | None:
        """The latest replacement waiting for this transaction's commit, if any. A rolled-back
        transaction drops it with every other callback, so the next one starts afresh."""
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            return None
        for _sids, func, _robust in reversed(connection.run_on_commit):
            if isinstance(func, _OnCommit) and func.stamp is self:
                return func
        return None

    def changed(self, school_ids: Iterable[int]) -> None:
        """Retire these schools' kept copies, now and when the transaction commits.

        A transaction that writes many rows (a concern and its children, say) replaces each
        school's stamp once, and again only if a kept copy was read in between."""
        ids = frozenset(school_ids)
        if not ids:
            return
        waiting = self._waiting()
        fresh = waiting.fresh if waiting is not None else frozenset()
        new = ids - fresh
        if new:
            self._replace(new)
            transaction.on_commit(_OnCommit(self, new, fresh | new))

    def kept(self, school_id: int, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """Return ``compute()``, worked out from this stamp's tables alone for ``parts``: the
        kept copy while they have not changed since it was worked out, else worked out afresh
        (and kept)."""
        return kept_under([(self, school_id)], parts, compute)


def kept_under(
    stamps: Sequence[tuple[Stamp, int]], parts: tuple[Hashable, ...], compute: Callable[[], T]
) -> T:
    """Return ``compute()``, worked out from the tables of every stamp in ``stamps`` (each for
    its school, or whatever its owner is) alone, for ``parts``: the kept copy while none of
    them has changed since it was worked out, else worked out afresh (and kept)."""
    for stamp, _owner in stamps:
        waiting = stamp._waiting()
        if waiting is not None:
            # Read within a transaction that has written: its next write replaces the stamp.
            waiting.fresh.clear()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    owners = "/".join(f"{stamp.name}:{owner}" for stamp, owner in stamps)
    stamp_keys = [stamp._key(owner) for stamp, owner in stamps]
    value_key = f"kept:{FORMAT}:{owners}:{digest}"
    found = cache.get_many([*stamp_keys, value_key])
    current = [found.get(key) for key in stamp_keys]
    copy = found.get(value_key)
    if None not in current and copy is not None and copy[0] == current and copy[1] == parts:
        value: T = copy[2]
        return value
    missing = [key for key, token in zip(stamp_keys, current, strict=True) if token is None]
    if missing:
        # Stamped before the records are read: a write after this point replaces the stamp,
        # so what was read before it cannot be kept under the stamp that follows it.
        for key in missing:
            cache.add(key, secrets.token_hex(8), None)
        found = cache.get_many(missing)
        current = [found.get(key, token) for key, token in zip(stamp_keys, current, strict=True)]
    value = compute()
    if None not in current:
        cache.set(value_key, (current, parts, value), KEPT_SECONDS)
    return value


class _OnCommit:
    """Replace a stamp for some schools once the transaction commits."""

    def __init__(self, stamp: Stamp, school_ids: Iterable[int], fresh: Iterable[int]) -> None:
        self.stamp = stamp
        self.school_ids = frozenset(school_ids)
        # The schools whose stamp this transaction has replaced since a kept copy was last read.
        self.fresh = set(fresh)

    def __call__(self) -> None:
        self.stamp._replace(self.school_ids)
