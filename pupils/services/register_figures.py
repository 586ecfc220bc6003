"""What is read from a school's register alone, kept until the register changes (issue #16).

Every look at the SEN register shows the school's census figures and offers the school's current
key adults as a filter; both read every pupil on roll (about 12 ms of a 40 ms page at 2,200
pupils). The register's list, filtered and sorted, a key adult's caseload on Today and the
register record on a pupil's page (statuses, needs, key adults, passports, and whether the DSL's
neutral flag is on, which the safeguarding app has the stamp ``follow``) read the same tables.
All of them change only when a pupil, an SEN status, a need, a key-adult link, a passport, the
flag or a member of staff's name does. So ``kept`` keeps them under the school's *register
stamp* (``send_hub.lib.kept``), which every such write replaces. The receivers below cover every
``save()`` and ``delete()``; code that writes these tables in bulk (``bulk_create``,
``update()``: the importer, the demo) calls ``register_changed`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_delete

from pupils.models import KeyAdult, Passport, Pupil, SENNeed, SENStatus
from pupils.services.census import CensusFigures, census_figures
from send_hub.lib.kept import Stamp
from staff.models import Membership, User


@dataclass(frozen=True)
class RegisterFigures:
    """What every look at one school's register shows of the whole school."""

    census: CensusFigures  # the register's summary (largest needs first)
    key_adults: list[tuple[int, str]]  # staff with a current key-adult link, by name


REGISTER = Stamp("register")
register_changed = REGISTER.changed
kept = REGISTER.kept


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
