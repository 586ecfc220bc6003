"""Bring behaviour events in from a CSV exported by the MIS or behaviour system.

The same pattern as the pupils import, with its helpers: parse (per-row errors with line
numbers) -> a dry-run preview -> an all-or-nothing apply that refuses to run twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from interventions.models import BehaviourEvent, BehaviourImport
from pupils.importers.apply import MAX_UPLOAD_BYTES, ImportRefused, parse_date, upn_problem
from pupils.importers.mis_csv import decode
from pupils.models import Pupil
from staff.audit import log_action
from staff.models import School, User

# Our field -> the headers the common exports use for it (compared case-insensitively).
HEADERS: dict[str, tuple[str, ...]] = {
    "upn": ("upn",),
    "date": ("date", "event date", "incident date"),
    "kind": ("type", "kind", "event type"),
    "category": ("category", "behaviour type", "achievement type", "reason"),
    "points": ("points", "point", "score"),
    "external_id": ("id", "event id", "incident id", "reference"),
    "note": ("note", "comment", "comments", "description"),
}
REQUIRED = ("upn", "date", "kind", "category")
KINDS = {
    "REWARD": BehaviourEvent.Kind.REWARD,
    "ACHIEVEMENT": BehaviourEvent.Kind.REWARD,
    "POSITIVE": BehaviourEvent.Kind.REWARD,
    "SANCTION": BehaviourEvent.Kind.SANCTION,
    "BEHAVIOUR": BehaviourEvent.Kind.SANCTION,
    "NEGATIVE": BehaviourEvent.Kind.SANCTION,
    "DETENTION": BehaviourEvent.Kind.DETENTION,
}
CREATE, DUPLICATE, ERROR = "create", "duplicate", "error"


@dataclass
class EventRow:
    line: int
    upn: str
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    action: str = CREATE
    pupil: Pupil | None = None


@dataclass
class EventPlan:
    rows: list[EventRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, DUPLICATE: 0, ERROR: 0}
        for row in self.rows:
            counts[row.action] += 1
        return {
            "created": counts[CREATE],
            "already_imported": counts[DUPLICATE],
            "errors": counts[ERROR] + len(self.file_errors),
        }

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.counts["errors"]


def _key(value: str) -> str:
    return " ".join(value.strip().lower().split())


def parse(content: bytes) -> EventPlan:
    """Read the file into rows, each with its line number and any problems."""
    plan = EventPlan()
    try:
        text, _encoding = decode(content)
    except ImportRefused as exc:
        plan.file_errors.append(str(exc))
        return plan
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next((r for r in reader if any(c.strip() for c in r)), None)
        if header is None:
            plan.file_errors.append("The file is empty.")
            return plan
        positions = {_key(h): i for i, h in reversed(list(enumerate(header)))}
        index = {}
        for name, names in HEADERS.items():
            found = next((positions[n] for n in names if n in positions), None)
            if found is not None:
                index[name] = found
        missing = [HEADERS[n][0].title() for n in REQUIRED if n not in index]
        if missing:
            plan.file_errors.append(
                f"The file has no column {', '.join(missing)}. Export it again with the UPN, "
                "date, type and category of each event."
            )
            return plan
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            values = {n: (cells[i].strip() if i < len(cells) else "") for n, i in index.items()}
            plan.rows.append(_row(values, reader.line_num))
    except csv.Error as exc:
        plan.file_errors.append(f"Line {reader.line_num}: this is not readable CSV ({exc}).")
    if not plan.rows and not plan.file_errors:
        plan.file_errors.append("The file has no events in it (only a header row).")
    return plan


def _row(values: dict[str, str], line: int) -> EventRow:
    upn = values["upn"].replace(" ", "").upper()
    row = EventRow(line=line, upn=upn)
    problem = upn_problem(upn)
    if problem:
        row.errors.append(problem)
    try:
        row.values["occurred_on"] = parse_date(values["date"])
    except ValueError as exc:
        row.errors.append(str(exc))
    kind = KINDS.get(values["kind"].strip().upper())
    if kind is None:
        row.errors.append(f'"{values["kind"]}" is not a type: use reward, sanction or detention.')
    row.values["kind"] = kind
    if not values["category"]:
        row.errors.append("The category is blank.")
    row.values["category"] = values["category"][:80]
    points = values.get("points", "") or "0"
    try:
        row.values["points"] = int(float(points))
    except ValueError:
        row.errors.append(f'"{points}" is not a number of points.')
    row.values["external_id"] = values.get("external_id", "")[:60]
    row.values["note"] = values.get("note", "")[:300]
    return row


def plan_events(*, school: School, content: bytes) -> EventPlan:
    """Parse and compare with the school's pupils and earlier imports (two queries)."""
    plan = parse(content)
    upns = {r.upn for r in plan.rows if not r.errors}
    pupils = {p.upn: p for p in Pupil.objects.filter(school=school, upn__in=upns)}
    ids = {r.values["external_id"] for r in plan.rows if r.values.get("external_id")}
    seen = set(
        BehaviourEvent.objects.filter(school=school, external_id__in=ids).values_list(
            "external_id", flat=True
        )
    )
    in_file: dict[str, int] = {}
    for row in plan.rows:
        if not row.errors:
            row.pupil = pupils.get(row.upn)
            if row.pupil is None:
                row.errors.append(f"No pupil in this school has the UPN {row.upn}.")
        ext = row.values.get("external_id")
        if ext and ext in in_file:
            row.errors.append(f"The id {ext} is also on line {in_file[ext]}.")
        elif ext:
            in_file[ext] = row.line
        if row.errors:
            row.action = ERROR
        elif ext and ext in seen:
            row.action = DUPLICATE
    return plan


@transaction.atomic
def import_create(
    *, school: School, original_name: str, content: bytes, by: User
) -> BehaviourImport:
    """Store an uploaded file and record its dry-run counts."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportRefused("The file is over 10 MB: export a shorter period at a time.")
    batch = BehaviourImport.objects.create(
        school=school, original_name=original_name[:255], content=content, created_by=by
    )
    batch.summary = {"dry_run": plan_events(school=school, content=content).counts}
    batch.save(update_fields=["summary"])
    log_action(batch, "interventions.behaviour_import.uploaded", actor=by, data=batch.summary)
    return batch


@transaction.atomic
def import_apply(*, batch: BehaviourImport, by: User) -> dict[str, int]:
    """Apply a file all or nothing: re-plan under lock, write new events, audit; refuse twice."""
    locked = BehaviourImport.objects.select_for_update().get(pk=batch.pk)
    if locked.applied_at is not None:
        when = timezone.localtime(locked.applied_at)
        raise ImportRefused(
            f"This file was already imported on {when:%d/%m/%Y} at {when:%H:%M}. "
            "Nothing was changed."
        )
    plan = plan_events(school=locked.school, content=bytes(locked.content))
    if not plan.ok:
        raise ImportRefused(
            "Nothing was imported: correct the rows with errors and upload the file again."
        )
    BehaviourEvent.objects.bulk_create(
        [
            BehaviourEvent(school_id=locked.school_id, pupil=r.pupil, recorded_by=by, **r.values)
            for r in plan.rows
            if r.action == CREATE
        ]
    )
    counts = plan.counts
    locked.applied_at, locked.applied_by = timezone.now(), by
    locked.summary = {**locked.summary, "applied": counts}
    locked.save(update_fields=["applied_at", "applied_by", "summary"])
    log_action(locked, "interventions.behaviour_import.applied", actor=by, data=counts)
    batch.applied_at, batch.summary = locked.applied_at, locked.summary
    return counts
