"""Read a DfE Common Transfer File (CTF 25 XML) into pupil rows with their SEN history.

``defusedxml`` is not a dependency, so before the standard library parser sees a byte we refuse any
document with a DTD or entity declaration (CTFs never carry one) and anything not in an
ASCII-compatible encoding, where such a declaration could hide from that check.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET  # DTDs refused in _refuse_unsafe
from typing import Any

from pupils.importers.apply import ParseResult, PupilRow, SENPeriod, mark_duplicate_upns
from pupils.importers.values import (
    parse_date,
    parse_nc_year,
    parse_need,
    parse_provision,
    parse_sex,
    upn_problem,
)
from send_hub.lib.dates import nice_date

_UNSAFE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARED = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
# Encodings the parser reads byte for byte, so the checks above see the whole document. UTF-7 and
# the like could hide a declaration from them; the parser cannot read UTF-32 or EBCDIC at all.
READABLE_ENCODINGS = frozenset(
    {
        "utf-8",
        "us-ascii",
        "ascii",
        "iso-8859-1",
        "latin-1",
        "latin1",
        "iso-8859-15",
        "windows-1252",
        "cp1252",
    }
)


def _refuse_unsafe(content: bytes) -> str | None:
    if not content.strip():
        return "The file is empty."
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content:
        return "The file is not UTF-8 text (it looks like UTF-16): export the CTF again as UTF-8."
    if _UNSAFE.search(content):
        return (
            "The file contains a DOCTYPE or ENTITY declaration, which a Common Transfer File "
            "never has, so it was not read (such declarations can be used to attack a server)."
        )
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"<"):
        return "This is not XML. Did you mean to import a CSV export from the MIS?"
    declared = _DECLARED.match(start)
    if declared:
        name = declared.group(1).decode("ascii", "replace").strip()
        if name.lower() not in READABLE_ENCODINGS:
            return (
                f"The file says it is written in the {name or 'blank'} encoding, which SEND Hub "
                "cannot read. Export the CTF again as UTF-8 (the usual setting)."
            )
    return None


def _text(el: ET.Element, *paths: str) -> str | None:
    """Return the stripped text at the first of ``paths`` present under ``el`` (None if none is)."""
    for path in paths:
        found = el.find(path)
        if found is not None:
            return (found.text or "").strip()
    return None


def _needs(elements: list[ET.Element], row: PupilRow) -> list[tuple[int, str, dt.date | None]]:
    needs = []
    for el in elements:
        rank_text = _text(el, "SENtypeRank") or ""
        code_text = _text(el, "SENtype") or ""
        if not rank_text.isdigit():
            row.errors.append(f'A SEN need has rank "{rank_text}": ranks are whole numbers.')
            continue
        code, note = parse_need(code_text)
        if note:
            row.notes.append(note)
        start = None
        start_text = _text(el, "NeedStartDate")
        if start_text:
            try:
                start = parse_date(start_text)
            except ValueError as exc:
                row.errors.append(f"SEN need start date: {exc}")
        needs.append((int(rank_text), code, start))
    return needs


def _ranked(needs: list[tuple[int, str, Any]], row: PupilRow, when: str) -> list[str]:
    """Turn ranked needs into [primary, secondary]; report gaps and ties."""
    by_rank: dict[int, str] = {}
    for rank, code, _ in needs:
        if rank in by_rank:
            row.errors.append(f"SEN{when}: two needs are ranked {rank}.")
        by_rank[rank] = code
    if any(rank > 2 for rank in by_rank):
        row.notes.append(f"SEN{when}: needs ranked 3 or lower are not kept (census keeps two).")
    if 2 in by_rank and 1 not in by_rank:
        row.errors.append(f"SEN{when}: there is a secondary need but no primary need (rank 1).")
    return [by_rank[r] for r in (1, 2) if r in by_rank]


def _sen_history(pupil_el: ET.Element, row: PupilRow) -> list[SENPeriod] | None:
    history = pupil_el.find("SENhistory")
    if history is None:
        history = pupil_el.find("BasicDetails/SENhistory")
    if history is None or not history.findall("SEN"):
        return None
    # Each period with its start date (a CTF always dates them) and the needs listed in it.
    periods: list[tuple[dt.date, SENPeriod, list[tuple[int, str, Any]]]] = []
    for sen in history.findall("SEN"):
        start_text = _text(sen, "StartDate") or ""
        provision_text = _text(sen, "SENprovision") or ""
        try:
            start = parse_date(start_text)
        except ValueError as exc:
            row.errors.append(f"SEN start date: {exc}")
            continue
        if not provision_text:
            row.errors.append(f"SEN from {nice_date(start)} has no SENprovision code.")
            continue
        try:
            provision, legacy_statement, note = parse_provision(provision_text)
        except ValueError as exc:
            row.errors.append(str(exc))
            continue
        if note:
            row.notes.append(note)
        own = _needs(sen.findall("SENneeds/SENneed"), row)
        periods.append((start, SENPeriod(provision, start, [], legacy_statement), own))
    if not periods:
        return []
    periods.sort(key=lambda p: p[0])
    latest = periods[-1]
    # Needs listed beside the SEN elements are the current ones, unless dated to a period.
    for rank, code, need_start in _needs(history.findall("SENneeds/SENneed"), row):
        if need_start is None:
            latest[2].append((rank, code, None))
            continue
        target = None
        for period_start, _period, own in periods:
            if period_start <= need_start:
                target = own
        if target is None:
            row.notes.append(
                f"A need dated {nice_date(need_start)} is before any SEN period: ignored."
            )
        else:
            target.append((rank, code, need_start))
    result = []
    for period_start, period, own in periods:
        when = f" from {nice_date(period_start)}"
        period.needs = _ranked(own, row, when)
        # Real CTFs give needs for the current period only: earlier ones may have none.
        period.strict = period is latest[1] or bool(period.needs)
        result.append(period)
    return result


def _pupil(pupil_el: ET.Element, position: int) -> PupilRow:
    upn = (_text(pupil_el, "UPN") or "").upper()
    row = PupilRow(where=f"Pupil {position}", upn=upn)
    problem = upn_problem(upn)
    if problem:
        row.errors.append(problem)
    fields = row.fields
    for name, paths in (
        ("legal_surname", ("Surname", "BasicDetails/Surname")),
        ("legal_forename", ("Forename", "BasicDetails/Forename")),
    ):
        value = _text(pupil_el, *paths)
        if not value:
            row.errors.append(f"The {name.split('_')[1]} is missing.")
        else:
            fields[name] = value
    for name, paths in (
        ("preferred_surname", ("PreferredSurname", "BasicDetails/PreferredSurname")),
        ("preferred_forename", ("PreferredForename", "BasicDetails/PreferredForename")),
    ):
        value = _text(pupil_el, *paths)
        if value is not None:
            fields[name] = value
    dob = _text(pupil_el, "DOB", "BasicDetails/DOB")
    try:
        fields["date_of_birth"] = parse_date(dob or "")
    except ValueError as exc:
        row.errors.append(f"Date of birth: {exc}" if dob else "The date of birth is missing.")
    sex = _text(pupil_el, "Sex", "Gender", "BasicDetails/Sex", "BasicDetails/Gender")
    try:
        fields["sex"] = parse_sex(sex or "")
    except ValueError as exc:
        row.errors.append(str(exc) if sex else "Sex (or Gender) is missing.")
    year = _text(pupil_el, "BasicDetails/NCyearActual", "NCyearActual")
    if year:
        try:
            fields["nc_year"] = parse_nc_year(year)
        except ValueError as exc:
            row.errors.append(str(exc))
    row.sen = _sen_history(pupil_el, row)
    return row


def parse(content: bytes) -> ParseResult:
    """Parse a CTF; file-level problems go in ``file_errors``, pupil problems on each row."""
    result = ParseResult()
    problem = _refuse_unsafe(content)
    if problem:
        result.file_errors.append(problem)
        return result
    try:
        root = ET.fromstring(content)  # noqa: S314 - DTDs and entities refused above
    except (LookupError, ValueError):  # an encoding the parser cannot read after all
        result.file_errors.append(
            "SEND Hub cannot read the encoding this file is written in. "
            "Export the CTF again as UTF-8 (the usual setting)."
        )
        return result
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        result.file_errors.append(
            f"The file is not well-formed XML (line {line}, column {column + 1}). "
            "Export the CTF again; do not edit it by hand."
        )
        return result
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:  # ignore any namespace
            el.tag = el.tag.split("}", 1)[1]
    if root.tag != "CTfile":
        result.file_errors.append(
            f"This is not a Common Transfer File: it starts with <{root.tag}>, not <CTfile>."
        )
        return result
    source = root.find("Header/SourceSchool")
    if source is not None:
        name = _text(source, "SchoolName") or "an unnamed school"
        la, estab, urn = (_text(source, tag) or "?" for tag in ("LEA", "Estab", "URN"))
        result.info["source_school"] = f"{name} (LA {la}, establishment {estab}, URN {urn})"
    pupils = root.findall("CTFpupilData/Pupil")
    if not pupils:
        result.file_errors.append("The file has no pupils in it (no CTFpupilData/Pupil).")
        return result
    result.rows = [_pupil(el, i) for i, el in enumerate(pupils, start=1)]
    mark_duplicate_upns(result.rows)
    return result
