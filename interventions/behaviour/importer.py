"""Bring behaviour events in from a CSV exported by the MIS or behaviour system.

The same pattern as the pupils import, with its helpers: parse through a column mapping (the
pupils import's saved mappings, kind BEHAVIOUR; blank columns are recognised by their usual
names) with per-row errors and line numbers -> a dry-run preview -> an all-or-nothing apply
that refuses to run twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from interventions.behaviour.models import BehaviourEvent, BehaviourImport
from pupils.importers.apply import MAX_UPLOAD_BYTES, ImportRefused
from pupils.importers.mis_csv import Column, mapped_rows
from pupils.importers.values import parse_date, upn_problem
from pupils.models import ImportMapping, Pupil
from send_hub.lib.dates import nice_date
from staff.audit import log_action
from staff.models import School, User

# Our fields, in the order the mapping form shows them, each with the headers the common
# exports use for it (recognised when the mapping leaves the field blank).
COLUMNS = [
    Column("upn", "UPN", True, ("UPN",)),
    Column("date", "Date", True, ("Date", "Event date", "Incident date")),
    Column("kind", "Type (reward, sanction, positive, negative...)", True, ("Type", "Kind")),
    Column(
        "category",
        "Category (what the behaviour was)",
        True,
        ("Category", "Behaviour type", "Achievement type", "Reason", "Behaviour"),
    ),
    Column("points", "Points", False, ("Points", "Point", "Score")),
    Column("external_id", "Event id", False, ("ID", "Event ID", "Incident ID", "Reference")),
    Column("note", "Comment", False, ("Note", "Comment", "Comments", "Description", "Detail")),
    Column("pupil_name", "Pupil name (shown on the preview)", False, ("Student name",)),
    Column("lesson", "Lesson (added to the comment)", False, ("Lesson",)),
    Column("staff", "Staff member (added to the comment)", False, ("Teacher", "Staff")),
]
# Standard exports a school starts its mapping from. Blank: recognised by the usual names.
DEFAULT_COLUMNS: dict[str, dict[str, str]] = {
    ImportMapping.Source.OTHER: {c.name: "" for c in COLUMNS},
    ImportMapping.Source.CLASS_CHARTS: {
        "upn": "UPN",
        "date": "Date",
        "kind": "Type",
        "category": "Behaviour",
        "points": "Points",
        "external_id": "",
        "note": "Detail",
        "pupil_name": "Student Name",
        "lesson": "Lesson",
        "staff": "Teacher",
    },
    # PARS-style behaviour exports: one row per incident or achievement, with its own id.
    ImportMapping.Source.PARS: {
        "upn": "UPN",
        "date": "Date",
        "kind": "Type",
        "category": "Incident Type",
        "points": "Points",
        "external_id": "Incident ID",
        "note": "Comments",
        "pupil_name": "Student Name",
        "lesson": "",
        "staff": "Staff Member",
    },
}
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
    name_in_file: str = ""
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


def parse(content: bytes, columns: dict[str, str] | None = None) -> EventPlan:
    """Read the file through ``columns`` (our field -> header) into rows with their problems."""
    plan = EventPlan()
    read = mapped_rows(content, columns or {}, COLUMNS)
    plan.file_errors += read.file_errors
    if plan.file_errors:
        return plan
    seen: dict[str, int] = {}
    for line, values in read.rows:
        row = _row(values, line)
        if not row.values["external_id"] and not row.errors:
            row.values["external_id"] = _fingerprint(row, seen)
        plan.rows.append(row)
    if not plan.rows:
        plan.file_errors.append("The file has no events in it (only a header row).")
    return plan


def _fingerprint(row: EventRow, seen: dict[str, int]) -> str:
    """Give an event without the system's own id a stable one made from what the row says.

    Re-uploading the same export, or one that overlaps it, then finds those events already
    imported; two identical rows in one file stay two events (numbered in file order).
    """
    v = row.values
    raw = "|".join(
        str(x)
        for x in (row.upn, v["occurred_on"], v["kind"], v["category"], v["points"], v["note"])
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    seen[digest] = seen.get(digest, 0) + 1
    return f"auto:{digest}:{seen[digest]}"


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
    # Lesson and staff member have no field of their own: they lead the comment.
    context = [
        f"{label}: {values[name]}"
        for name, label in (("lesson", "Lesson"), ("staff", "Staff"))
        if values.get(name)
    ]
    row.values["note"] = ". ".join(p for p in [*context, values.get("note", "")] if p)[:300]
    row.name_in_file = values.get("pupil_name", "")[:200]
    return row


def plan_events(
    *, school: School, content: bytes, columns: dict[str, str] | None = None
) -> EventPlan:
    """Parse and compare with the school's pupils and earlier imports (two queries)."""
    plan = parse(content, columns)
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
            elif row.pupil.is_archived and row.pupil.leaving_date:
                # An archived leaver's records are read-only (records.archive).
                row.errors.append(
                    f"{row.pupil.display_name} left on {nice_date(row.pupil.leaving_date)}; "
                    "their records are archived and read-only."
                )
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


def batch_columns(batch: BehaviourImport) -> dict[str, str]:
    """Return the columns a batch was uploaded with (none: the usual names are recognised)."""
    return dict((batch.summary or {}).get("columns") or {})


@transaction.atomic
def import_create(
    *,
    school: School,
    original_name: str,
    content: bytes,
    by: User,
    columns: dict[str, str] | None = None,
    source: str = "",
) -> BehaviourImport:
    """Store an uploaded file with the columns to read it by, and record its dry-run counts."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportRefused("The file is over 10 MB: export a shorter period at a time.")
    columns = {c.name: (columns or {}).get(c.name, "").strip() for c in COLUMNS}
    batch = BehaviourImport.objects.create(
        school=school, original_name=original_name[:255], content=content, created_by=by
    )
    plan = plan_events(school=school, content=content, columns=columns)
    batch.summary = {"columns": columns, "source": source, "dry_run": plan.counts}
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
            f"This file was already imported on {nice_date(when)} at {when:%H:%M}. "
            "Nothing was changed."
        )
    plan = plan_events(
        school=locked.school, content=bytes(locked.content), columns=batch_columns(locked)
    )
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
