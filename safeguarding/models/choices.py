"""What every safeguarding model shares: the casework choices and the append-only trigger."""

from __future__ import annotations

import pgtrigger
from django.db import models


def append_only() -> pgtrigger.Protect:
    """Return the trigger that makes PostgreSQL refuse any UPDATE or DELETE of a row."""
    return pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class Status(models.TextChoices):
    NEW = "NEW", "New"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    MONITORING = "MONITORING", "Monitoring"
    REFERRED = "REFERRED", "Referred"
    CLOSED = "CLOSED", "Closed"


class Risk(models.TextChoices):
    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"


class Involvement(models.TextChoices):
    """How a linked pupil is involved; categories belong to each pupil's link, never shared."""

    CONCERN_FOR = "CONCERN_FOR", "The child I am worried about"
    HARMED_OTHER = "HARMED_OTHER", "May have harmed another child"
    WITNESS = "WITNESS", "Saw or heard what happened"
    SIBLING = "SIBLING", "Brother or sister of a child involved"
    FAMILY = "FAMILY", "Family member of a child involved"
    OTHER = "OTHER", "Otherwise involved"
