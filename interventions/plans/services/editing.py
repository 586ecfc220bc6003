"""Editing plans on the SENDCo's pages: start, change, targets and agree, with edit tokens so
two people on one plan are told what changed rather than overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from hashlib import sha256
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interventions.delivery.models import Intervention
from interventions.errors import PlanError
from interventions.plans.models import PlanKind, PlanTarget, PlanVersion, SupportPlan
from interventions.plans.services.cycle import _snapshot, audit, plan_agree
from pupils.models import Pupil
from send_hub.lib.dates import add_months, nice_date, nice_datetime
from send_hub.lib.tokens import fingerprint
from staff.audit import log_action
from staff.models import AuditEvent, Membership, User

# The plan's working copy may change while it is a draft or agreed and running; a closed plan is
# a record, and a plan in review changes through the review.
EDITABLE_STATUSES = frozenset({SupportPlan.Status.DRAFT, SupportPlan.Status.ACTIVE})


PLAN_EDIT_FIELDS = (
    "owner",
    "next_review_on",
    "needs_summary",
    "strategies",
    "pupil_voice",
    "pupil_voice_on",
    "pupil_voice_how",
    "parent_voice",
    "parent_voice_on",
    "parent_voice_how",
)


TARGET_EDIT_FIELDS = ("wording", "area", "success_criteria", "baseline", "responsible", "due_on")


# Plans are reviewed termly; a review date further ahead than this is almost always a typed year.
REVIEW_HORIZON_MONTHS = 12


class PlanConflict(PlanError):
    """Someone saved the plan or target after this person opened it; nothing was overwritten."""


def plan_edit_token(plan: SupportPlan) -> str:
    """Return the version token a plan's edit form carries: when the plan was last saved."""
    return plan.updated_at.isoformat()


def target_edit_token(target: PlanTarget) -> str:
    """Return a token that changes whenever a target's wording, details or interventions do."""
    parts = [
        target.pk,
        target.wording,
        target.area,
        target.success_criteria,
        target.baseline,
        target.responsible_id,
        target.due_on,
        target.outcome,
        sorted(i.pk for i in target.interventions.all()),
    ]
    return fingerprint(parts)


def _lock(plan: SupportPlan) -> SupportPlan:
    # One writer per plan at a time, so the version checks below cannot race.
    return (
        SupportPlan.objects.select_for_update(of=("self",))
        .select_related("owner", "kind", "pupil")
        .get(pk=plan.pk)
    )


def plan_locked_reason(plan: SupportPlan) -> str:
    """Return why the plan cannot be changed now, in words for the person ("" when it can)."""
    if plan.status == SupportPlan.Status.CLOSED:
        return (
            "This plan is closed, so it can no longer be changed. Start a new plan if the pupil "
            "still needs one."
        )
    if plan.status not in EDITABLE_STATUSES:
        return "This plan is being reviewed. Finish the review first."
    return ""


def _ensure_editable(plan: SupportPlan) -> None:
    reason = plan_locked_reason(plan)
    if reason:
        raise PlanError(reason)


def _conflict(obj: SupportPlan | PlanTarget, *, by: User, what: str) -> PlanConflict:
    """Build the refusal for a stale form, naming who saved last and when."""
    last = (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .first()
    )
    when = f" at {nice_datetime(timezone.localtime(last.at))}" if last else ""
    if last is not None and last.actor_id == by.pk:
        opening = f"You changed this {what} in another window or tab{when}, after you opened it."
    else:
        name = last.actor.full_name if last is not None and last.actor else ""
        opening = f"Someone else changed this {what} after you opened it" + (
            f" ({name}{when})." if name else "."
        )
    return PlanConflict(
        f"{opening} Nothing was saved: reload the page to see the changes, then make yours again."
    )


def _check_member(user: User | None, school_id: int, field: str) -> None:
    if user is None:
        return
    if not Membership.objects.active().filter(user=user, school_id=school_id).exists():
        raise ValidationError(
            {field: f"{user} does not work at this school. Choose someone who does."}
        )


def _check_review_date(day: dt.date, *, today: dt.date) -> None:
    if day < today:
        raise ValidationError(
            {"next_review_on": f"{nice_date(day)} has passed. Choose today or a later date."}
        )
    if day > add_months(today, REVIEW_HORIZON_MONTHS):
        raise ValidationError(
            {
                "next_review_on": f"{nice_date(day)} is more than a year away; plans are reviewed "
                "termly. Check the year."
            }
        )


