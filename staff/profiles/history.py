"""Who changed what in a role profile: its own history and its rows', as one timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from staff.models import RoleProfile
from staff.profiles.io import PARTS

ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
# Bookkeeping fields nobody needs to read about.
QUIET = {"updated_at", "created_at", "order"}
LIMIT = 300


@dataclass
class Change:
    when: datetime
    who: Any
    what: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)


def _shorten(value: Any) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 160 else text[:157] + "…"


def _changes_for(records: list[Any], model: Any, label: str) -> list[Change]:
    """Turn one model's history rows (oldest first) into changes, each against the one before."""
    out = []
    previous: dict[int, Any] = {}
    for record in records:
        before = previous.get(record.id)
        fields: list[tuple[str, str, str]] = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before)
            for change in delta.changes:
                if change.field in QUIET:
                    continue
                verbose = str(model._meta.get_field(change.field).verbose_name)
                fields.append((verbose, _shorten(change.old), _shorten(change.new)))
            if not fields:
                previous[record.id] = record
                continue  # a save that changed nothing worth telling
        name = str(record.instance)
        out.append(
            Change(
                when=record.history_date,
                who=record.history_user,
                what=f"{label} “{name}”" if label else name,
                action=ACTIONS.get(record.history_type, record.history_type),
                fields=fields,
            )
        )
        previous[record.id] = record
    return out


def profile_changes(profile: RoleProfile) -> list[Change]:
    """Return the changes made to ``profile`` and its rows, newest first."""
    own = list(
        RoleProfile.history.filter(id=profile.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes = _changes_for(own, RoleProfile, "")
    for _key, model, _names in PARTS:
        records = list(
            model.history.filter(profile_id=profile.pk)  # type: ignore[attr-defined]
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        label = str(model._meta.verbose_name).capitalize()
        changes += _changes_for(records, model, label)
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:LIMIT]
