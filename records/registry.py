"""Which tables hold records about a pupil or a member of staff, found by introspection.

Every model with a foreign key, one-to-one or many-to-many field to ``pupils.Pupil`` or the user
model is covered by retention and by subject access requests without being listed anywhere: a
model added tomorrow is in the next bundle and the next disposal. ``HINTS`` only refines what
introspection cannot know (secrets never to export, a parent record that goes with a child one,
a kind of record other than the default for its app).
"""

from __future__ import annotations

import graphlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Model, Q

from pupils.models import Pupil
from records.models import RecordKind

Rows = dict[type[Model], set[object]]


@dataclass(frozen=True)
class Hint:
    """What introspection cannot know about one model."""

    kind: str | None = None
    # Fields never exported (secrets, password hashes).
    exclude: tuple[str, ...] = ()
    # Foreign keys whose target record goes with this one, in a bundle and at disposal (when no
    # other pupil's row still points at the target).
    parents: tuple[str, ...] = ()
    # For rules counted from the record's own date: the field that holds it.
    date_field: str | None = None
    # For rules counted from closure: the date the record closed (empty while it is open).
    closed_field: str | None = None


HINTS: dict[str, Hint] = {
    # Authenticator secrets and recovery codes: never in a bundle.
    "mfa.Authenticator": Hint(kind=RecordKind.SYSTEM, exclude=("data",)),
    "staff.User": Hint(exclude=("password",)),
    # A concern's account belongs on the file of each child it is about.
    "safeguarding.ConcernPupil": Hint(parents=("concern",)),
    "safeguarding.Alert": Hint(kind=RecordKind.OPERATIONAL, date_field="created_at"),
    "interventions.SessionAttendance": Hint(parents=("session",)),
    "interventions.Notification": Hint(kind=RecordKind.OPERATIONAL, date_field="created_at"),
    "interventions.ReminderSent": Hint(kind=RecordKind.OPERATIONAL),
    "staff.FormSubmission": Hint(kind=RecordKind.OPERATIONAL),
    "staff.TrainingRecord": Hint(kind=RecordKind.STAFF_RECORD),
    "staff.HistoricalTrainingRecord": Hint(kind=RecordKind.STAFF_RECORD),
    "staff.SupervisionSession": Hint(kind=RecordKind.STAFF_RECORD),
    "staff.CPDEntry": Hint(kind=RecordKind.STAFF_RECORD),
    "pupils.SENStatus": Hint(kind=RecordKind.SEN_RECORD, closed_field="end_date"),
    "pupils.KeyAdult": Hint(closed_field="end_date"),
    "interventions.Enrolment": Hint(closed_field="left_on"),
    "interventions.Placement": Hint(closed_field="ended_on"),
    "interventions.EHCP": Hint(closed_field="ceased_on"),
    "interventions.PartTimeTimetable": Hint(closed_field="ended_on"),
    "interventions.OffSitePlacement": Hint(closed_field="end_date"),
    "pupils.SENNeed": Hint(kind=RecordKind.SEN_RECORD),
    "pupils.AccessArrangement": Hint(kind=RecordKind.SEN_RECORD),
    "pupils.Document": Hint(kind=RecordKind.SEN_RECORD),
    "pupils.ImportBatch": Hint(kind=RecordKind.SYSTEM),
    "interventions.BehaviourImport": Hint(kind=RecordKind.SYSTEM),
}

# Kinds by where a model lives, when HINTS says nothing (first match of the module path).
KIND_BY_MODULE = [
    ("records.", RecordKind.SYSTEM),
    ("safeguarding.", RecordKind.CHILD_PROTECTION),
    ("interventions.delivery", RecordKind.SEN_RECORD),
    ("interventions.outcomes", RecordKind.SEN_RECORD),
    ("interventions.plans", RecordKind.SEN_RECORD),
    ("interventions.ehcp", RecordKind.SEN_RECORD),
    ("interventions.reminders", RecordKind.OPERATIONAL),
    ("interventions.insight", RecordKind.SYSTEM),
    ("pupils.", RecordKind.PUPIL_RECORD),
]


@dataclass(frozen=True)
class Link:
    """A model and its fields pointing at a pupil or at a member of staff."""

    model: type[Model]
    pupil_fields: tuple[str, ...] = ()
    user_fields: tuple[str, ...] = ()
    hint: Hint = field(default_factory=Hint)

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def kind(self) -> str:
        return kind_for(self.model)

    def pupil_q(self, pupil_id: int) -> Q:
        """Match this model's rows about ``pupil_id`` (through any of its pupil fields)."""
        q = Q()
        for name in self.pupil_fields:
            q |= Q(**{name: pupil_id})
        return q

    def user_q(self, user_id: int) -> Q:
        q = Q()
        for name in self.user_fields:
            q |= Q(**{name: user_id})
        return q


def hint_for(model: type[Model]) -> Hint:
    return HINTS.get(model._meta.label, Hint())