def _check_voice_dates(values: dict[str, Any], *, today: dt.date) -> None:
    errors = {
        field: f"{nice_date(values[field])} is in the future. "
        "Enter the day the views were gathered."
        for field in ("pupil_voice_on", "parent_voice_on")
        if values.get(field) is not None and values[field] > today
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_start(
    *,
    pupil: Pupil,
    kind: PlanKind,
    owner: User,
    by: User,
    next_review_on: dt.date | None = None,
    needs_summary: str = "",
    strategies: str = "",
) -> SupportPlan:
    """Start a draft plan for a pupil (the form's one-time key stops a double click's twin)."""
    # One writer per pupil at a time, so two different forms cannot both start the same kind.
    Pupil.objects.select_for_update().only("pk").get(pk=pupil.pk)
    open_twin = SupportPlan.objects.filter(pupil=pupil, kind=kind).open().first()
    if open_twin is not None:
        raise PlanError(
            f"{pupil} already has an open {kind} (started {nice_date(open_twin.created_at)}). "
            "Change that plan instead of starting another."
        )
    _check_member(owner, pupil.school_id, "owner")
    if next_review_on is not None:
        _check_review_date(next_review_on, today=timezone.localdate())
    plan = SupportPlan(
        school_id=pupil.school_id,
        pupil=pupil,
        kind=kind,
        owner=owner,
        next_review_on=next_review_on,
        needs_summary=needs_summary.strip(),
        strategies=strategies.strip(),
    )
    plan.full_clean()
    plan.save()
    log_action(plan, "interventions.plan.created", actor=by)
    return plan


@transaction.atomic
def plan_update(*, plan: SupportPlan, by: User, seen: str, **changes: Any) -> SupportPlan:
    """Change the working copy of a draft or active plan; agreeing it keeps a new version.

    ``seen`` is the plan's ``plan_edit_token`` when the form was opened: if anyone saved the plan
    since, nothing is overwritten and the person is told who did. Saving values the plan already
    holds (a double click) changes nothing.
    """
    unknown = set(changes) - set(PLAN_EDIT_FIELDS)
    if unknown:
        raise TypeError(f"plan_update cannot change {sorted(unknown)}")
    plan = _lock(plan)
    _ensure_editable(plan)
    changed = sorted(field for field, value in changes.items() if getattr(plan, field) != value)
    if not changed:
        return plan
    if seen != plan_edit_token(plan):
        raise _conflict(plan, by=by, what="plan")
    today = timezone.localdate()
    if "owner" in changed:
        _check_member(changes["owner"], plan.school_id, "owner")
    if "next_review_on" in changed:
        if changes["next_review_on"] is not None:
            _check_review_date(changes["next_review_on"], today=today)
        elif plan.status == SupportPlan.Status.ACTIVE:
            raise ValidationError({"next_review_on": "An agreed plan needs a next review date."})
    _check_voice_dates({f: changes[f] for f in changed}, today=today)
    for field in changed:
        setattr(plan, field, changes[field])
    plan.full_clean()
    plan.save()
    log_action(plan, "interventions.plan.updated", actor=by, data={"fields": changed})
    return plan


def _check_target(
    plan: SupportPlan,
    *,
    responsible: User | None,
    interventions: Sequence[Intervention],
    due_on: dt.date | None,
    due_changed: bool,
) -> None:
    _check_member(responsible, plan.school_id, "responsible")
    wanted = {i.pk for i in interventions}
    attended = set(
        Intervention.objects.filter(
            pk__in=wanted, school_id=plan.school_id, enrolments__pupil_id=plan.pupil_id
        ).values_list("pk", flat=True)
    )
    if wanted - attended:
        raise ValidationError(
            {"interventions": "Choose only interventions this pupil attends at this school."}
        )
    if due_on is not None and due_changed and due_on < timezone.localdate():
        raise ValidationError({"due_on": f"{nice_date(due_on)} has passed. Choose a later date."})


def _current_target(plan: SupportPlan, target_pk: int) -> PlanTarget:
    try:
        target = PlanTarget.objects.prefetch_related("interventions").get(pk=target_pk, plan=plan)
    except PlanTarget.DoesNotExist:
        raise PlanError("This target has been removed since you opened the page.") from None
    if target.cycle != plan.cycle or target.outcome:
        raise PlanError(
            "This target has been scored at a review, so it stays as it was. Add a new target "
            "for this cycle instead."
        )
    return target


@transaction.atomic
def plan_target_create(
    *,
    plan: SupportPlan,
    by: User,
    wording: str,
    area: str,
    interventions: Sequence[Intervention] = (),
    success_criteria: str = "",
    baseline: str = "",
    responsible: User | None = None,
    due_on: dt.date | None = None,
) -> PlanTarget:
    """Add a target to the plan's current cycle (the form's one-time key stops a twin)."""
    plan = _lock(plan)
    _ensure_editable(plan)
    _check_target(
        plan, responsible=responsible, interventions=interventions, due_on=due_on, due_changed=True
    )
    target = PlanTarget(
        plan=plan,
        cycle=plan.cycle,
        wording=wording.strip(),
        area=area,
        success_criteria=success_criteria.strip(),
        baseline=baseline.strip(),
        responsible=responsible,
        due_on=due_on,
    )
    target.full_clean()
    target.save()
    target.interventions.set(interventions)
    audit(target, "plan_target.added", by=by, of=plan, plan=plan.pk)
    return target


@transaction.atomic
def plan_target_update(
    *,
    target: PlanTarget,
    by: User,
    seen: str,
    interventions: Sequence[Intervention] | None = None,
    **changes: Any,
) -> PlanTarget:
    """Change a target of the plan's current cycle, until a review scores it.

    ``seen`` is the target's ``target_edit_token`` when the form was opened: if anyone changed it
    since, nothing is overwritten. Saving values it already holds changes nothing.
    """
    unknown = set(changes) - set(TARGET_EDIT_FIELDS)
    if unknown:
        raise TypeError(f"plan_target_update cannot change {sorted(unknown)}")
    plan = _lock(target.plan)
    _ensure_editable(plan)
    target = _current_target(plan, target.pk)
    changed = sorted(field for field, value in changes.items() if getattr(target, field) != value)
    if interventions is not None and {i.pk for i in interventions} != {
        i.pk for i in target.interventions.all()
    }:
        changed.append("interventions")
    if not changed:
        return target
    if seen != target_edit_token(target):
        raise _conflict(target, by=by, what="target")
    _check_target(
        plan,
        responsible=changes.get("responsible", target.responsible),
        interventions=interventions if interventions is not None else [],
        due_on=changes.get("due_on", target.due_on),
        due_changed="due_on" in changed,
    )
    for field in changed:
        if field != "interventions":
            value = changes[field]
            setattr(target, field, value.strip() if isinstance(value, str) else value)
    target.full_clean()
    target.save()
    if "interventions" in changed:
        target.interventions.set(interventions or [])
    audit(target, "plan_target.changed", by=by, of=plan, plan=plan.pk, fields=changed)
    return target


@transaction.atomic
def plan_target_remove(*, target: PlanTarget, by: User, seen: str | None = None) -> bool:
    """Remove a target from the plan's current cycle while it has no outcome; return whether
    it was removed now (False when a repeated click finds it gone already).

    Agreed versions keep their copy of the target.
    """
    plan = _lock(target.plan)
    if not PlanTarget.objects.filter(pk=target.pk, plan=plan).exists():
        return False
    _ensure_editable(plan)
    target = _current_target(plan, target.pk)
    if seen is not None and seen != target_edit_token(target):
        raise _conflict(target, by=by, what="target")
    audit(target, "plan_target.removed", by=by, of=plan, plan=plan.pk)
    target.delete()
    return True


def _agreed_content(snapshot: dict[str, Any]) -> dict[str, Any]:
    # Status and a review's stamp say when a copy was taken, not what was agreed.
    return {k: v for k, v in snapshot.items() if k not in ("status", "review")}


class AgreePreview(NamedTuple):
    snapshot: dict[str, Any]
    token: str
    unchanged_since: PlanVersion | None


def plan_agree_preview(plan: SupportPlan) -> AgreePreview:
    """Return what agreeing now would keep, its token, and the version it repeats (if any)."""
    snapshot = _snapshot(plan)
    latest = plan.versions.order_by("-number").first()
    repeats = (
        latest is not None
        and plan.status == SupportPlan.Status.ACTIVE
        and _agreed_content(latest.snapshot) == _agreed_content(snapshot)
    )
    text = json.dumps(snapshot, sort_keys=True, default=str)
    token = sha256(text.encode()).hexdigest()[:16]
    return AgreePreview(snapshot, token, latest if repeats else None)


@transaction.atomic
def plan_agree_as_seen(*, plan: SupportPlan, by: User, seen: str) -> tuple[PlanVersion, bool]:
    """Agree the plan exactly as the person saw it; return (version, created).

    ``seen`` is the preview's token on the page they read: if the plan or its targets changed
    since, nothing is agreed. Agreeing again with nothing changed returns the latest version.
    """
    plan = _lock(plan)
    _ensure_editable(plan)
    preview = plan_agree_preview(plan)
    if preview.unchanged_since is not None:
        return preview.unchanged_since, False
    if seen != preview.token:
        raise PlanConflict(
            "This plan or its targets changed after you opened this page. Nothing was agreed: "
            "reload the page, check the plan as it is now, then agree it."
        )
    return plan_agree(plan=plan, by=by), True
