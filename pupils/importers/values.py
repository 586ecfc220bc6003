"""Reading an MIS file's values: dates, years, sex, provision and need codes, UPNs; shared by the
CSV and CTF parsers.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

from pupils.models import (
    NeedType,
    Provision,
    validate_upn,
)


def parse_date(value: str) -> dt.date:
    """Read dd/mm/yyyy or yyyy-mm-dd (a trailing time, as some exports add, is ignored)."""
    text = value.strip().split("T")[0].split(" ")[0]
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f'"{value}" is not a date: use dd/mm/yyyy or yyyy-mm-dd.')


_RECEPTION = {"R", "REC", "RECEPTION", "YR", "YEAR R", "Y R"}


_NURSERY = {"N1": -2, "NURSERY 1": -2, "N2": -1, "NURSERY 2": -1}


def parse_nc_year(value: str) -> int | None:
    """Read "Year 7", "Y7", "7", "R", "Reception", "N1", "N2" or "X" (not following the NC)."""
    text = " ".join(value.strip().upper().split())
    if text in _RECEPTION:
        return 0
    if text in _NURSERY:
        return _NURSERY[text]
    if text == "X":
        return None
    digits = re.sub(r"^(YEAR|YR|Y)\s*", "", text)
    if digits.isdigit() and 0 <= int(digits) <= 14:
        return int(digits)
    raise ValueError(f'"{value}" is not an NC year: use 1 to 14, R, N1, N2 or X.')


def parse_sex(value: str) -> str:
    text = value.strip().upper()
    if text in {"M", "MALE"}:
        return "M"
    if text in {"F", "FEMALE"}:
        return "F"
    raise ValueError(f'"{value}" is not a recorded sex: use M or F.')


_PROVISION_ALIASES = {
    "": Provision.NONE,
    "N": Provision.NONE,
    "NO SEN": Provision.NONE,
    "NONE": Provision.NONE,
    "K": Provision.SEN_SUPPORT,
    "SEN SUPPORT": Provision.SEN_SUPPORT,
    "E": Provision.EHCP,
    "EHCP": Provision.EHCP,
    "EHC PLAN": Provision.EHCP,
    "EDUCATION, HEALTH AND CARE PLAN": Provision.EHCP,
}


_LEGACY_SUPPORT = {"A", "P", "SCHOOL ACTION", "SCHOOL ACTION PLUS"}


_LEGACY_STATEMENT = {"S", "STATEMENT"}


def parse_provision(value: str) -> tuple[str, bool, str | None]:
    """Return (census code, was a legacy statement, note) for a provision value in a file."""
    text = " ".join(value.strip().upper().split())
    code = text.split(" - ")[0].strip() if " - " in text else text
    if code in _PROVISION_ALIASES:
        return _PROVISION_ALIASES[code], False, None
    if code in _LEGACY_SUPPORT:
        return Provision.SEN_SUPPORT, False, f"Legacy provision {code} recorded as K (SEN support)."
    if code in _LEGACY_STATEMENT:
        return Provision.EHCP, True, None
    raise ValueError(
        f'"{value}" is not a SEN provision code: use N, K or E (legacy A, P and S are read too).'
    )


_NEED_LABELS = {label.upper(): code for code, label in NeedType.choices}


def parse_need(value: str) -> tuple[str, str | None]:
    """Return (census need code, note); an unknown code is returned for validate_needs to report."""
    text = " ".join(value.strip().upper().split())
    code = text.split(" - ")[0].strip() if " - " in text else text
    code = _NEED_LABELS.get(code, code)
    if code == "BESD":
        return NeedType.SEMH, "Legacy need BESD recorded as SEMH."
    return code, None


def upn_problem(upn: str) -> str | None:
    """Return why ``upn`` cannot be used, or None."""
    if not upn:
        return "The UPN is blank."
    try:
        validate_upn(upn)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None
