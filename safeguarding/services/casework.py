"""The DSL team's casework: decisions, actions, referrals and the flag, each as a new row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models import (
    AccountShare,
    Action,
    ActionChild,
    ActionUpdate,
    Agency,
    Alert,
    Concern,
    ConcernPupil,
    Decision,
    DecisionChild,
    PupilFlag,
    Referral,
    ReferralUpdate,
    Status,
)
from safeguarding.services.common import (
    RuleError,
    concern_children,
    latest_decision,
    refuse_if_closed,
)
from send_hub.lib.dates import nice_datetime
from send_hub.lib.db import lock_record
from staff.audit import log_action
from staff.models import Membership, User

CARRIED_OVER = "Carried over when the concern was closed: it stays open."


@dataclass
class ActionClosing:
    """What closing a concern does with one of its open actions: complete it with an outcome,
    or carry it over (it stays open, on the child's file and the DSL queue)."""

    action: Action
    carry_over: bool
    outcome: str = ""


def _close_actions(
    concern: Concern, by: User, closings: Sequence[ActionClosing]
) -> list[ActionUpdate]:
    """Complete or carry over each of the concern's open actions; refuse if any is left out."""
    open_actions = list(Action.objects.filter(concern=concern).open().order_by("pk"))
    chosen = {c.action.pk: c for c in closings}
    missing = [a for a in open_actions if a.pk not in chosen]
    if missing:
        names = "; ".join(f'"{a.description[:60]}"' for a in missing)
        raise RuleError(
            "Before closing, say for each open action whether it is complete (with its outcome) "
            f"or carried over: {names}."
        )
    updates = []
    for action in open_actions:
        closing = chosen[action.pk]
        outcome = closing.outcome.strip()
        if not closing.carry_over and not outcome:
            raise ValidationError(
                {"actions": f'Give the outcome of "{action.description[:60]}" to complete it.'}
            )
        text = f"{CARRIED_OVER} {outcome}".strip() if closing.carry_over else outcome
        update = ActionUpdate(action=action, by=by, outcome=text, completed=not closing.carry_over)
        update.full_clean()
        updates.append(update)
    return updates


@transaction.atomic
def decision_record(
    *,
    concern: Concern,
    by: User,
    status: str,
    rationale: str,
    risk: str = "",
    not_referred: bool = False,
    seen_decision_id: int | None = None,
    children: Sequence[ConcernPupil] | None = None,
    not_referred_children: Sequence[ConcernPupil] | None = None,
    action_closings: Sequence[ActionClosing] = (),
) -> Decision:
    """Record a decision (status, risk, and why) as a new row; closing needs a rationale too.

    ``seen_decision_id`` is the latest decision the person saw: if a colleague decided since,
    nothing is recorded and they are told, so nobody overrides a decision they have not read.
    The decision is about ``children`` (by default the concern's subjects); a decision not to
    refer is recorded per child, for ``not_referred_children`` (or all of them when
    ``not_referred``). Closing a concern with open actions needs ``action_closings`` for each.
    """
    lock_record(concern)
    latest = latest_decision(concern)
    if latest is not None and latest.pk != seen_decision_id:
        raise RuleError(
            f"{latest.decided_by} recorded a decision ({latest.get_status_display()}) at "
            f"{nice_datetime(timezone.localtime(latest.decided_at))} while you were writing. "
            "Read it, then record yours."
        )
    if status == Status.NEW or status not in Status.values:
        raise ValidationError({"status": "Choose the status from now on."})
    if not rationale.strip():
        raise ValidationError({"rationale": "Give the reason for this decision."})
    about = concern_children(concern, children)
    if not_referred_children is None:
        not_referred_ids = {link.pk for link in about} if not_referred else set()
    else:
        not_referred_ids = {link.pk for link in not_referred_children}
        about_ids = {link.pk for link in about}
        outside = [link for link in not_referred_children if link.pk not in about_ids]
        if outside:
            names = ", ".join(link.pupil.display_name for link in outside)
            raise ValidationError(
                {
                    "not_referred_children": f"You decided not to refer {names}: tick them as "
                    "children this decision is about too."
                }
            )
    if action_closings and status != Status.CLOSED:
        raise ValidationError(
            {
                "actions": "You said what happens to open actions, but this decision does not "
                "close the concern. Choose Closed, or record progress on each action instead."
            }
        )
    closing_updates = (
        _close_actions(concern, by, action_closings) if status == Status.CLOSED else []
    )
    decision = Decision(
        concern=concern,
        status=status,
        risk=risk,
        not_referred=bool(not_referred_ids),
        rationale=rationale.strip(),
        decided_by=by,
    )
    decision.full_clean()
    decision.save()
    DecisionChild.objects.bulk_create(
        DecisionChild(decision=decision, link=link, not_referred=link.pk in not_referred_ids)
        for link in about
    )
    for update in closing_updates:
        update.save()
        log_action(
            update,
            "safeguarding.action.updated",
            actor=by,
            school=concern.school_id,
            data={"action": update.action_id, "completed": update.completed, "closing": True},
        )
    # Once someone has triaged it, "a new concern needs you" has been answered for everyone.
    Alert.objects.filter(
        concern=concern,
        read_at__isnull=True,
        kind__in=[Alert.Kind.NEW_CONCERN, Alert.Kind.ESCALATED],
    ).update(read_at=timezone.now())
    log_action(
        decision,
        "safeguarding.decision.recorded",
        actor=by,
        school=concern.school_id,
        data={
            "concern": concern.pk,
            "status": status,
            "risk": risk,
            "not_referred": sorted(not_referred_ids),
            "children": [link.pk for link in about],
        },
    )
    return decision


def _check_staff(school_id: int, user: User, field_name: str) -> None:
    if not Membership.objects.active().filter(school_id=school_id, user=user).exists():
        raise ValidationError({field_name: "Choose someone who works at this school."})


def refuse_past_deadline(day: dt.date, field_name: str) -> None:
    """Refuse a deadline that has already gone: nobody can meet it."""
    if day < timezone.localdate():
        raise ValidationError({field_name: "The deadline cannot be in the past."})


@transaction.atomic
def action_add(
    *,
    concern: Concern,
    by: User,
    description: str,
    owner: User,
    due_on: dt.date,
    children: Sequence[ConcernPupil] | None = None,
) -> Action:
    """Set an action with an owner and a deadline (today or later), about ``children`` (by
    default the concern's subjects)."""
    # Locked, so the concern cannot be closed between this check and the new action.
    lock_record(concern)
    refuse_if_closed(concern)
    refuse_past_deadline(due_on, "due_on")
    _check_staff(concern.school_id, owner, "owner")
    about = concern_children(concern, children)
    action = Action(
        concern=concern,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=by,
    )
    action.full_clean()
    action.save()
    ActionChild.objects.bulk_create(ActionChild(action=action, link=link) for link in about)
    log_action(
        action,
        "safeguarding.action.added",
        actor=by,
        school=concern.school_id,
        data={
            "concern": concern.pk,
            "owner": owner.pk,
            "due_on": due_on.isoformat(),
            "children": [link.pk for link in about],
        },
    )
    return action


@transaction.atomic
def account_share_set(*, link: ConcernPupil, by: User, on: bool, reason: str) -> AccountShare:
    """Put (or take off) a concern's full account on the file of a linked child it is not about."""
    lock_record(link)
    if link.is_subject:
        raise RuleError("The concern is about this child: their file already holds all of it.")
    latest = link.shares.order_by("-at", "-pk").first()
    if bool(latest and latest.on) == on:
        raise RuleError(
            "The full account is already on this child's file."
            if on
            else "The full account is not on this child's file."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason."})
    share = AccountShare(link=link, on=on, reason=reason.strip(), by=by)
    share.full_clean()
    share.save()
    log_action(
        share,
        "safeguarding.account.shared" if on else "safeguarding.account.unshared",
        actor=by,
        school=link.concern.school_id,
        data={"concern": link.concern_id, "pupil": link.pupil_id},
    )
    return share


@transaction.atomic
def action_update_add(*, action: Action, by: User, outcome: str, completed: bool) -> ActionUpdate:
    """Record progress on, or the outcome of, an action as a new row."""
    lock_record(action)
    if action.updates.filter(completed=True).exists():
        raise RuleError("This action is already complete. Add a case note instead.")
    update = ActionUpdate(action=action, by=by, outcome=outcome.strip(), completed=completed)
    update.full_clean()
    update.save()
    log_action(
        update,
        "safeguarding.action.updated",
        actor=by,
        school=action.concern.school_id,
        data={"action": action.pk, "completed": completed},
    )
    return update


@transaction.atomic
def referral_add(
    *,
    concern: Concern,
    by: User,
    pupil: Pupil,
    agency: str,
    referred_on: dt.date,
    rationale: str,
    reference: str = "",
    agency_other: str = "",
) -> Referral:
    """Record a referral of one linked pupil to an agency, with the reason for it."""
    refuse_if_closed(concern)
    if not concern.links.filter(pupil=pupil).exists():
        raise ValidationError({"pupil": "Refer a pupil who is linked to this concern."})
    if referred_on > timezone.localdate():
        raise ValidationError({"referred_on": "The referral date cannot be in the future."})
    if agency == Agency.OTHER and not agency_other.strip():
        raise ValidationError({"agency_other": "Name the agency."})
    referral = Referral(
        concern=concern,
        pupil=pupil,
        agency=agency,
        agency_other=agency_other.strip() if agency == Agency.OTHER else "",
        referred_on=referred_on,
        reference=reference.strip(),
        rationale=rationale.strip(),
        by=by,
    )
    referral.full_clean()
    referral.save()
    log_action(
        referral,
        "safeguarding.referral.added",
        actor=by,
        school=concern.school_id,
        data={"concern": concern.pk, "pupil": pupil.pk, "agency": agency},
    )
    return referral


@transaction.atomic
def referral_update_add(
    *, referral: Referral, by: User, outcome: str, outcome_on: dt.date
) -> ReferralUpdate:
    """Record what came back from the agency, as a new row."""
    if outcome_on < referral.referred_on:
        raise ValidationError({"outcome_on": "The outcome cannot come before the referral."})
    update = ReferralUpdate(
        referral=referral, by=by, outcome=outcome.strip(), outcome_on=outcome_on
    )
    update.full_clean()
    update.save()
    log_action(
        update,
        "safeguarding.referral.updated",
        actor=by,
        school=referral.concern.school_id,
        data={"referral": referral.pk},
    )
    return update


def current_flag(pupil: Pupil) -> PupilFlag | None:
    """Return the latest flag row for ``pupil`` (set or lifted), or None."""
    return PupilFlag.objects.filter(pupil=pupil).select_related("by").order_by("-at", "-pk").first()


@transaction.atomic
def flag_set(*, pupil: Pupil, by: User, on: bool, reason: str) -> PupilFlag:
    """Set or lift the neutral "speak to the DSL" flag on the pupil's page."""
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    latest = current_flag(pupil)
    if bool(latest and latest.on) == on:
        raise RuleError("The flag is already set." if on else "There is no flag to lift.")
    flag = PupilFlag(pupil=pupil, on=on, reason=reason.strip(), by=by)
    flag.full_clean()
    flag.save()
    log_action(
        pupil,
        "safeguarding.flag.set" if on else "safeguarding.flag.lifted",
        actor=by,
        data={"flag": flag.pk},
    )
    return flag
