"""Read a CSV exported from the MIS (SIMS, Arbor, Bromcom) through a school's column mapping.

The mapping machinery (``Column``, ``columns_problems``, ``mapping_save``, ``mapped_rows``) is
shared with other imports of other systems' CSV exports, e.g. behaviour events.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from pupils.importers.apply import (
    ImportRefused,
    ParseResult,
    PupilRow,
    SENPeriod,
    mark_duplicate_upns,
)
from pupils.importers.values import (
    parse_date,
    parse_nc_year,
    parse_need,
    parse_provision,
    parse_sex,
    upn_problem,
)
from pupils.models import ImportMapping
from staff.audit import log_action
from staff.models import School, User


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    required: bool
    # Headers recognised when the mapping leaves this field blank (compared case-insensitively).
    aliases: tuple[str, ...] = ()


# Our fields, in the order the mapping form shows them. Required ones must be mapped.
COLUMNS = [
    Column("upn", "UPN", True),
    Column("legal_surname", "Legal surname", True),
    Column("legal_forename", "Legal forename", True),
    Column("preferred_surname", "Preferred surname", False),
    Column("preferred_forename", "Preferred forename", False),
    Column("date_of_birth", "Date of birth", True),
    Column("sex", "Sex", True),
    Column("nc_year", "NC year", False),
    Column("registration_group", "Registration group", False),
    Column("sen_provision", "SEN status (N, K or E)", False),
    Column("primary_need", "Primary need", False),
    Column("secondary_need", "Secondary need", False),
    Column("sen_start_date", "SEN start date", False),
    # Optional, and recognised without mapping: not every school exports it.
    Column("ethnicity", "Ethnicity", False, ("ethnicity", "ethnic group", "ethnic origin")),
]
COLUMN_NAMES = [c.name for c in COLUMNS]

# Header sets as each MIS's standard pupil export names them; schools adjust and save their own.
DEFAULT_COLUMNS: dict[str, dict[str, str]] = {
    ImportMapping.Source.SIMS: {
        "upn": "UPN",
        "legal_surname": "Legal Surname",
        "legal_forename": "Legal Forename",
        "preferred_surname": "",
        "preferred_forename": "Preferred Forename",
        "date_of_birth": "DOB",
        "sex": "Gender",
        "nc_year": "Year",
        "registration_group": "Reg",
        "sen_provision": "SEN Status",
        "primary_need": "Primary Need",
        "secondary_need": "Secondary Need",
        "sen_start_date": "SEN Start Date",
    },
    ImportMapping.Source.ARBOR: {
        "upn": "UPN",
        "legal_surname": "Last Name",
        "legal_forename": "First Name",
        "preferred_surname": "",
        "preferred_forename": "",
        "date_of_birth": "Date of Birth",
        "sex": "Sex",
        "nc_year": "Year Group",
        "registration_group": "Registration Form",
        "sen_provision": "SEN Status",
        "primary_need": "Primary SEN Need",
        "secondary_need": "Secondary SEN Need",
        "sen_start_date": "",
    },
    ImportMapping.Source.BROMCOM: {
        "upn": "UPN",
        "legal_surname": "Legal Surname",
        "legal_forename": "Legal First Name",
        "preferred_surname": "Preferred Surname",
        "preferred_forename": "Preferred First Name",
        "date_of_birth": "Date Of Birth",
        "sex": "Gender",
        "nc_year": "NC Year",
        "registration_group": "Tutor Group",
        "sen_provision": "SEN Provision",
        "primary_need": "SEN Need 1",
        "secondary_need": "SEN Need 2",
        "sen_start_date": "SEN Start Date",
    },
}


def columns_problems(columns: dict[str, str], spec: Sequence[Column] = COLUMNS) -> list[str]:
    """Say which required fields a mapping leaves without a column (or a header to recognise)."""
    missing = [
        c.label
        for c in spec
        if c.required and not c.aliases and not (columns.get(c.name) or "").strip()
    ]
    return [f"Choose the column for: {', '.join(missing)}."] if missing else []


@transaction.atomic
def mapping_save(
    *,
    school: School,
    name: str,
    source: str,
    columns: dict[str, str],
    by: User | None,
    kind: str = ImportMapping.Kind.PUPILS,
    spec: Sequence[Column] = COLUMNS,
) -> ImportMapping:
    """Create or replace the school's saved column mapping called ``name`` for ``kind``."""
    problems = columns_problems(columns, spec)
    if problems:
        raise ImportRefused(" ".join(problems))
    mapping, _ = ImportMapping.objects.select_for_update().get_or_create(
        school=school, kind=kind, name=name.strip(), defaults={"source": source}
    )
    mapping.source = source
    mapping.columns = {c.name: (columns.get(c.name) or "").strip() for c in spec}
    mapping.full_clean()
    mapping.save()
    log_action(
        mapping, "pupils.import_mapping.saved", actor=by, data={"source": source, "kind": kind}
    )
    return mapping


def decode(content: bytes) -> tuple[str, str]:
    """Return (text, encoding name) for UTF-8 (with or without BOM) or Windows-1252 bytes."""
    if not content.strip():
        raise ImportRefused("The file is empty.")
    if content.startswith(b"PK\x03\x04"):
        raise ImportRefused(
            "This looks like an Excel workbook: save it as CSV (comma separated) and upload that."
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content:
        raise ImportRefused(
            "The file is not UTF-8 or Windows-1252 text (it looks like UTF-16): "
            'export it again as "CSV UTF-8".'
        )
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"The file is neither UTF-8 nor Windows-1252 text (byte {exc.start + 1} cannot be "
            'read): export it again as "CSV UTF-8".'
        ) from None


