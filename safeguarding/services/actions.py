"""Telling the owner of a safeguarding action: their own list, alerts, and the outcome they record.

An action's owner is often a teacher or an LSA outside the DSL team. They get what they need to
act (what, by when, the child's name) and nothing of the concern itself; what they record comes
back to the DSL team on the concern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models import (
    Action,
    ActionUpdate,
    Alert,
    Concern,
    ConcernPupil,
    FileAccess,
    Involvement,
)
from safeguarding.models.casework import ActionQuerySet
from safeguarding.services.alerts import alerts_create, alerts_mark_read
from safeguarding.services.casework import action_add, action_update_add
from safeguarding.services.common import RuleError, people_with_role
from send_hub.lib.dates import nice_datetime
from send_hub.lib.db import lock_record
from staff.audit import log_action
from staff.models import Role, User

if TYPE_CHECKING:
    # A development dependency (django-stubs); annotations only.
    from django_stubs_ext import WithAnnotations

# The owner's alerts about their own actions (the setter's go to the DSL team's Today).
OWNER_ALERT_KINDS = (Alert.Kind.ACTION_ASSIGNED, Alert.Kind.ACTION_OVERDUE)
# Completed actions stay on the owner's list this long, so they can see what they recorded.
DONE_SHOWN_FOR = dt.timedelta(days=30)


class OwnerListFields(TypedDict):
    """What the owner's list adds to each action: whether someone has completed it."""

    is_done: bool


if TYPE_CHECKING:
    OwnedAction: TypeAlias = WithAnnotations[Action, OwnerListFields]


def actions_owned_by(user: User | AnonymousUser) -> ActionQuerySet:
    """Return the actions ``user`` owns in their current school (nobody else's, ever)."""
    school_id = getattr(user, "current_school_id", None)
    if school_id is None or not user.is_authenticated:
        return Action.objects.none()
    return Action.objects.filter(owner=user, concern__school_id=school_id)


def actions_for_owner_list(
    user: User | AnonymousUser, *, today: dt.date | None = None
) -> list[OwnedAction]:
    """Return the owner's open actions (soonest deadline first), then recently completed ones."""
    today = today or timezone.localdate()
    done_since = timezone.now() - DONE_SHOWN_FOR
    completed = ActionUpdate.objects.filter(action=OuterRef("pk"), completed=True)
    recent = Exists(completed.filter(at__gte=done_since))
    rows = (
        actions_owned_by(user)
        .annotate(is_done=Exists(completed))
        .filter(~Exists(completed) | recent)
        .select_related("created_by")
        .prefetch_related(*_about_prefetches())
        .order_by("is_done", "due_on", "pk")
    )
    actions = list(rows[:200])
    for action in actions:
        action.about = action_children(action)
        action.overdue = not action.is_done and action.due_on < today
    return actions


def _about_prefetches() -> list[Prefetch]:
    return [
        Prefetch("children", queryset=ConcernPupil.objects.select_related("pupil")),
        Prefetch("concern__links", queryset=ConcernPupil.objects.select_related("pupil")),
        Prefetch("updates", queryset=ActionUpdate.objects.select_related("by")),
    ]


def action_children(action: Action) -> list[Pupil]:
    """Return the children an action is about (from prefetched rows): those the DSL marked,
    or, for an action recorded before children were marked, the children the concern is for."""
    links = list(action.children.all())
    if not links:
        links = [
            link
            for link in action.concern.links.all()
            if link.involvement == Involvement.CONCERN_FOR
        ]
    return [link.pupil for link in links]


