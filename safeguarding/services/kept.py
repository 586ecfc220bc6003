"""What the DSL team's pages read of a school's safeguarding files, kept until the files change.

The queue and a child's chronology are read far more often than the files are written, and at
trust scale working them out is most of their cost (issue #16). ``kept`` keeps them under the
school's *safeguarding stamp* (``send_hub.lib.kept``), which every save and delete of a
safeguarding record replaces: a concern, its children and categories, its notes, files,
decisions, actions, referrals and their updates, a flag, a transfer and its steps. So does a
change to what those pages print from elsewhere: a pupil (their name), a member of staff's name,
a category. Who has looked at a file (``FileAccess``) and alerts are not followed: neither is on
the kept pages, and both are written on every look.

Code that writes these tables in bulk (``bulk_create``, ``update()``) does so in the same
transaction as a ``save()`` of the record they belong to (a concern's first categories with its
link to the child, a decision's children with the decision), or calls ``files_changed`` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_delete

from pupils.models import Pupil
from safeguarding.models import (
    AccountShare,
    Action,
    ActionChild,
    ActionUpdate,
    Addendum,
    AddendumChild,
    Attachment,
    Category,
    Concern,
    ConcernPupil,
    ConcernPupilCategory,
    Decision,
    DecisionChild,
    LatestDecision,
    PupilFlag,
    Referral,
    ReferralUpdate,
    Transfer,
    TransferStep,
)
from send_hub.lib.kept import Stamp
from staff.models import Membership, School, User

T = TypeVar("T")

FILES = Stamp("safeguarding")


def files_changed(school_ids: Iterable[int]) -> None:
    """Retire these schools' kept queue pages and chronologies."""
    FILES.changed(school_ids)


def kept(school_id: int, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """Return ``compute()``, read from the school's safeguarding files alone, for ``parts``:
    the kept copy while nothing on them has changed since, else worked out afresh."""
    return FILES.kept(school_id, parts, compute)


# Each record followed, and the path from it to its school.
_SCHOOL_PATH: dict[type[Model], str] = {
    Concern: "school_id",
    ConcernPupil: "concern__school_id",
    ConcernPupilCategory: "link__concern__school_id",
    AccountShare: "link__concern__school_id",
    Addendum: "concern__school_id",
    AddendumChild: "addendum__concern__school_id",
    Attachment: "concern__school_id",
    Decision: "concern__school_id",
    LatestDecision: "concern__school_id",
    DecisionChild: "decision__concern__school_id",
    Action: "concern__school_id",
    ActionChild: "action__concern__school_id",
    ActionUpdate: "action__concern__school_id",
    Referral: "concern__school_id",
    ReferralUpdate: "referral__concern__school_id",
    PupilFlag: "pupil__school_id",
    Transfer: "school_id",
    TransferStep: "transfer__school_id",
    Pupil: "school_id",
}


def _schools_of(rows: QuerySet[Any]) -> Iterable[int]:
    path = _SCHOOL_PATH[rows.model]
    return rows.order_by().values_list(path, flat=True).distinct()


def _school_of(instance: Model) -> Iterable[int]:
    """The school of a saved or deleted row: through the records already loaded with it where
    it can (a concern's link is saved with its concern at hand), else asked of the database."""
    here: Any = instance
    *steps, last = _SCHOOL_PATH[type(instance)].split("__")
    for step in steps:
        field = getattr(type(here), step, None)
        if field is None or not field.is_cached(here):
            return _schools_of(type(instance)._base_manager.filter(pk=instance.pk))
        here = getattr(here, step)
    return [getattr(here, last)]


def _on_save(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        files_changed(_school_of(instance))


def _on_delete(sender: type[Model], instance: Model, origin: object = None, **kwargs: Any) -> None:
    # Before the rows go, while their schools can still be found; once for a queryset's delete
    # (retention's) or a pupil's, not once per row.
    if isinstance(origin, (QuerySet, Model)) and origin is not instance:
        if vars(origin).get("_files_changed"):
            return
        vars(origin)["_files_changed"] = True
        if isinstance(origin, QuerySet) and origin.model in _SCHOOL_PATH:
            files_changed(_schools_of(origin))
            return
        if isinstance(origin, Model) and type(origin) in _SCHOOL_PATH:
            files_changed(_school_of(origin))
            return
    files_changed(_school_of(instance))


def _on_user(instance: User, update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    # Reporters', authors' and owners' names are printed; signing in changes nothing shown.
    if update_fields is not None and "full_name" not in update_fields:
        return
    files_changed(Membership.objects.filter(user=instance).values_list("school_id", flat=True))


def _on_category(**kwargs: Any) -> None:
    # The categories are the same in every school.
    files_changed(School.objects.values_list("pk", flat=True))


def connect_receivers() -> None:
    """Replace the stamp on every save and delete of what the kept copies are read from."""
    for model in _SCHOOL_PATH:
        uid = f"safeguarding.kept.{model._meta.label}"
        post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}.save")
        pre_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}.delete")
    post_save.connect(_on_user, sender=User, dispatch_uid="safeguarding.kept.save.User")
    post_save.connect(_on_category, sender=Category, dispatch_uid="safeguarding.kept.Category")
    pre_delete.connect(_on_category, sender=Category, dispatch_uid="safeguarding.kept.Category.d")
