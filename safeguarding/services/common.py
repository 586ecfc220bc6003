"""What every safeguarding service shares: the rule error, people by role, the current decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from pupils.models import Pupil
from safeguarding.models import (
    Category,
    Concern,
    ConcernPupil,
    Decision,
    Involvement,
    Status,
)
from staff.models import Membership, School, User

FUTURE_TOLERANCE = dt.timedelta(minutes=10)


class RuleError(ValidationError):
    """A safeguarding rule stops this; the message tells the person what to do instead."""


@dataclass
class PupilLink:
    """One pupil for a new concern, with their own involvement and their own categories."""

    pupil: Pupil
    involvement: str
    categories: list[Category] = field(default_factory=list)


def job_title(user: User, school: School | int) -> str:
    """Return the title ``user`` works under in ``school`` (their own title if none is set)."""
    school_id = school.pk if isinstance(school, School) else school
    membership = Membership.objects.filter(user=user, school_id=school_id).first()
    return (membership.job_title if membership else "") or user.job_title


def people_with_role(school: School | int, *roles: str) -> QuerySet[User]:
    """Return the active people holding any of ``roles`` in ``school``."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__school=school,
            memberships__active=True,
            memberships__roles__role__in=roles,
        )
        .distinct()
        .order_by("full_name")
    )


def latest_decision(concern: Concern) -> Decision | None:
    """Return the decision that sets the concern's current status and risk."""
    return concern.decisions.order_by("-decided_at", "-pk").first()


def refuse_if_closed(concern: Concern) -> None:
    latest = latest_decision(concern)
    if latest is not None and latest.status == Status.CLOSED:
        raise RuleError("This concern is closed. Record a decision to reopen it first.")


def concern_children(
    concern: Concern, children: Sequence[ConcernPupil] | None, *, field_name: str = "children"
) -> list[ConcernPupil]:
    """Return the linked children a piece of casework is about: those given, or by default the
    children the concern is about. Refuse none, and any child not linked to this concern."""
    if children is None:
        return list(concern.links.filter(involvement=Involvement.CONCERN_FOR).order_by("pk"))
    chosen = list(dict.fromkeys(children))
    if not chosen:
        raise ValidationError({field_name: "Tick at least one child this is about."})
    if any(link.concern_id != concern.pk for link in chosen):
        raise ValidationError({field_name: "Choose children linked to this concern."})
    return chosen
