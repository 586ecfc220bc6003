"""Disposal: list what has passed its retention rule, and remove it once approved.

``disposal_list`` (the monthly job) finds, for one school, each pupil and each former member of
staff whose records have passed their rule, and the old working data counted from its own date;
it writes the exact rows to remove into a DisposalItem. ``disposal_approve`` lets the DPO or the
head approve the batch (keeping, after review, the items they choose), and removes the rows and
their files in one transaction. Append-only safeguarding rows can only be removed through the
database function ``records_dispose_rows`` (records migration 0002), which checks the approval
itself. The disposal log keeps kind, count, rule, approver and time: never the content.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Max, Model, QuerySet
from django.utils import timezone

from pupils.models import Pupil
from records.archive import unguarded
from records.models import (
    DisposalBatch,
    DisposalItem,
    DisposalLog,
    LegalHold,
    RecordKind,
    RetentionRule,
    StaffDeparture,
    Trigger,
    add_years,
)
from records.registry import (
    Link,
    Rows,
    closure,
    deletion_order,
    file_names,
    group_by_kind,
    hint_for,
    is_append_only,
    kind_for,
    links,
    pupil_links,
    user_links,
    with_parents,
)
from send_hub.lib.kept import all_changed
from staff.audit import log_action
from staff.models import Membership, Role, School, User

logger = logging.getLogger(__name__)

APPROVER_ROLES = frozenset({Role.HEAD, Role.DPO})


class DisposalError(Exception):
    """A disposal that cannot go ahead, with a message a person can act on."""


def _pupil_start(rule: RetentionRule, pupil: Pupil) -> dt.date | None:
    if rule.trigger == Trigger.DATE_OF_BIRTH:
        return pupil.date_of_birth
    if rule.trigger in (Trigger.LEAVING, Trigger.CLOSURE):
        return pupil.leaving_date
    return None


def _closed_on(pupil: Pupil, rows: Iterable[QuerySet[Any]]) -> dt.date | None:
    """When a pupil's records of one kind closed: the later of their leaving date and the day
    the last record that can stay open (a ``closed_field`` hint: a placement, a place in an
    intervention, an SEN status, an EHCP) closed. None while they are on roll or one is open."""
    if pupil.leaving_date is None:
        return None
    closed = pupil.leaving_date
    for qs in rows:
        field_name = hint_for(qs.model).closed_field
        if field_name is None:
            continue
        if qs.filter(**{f"{field_name}__isnull": True}).exists():
            return None
        last = qs.aggregate(last=Max(field_name))["last"]
        if last is not None and last > closed:
            closed = last
    return closed


def pupil_rows(pupil: Pupil, rules: dict[str, RetentionRule], on: dt.date) -> tuple[Rows, bool]:
    """Return the rows about ``pupil`` whose kind's rule has passed on ``on``, and whether the
    review option applies to any of them.

    When every kind holding a row about the pupil has passed, the pupil's own row goes too.
    """
    due: set[str] = set()
    pending: set[str] = set()
    review = False
    direct: Rows = {}
    held: list[tuple[Link, QuerySet[Any], set[object]]] = []
    for link in pupil_links():
        if link.model._meta.app_label == "records":
            continue
        about = link.model._base_manager.filter(link.pupil_q(pupil.pk))
        pks = set(about.values_list("pk", flat=True))
        if pks:
            held.append((link, about, pks))
    closed_on: dict[str, dt.date | None] = {}
    for link, _about, pks in held:
        kind = link.kind
        rule = rules.get(kind)
        if rule is None or rule.trigger == Trigger.CREATION:
            # Counted from each row's own date (the working-data sweep), or by the pupil file's
            # rule when the pupil goes.
            rule = rules.get(RecordKind.PUPIL_RECORD)
        if rule is not None and rule.trigger == Trigger.CLOSURE:
            # The whole kind closes together: every record of it that can stay open has closed.
            if kind not in closed_on:
                closed_on[kind] = _closed_on(pupil, (qs for lk, qs, _ in held if lk.kind == kind))
            start = closed_on[kind]
        else:
            start = _pupil_start(rule, pupil) if rule else None
        when = rule.due_on(start) if rule else None
        if when is not None and when <= on:
            due.add(kind)
            assert rule is not None
            review = review or rule.review
            direct[link.model] = pks
        else:
            pending.add(kind)
    pupil_rule = rules.get(RecordKind.PUPIL_RECORD)
    pupil_due = pupil_rule.due_on(_pupil_start(pupil_rule, pupil)) if pupil_rule else None
    if not pending and pupil_due is not None and pupil_due <= on:
        direct[Pupil] = {pupil.pk}
    return closure(with_parents(direct)), review


def staff_rows(user: User, school: School, rules: dict[str, RetentionRule], on: dt.date) -> Rows:
    """Return a former member of staff's staff records past their rule (none while they work
    anywhere in the trust's installation)."""
    rule = rules.get(RecordKind.STAFF_RECORD)
    departure = StaffDeparture.objects.filter(school=school, user=user).first()
    if rule is None or departure is None:
        return {}
    when = rule.due_on(departure.left_on if rule.trigger == Trigger.LEAVING else None)
    if when is None or when > on or Membership.objects.filter(user=user, active=True).exists():
        return {}
    direct: Rows = {}
    for link in user_links():
        if link.kind != RecordKind.STAFF_RECORD or "user" not in link.user_fields:
            continue
        pks = set(link.model._base_manager.filter(user=user.pk).values_list("pk", flat=True))
        if pks:
            direct[link.model] = pks
    return closure(direct)


