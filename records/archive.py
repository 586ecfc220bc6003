"""A leaver's records are archived and read-only: a guard on every save and delete.

A pupil is archived once their leaving date is before today (``pupils.models.archived_q``).
From then on nothing about them can be changed, whoever asks and whichever view or task asks:
every model that links to a pupil (found by the same introspection as ``records.registry``, so
a model added tomorrow is guarded without being listed), and every model that links to one of
those (a session's attendance row, a plan's version, a status's needs), refuses a save or a
delete about an archived pupil with ``ArchivedRecordError``. The paths a duty needs stay open:

- records management itself (legal holds, disposal lists, subject access requests), and the
  approved disposal, which runs inside ``unguarded()``;
- the DSL's transfer of the child protection file (which starts after the child leaves), the
  file's access log, and the DSL team's alerts;
- the audit log (staff), which names objects by id and links to no pupil;
- un-archiving: saving the pupil with a changed leaving date (cleared when a pupil is
  re-admitted, corrected when it was keyed wrongly). Any other edit of the pupil is refused.

Creating a pupil who has already left is allowed (an import of history); adding records about
them is not. ``QuerySet.update()`` and ``bulk_create`` send no signals: code using them on pupil
records filters with ``Pupil.objects.not_archived()`` itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import DEFERRED, Model, Q
from django.db.models.signals import post_save, pre_delete, pre_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pupils.models import ArchivedRecordError, Pupil, archived_q
from records.registry import pupil_links

# Apps and models whose writes about an archived pupil a duty needs (see the module docstring).
OPEN_APPS = frozenset({"records", "staff"})
OPEN_MODELS = frozenset(
    {
        "safeguarding.Transfer",
        "safeguarding.TransferStep",
        "safeguarding.FileAccess",
        "safeguarding.Alert",
    }
)

# (field on the model, pupil field on the model it points at; None when the field is the pupil)
Route = tuple[str, str | None]

_unguarded: ContextVar[bool] = ContextVar("records_archive_unguarded", default=False)


@contextmanager
def unguarded() -> Iterator[None]:
    """Let an approved records-management path (disposal) remove an archived pupil's rows."""
    token = _unguarded.set(True)
    try:
        yield
    finally:
        _unguarded.reset(token)


def is_open(model: type[Model]) -> bool:
    return model._meta.app_label in OPEN_APPS or model._meta.label in OPEN_MODELS


@cache
def guarded_routes() -> dict[type[Model], tuple[Route, ...]]:
    """Return every guarded model with the ways from one of its rows to a pupil."""
    direct = {link.model: link.pupil_fields for link in pupil_links() if not is_open(link.model)}
    found: dict[type[Model], tuple[Route, ...]] = {}
    for model in apps.get_models():
        if is_open(model) or model is Pupil:
            continue
        routes: list[Route] = [(name, None) for name in direct.get(model, ())]
        for f in model._meta.concrete_fields:
            target = f.related_model if isinstance(f, models.ForeignKey) else None
            if isinstance(target, type) and target in direct and target is not model:
                routes += [(f.name, name) for name in direct[target]]
        if routes:
            found[model] = tuple(routes)
    return found


def _archived_pupil(instance: Model, routes: tuple[Route, ...]) -> Pupil | None:
    """Return the archived pupil ``instance`` is about, if any (no query when the pupil or the
    row leading to it is already loaded)."""
    today = timezone.localdate()
    ids: set[int] = set()
    parents = Q()
    for name, through in routes:
        fk = instance._meta.get_field(name)
        assert isinstance(fk, models.ForeignKey)
        if fk.is_cached(instance):
            row = getattr(instance, name)
            if row is None:
                continue
            if through is None:
                pupil_or_id: Pupil | int | None = row
            else:
                inner = row._meta.get_field(through)
                assert isinstance(inner, models.ForeignKey)
                pupil_or_id = (
                    getattr(row, through) if inner.is_cached(row) else getattr(row, inner.attname)
                )
            if isinstance(pupil_or_id, Pupil) and not isinstance(
                pupil_or_id.leaving_date,
                str,  # set in memory, not yet saved: ask the database
            ):
                if _archived(pupil_or_id.leaving_date, today):
                    return pupil_or_id
            elif isinstance(pupil_or_id, Pupil):
                ids.add(pupil_or_id.pk)
            elif pupil_or_id is not None:
                ids.add(pupil_or_id)
            continue
        value = getattr(instance, fk.attname)
        if value is None:
            continue
        if through is None:
            ids.add(value)
        else:
            target = fk.related_model
            assert isinstance(target, type)
            parents |= Q(pk__in=target._base_manager.filter(pk=value).values(through))
    if not ids and not parents:
        return None
    which = Q(pk__in=ids) | parents if ids else parents
    return Pupil._base_manager.filter(archived_q(on=today)).filter(which).first()