def kind_for(model: type[Model]) -> str:
    """Return the retention kind of ``model``: its hint, its package, else what it links to."""
    hint = hint_for(model)
    if hint.kind:
        return hint.kind
    module = model.__module__
    for prefix, kind in KIND_BY_MODULE:
        if module.startswith(prefix):
            return kind
    if model._meta.app_label in {"admin", "account", "mfa", "sessions", "staff", "auth"}:
        return RecordKind.SYSTEM
    if any(_points_at(f, Pupil) for f in model._meta.get_fields()):
        return RecordKind.PUPIL_RECORD
    return RecordKind.SYSTEM


def _points_at(f: object, target: type[Model]) -> bool:
    return bool(
        getattr(f, "is_relation", False)
        and not getattr(f, "auto_created", False)
        and getattr(f, "concrete", False) | getattr(f, "many_to_many", False)
        and getattr(f, "related_model", None) is target
    )


@cache
def links() -> tuple[Link, ...]:
    """Return every model that links to a pupil or a member of staff (computed once)."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if isinstance(f, models.Field)]
        pupil = tuple(f.name for f in fields if _points_at(f, Pupil))
        user = tuple(f.name for f in fields if _points_at(f, user_model))
        if pupil or user:
            found.append(Link(model, pupil, user, hint_for(model)))
    return tuple(found)


def pupil_links() -> list[Link]:
    return [link for link in links() if link.pupil_fields]


def user_links() -> list[Link]:
    return [link for link in links() if link.user_fields]


def is_append_only(model: type[Model]) -> bool:
    """Whether PostgreSQL refuses the app's role DELETE on ``model``'s table."""
    triggers = getattr(model._meta, "triggers", [])
    return any(t.name == "append_only" for t in triggers)


def with_parents(rows: Rows) -> Rows:
    """Add each hinted parent whose every child row is already in ``rows``.

    A concern about two children stays while the other child's file is kept.
    """
    for model, pks in list(rows.items()):
        for name in hint_for(model).parents:
            fk = model._meta.get_field(name)
            assert isinstance(fk, models.ForeignKey)
            parent = fk.related_model
            assert isinstance(parent, type)
            candidates = set(
                model._base_manager.filter(pk__in=pks).values_list(fk.attname, flat=True)
            )
            still_used = set(
                model._base_manager.filter(**{f"{fk.attname}__in": candidates})
                .exclude(pk__in=pks)
                .values_list(fk.attname, flat=True)
            )
            rows.setdefault(parent, set()).update(candidates - still_used)
    return rows


def reverse_relations(model: type[Model]) -> list[models.ForeignObjectRel]:
    """Return every foreign key pointing at ``model``, those with related_name="+" included
    (``_meta.related_objects`` leaves those out)."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if isinstance(f, models.ForeignObjectRel) and (f.one_to_many or f.one_to_one)
    ]


def closure(rows: Rows) -> Rows:
    """Add every row that depends on ``rows`` (cascade or protect), recursively.

    Rows that would only lose a link (SET_NULL) stay. Records management's own tables (the
    disposal log, holds) are never taken.
    """
    queue = [(model, set(pks)) for model, pks in rows.items() if pks]
    while queue:
        model, pks = queue.pop()
        for rel in reverse_relations(model):
            if rel.on_delete in (
                models.SET_NULL,
                models.SET_DEFAULT,
                models.DO_NOTHING,
            ):
                continue
            child = rel.related_model
            assert isinstance(child, type)
            if child._meta.app_label == "records":
                continue
            found = set(
                child._base_manager.filter(**{f"{rel.field.attname}__in": pks}).values_list(
                    "pk", flat=True
                )
            )
            new = found - rows.get(child, set())
            if new:
                rows.setdefault(child, set()).update(new)
                queue.append((child, new))
    return rows


def deletion_order(rows: Rows) -> list[tuple[type[Model], list[object]]]:
    """Return ``rows`` grouped by model, each model before the models it points at."""
    sorter: graphlib.TopologicalSorter[type[Model]] = graphlib.TopologicalSorter()
    present = {m for m, pks in rows.items() if pks}
    for model in present:
        sorter.add(model)
        for f in model._meta.concrete_fields:
            target = f.related_model if f.is_relation else None
            if isinstance(target, type) and target in present and target is not model:
                sorter.add(target, model)  # the target goes after the model pointing at it
    try:
        order = list(sorter.static_order())
    except graphlib.CycleError:
        order = sorted(present, key=lambda m: m._meta.label)
    return [(m, sorted(rows[m], key=str)) for m in order]


def file_names(model: type[Model], pks: Iterable[object]) -> list[str]:
    """Return the stored names of every file the given rows hold."""
    names: list[str] = []
    file_fields = [
        f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)
    ]
    if not file_fields:
        return names
    for values in model._base_manager.filter(pk__in=list(pks)).values_list(*file_fields):
        names.extend(v for v in values if v)
    return names


def group_by_kind(rows: Rows) -> dict[str, dict[str, int]]:
    """Count ``rows`` by retention kind and model label."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for model, pks in rows.items():
        if pks:
            counts[kind_for(model)][model._meta.label] = len(pks)
    return dict(counts)
