"""Writes for the support plan cycle: create a plan, add targets, agree a version, complete a
review. Editing on the SENDCo's pages is in ``editing.py``; EHCPs and their annual reviews are
in ``interventions.ehcp.services``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from interventions.delivery.models import Intervention, Session
from interventions.errors import PlanError
from interventions.plans.models import PlanKind, PlanReview, PlanTarget, PlanVersion, SupportPlan
from pupils.models import Pupil
from send_hub.lib.dates import add_months, nice_date
from staff.audit import log_action
from staff.models import User


def audit(obj: Model, action: str, *, by: User, of: SupportPlan, **data: Any) -> None:
    """Audit one change to a support plan or its parts, filed under the plan's school."""
    log_action(obj, f"interventions.{action}", actor=by, school=of.school_id, data=data)


def _snapshot(plan: SupportPlan) -> dict[str, Any]:
    targets = plan.targets.filter(cycle=plan.cycle).prefetch_related(
        "interventions", "evidence_sessions__intervention"
    )
    return {
        "kind": plan.kind.name,
        "cycle": plan.cycle,
        "status": plan.status,
        "owner": plan.owner.get_full_name() if hasattr(plan.owner, "get_full_name") else "",
        "needs_summary": plan.needs_summary,
        "strategies": plan.strategies,
        "pupil_voice": plan.pupil_voice,
        "pupil_voice_on": plan.pupil_voice_on.isoformat() if plan.pupil_voice_on else None,
        "pupil_voice_how": plan.pupil_voice_how,
        "parent_voice": plan.parent_voice,
        "parent_voice_on": plan.parent_voice_on.isoformat() if plan.parent_voice_on else None,
        "parent_voice_how": plan.parent_voice_how,
        "next_review_on": plan.next_review_on.isoformat() if plan.next_review_on else None,
        "targets": [
            {
                "id": t.pk,
                "wording": t.wording,
                "area": t.area,
                "success_criteria": t.success_criteria,
                "baseline": t.baseline,
                "due_on": t.due_on.isoformat() if t.due_on else None,
                "responsible_id": t.responsible_id,
                "interventions": [i.name for i in t.interventions.all()],
                "outcome": t.outcome,
                "evidence": t.evidence,
                "evidence_sessions": [
                    f"{nice_date(e.date)} {e.intervention.name}" for e in t.evidence_sessions.all()
                ],
            }
            for t in targets
        ],
    }


@transaction.atomic
def plan_create(
    *,
    pupil: Pupil,
    kind: PlanKind,
    owner: User,
    by: User,
    next_review_on: dt.date | None = None,
    **fields: Any,
) -> SupportPlan:
    """Start a draft plan for a pupil."""
    plan = SupportPlan(
        school_id=pupil.school_id,
        pupil=pupil,
        kind=kind,
        owner=owner,
        next_review_on=next_review_on,
        **fields,
    )
    plan.full_clean()
    plan.save()
    log_action(plan, "interventions.plan.created", actor=by, school=plan.school)
    return plan


@transaction.atomic
def plan_target_add(
    *,
    plan: SupportPlan,
    wording: str,
    area: str,
    by: User,
    interventions: Sequence[Intervention] = (),
    **fields: Any,
) -> PlanTarget:
    """Add a target to the plan's current cycle."""
    if plan.status == SupportPlan.Status.CLOSED:
        raise PlanError("This plan is closed; open a new plan to add targets.")
    target = PlanTarget(plan=plan, cycle=plan.cycle, wording=wording, area=area, **fields)
    target.full_clean()
    target.save()
    target.interventions.set(interventions)
    return target


@transaction.atomic
def plan_agree(*, plan: SupportPlan, by: User, on: dt.date | None = None) -> PlanVersion:
    """Make the plan active and keep what was agreed as a new, readable version."""
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == SupportPlan.Status.CLOSED:
        raise PlanError("This plan is already closed.")
    if not plan.targets.filter(cycle=plan.cycle).exists():
        raise PlanError("Add at least one target before agreeing the plan.")
    if plan.next_review_on is None:
        raise PlanError("Set the next review date before agreeing the plan.")
    plan.status = SupportPlan.Status.ACTIVE
    plan.save(update_fields=["status", "updated_at"])
    number = plan.versions.count() + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        agreed_on=on or timezone.localdate(),
        agreed_by=by,
        snapshot=_snapshot(plan),
    )
    audit(plan, "plan.agreed", by=by, of=plan, v=number)
    return version


