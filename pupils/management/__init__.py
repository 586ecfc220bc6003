"""Shared by the import commands: run a dry run (and maybe an apply) and print what it found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pupils.importers import ImportRefused, ParseResult, batch_apply, batch_create, plan_import
from pupils.importers.apply import CONFIRM, ERROR
from staff.models import School


def school_by_urn(urn: str) -> School:
    try:
        return School.objects.get(urn=urn.strip())
    except School.DoesNotExist:
        raise CommandError(f"No school has URN {urn}.") from None


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None


def run_import(
    command: BaseCommand,
    *,
    school: School,
    parsed: ParseResult,
    path: str,
    content: bytes,
    kind: str,
    apply: bool,
    confirm_statements: bool = False,
    batch_options: dict[str, Any] | None = None,
    verbosity: int = 1,
) -> None:
    """Print the dry run for ``parsed``; apply it when asked and clean; exit non-zero on errors."""
    out = command.stdout
    plan = plan_import(school=school, parsed=parsed, confirm_statements=confirm_statements)
    c = plan.counts
    out.write(
        f"Dry run of {path} for {school.name} (URN {school.urn}): {c['created']} new, "
        f"{c['updated']} updated, {c['unchanged']} unchanged, {c['errors']} errors, "
        f"{c['needs_confirmation']} need confirmation."
    )
    for key, value in plan.info.items():
        out.write(f"  {key.replace('_', ' ').capitalize()}: {value}")
    for error in plan.file_errors:
        out.write(f"  File: {error}")
    for row in plan.rows:
        if row.action in (ERROR, CONFIRM):
            for error in row.errors:
                out.write(f"  {row.row.where} (UPN {row.row.upn or '-'}): {error}")
        elif verbosity > 1:
            for line in [*row.changes, *row.notes]:
                out.write(f"  {row.row.where} (UPN {row.row.upn}): {line}")
    if not plan.ok:
        raise CommandError(plan.refusal())
    if not apply:
        out.write("Nothing was changed: run again with --apply to import.")
        return
    try:
        batch = batch_create(
            school=school,
            kind=kind,
            original_name=Path(path).name,
            content=content,
            by=None,
            **(batch_options or {}),
        )
        counts = batch_apply(batch=batch, by=None, confirm_statements=confirm_statements)
    except ImportRefused as exc:
        raise CommandError(str(exc)) from None
    out.write(
        command.style.SUCCESS(
            f"Imported (batch {batch.pk}): {counts['created']} new, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged."
        )
    )
