"""Role profiles as JSON: what the admin exports and imports.

The file names the role a profile reports to by reference and title, never by database id, so
a profile exported from one school can be imported into another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from staff.models import (
    Accountability,
    Contact,
    Criterion,
    RoleProfile,
    SafeguardingDuty,
    Value,
)
from staff.models.profiles import STANDARD_FIELDS, ProfilePart

FORMAT = "send-hub/role-profiles"
FORMAT_VERSION = 1
MAX_PROFILES = 200

PROFILE_FIELDS = [
    "reference",
    "title",
    "department",
    "section",
    "specialism",
    "grade",
    "job_family_code",
    "evaluation_band",
    "salary_min",
    "salary_max",
    "salary_note",
    "hours_per_week",
    "working_pattern",
    "employer",
    "profile_date",
    "profile_date_month_only",
    "local_duties_reviewed",
    "reports_to_as_written",
    "summary",
    "purpose",
    *(name for field in STANDARD_FIELDS[1:] for name in (field, f"{field}_local")),
    "safeguarding_statement",
]

# Child rows: (key in the file, model, fields)
PARTS: list[tuple[str, type[ProfilePart], list[str]]] = [
    (
        "accountabilities",
        Accountability,
        [
            "heading",
            "reference",
            "standard_duties",
            "local_duties",
            "time_share",
            "lessons_per_week",
            "time_note",
            "activity",
        ],
    ),
    ("contacts", Contact, ["kind", "who", "purpose", "local_who"]),
    ("values", Value, ["name", "meaning"]),
    ("safeguarding_duties", SafeguardingDuty, ["name", "duty"]),
    ("criteria", Criterion, ["group", "text", "level", "assessed_by"]),
]
ASSESSED = dict(Criterion.ASSESSMENT_FIELDS)


def profile_to_dict(profile: RoleProfile) -> dict[str, Any]:
    """Return one profile (with its rows) as plain data; prefetch with ``with_contents()``."""
    data: dict[str, Any] = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    boss = profile.reports_to
    data["reports_to"] = {"reference": boss.reference, "title": boss.title} if boss else None
    for key, _model, names in PARTS:
        rows = []
        for row in getattr(profile, key).all():
            rows.append({name: getattr(row, name) for name in names})
        data[key] = rows
    return data


def profiles_to_json(profiles: list[RoleProfile]) -> str:
    """Return the export file for ``profiles``."""
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "profiles": [profile_to_dict(p) for p in profiles],
    }
    return json.dumps(payload, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


@dataclass
class ParsedProfile:
    """A profile read from a file, not yet saved, with its rows and whom it reports to."""

    profile: RoleProfile
    parts: dict[str, list[ProfilePart]] = field(default_factory=dict)
    reports_to: dict[str, str] | None = None


def parse_profiles(raw: bytes | str) -> list[ParsedProfile]:
    """Read an export file into unsaved profiles, or raise ValidationError saying what is wrong."""
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("This is not a JSON file.") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValidationError("This file is not a SEND Hub role profile export.")
    if payload.get("format_version") != FORMAT_VERSION:
        raise ValidationError("This export comes from a newer SEND Hub; it cannot be read here.")
    items = payload.get("profiles")
    if not isinstance(items, list) or not items:
        raise ValidationError("The file holds no role profiles.")
    if len(items) > MAX_PROFILES:
        raise ValidationError(f"Import at most {MAX_PROFILES} profiles at a time.")
    return [_parse_one(item, n) for n, item in enumerate(items, start=1)]


def _where(n: int, item: Any) -> str:
    title = item.get("title") if isinstance(item, dict) else None
    return f"Profile {n}" + (f" ({title})" if title else "")


def _convert(model: type[models.Model], name: str, value: Any, where: str) -> Any:
    model_field = model._meta.get_field(name)
    # The names come from PROFILE_FIELDS and PARTS: columns of the model, never a relation to it.
    if not isinstance(model_field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column.")
    if value is None and not model_field.null:
        return "" if isinstance(model_field, models.CharField | models.TextField) else value
    try:
        return model_field.to_python(value)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {name}: {' '.join(exc.messages)}") from None


def _parse_one(item: Any, n: int) -> ParsedProfile:
    where = _where(n, item)
    if not isinstance(item, dict):
        raise ValidationError(f"{where}: expected an object.")
    known = {*PROFILE_FIELDS, "reports_to", *(key for key, _m, _f in PARTS)}
    unknown = sorted(set(item) - known)
    if unknown:
        raise ValidationError(f"{where}: unknown fields {', '.join(unknown)}.")
    profile = RoleProfile(
        **{
            name: _convert(RoleProfile, name, item[name], where)
            for name in PROFILE_FIELDS
            if name in item
        }
    )
    parsed = ParsedProfile(profile=profile)
    boss = item.get("reports_to")
    if boss is not None:
        if not isinstance(boss, dict):
            raise ValidationError(f"{where}: reports_to must name a reference and a title.")
        parsed.reports_to = {
            "reference": str(boss.get("reference") or ""),
            "title": str(boss.get("title") or ""),
        }
    for key, model, names in PARTS:
        rows = item.get(key) or []
        if not isinstance(rows, list):
            raise ValidationError(f"{where}: {key} must be a list.")
        built: list[ProfilePart] = []
        for order, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or set(row) - set(names):
                raise ValidationError(f"{where}: {key} row {order} has unknown fields.")
            values = dict(row)
            letters = str(values.pop("assessed_by", "") or "").split()
            if set(letters) - set(ASSESSED):
                raise ValidationError(f"{where}: criteria row {order}: use the letters A T I R C.")
            obj = model(
                order=order,
                **{name: _convert(model, name, v, where) for name, v in values.items()},
                **{ASSESSED[letter]: True for letter in letters},
            )
            built.append(obj)
        parsed.parts[key] = built
    return parsed
