"""What is read from a school's register alone, kept until the register changes (issue #16).

Every look at the SEN register shows the school's census figures and offers the school's current
key adults as a filter; both read every pupil on roll (about 12 ms of a 40 ms page at 2,200
pupils). The register's list, filtered and sorted, a key adult's caseload on Today and the
register record on a pupil's page (statuses, needs, key adults, passports, and whether the DSL's
neutral flag is on, which the safeguarding app has the stamp ``follow``) read the same tables.
All of them change only when a pupil, an SEN status, a need, a key-adult link, a passport, the
flag or a member of staff's name does. So ``kept`` keeps them in the cache under the school's
*register stamp*: a random token that every such write replaces. A kept copy whose token is
not the school's current one is never shown; it is worked out again.

A write replaces the stamp twice: at once, and again when its transaction commits. With the
database cache (``settings.CACHES``) the first replacement is part of the writer's own
transaction, so readers see the new records and the new stamp together; the second is for a
cache outside the database, and means a copy worked out from the old records before the commit
is never taken for the new ones. The receivers below cover every ``save()`` and ``delete()``;
code that writes these tables in bulk (``bulk_create``, ``update()``: the importer, the demo)
calls ``register_changed`` itself. A kept copy also expires after ``KEPT_SECONDS`` whatever
happens, so nothing could show an out-of-date figure for longer than that.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_delete

from pupils.models import KeyAdult, Passport, Pupil, SENNeed, SENStatus
from pupils.services.census import CensusFigures, census_figures
from staff.models import Membership, User

KEPT_SECONDS = 600
# Part of every kept copy's key, so that a copy kept by an older release is never read back:
# add one whenever what a caller keeps changes shape.
FORMAT = 2
T = TypeVar("T")


@dataclass(frozen=True)
class RegisterFigures:
    """What every look at one school's register shows of the whole school."""

    census: CensusFigures  # the register's summary (largest needs first)
    key_adults: list[tuple[int, str]]  # staff with a current key-adult link, by name


def _stamp_key(school_id: int) -> str:
    return f"register-stamp:{school_id}"


def _new_stamp(school_ids: Iterable[int]) -> None:
    cache.set_many({_stamp_key(pk): secrets.token_hex(8) for pk in set(school_ids)}, None)


def register_changed(school_ids: Iterable[int]) -> None:
    """Retire these schools' kept register figures, now and when the transaction commits."""
    ids = frozenset(school_ids)
    if ids:
        _new_stamp(ids)
        transaction.on_commit(lambda: _new_stamp(ids))


def key_adult_choices(school_id: int) -> list[tuple[int, str]]:
    """The staff with a current key-adult link to a pupil in the school, by name."""
    staff = User.objects.filter(
        caseload_links__pupil__school_id=school_id, caseload_links__end_date__isnull=True
    )
    return list(staff.distinct().order_by("full_name").values_list("pk", "full_name"))


def _worked_out(school_id: int) -> RegisterFigures:
    pupils = Pupil.objects.filter(school_id=school_id)
    return RegisterFigures(
        census=census_figures(pupils, largest_first=True), key_adults=key_adult_choices(school_id)
    )


def kept(school_id: int, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """Return ``compute()``, worked out from the school's register tables alone (pupils, SEN
    statuses, needs, key adults, passports and staff names) for ``parts``: the kept copy while
    the register has not changed since it was worked out, else worked out afresh (and kept)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    stamp_key, value_key = _stamp_key(school_id), f"register-kept:{FORMAT}:{school_id}:{digest}"
    found = cache.get_many([stamp_key, value_key])
    stamp, copy = found.get(stamp_key), found.get(value_key)
    if stamp is not None and copy is not None and copy[0] == stamp and copy[1] == parts:
        value: T = copy[2]
        return value
    if stamp is None:
        # Stamped before the records are read: a write after this point replaces the stamp, so
        # what was read before it cannot be kept under the stamp that follows it.
        cache.add(stamp_key, secrets.token_hex(8), None)
        stamp = cache.get(stamp_key)
    value = compute()
    if stamp is not None:
        cache.set(value_key, (stamp, parts, value), KEPT_SECONDS)
    return value


def register_figures(school_id: int) -> RegisterFigures:
    """Return the school's census figures over every pupil on roll and its current key adults,
    kept until the register changes.

    For people who see every pupil in the school: the figures count pupils others may not see.
    """
    return kept(school_id, ("figures",), lambda: _worked_out(school_id))


# What the stamp follows, and the path from each record to its pupil (whose school it is).
_PUPIL_PATH: dict[type[Model], str] = {
    Pupil: "pk",
    SENStatus: "pupil_id",
    SENNeed: "status__pupil_id",
    KeyAdult: "pupil_id",
    Passport: "pupil_id",
}


def follow(model: type[Model], pupil_path: str) -> None:
    """Make the stamp follow ``model`` too: for another app that keeps what it reads of a
    pupil's records with ``kept`` (its rows reach their pupil through ``pupil_path``)."""
    _PUPIL_PATH[model] = pupil_path
    uid = f"pupils.register_figures.{model._meta.label}"
    post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}.save")
    pre_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}.delete")


def _schools_of(model: type[Model], rows: QuerySet[Any]) -> QuerySet[Any, int]:
    pupils = Pupil._base_manager.filter(pk__in=rows.values(_PUPIL_PATH[model]))
    return pupils.values_list("school_id", flat=True).distinct()


def _school_of(instance: Model) -> Iterable[int]:
    if isinstance(instance, Pupil):
        return [instance.school_id]
    pupil = getattr(type(instance), "pupil", None)
    if pupil is not None and pupil.is_cached(instance):
        return [instance.pupil.school_id]  # type: ignore[attr-defined]
    return _schools_of(type(instance), type(instance)._base_manager.filter(pk=instance.pk))


def _on_save(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        register_changed(_school_of(instance))


def _on_delete(sender: type[Model], instance: Model, origin: object = None, **kwargs: Any) -> None:
    # Before the rows go, while their pupils can still be found. A queryset's delete, or a
    # pupil's (their statuses, needs and links with them), sends this for every row: the
    # stamp is replaced once for the whole delete, not once per row.
    whole = isinstance(origin, QuerySet) and origin.model in _PUPIL_PATH
    if whole or isinstance(origin, Pupil):
        if vars(origin).get("_register_changed"):
            return
        vars(origin)["_register_changed"] = True
        if isinstance(origin, QuerySet):
            register_changed(_schools_of(origin.model, origin))
        elif isinstance(origin, Pupil):
            register_changed([origin.school_id])
        return
    register_changed(_school_of(instance))


def _on_user(instance: User, update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    # A key adult's name is in the filter; signing in (last_login) changes nothing shown.
    if update_fields is not None and "full_name" not in update_fields:
        return
    schools = Membership.objects.filter(user=instance).values_list("school_id", flat=True)
    register_changed(schools)


def connect_receivers() -> None:
    """Replace the stamp on every save and delete of what the kept copies are read from."""
    for model, path in list(_PUPIL_PATH.items()):
        follow(model, path)
    post_save.connect(_on_user, sender=User, dispatch_uid="pupils.register_figures.save.User")
