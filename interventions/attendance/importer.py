"""Bring attendance marks in from a CSV exported by the MIS (SIMS, Arbor, Bromcom or any).

The same pattern as the pupil and behaviour imports, with their machinery: read through a
column mapping (the pupils import's saved mappings, kind ATTENDANCE; blank columns are found by
their usual names), per-row errors with line numbers -> a dry run -> an all-or-nothing apply
that refuses to run twice. A file replaces what SEND Hub holds for its pupils over the dates it
covers, so importing a week again changes nothing, and a corrected week replaces the old one.

One row is one session: UPN, date, AM or PM, and the DfE code. A half term for a secondary
school is ~60,000 rows, so the plan reads the pupils, codes and existing marks in four queries
and the apply writes only what differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from interventions.attendance.models import AttendanceCode, AttendanceImport, AttendanceMark
from pupils.importers.apply import MAX_UPLOAD_BYTES, ImportRefused
from pupils.importers.mis_csv import Column, mapped_rows
from pupils.importers.values import parse_date, upn_problem
from pupils.models import ImportMapping, Pupil
from send_hub.lib.dates import nice_date
from staff.audit import log_action
from staff.models import School, User

COLUMNS = [
    Column("upn", "UPN", True, ("UPN",)),
    Column("date", "Date", True, ("Date", "Session date", "Attendance date", "Mark date")),
    Column("session", "Session (AM or PM)", True, ("Session", "AM/PM", "AM PM", "Period")),
    Column("code", "Attendance code", True, ("Code", "Mark", "Attendance code", "Attendance mark")),
    Column("pupil_name", "Pupil name (shown on the preview)", False, ("Name", "Student name")),
]
DEFAULT_COLUMNS: dict[str, dict[str, str]] = {
    ImportMapping.Source.SIMS: {
        "upn": "UPN",
        "date": "Date",
        "session": "Session",
        "code": "Mark",
        "pupil_name": "",
    },
    ImportMapping.Source.ARBOR: {
        "upn": "UPN",
        "date": "Date",
        "session": "Session",
        "code": "Attendance Code",
        "pupil_name": "Student Name",
    },
    ImportMapping.Source.BROMCOM: {
        "upn": "UPN",
        "date": "Session Date",
        "session": "AM/PM",
        "code": "Attendance Mark",
        "pupil_name": "",
    },
    ImportMapping.Source.OTHER: {c.name: "" for c in COLUMNS},
}
SESSIONS = {
    "AM": AttendanceMark.Session.AM,
    "A": AttendanceMark.Session.AM,
    "MORNING": AttendanceMark.Session.AM,
    "1": AttendanceMark.Session.AM,
    "PM": AttendanceMark.Session.PM,
    "P": AttendanceMark.Session.PM,
    "AFTERNOON": AttendanceMark.Session.PM,
    "2": AttendanceMark.Session.PM,
}
CREATE, CHANGE, SAME, ERROR = "create", "change", "same", "error"
# A row about a pupil whose records are archived (left before today, records.archive): skipped,
# and named in the dry run, so a file that still holds a leaver's last weeks imports the rest.
ARCHIVED = "archived"
ERRORS_SHOWN = 200


@dataclass
class MarkRow:
    line: int
    upn: str
    date: dt.date | None = None
    session: str = ""
    code: str = ""
    name_in_file: str = ""
    errors: list[str] = field(default_factory=list)
    upn_ok: bool = False
    action: str = CREATE
    pupil_id: int | None = None
    was: str = ""
    note: str = ""


@dataclass
class MarkPlan:
    rows: list[MarkRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None
    # Marks SEND Hub holds in the file's dates for its pupils that the file does not have.
    removed: list[int] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, CHANGE: 0, SAME: 0, ERROR: 0, ARCHIVED: 0}
        for row in self.rows:
            counts[row.action] += 1
        found = {
            "created": counts[CREATE],
            "changed": counts[CHANGE],
            "unchanged": counts[SAME],
            "removed": len(self.removed),
            "errors": counts[ERROR] + len(self.file_errors),
        }
        if counts[ARCHIVED]:
            found["archived"] = counts[ARCHIVED]
        return found

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.counts["errors"]

    @property
    def error_rows(self) -> list[MarkRow]:
        return [r for r in self.rows if r.errors][:ERRORS_SHOWN]

    @property
    def archived_rows(self) -> list[MarkRow]:
        return [r for r in self.rows if r.action == ARCHIVED][:ERRORS_SHOWN]

    @property
    def pupils(self) -> int:
        return len({r.pupil_id for r in self.rows if r.pupil_id})


def parse(content: bytes, columns: dict[str, str] | None = None) -> MarkPlan:
    """Read the file through ``columns`` (our field -> header) into rows with their problems."""
    plan = MarkPlan()
    read = mapped_rows(content, columns or {}, COLUMNS)
    plan.file_errors += read.file_errors
    if plan.file_errors:
        return plan
    codes = set(AttendanceCode.objects.values_list("code", flat=True))
    # A file repeats each UPN and date many times: check each once.
    upn_problems: dict[str, str | None] = {}
    dates: dict[str, dt.date | str] = {}
    for line, values in read.rows:
        upn = values["upn"].replace(" ", "").upper()
        row = MarkRow(line=line, upn=upn, name_in_file=values.get("pupil_name", "")[:200])
        if upn not in upn_problems:
            upn_problems[upn] = upn_problem(upn)
        if problem := upn_problems[upn]:
            row.errors.append(problem)
        else:
            row.upn_ok = True
        raw_date = values["date"]
        if raw_date not in dates:
            try:
                dates[raw_date] = parse_date(raw_date)
            except ValueError as exc:
                dates[raw_date] = str(exc)
        day = dates[raw_date]
        if isinstance(day, dt.date):
            row.date = day
        else:
            row.errors.append(day)
        session = SESSIONS.get(values["session"].strip().upper())
        if session is None:
            row.errors.append(f'"{values["session"]}" is not a session: use AM or PM.')
        else:
            row.session = session
        code = values["code"].strip()
        code = code if code in codes else code.upper()
        if not code:
            row.errors.append("The attendance code is blank.")
        elif code not in codes:
            row.errors.append(
                f'"{code}" is not an attendance code SEND Hub knows. Check the export, or ask '
                "your administrator to add the code."
            )
        row.code = code
        plan.rows.append(row)
    if not plan.rows:
        plan.file_errors.append("The file has no marks in it (only a header row).")
    return plan


def plan_marks(
    *, school: School, content: bytes, columns: dict[str, str] | None = None
) -> MarkPlan:
    """Parse and compare with the school's pupils and the marks it holds (four queries: the
    pupils, which of them are archived leavers, the codes, the marks)."""
    plan = parse(content, columns)
    upns = {r.upn for r in plan.rows if r.upn_ok}
    school_pupils = Pupil.objects.filter(school=school, upn__in=upns)
    pupils = dict(school_pupils.values_list("upn", "pk"))
    # An archived leaver's records are read-only (records.archive): their rows are skipped.
    archived: dict[str, dt.date] = {
        upn: left
        for upn, left in school_pupils.archived().values_list("upn", "leaving_date")
        if left is not None
    }
    in_file: dict[tuple[int, dt.date, str], int] = {}
    for row in plan.rows:
        if row.upn_ok:
            row.pupil_id = pupils.get(row.upn)
            if row.pupil_id is None:
                row.errors.append(f"No pupil in this school has the UPN {row.upn}.")
            elif row.upn in archived:
                row.pupil_id, row.action, row.errors = None, ARCHIVED, []
                row.note = (
                    f"The pupil with UPN {row.upn} left on {nice_date(archived[row.upn])}; "
                    "their records are archived and read-only, so this row is skipped."
                )
                continue
        if row.pupil_id and row.date and row.session:
            # checked even when another field is wrong, so the row names both problems
            key = (row.pupil_id, row.date, row.session)
            if key in in_file:
                row.errors.append(
                    f"This pupil's {row.session} session on {nice_date(row.date)} is also on "
                    f"line {in_file[key]}."
                )
            else:
                in_file[key] = row.line
        if row.errors:
            row.action = ERROR
    days = [r.date for r in plan.rows if r.date]
    if not days or plan.file_errors:
        return plan
    plan.start, plan.end = min(days), max(days)
    held = AttendanceMark.objects.filter(
        school=school,
        pupil_id__in={r.pupil_id for r in plan.rows if r.pupil_id},
        date__gte=plan.start,
        date__lte=plan.end,
    ).values_list("pk", "pupil_id", "date", "session", "code_id")
    existing = {(p, d, s): (pk, code) for pk, p, d, s, code in held}
    wanted = set(in_file)
    for row in plan.rows:
        if row.action == ERROR or row.pupil_id is None or row.date is None:
            continue
        found = existing.get((row.pupil_id, row.date, row.session))
        if found is None:
            continue
        pk, row.was = found
        if row.was == row.code:
            row.action = SAME
        else:
            row.action = CHANGE
            plan.replaced.append(pk)
    plan.removed = [pk for key, (pk, _) in existing.items() if key not in wanted]
    return plan


def batch_columns(batch: AttendanceImport) -> dict[str, str]:
    """Return the columns a batch was uploaded with (none: the usual names are recognised)."""
    return dict((batch.summary or {}).get("columns") or {})


@transaction.atomic
def import_create(
    *,
    school: School,
    original_name: str,
    content: bytes,
    by: User | None,
    columns: dict[str, str] | None = None,
    source: str = "",
) -> AttendanceImport:
    """Store an uploaded file with the columns to read it by, and record its dry-run counts."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportRefused("The file is over 10 MB: export a shorter period at a time.")
    columns = {c.name: (columns or {}).get(c.name, "").strip() for c in COLUMNS}
    batch = AttendanceImport.objects.create(
        school=school, original_name=original_name[:255], content=content, created_by=by
    )
    plan = plan_marks(school=school, content=content, columns=columns)
    batch.summary = {
        "columns": columns,
        "source": source,
        "dry_run": plan.counts,
        "start": plan.start.isoformat() if plan.start else None,
        "end": plan.end.isoformat() if plan.end else None,
    }
    batch.save(update_fields=["summary"])
    log_action(batch, "interventions.attendance_import.uploaded", actor=by, data=batch.summary)
    return batch