def working_data_rows(school: School, rules: dict[str, RetentionRule], on: dt.date) -> Rows:
    """Return the school's rows counted from their own date (the CREATION trigger) that have
    passed their rule: working data such as reminders and alerts."""
    direct: Rows = {}
    for link in links():
        rule = rules.get(link.kind)
        date_field = hint_for(link.model).date_field
        if rule is None or rule.trigger != Trigger.CREATION or rule.years is None:
            continue
        names = {f.name for f in link.model._meta.concrete_fields}
        if not date_field or "school" not in names:
            continue
        made_by = add_years(on, -rule.years)
        qs = link.model._base_manager.filter(school=school, **{f"{date_field}__date__lte": made_by})
        pks = set(qs.values_list("pk", flat=True))
        if pks:
            direct[link.model] = pks
    return closure(direct)


def _encode(rows: Rows) -> list[list[object]]:
    return [[model._meta.label, model._meta.db_table, pks] for model, pks in deletion_order(rows)]


@transaction.atomic
def disposal_list(*, school: School, on: dt.date) -> DisposalBatch | None:
    """List what has passed its rule in ``school`` on ``on``; None when nothing has.

    Running again on the same day changes nothing. A pupil under a legal hold is not listed.
    """
    if DisposalBatch.objects.filter(school=school, listed_on=on).exists():
        return DisposalBatch.objects.get(school=school, listed_on=on)
    rules = RetentionRule.objects.for_school(school.pk)
    waiting = DisposalItem.objects.filter(
        batch__school=school, state__in=[DisposalItem.State.PENDING, DisposalItem.State.APPROVED]
    )
    listed_pupils = set(waiting.values_list("pupil_id", flat=True))
    listed_users = set(waiting.values_list("user_id", flat=True))
    held = set(LegalHold.objects.active().filter(school=school).values_list("pupil_id", flat=True))
    items: list[DisposalItem] = []
    for pupil in Pupil.objects.filter(school=school).exclude(pk__in=listed_pupils | held):
        rows, review = pupil_rows(pupil, rules, on)
        if rows:
            items.append(_item(rows, pupil=pupil, review=review, on=on))
    departed = StaffDeparture.objects.filter(school=school).exclude(user_id__in=listed_users)
    for departure in departed.select_related("user"):
        rows = staff_rows(departure.user, school, rules, on)
        if rows:
            items.append(_item(rows, user=departure.user, review=False, on=on))
    rows = working_data_rows(school, rules, on)
    for item in items:  # rows already going with a pupil's or person's records
        for label, _, pks in item.rows:
            model = apps.get_model(str(label))
            if model in rows:
                rows[model] -= set(pks)
    rows = {model: pks for model, pks in rows.items() if pks}
    if rows and not waiting.filter(subject_ref="working data").exists():
        items.append(_item(rows, review=False, on=on))
    if not items:
        return None
    batch = DisposalBatch.objects.create(school=school, listed_on=on)
    for item in items:
        item.batch = batch
    DisposalItem.objects.bulk_create(items)
    log_action(batch, "records.disposal.listed", data={"items": len(items)})
    logger.info("disposal listed", extra={"object_id": batch.pk, "items": len(items)})
    return batch


def _item(
    rows: Rows,
    *,
    on: dt.date,
    review: bool,
    pupil: Pupil | None = None,
    user: User | None = None,
) -> DisposalItem:
    counts = group_by_kind(rows)
    ref = f"pupil {pupil.pk}" if pupil else f"staff {user.pk}" if user else "working data"
    return DisposalItem(
        pupil=pupil,
        user=user,
        subject_ref=ref,
        kinds=sorted(counts),
        review=review,
        due_on=on,
        rows=_encode(rows),
        counts=counts,
    )


