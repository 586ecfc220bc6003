"""Bring pupils in from the MIS (a CSV export) or a DfE Common Transfer File (CTF XML).

Every import is a dry run first (``plan_import``) and then an all-or-nothing apply
(``batch_apply``); the web page and the management commands share this code.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pupils.importers import ctf, mis_csv
from pupils.importers.apply import (
    CONFIRM_LABEL,
    MAX_UPLOAD_BYTES,
    ImportPlan,
    ImportRefused,
    ParseResult,
    plan_import,
    upload_size_check,
    write_plan,
)
from pupils.models import ImportBatch, ImportMapping
from send_hub.lib.dates import nice_date
from staff.audit import log_action
from staff.models import School, User


def parse_batch(batch: ImportBatch) -> ParseResult:
    """Parse a stored batch with the parser (and, for CSV, the columns) it was uploaded with."""
    content = bytes(batch.content)
    if batch.kind == ImportBatch.Kind.CTF:
        return ctf.parse(content)
    columns = (batch.summary or {}).get("columns")
    if not columns and batch.mapping is not None:
        columns = batch.mapping.columns
    return mis_csv.parse(content, columns or {})


@transaction.atomic
def batch_create(
    *,
    school: School,
    kind: str,
    original_name: str,
    content: bytes,
    by: User | None,
    columns: dict[str, str] | None = None,
    source: str = "",
    mapping: ImportMapping | None = None,
) -> ImportBatch:
    """Store an uploaded file as a batch and record its dry-run counts."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportRefused(
            f"The file is {len(content) / 1024 / 1024:.1f} MB: the limit is 10 MB. "
            "Export fewer pupils at a time."
        )
    batch = ImportBatch(
        school=school,
        kind=kind,
        original_name=original_name[:255],
        content=content,
        mapping=mapping,
        created_by=by,
        summary={"columns": columns or {}, "source": source},
    )
    # An empty file is reported on the preview; commands upload without a person.
    batch.full_clean(exclude=["content", "created_by"])
    batch.save()
    plan = plan_import(school=school, parsed=parse_batch(batch))
    batch.summary["dry_run"] = plan.counts
    batch.save(update_fields=["summary"])
    log_action(batch, "pupils.import.uploaded", actor=by, data={"kind": kind, **plan.counts})
    return batch


@transaction.atomic
def batch_apply(
    *, batch: ImportBatch, by: User | None, confirm_statements: bool = False
) -> dict[str, int]:
    """Apply a batch all or nothing: re-parse, re-plan under lock, write, audit; refuse twice."""
    locked = ImportBatch.objects.select_for_update().select_related("school").get(pk=batch.pk)
    if locked.applied_at is not None:
        when = timezone.localtime(locked.applied_at)
        raise ImportRefused(
            f"This file was already imported on {nice_date(when)} at {when:%H:%M}. "
            "Nothing was changed."
        )
    plan = plan_import(
        school=locked.school,
        parsed=parse_batch(locked),
        confirm_statements=confirm_statements,
        lock=True,
    )
    if not plan.ok:
        raise ImportRefused(plan.refusal())
    try:
        with transaction.atomic():
            counts = write_plan(plan, locked.school, by)
    except (IntegrityError, ValidationError) as exc:
        # Someone changed one of these pupils between our read and our write.
        raise ImportRefused(
            "These records changed while the file was being imported, so nothing was imported. "
            "Open the preview again and apply it once more."
        ) from exc
    locked.applied_at = timezone.now()
    locked.applied_by = by if getattr(by, "is_authenticated", False) else None
    locked.summary = {**locked.summary, "applied": counts}
    locked.save(update_fields=["applied_at", "applied_by", "summary"])
    log_action(
        locked,
        "pupils.import.applied",
        actor=by,
        data={"kind": locked.kind, "confirm_statements": confirm_statements, **counts},
    )
    batch.applied_at, batch.applied_by, batch.summary = (
        locked.applied_at,
        locked.applied_by,
        locked.summary,
    )
    return counts


__all__ = [
    "CONFIRM_LABEL",
    "MAX_UPLOAD_BYTES",
    "ImportPlan",
    "ImportRefused",
    "ParseResult",
    "batch_apply",
    "batch_create",
    "parse_batch",
    "plan_import",
    "upload_size_check",
]
