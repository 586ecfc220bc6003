"""The DSL team's casework: decisions, actions, referrals and the flag, each as a new row."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models import (
    Action,
    ActionUpdate,
    Agency,
    Alert,
    Concern,
    Decision,
    PupilFlag,
    Referral,
    ReferralUpdate,
    Status,
)
from safeguarding.services.common import RuleError, latest_decision, refuse_if_closed
from send_hub.lib.dates import nice_datetime
from staff.audit import log_action
from staff.models import Membership, User


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
) -> Decision:
    """Record a decision (status, risk, and why) as a new row; closing needs a rationale too.

    ``seen_decision_id`` is the latest decision the person saw: if a colleague decided since,
    nothing is recorded and they are told, so nobody overrides a decision they have not read.
    """
    Concern.objects.select_for_update().filter(pk=concern.pk).first()
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
    decision = Decision(
        concern=concern,
        status=status,
        risk=risk,
        not_referred=not_referred,
        rationale=rationale.strip(),
        decided_by=by,
    )
    decision.full_clean()
    decision.save()
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
            "not_referred": not_referred,
        },
    )
    return decision


def _check_staff(school_id: int, user: User, field_name: str) -> None:
    if not Membership.objects.active().filter(school_id=school_id, user=user).exists():
        raise ValidationError({field_name: "Choose someone who works at this school."})


@transaction.atomic
def action_add(
    *, concern: Concern, by: User, description: str, owner: User, due_on: dt.date
) -> Action:
    """Set an action with an owner and a deadline."""
    refuse_if_closed(concern)
    _check_staff(concern.school_id, owner, "owner")
    action = Action(
        concern=concern,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=by,
    )
    action.full_clean()
    action.save()
    log_action(
        action,
        "safeguarding.action.added",
        actor=by,
        school=concern.school_id,
        data={"concern": concern.pk, "owner": owner.pk, "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def action_update_add(*, action: Action, by: User, outcome: str, completed: bool) -> ActionUpdate:
    """Record progress on, or the outcome of, an action as a new row."""
    Action.objects.select_for_update().filter(pk=action.pk).first()
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