def may_approve(user: User, school: School) -> bool:
    """Whether ``user`` is the DPO or the head of ``school``."""
    return Membership.objects.filter(
        user=user, school=school, active=True, roles__role__in=APPROVER_ROLES
    ).exists()


@transaction.atomic
def disposal_approve(*, batch: DisposalBatch, by: User, keep: Iterable[int] = ()) -> DisposalBatch:
    """Approve ``batch`` and remove every item's rows and files, except the items in ``keep``
    (kept after review) and any pupil put under a legal hold since the list was made."""
    batch = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != DisposalBatch.State.PENDING:
        raise DisposalError("This disposal list has already been approved.")
    if not may_approve(by, batch.school):
        raise DisposalError("Only the school's DPO or head can approve disposal.")
    keep = set(keep)
    batch.approved_by = by
    batch.approved_at = timezone.now()
    batch.state = DisposalBatch.State.DONE
    batch.save(update_fields=["approved_by", "approved_at", "state"])
    held = set(
        LegalHold.objects.active().filter(school=batch.school).values_list("pupil_id", flat=True)
    )
    files: list[str] = []
    rules = RetentionRule.objects.for_school(batch.school_id)
    for item in batch.items.filter(state=DisposalItem.State.PENDING):
        if item.pk in keep:
            item.state = DisposalItem.State.RETAINED
        elif item.pupil_id in held:
            item.state = DisposalItem.State.HELD
        else:
            item.state = DisposalItem.State.APPROVED
            item.save(update_fields=["state"])
            files += _dispose(item, batch, rules)
            item.state = DisposalItem.State.DISPOSED
        item.save(update_fields=["state"])
    log_action(batch, "records.disposal.approved", actor=by, data={"keep": sorted(keep)})
    # Append-only rows go through a database function, which sends no signals: no kept copy of
    # the school's register or safeguarding files may show what was disposed of.
    all_changed([batch.school_id])

    def remove_files() -> None:
        for name in files:
            default_storage.delete(name)

    transaction.on_commit(remove_files)
    return batch


def _dispose(
    item: DisposalItem, batch: DisposalBatch, rules: dict[str, RetentionRule]
) -> list[str]:
    """Remove ``item``'s rows (append-only ones through the database function); return its
    files' names, to delete once the transaction commits."""
    files: list[str] = []
    by_kind_files: dict[tuple[str, str], int] = {}
    for label, _table, pks in item.rows:
        model: type[Model] = apps.get_model(str(label))
        names = file_names(model, pks)
        files += names
        by_kind_files[(kind_for(model), str(label))] = len(names)
        if is_append_only(model):
            _dispose_append_only(item, model, list(pks))
        else:
            # An approved disposal is the one path that removes an archived leaver's rows.
            with unguarded():
                model._base_manager.filter(pk__in=pks).delete()
    assert batch.approved_by is not None and batch.approved_at is not None
    DisposalLog.objects.bulk_create(
        DisposalLog(
            school_id=batch.school_id,
            item=item,
            subject_ref=item.subject_ref,
            kind=kind,
            model=label,
            count=count,
            files=by_kind_files.get((kind, label), 0),
            rule=rules[kind].describe() if kind in rules else "",
            approved_by=batch.approved_by,
            approved_at=batch.approved_at,
        )
        for kind, by_label in item.counts.items()
        for label, count in by_label.items()
    )
    logger.info("disposal done", extra={"object_id": item.pk, "rows": item.total})
    return files


def _dispose_append_only(item: DisposalItem, model: type[Model], pks: list[object]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT records_dispose_rows(%s, %s::regclass, %s)",
                [item.pk, model._meta.db_table, pks],
            )
    else:  # SQLite (the demo) has no triggers to get past.
        model._base_manager.filter(pk__in=pks)._raw_delete(connection.alias)


@transaction.atomic
def legal_hold_place(*, pupil: Pupil, by: User, reason: str) -> LegalHold:
    """Stop every disposal for ``pupil`` until the hold is lifted."""
    hold = LegalHold(school_id=pupil.school_id, pupil=pupil, placed_by=by, reason=reason.strip())
    hold.full_clean()
    hold.save()
    log_action(hold, "records.legal_hold.placed", actor=by, data={"pupil": pupil.pk})
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, by: User) -> LegalHold:
    """Lift ``hold``; the pupil's records are listed again by the next monthly run."""
    if hold.lifted_at is not None:
        raise ValidationError("This legal hold has already been lifted.")
    hold.lifted_at = timezone.now()
    hold.lifted_by = by
    hold.save(update_fields=["lifted_at", "lifted_by"])
    log_action(hold, "records.legal_hold.lifted", actor=by, data={"pupil": hold.pupil_id})
    return hold