def _archived(leaving_date: dt.date | None, today: dt.date) -> bool:
    return leaving_date is not None and leaving_date < today


def refuse_save(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or _unguarded.get():
        return
    pupil = _archived_pupil(instance, guarded_routes()[sender])
    if pupil is not None:
        raise ArchivedRecordError(pupil)


def refuse_delete(
    sender: type[Model], instance: Model, origin: object = None, **kwargs: Any
) -> None:
    if _unguarded.get():
        return
    routes = guarded_routes()[sender]
    if isinstance(origin, models.QuerySet) and origin.model is sender:
        # A queryset delete (an import replacing thousands of marks) sends this for every row:
        # ask once whether any of its rows is about an archived pupil, not once per row.
        memo: dict[type[Model], bool] = origin.__dict__.setdefault("_archive_memo", {})
        if sender not in memo:
            about = Q()
            for name, through in routes:
                about |= Q(pk__in=origin.values(name if through is None else f"{name}__{through}"))
            memo[sender] = Pupil._base_manager.filter(archived_q()).filter(about).exists()
        if not memo[sender]:
            return
    pupil = _archived_pupil(instance, routes)
    if pupil is not None:
        raise ArchivedRecordError(pupil)


def _stored_leaving_date(pupil: Pupil) -> dt.date | None:
    stored = pupil._stored_leaving_date
    if stored is DEFERRED:
        stored = (
            Pupil._base_manager.filter(pk=pupil.pk).values_list("leaving_date", flat=True).first()
        )
    assert stored is None or isinstance(stored, dt.date)
    return stored


def refuse_pupil_save(
    sender: type[Pupil], instance: Pupil, raw: bool = False, **kwargs: Any
) -> None:
    """Refuse any edit of an archived pupil except one that changes the leaving date."""
    if raw or _unguarded.get() or instance._state.adding:
        return
    stored = _stored_leaving_date(instance)
    if _archived(stored, timezone.localdate()) and instance.leaving_date == stored:
        raise ArchivedRecordError(instance)


def remember_pupil_leaving_date(sender: type[Pupil], instance: Pupil, **kwargs: Any) -> None:
    instance._stored_leaving_date = instance.leaving_date


def refuse_pupil_delete(sender: type[Pupil], instance: Pupil, **kwargs: Any) -> None:
    if _unguarded.get():
        return
    stored = _stored_leaving_date(instance)
    if _archived(stored, timezone.localdate()):
        raise ArchivedRecordError(instance)


def connect() -> None:
    """Connect the guard to every guarded model (the records app's ready())."""
    for model in guarded_routes():
        uid = f"records.archive:{model._meta.label}"
        pre_save.connect(refuse_save, sender=model, dispatch_uid=f"{uid}:save")
        pre_delete.connect(refuse_delete, sender=model, dispatch_uid=f"{uid}:delete")
    pre_save.connect(refuse_pupil_save, sender=Pupil, dispatch_uid="records.archive:pupil:save")
    post_save.connect(
        remember_pupil_leaving_date, sender=Pupil, dispatch_uid="records.archive:pupil:saved"
    )
    pre_delete.connect(
        refuse_pupil_delete, sender=Pupil, dispatch_uid="records.archive:pupil:delete"
    )


class ArchivedRecordMiddleware:
    """Show a refused change to an archived leaver's records as a page (403) that says why, or
    as a readable fragment in place of the part of the page an htmx request was to update."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ArchivedRecordError):
            return None
        context = {"archived_message": str(exception), "pupil": exception.pupil}
        if getattr(request, "htmx", False):
            # htmx swaps only 2xx answers: the fragment replaces what the request was to update.
            return render(request, "records/_archived_refused.html", context)
        return render(request, "403.html", context, status=403)