@transaction.atomic
def import_apply(*, batch: AttendanceImport, by: User | None) -> dict[str, int]:
    """Apply a file all or nothing: re-plan under lock, replace what differs, audit; once."""
    locked = AttendanceImport.objects.select_for_update().get(pk=batch.pk)
    if locked.applied_at is not None:
        when = timezone.localtime(locked.applied_at)
        raise ImportRefused(
            f"This file was already imported on {nice_date(when)} at {when:%H:%M}. "
            "Nothing was changed."
        )
    plan = plan_marks(
        school=locked.school, content=bytes(locked.content), columns=batch_columns(locked)
    )
    if not plan.ok:
        raise ImportRefused(
            "Nothing was imported: correct the rows with errors and upload the file again."
        )
    gone = plan.removed + plan.replaced
    for at in range(0, len(gone), 5000):
        AttendanceMark.objects.filter(pk__in=gone[at : at + 5000]).delete()
    AttendanceMark.objects.bulk_create(
        [
            AttendanceMark(
                school_id=locked.school_id,
                pupil_id=r.pupil_id,
                date=r.date,
                session=r.session,
                code_id=r.code,
            )
            for r in plan.rows
            if r.action in (CREATE, CHANGE) and r.pupil_id is not None and r.date is not None
        ],
        batch_size=2000,
    )
    counts = plan.counts
    locked.applied_at, locked.applied_by = timezone.now(), by
    locked.summary = {**locked.summary, "applied": counts}
    locked.save(update_fields=["applied_at", "applied_by", "summary"])
    log_action(locked, "interventions.attendance_import.applied", actor=by, data=counts)
    batch.applied_at, batch.summary = locked.applied_at, locked.summary
    return counts