def _header_key(value: str) -> str:
    return " ".join(value.strip().lower().split())


@dataclass
class MappedRows:
    """A CSV read through a mapping: (line number, our field -> cell) per non-blank row."""

    rows: list[tuple[int, dict[str, str]]]
    file_errors: list[str]
    encoding: str = ""


def mapped_rows(
    content: bytes, columns: dict[str, str], spec: Sequence[Column] = COLUMNS
) -> MappedRows:
    """Read a CSV export's rows through ``columns`` (our field -> its header).

    A field the mapping leaves blank is found by its aliases, if it has any; a required field
    found neither way, or a mapped header the file lacks, is a file error naming the file's
    columns so the person can correct the mapping.
    """
    out = MappedRows(rows=[], file_errors=columns_problems(columns, spec))
    if out.file_errors:
        return out
    try:
        text, out.encoding = decode(content)
    except ImportRefused as exc:
        out.file_errors.append(str(exc))
        return out
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next((r for r in reader if any(c.strip() for c in r)), None)
        if header is None:
            out.file_errors.append("The file is empty.")
            return out
        positions = {_header_key(h): i for i, h in reversed(list(enumerate(header)))}
        found = ", ".join(f'"{h.strip()}"' for h in header[:30] if h.strip())
        index, missing, unmatched = {}, [], []
        for column in spec:
            mapped = (columns.get(column.name) or "").strip()
            if mapped:
                if _header_key(mapped) in positions:
                    index[column.name] = positions[_header_key(mapped)]
                else:
                    missing.append(mapped)
                continue
            alias = next((a for a in column.aliases if _header_key(a) in positions), None)
            if alias is not None:
                index[column.name] = positions[_header_key(alias)]
            elif column.required:
                unmatched.append(column.label)
        if missing:
            out.file_errors.append(
                f"The file has no column {', '.join(repr(m) for m in missing)} (the mapping "
                f"expects it). The file's columns are: {found}. Choose another mapping or "
                "correct the column names."
            )
        if unmatched:
            out.file_errors.append(
                f"Choose the column for: {', '.join(unmatched)}. The file's columns are: {found}."
            )
        if out.file_errors:
            return out
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            values = {n: (cells[i].strip() if i < len(cells) else "") for n, i in index.items()}
            out.rows.append((reader.line_num, values))
    except csv.Error as exc:
        out.rows = []
        out.file_errors.append(f"Line {reader.line_num}: this is not readable CSV ({exc}).")
    return out


def parse(content: bytes, columns: dict[str, str]) -> ParseResult:
    """Parse a MIS CSV export through ``columns`` (our field -> the header that holds it)."""
    result = ParseResult()
    read = mapped_rows(content, columns)
    if read.encoding:
        result.info["encoding"] = read.encoding
    result.file_errors += read.file_errors
    if result.file_errors:
        return result
    result.rows = [_row(values, line) for line, values in read.rows]
    if not result.rows:
        result.file_errors.append("The file has no pupils in it (only a header row).")
    mark_duplicate_upns(result.rows)
    return result


def _row(values: dict[str, str], line: int) -> PupilRow:
    upn = values["upn"].replace(" ", "").upper()
    row = PupilRow(where=f"Line {line}", upn=upn)
    problem = upn_problem(upn)
    if problem:
        row.errors.append(problem)
    for name, label in (("legal_surname", "surname"), ("legal_forename", "forename")):
        if values[name]:
            row.fields[name] = values[name]
        else:
            row.errors.append(f"The legal {label} is blank.")
    for name in ("preferred_surname", "preferred_forename", "registration_group", "ethnicity"):
        if name in values:
            row.fields[name] = values[name]
    readers = (
        ("date_of_birth", parse_date, "Date of birth"),
        ("sex", parse_sex, "Sex"),
        ("nc_year", parse_nc_year, "NC year"),
    )
    for name, reader, label in readers:
        raw = values.get(name, "")
        if not raw:
            if name != "nc_year":  # a blank year leaves ours alone
                row.errors.append(f"{label} is blank.")
            continue
        try:
            row.fields[name] = reader(raw)
        except ValueError as exc:
            row.errors.append(f"{label}: {exc}")
    if "sen_provision" in values:
        _sen(values, row)
    return row


def _sen(values: dict[str, str], row: PupilRow) -> None:
    try:
        provision, legacy_statement, note = parse_provision(values["sen_provision"])
    except ValueError as exc:
        row.errors.append(str(exc))
        return
    if note:
        row.notes.append(note)
    needs = []
    for name in ("primary_need", "secondary_need"):
        if values.get(name):
            code, note = parse_need(values[name])
            needs.append(code)
            if note:
                row.notes.append(note)
    if not values.get("primary_need") and values.get("secondary_need"):
        row.errors.append("There is a secondary need but no primary need.")
        return
    start = None
    if values.get("sen_start_date"):
        try:
            start = parse_date(values["sen_start_date"])
        except ValueError as exc:
            row.errors.append(f"SEN start date: {exc}")
            return
    row.sen = [SENPeriod(provision, start, needs, legacy_statement)]