@transaction.atomic
def plan_review_complete(
    *,
    plan: SupportPlan,
    by: User,
    held_on: dt.date,
    attendees: Sequence[str],
    parent_attended: bool,
    scores: dict[int, tuple[str, str]],
    pupil_view: str = "",
    parent_view: str = "",
    decisions: str = "",
    carry_forward: dict[int, str] | None = None,
    new_targets: Sequence[dict[str, Any]] = (),
    next_review_on: dt.date | None = None,
    close: bool = False,
    evidence_sessions: dict[int, Sequence[int]] | None = None,
) -> PlanReview:
    """Close the plan's cycle: score each target, record views, and open the next cycle.

    ``scores`` maps target id to (outcome, evidence); ``evidence_sessions`` maps a target id to
    the sessions (attended by this pupil) that show it. ``carry_forward`` maps a target id to its
    wording in the next cycle (the old wording, or rewritten). ``close`` ends the plan instead.
    """
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == SupportPlan.Status.CLOSED:
        raise PlanError("This plan is already closed; it cannot be reviewed.")
    if plan.status == SupportPlan.Status.DRAFT:
        raise PlanError("This plan has not been agreed yet; agree it before reviewing it.")
    targets = list(plan.targets.filter(cycle=plan.cycle))
    valid = set(PlanTarget.Outcome.values)
    unscored = [t for t in targets if scores.get(t.pk, ("", ""))[0] not in valid]
    if unscored:
        raise PlanError(
            f"Score every target before completing the review ({len(unscored)} not scored)."
        )
    if not close and next_review_on is None:
        raise PlanError("Set the next review date, or close the plan.")
    if not close and next_review_on is not None and next_review_on <= held_on:
        raise ValidationError("The next review must come after this review.")
    for target in targets:
        target.outcome, target.evidence = scores[target.pk]
        target.save(update_fields=["outcome", "evidence"])
        linked = (evidence_sessions or {}).get(target.pk)
        if linked:
            target.evidence_sessions.set(
                Session.objects.filter(pk__in=linked, attendance__pupil=plan.pupil)
            )
    review = PlanReview(
        plan=plan,
        cycle=plan.cycle,
        held_on=held_on,
        attendees=[a.strip() for a in attendees if a.strip()],
        parent_attended=parent_attended,
        pupil_view=pupil_view,
        parent_view=parent_view,
        decisions=decisions,
        recorded_by=by,
    )
    review.full_clean()
    review.save()
    PlanVersion.objects.create(
        plan=plan,
        number=plan.versions.count() + 1,
        agreed_on=held_on,
        agreed_by=by,
        snapshot={**_snapshot(plan), "review": {"held_on": held_on.isoformat()}},
    )
    if close:
        plan.status = SupportPlan.Status.CLOSED
        plan.next_review_on = None
    else:
        by_id = {t.pk: t for t in targets}
        plan.cycle += 1
        plan.status = SupportPlan.Status.ACTIVE
        plan.next_review_on = next_review_on
        for old_id, wording in (carry_forward or {}).items():
            old = by_id.get(old_id)
            if old is None:
                raise ValidationError("Carry forward only this cycle's targets.")
            new = PlanTarget.objects.create(
                plan=plan,
                cycle=plan.cycle,
                wording=wording or old.wording,
                area=old.area,
                success_criteria=old.success_criteria,
                baseline=old.evidence or old.baseline,
                # A carried target keeps who works on it and by when, as the review agreed.
                responsible=old.responsible,
                due_on=old.due_on,
                carried_from=old,
            )
            new.interventions.set(old.interventions.all())
        for data in new_targets:
            PlanTarget.objects.create(plan=plan, cycle=plan.cycle, **data)
    plan.save(update_fields=["cycle", "status", "next_review_on", "updated_at"])
    audit(plan, "plan.reviewed", by=by, of=plan, cycle=review.cycle)
    return review


def parent_meetings(pupil: Pupil, *, on: dt.date | None = None) -> int:
    """Return how many plan reviews a parent attended in the 12 months to ``on``."""
    today = on or timezone.localdate()
    return PlanReview.objects.filter(
        plan__pupil=pupil,
        parent_attended=True,
        held_on__gt=add_months(today, -12),
        held_on__lte=today,
    ).count()
