"""Read a CSV exported from the MIS (SIMS, Arbor, Bromcom) through a school's column mapping."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from pupils.importers.apply import (
    ImportRefused,
    ParseResult,
    PupilRow,
    SENPeriod,
    mark_duplicate_upns,
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


def columns_problems(columns: dict[str, str]) -> list[str]:
    """Say which required fields a mapping leaves without a column."""
    missing = [c.label for c in COLUMNS if c.required and not (columns.get(c.name) or "").strip()]
    return [f"Choose the column for: {', '.join(missing)}."] if missing else []


@transaction.atomic
def mapping_save(
    *, school: School, name: str, source: str, columns: dict[str, str], by: User | None
) -> ImportMapping:
    """Create or replace the school's saved column mapping called ``name``."""
    problems = columns_problems(columns)
    if problems:
        raise ImportRefused(" ".join(problems))
    mapping, _ = ImportMapping.objects.select_for_update().get_or_create(
        school=school, name=name.strip(), defaults={"source": source}
    )
    mapping.source = source
    mapping.columns = {k: (columns.get(k) or "").strip() for k in COLUMN_NAMES}
    mapping.full_clean()
    mapping.save()
    log_action(mapping, "pupils.import_mapping.saved", actor=by, data={"source": source})
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


def parse(content: bytes, columns: dict[str, str]) -> ParseResult:
    """Parse a MIS CSV export through ``columns`` (our field -> the header that holds it)."""
    result = ParseResult()
    problems = columns_problems(columns)
    if problems:
        result.file_errors += problems
        return result
    try:
        text, encoding = decode(content)
    except ImportRefused as exc:
        result.file_errors.append(str(exc))
        return result
    result.info["encoding"] = encoding
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next((r for r in reader if any(c.strip() for c in r)), None)
        if header is None:
            result.file_errors.append("The file is empty.")
            return result
        positions = {_header_key(h): i for i, h in reversed(list(enumerate(header)))}
        wanted = {
            name: _header_key(columns[name])
            for name in COLUMN_NAMES
            if (columns.get(name) or "").strip()
        }
        missing = [columns[name] for name, key in wanted.items() if key not in positions]
        if missing:
            found = ", ".join(f'"{h.strip()}"' for h in header[:30] if h.strip())
            result.file_errors.append(
                f"The file has no column {', '.join(repr(m) for m in missing)} (the mapping "
                f"expects it). The file's columns are: {found}. Choose another mapping or "
                "correct the column names."
            )
            return result
        index = {name: positions[key] for name, key in wanted.items()}
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            values = {n: (cells[i].strip() if i < len(cells) else "") for n, i in index.items()}
            result.rows.append(_row(values, reader.line_num))
    except csv.Error as exc:
        result.file_errors.append(f"Line {reader.line_num}: this is not readable CSV ({exc}).")
        return result
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
    for name in ("preferred_surname", "preferred_forename", "registration_group"):
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