def action_for_owner(user: User | AnonymousUser, pk: int | str) -> Action | None:
    """Return one of ``user``'s own actions, with what its page shows; None for anyone else's."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    action = (
        actions_owned_by(user)
        .select_related("created_by", "concern")
        .prefetch_related(*_about_prefetches())
        .filter(pk=pk)
        .first()
    )
    if action is not None:
        action.about = action_children(action)
    return action


def owner_summary(user: User | AnonymousUser, *, today: dt.date | None = None) -> dict[str, int]:
    """Return counts for the owner's Today panel and menu: open, overdue and unread.

    Most people own no action: one plain query says so (each action with its outcomes'
    "completed" marks, a join rather than a NOT EXISTS to plan). Only someone with open
    actions is asked a second, about their unread alerts for them.
    """
    today = today or timezone.localdate()
    done: set[int] = set()
    due: dict[int, dt.date] = {}
    for pk, due_on, completed in (
        actions_owned_by(user).order_by().values_list("pk", "due_on", "updates__completed")
    ):
        due[pk] = due_on
        if completed:
            done.add(pk)
    # Open as ActionQuerySet.open() says: nobody has recorded it as completed.
    open_due = {pk: due_on for pk, due_on in due.items() if pk not in done}
    new = 0
    if open_due:
        new = (
            Alert.objects.filter(
                recipient_id=user.pk,  # open actions: a signed-in owner
                read_at__isnull=True,
                kind__in=OWNER_ALERT_KINDS,
                action_id__in=list(open_due),
            )
            .values("action_id")
            .distinct()
            .count()
        )
    return {
        "open": len(open_due),
        "overdue": sum(1 for due_on in open_due.values() if due_on < today),
        "new": new,
    }


def action_owner_notify(*, action: Action) -> list[Alert]:
    """Alert an action's owner (in the app, and by a content-free e-mail) that it is theirs."""
    if action.owner_id == action.created_by_id:
        return []  # a DSL who sets themselves an action knows already
    return alerts_create(
        recipients=[action.owner],
        school=action.concern.school_id,
        kind=Alert.Kind.ACTION_ASSIGNED,
        key=f"assigned:action:{action.pk}",
        concern=action.concern,
        action=action,
    )


@transaction.atomic
def action_assign(*, concern: Concern, by: User, **fields: Any) -> Action:
    """Set an action (as ``action_add`` does) and tell its owner at once."""
    action = action_add(concern=concern, by=by, **fields)
    made = action_owner_notify(action=action)
    if made:
        log_action(
            action,
            "safeguarding.action.owner_alerted",
            actor=by,
            school=concern.school_id,
            data={"owner": action.owner_id, "alerts": len(made)},
        )
    return action


def action_view_record(*, user: User, action: Action, request: HttpRequest | None = None) -> None:
    """Record the owner opening their action, on the file of each child it names, before the
    page is shown, and mark their alerts about it as read."""
    school_id = action.concern.school_id
    FileAccess.objects.bulk_create(
        FileAccess(
            school_id=school_id,
            pupil=pupil,
            user=user,
            kind=FileAccess.Kind.ACTION_VIEWED,
            concern=action.concern,
        )
        for pupil in action.about
    )
    log_action(
        action,
        "safeguarding.action.viewed",
        actor=user,
        school=school_id,
        data={"pupils": [p.pk for p in action.about]},
        request=request,
    )
    alerts_mark_read(user=user, action=action)


def actions_list_record(
    *, user: User, actions: Sequence[Action], request: HttpRequest | None = None
) -> None:
    """Audit the owner reading their list of actions (which names the children)."""
    log_action(
        None,
        "safeguarding.action.listed",
        actor=user,
        school=getattr(user, "current_school_id", None),
        data={"actions": [a.pk for a in actions]},
        request=request,
    )


@transaction.atomic
def action_outcome_record(
    *, action: Action, by: User, outcome: str, completed: bool
) -> ActionUpdate:
    """Record the owner's progress or outcome on their action, and tell the DSL who set it."""
    lock_record(action)
    done = action.updates.filter(completed=True).select_related("by").first()
    if done is not None:
        raise RuleError(
            f"{done.by} marked this action complete at {nice_datetime(done.at)}. "
            "If there is more to say, tell the DSL team."
        )
    update = action_update_add(action=action, by=by, outcome=outcome, completed=completed)
    school_id = action.concern.school_id
    dsl_team = people_with_role(school_id, Role.DSL)
    # The DSL who set it reads it; if they have left the team, the whole team does.
    setter = dsl_team.filter(pk=action.created_by_id)
    recipients = [u for u in (setter if setter.exists() else dsl_team) if u.pk != by.pk]
    alerts_create(
        recipients=recipients,
        school=school_id,
        kind=Alert.Kind.ACTION_UPDATED,
        key=f"updated:action-update:{update.pk}",
        concern=action.concern,
        action=action,
    )
    if completed:
        alerts_mark_read(user=by, action=action)
    return update
