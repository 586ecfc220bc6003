"""Work the periodic tasks do: escalating untriaged concerns, reminding of overdue actions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from safeguarding.models import (
    Action,
    Alert,
    Concern,
)
from safeguarding.schooldays import school_day_deadline
from safeguarding.services.alerts import alerts_create
from safeguarding.services.common import people_with_role
from staff.audit import log_action
from staff.models import Role


def concerns_due_escalation_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Return untriaged concerns past one school day that have not been escalated yet."""
    now = now or timezone.now()
    escalated = Alert.objects.filter(kind=Alert.Kind.ESCALATED).values("concern_id")
    # A school day is at least a day long: only older concerns can be due.
    candidates = (
        Concern.objects.untriaged()
        .filter(recorded_at__lte=now - dt.timedelta(days=1))
        .exclude(pk__in=escalated)
        .only("pk", "recorded_at")
    )
    return [c.pk for c in candidates if school_day_deadline(c.recorded_at, 1) <= now]


@transaction.atomic
def concern_escalate(*, concern_id: int, now: dt.datetime | None = None) -> int:
    """Alert every DSL and the head about a concern still untriaged after a school day."""
    now = now or timezone.now()
    concern = Concern.objects.untriaged().filter(pk=concern_id).first()
    if concern is None or school_day_deadline(concern.recorded_at, 1) > now:
        return 0
    made = alerts_create(
        recipients=people_with_role(concern.school_id, Role.DSL, Role.HEAD),
        school=concern.school_id,
        kind=Alert.Kind.ESCALATED,
        key=f"escalated:concern:{concern.pk}",
        urgent=concern.urgent,
        concern=concern,
    )
    if made:
        log_action(concern, "safeguarding.concern.escalated", data={"alerts": len(made)})
    return len(made)


@transaction.atomic
def actions_overdue_remind(*, today: dt.date | None = None) -> int:
    """Remind the owner of every overdue action once a day, and tell its setter once.

    The owner's alert is keyed by the day, so a re-run on the same day sends nothing new and the
    next day's sweep reminds them again; yesterday's unread reminder is folded into today's.
    """
    today = today or timezone.localdate()
    made = 0
    overdue = Action.objects.overdue(on=today).select_related("concern", "owner", "created_by")
    for action in overdue:
        school_id = action.concern.school_id
        reminded = alerts_create(
            recipients=[action.owner],
            school=school_id,
            kind=Alert.Kind.ACTION_OVERDUE,
            key=f"overdue:action:{action.pk}:{today.isoformat()}",
            concern=action.concern,
            action=action,
        )
        if reminded:
            Alert.objects.filter(
                recipient=action.owner,
                action=action,
                kind=Alert.Kind.ACTION_OVERDUE,
                read_at__isnull=True,
            ).exclude(pk__in=[a.pk for a in reminded]).update(read_at=timezone.now())
        told = []
        if action.created_by_id != action.owner_id:
            told = alerts_create(
                recipients=[action.created_by],
                school=school_id,
                kind=Alert.Kind.ACTION_OVERDUE,
                key=f"overdue:action:{action.pk}",
                concern=action.concern,
                action=action,
            )
        if reminded or told:
            log_action(
                action,
                "safeguarding.action.reminded",
                school=school_id,
                data={"owner": len(reminded), "setter": len(told), "on": today.isoformat()},
            )
        made += len(reminded) + len(told)
    return made
