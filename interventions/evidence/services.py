"""Writes for the provision map's inputs: each saves in one transaction with its audit row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models, transaction

from interventions.evidence.models import (
    InClassSupport,
    ProvisionCost,
    ProvisionSettings,
    TopUpFunding,
)
from staff.audit import log_action
from staff.models import School, User

ENTRIES: dict[str, type[models.Model]] = {
    "support": InClassSupport,
    "cost": ProvisionCost,
    "topup": TopUpFunding,
}


def audit(obj: models.Model | None, action: str, *, by: User, school: School, **data: Any) -> None:
    """Record ``interventions.<action>`` under the school (ids and codes only)."""
    log_action(obj, f"interventions.{action}", actor=by, school=school, data=data)


@transaction.atomic
def provision_settings_save(*, school: School, by: User, **fields: Any) -> ProvisionSettings:
    """Save the school's ledger threshold, staff rate, on-costs and notional SEN budget."""
    found, _ = ProvisionSettings.objects.select_for_update().get_or_create(school=school)
    for name, value in fields.items():
        setattr(found, name, value)
    found.updated_by = by
    found.full_clean()
    found.save()
    changed = {k: str(v) if isinstance(v, Decimal) else v for k, v in fields.items()}
    audit(found, "provision_settings.changed", by=by, school=school, **changed)
    return found


@transaction.atomic
def provision_entry_add(*, entry: str, school: School, by: User, **fields: Any) -> models.Model:
    """Add in-class support, a resource or service, or top-up funding for the school."""
    made = ENTRIES[entry](school=school, created_by=by, **fields)
    made.full_clean()
    made.save()
    audit(made, f"provision_{entry}.added", by=by, school=school, pk=made.pk)
    return made


@transaction.atomic
def provision_entry_remove(*, entry: models.Model, school: School, by: User) -> None:
    """Remove an entry made in error (its audit row keeps that it existed)."""
    kind = next(k for k, m in ENTRIES.items() if isinstance(entry, m))
    pk = entry.pk
    entry.delete()
    audit(None, f"provision_{kind}.removed", by=by, school=school, pk=pk)
