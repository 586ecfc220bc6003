"""Writes for support plans, their reviews and EHCP annual reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interventions import ehcp_clock
from interventions.models import (
    EHCP,
    AnnualReview,
    AnnualReviewStep,
    PlanKind,
    PlanReview,
    PlanTarget,
    PlanVersion,
    SupportPlan,
)
from pupils.models import Pupil
from staff.audit import log_action
from staff.models import User


class PlanError(Exception):
    """A business rule stopped the change; the message says what to do."""


def _snapshot(plan: SupportPlan) -> dict[str, Any]:
    targets = plan.targets.filter(cycle=plan.cycle).prefetch_related("interventions")
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
    interventions: Sequence[Any] = (),
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
    log_action(plan, "interventions.plan.agreed", actor=by, school=plan.school, data={"v": number})
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
) -> PlanReview:
    """Close the plan's cycle: score each target, record views, and open the next cycle.

    ``scores`` maps target id to (outcome, evidence). ``carry_forward`` maps a target id to its
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
                responsible=old.responsible,
                carried_from=old,
            )
            new.interventions.set(old.interventions.all())
        for data in new_targets:
            PlanTarget.objects.create(plan=plan, cycle=plan.cycle, **data)
    plan.save(update_fields=["cycle", "status", "next_review_on", "updated_at"])
    log_action(
        plan,
        "interventions.plan.reviewed",
        actor=by,
        school=plan.school,
        data={"cycle": review.cycle},
    )
    return review


def parent_meetings(pupil: Pupil, *, on: dt.date | None = None) -> int:
    """Return how many plan reviews a parent attended in the 12 months to ``on``."""
    today = on or timezone.localdate()
    return PlanReview.objects.filter(
        plan__pupil=pupil,
        parent_attended=True,
        held_on__gt=ehcp_clock.add_months(today, -12),
        held_on__lte=today,
    ).count()


# --- EHCP annual reviews --------------------------------------------------------------------


@transaction.atomic
def annual_review_schedule(*, ehcp: EHCP, meeting_on: dt.date, by: User) -> AnnualReview:
    """Fix the annual review meeting date; the statutory deadlines follow from it."""
    if ehcp.ceased_on is not None:
        raise PlanError("This EHCP has ceased; it has no more annual reviews.")
    if ehcp.annual_reviews.open().exists():
        raise PlanError("This EHCP already has an annual review in progress.")
    review = AnnualReview.objects.create(
        ehcp=ehcp,
        meeting_on=meeting_on,
        covers_preparing_for_adulthood=ehcp_clock.covers_preparing_for_adulthood(
            ehcp.pupil.nc_year
        ),
    )
    log_action(review, "interventions.annual_review.scheduled", actor=by, school=ehcp.school)
    return review


@transaction.atomic
def annual_review_step_record(
    *,
    review: AnnualReview,
    step: str,
    by: User,
    on: dt.date | None = None,
    la_decision: str = "",
) -> AnnualReviewStep:
    """Record one statutory step as done (who and when).

    The review concludes with the LA's decision (or, when it amends the plan, with the amended
    final plan); the next review is then due within 12 months of that conclusion.
    """
    review = AnnualReview.objects.select_for_update().select_related("ehcp").get(pk=review.pk)
    if review.steps.filter(step=step).exists():
        raise PlanError("That step is already recorded for this review.")
    done = AnnualReviewStep(
        review=review, step=step, done_on=on or timezone.localdate(), done_by=by
    )
    done.full_clean()
    done.save()
    ehcp = review.ehcp
    if step == AnnualReviewStep.Step.LA_DECISION:
        if la_decision not in AnnualReview.Decision.values:
            raise ValidationError("Choose the LA's decision: maintain, amend or cease.")
        review.la_decision = la_decision
    finished = (
        {AnnualReviewStep.Step.FINAL_PLAN}
        if review.la_decision == "AMEND"
        else {AnnualReviewStep.Step.LA_DECISION}
    )
    if step in finished:
        # The review has concluded: the next one is due within 12 months of today's step.
        review.completed_on = done.done_on
        ehcp.next_review_due = ehcp_clock.next_review_due(done.done_on)
        ehcp.save(update_fields=["next_review_due"])
    review.save(update_fields=["la_decision", "completed_on"])
    log_action(
        review,
        "interventions.annual_review.step_recorded",
        actor=by,
        school=ehcp.school,
        data={"step": step},
    )
    return done


# --- EHCP record: the plan, section E outcomes and section F provision ----------------------
#
# Double submissions: each add form carries a one-time ``form_key``; the audit event of the first
# save keeps it, and a replay under the EHCP's row lock finds that event and returns the row it
# made. Edits carry the ``version`` (a fingerprint) the person saw; a different one means someone
# else saved in between, and the second person is told rather than overwriting silently.

import hashlib  # noqa: E402
from decimal import Decimal  # noqa: E402

from interventions.models import EHCPOutcome, EHCPProvision, Enrolment, Intervention  # noqa: E402
from staff.models import AuditEvent  # noqa: E402


class StaleEdit(PlanError):
    """Someone else saved the record after this form was opened."""


def ehcp_version(obj: Any) -> str:
    """Return a short fingerprint of an EHCP, outcome or provision line as the form saw it."""
    if isinstance(obj, EHCP):
        parts: list[Any] = [
            obj.local_authority,
            obj.issued_on,
            obj.coordinator_id,
            obj.phase_transfer,
            obj.transfer_year,
            obj.ceased_on,
        ]
    elif isinstance(obj, EHCPOutcome):
        parts = [obj.text, obj.area]
    else:
        hours = obj.hours_per_week
        parts = [
            obj.description,
            None if hours is None else Decimal(str(hours)).normalize(),
            obj.outcome_id,
            sorted(obj.interventions.values_list("pk", flat=True)),
        ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _check_version(obj: Any, version: str | None, what: str) -> None:
    if version and version != ehcp_version(obj):
        raise StaleEdit(
            f"Someone else changed this {what} while you were editing it. The form now shows "
            "their version: make your change again if it is still needed."
        )


def _replayed(ehcp: EHCP, action: str, form_key: Any) -> dict[str, Any] | None:
    """Return the audit data of an earlier save made with this one-time form key, if any."""
    if not form_key:
        return None
    event = (
        AuditEvent.objects.filter(
            object_type=EHCP._meta.label_lower,
            object_id=str(ehcp.pk),
            action=action,
            data__form_key=str(form_key),
        )
        .only("data")
        .first()
    )
    return event.data if event is not None else None


def _live_ehcp(ehcp: EHCP) -> EHCP:
    """Lock the EHCP row for a change to it or its sections, refusing a ceased plan."""
    locked = EHCP.objects.select_for_update().get(pk=ehcp.pk)
    if locked.ceased_on is not None:
        raise PlanError("This EHCP has ceased; its outcomes and provision can no longer change.")
    return locked


def _clean_transfer(phase_transfer: str, transfer_year: int | None, issued_on: Any) -> None:
    if phase_transfer and transfer_year is None:
        raise ValidationError({"transfer_year": "Give the year of the move (September)."})
    if not phase_transfer and transfer_year is not None:
        raise ValidationError({"phase_transfer": "Choose the kind of move, or clear the year."})
    if (
        transfer_year is not None
        and isinstance(issued_on, dt.date)
        and not issued_on.year - 1 <= transfer_year <= issued_on.year + 20
    ):
        raise ValidationError({"transfer_year": "That year does not fit this plan."})


@transaction.atomic
def ehcp_create(
    *,
    pupil: Pupil,
    by: User,
    local_authority: str,
    issued_on: dt.date,
    coordinator: User,
    phase_transfer: str = "",
    transfer_year: int | None = None,
    form_key: Any = None,
) -> EHCP:
    """Record a pupil's EHCP; the first annual review falls due 12 months after its issue."""
    Pupil.objects.select_for_update().only("pk").get(pk=pupil.pk)  # one live EHCP per pupil
    live = EHCP.objects.filter(pupil=pupil, ceased_on__isnull=True).first()
    if live is not None:
        if _replayed(live, "interventions.ehcp.created", form_key) is not None:
            return live
        raise PlanError("This pupil already has an EHCP recorded: edit that one instead.")
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": "The issue date cannot be in the future."})
    _clean_transfer(phase_transfer, transfer_year, issued_on)
    ehcp = EHCP(
        school_id=pupil.school_id,
        pupil=pupil,
        coordinator=coordinator,
        local_authority=local_authority.strip(),
        issued_on=issued_on,
        next_review_due=ehcp_clock.next_review_due(issued_on),
        phase_transfer=phase_transfer,
        transfer_year=transfer_year,
    )
    ehcp.full_clean()
    ehcp.save()
    log_action(
        ehcp,
        "interventions.ehcp.created",
        actor=by,
        school=ehcp.school_id,
        data={"pupil": pupil.pk, "form_key": str(form_key or "")},
    )
    return ehcp


@transaction.atomic
def ehcp_update(
    *,
    ehcp: EHCP,
    by: User,
    local_authority: str,
    issued_on: dt.date,
    coordinator: User,
    phase_transfer: str = "",
    transfer_year: int | None = None,
    ceased_on: dt.date | None = None,
    version: str | None = None,
) -> EHCP:
    """Change the EHCP's details; until its first review, the issue date sets the review due."""
    ehcp = EHCP.objects.select_for_update().get(pk=ehcp.pk)
    _check_version(ehcp, version, "EHCP")
    today = timezone.localdate()
    if issued_on > today:
        raise ValidationError({"issued_on": "The issue date cannot be in the future."})
    if ceased_on is not None and ceased_on < issued_on:
        raise ValidationError({"ceased_on": "The plan cannot cease before it was issued."})
    _clean_transfer(phase_transfer, transfer_year, issued_on)
    changed = []
    for name, value in (
        ("local_authority", local_authority.strip()),
        ("issued_on", issued_on),
        ("coordinator", coordinator),
        ("phase_transfer", phase_transfer),
        ("transfer_year", transfer_year),
        ("ceased_on", ceased_on),
    ):
        if getattr(ehcp, name) != value:
            setattr(ehcp, name, value)
            changed.append(name)
    if (
        "issued_on" in changed
        and not ehcp.annual_reviews.filter(steps__step=AnnualReviewStep.Step.MEETING).exists()
    ):
        ehcp.next_review_due = ehcp_clock.next_review_due(issued_on)
        changed.append("next_review_due")
    if not changed:
        return ehcp
    ehcp.full_clean()
    ehcp.save(update_fields=changed)
    log_action(
        ehcp, "interventions.ehcp.updated", actor=by, school=ehcp.school_id, data={"f": changed}
    )
    return ehcp


def _clean_outcome_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the outcome as section E words it."})
    return text


@transaction.atomic
def ehcp_outcome_add(
    *, ehcp: EHCP, by: User, text: str, area: str = "", form_key: Any = None
) -> EHCPOutcome:
    """Add a section E outcome to the EHCP."""
    ehcp = _live_ehcp(ehcp)
    earlier = _replayed(ehcp, "interventions.ehcp_outcome.added", form_key)
    if earlier is not None:
        return EHCPOutcome.objects.get(pk=earlier["outcome"])
    outcome = EHCPOutcome(ehcp=ehcp, text=_clean_outcome_text(text), area=area)
    outcome.full_clean()
    outcome.save()
    log_action(
        ehcp,
        "interventions.ehcp_outcome.added",
        actor=by,
        school=ehcp.school_id,
        data={"outcome": outcome.pk, "form_key": str(form_key or "")},
    )
    return outcome


@transaction.atomic
def ehcp_outcome_update(
    *, outcome: EHCPOutcome, by: User, text: str, area: str = "", version: str | None = None
) -> EHCPOutcome:
    """Reword a section E outcome or change its area of need."""
    ehcp = _live_ehcp(outcome.ehcp)
    outcome = EHCPOutcome.objects.get(pk=outcome.pk, ehcp=ehcp)
    _check_version(outcome, version, "outcome")
    outcome.text, outcome.area = _clean_outcome_text(text), area
    outcome.full_clean()
    outcome.save(update_fields=["text", "area"])
    log_action(
        ehcp,
        "interventions.ehcp_outcome.updated",
        actor=by,
        school=ehcp.school_id,
        data={"outcome": outcome.pk},
    )
    return outcome


@transaction.atomic
def ehcp_outcome_remove(*, outcome: EHCPOutcome, by: User) -> int:
    """Remove a section E outcome; return how many provision lines no longer name one."""
    ehcp = _live_ehcp(outcome.ehcp)
    gone = EHCPOutcome.objects.filter(pk=outcome.pk, ehcp=ehcp).first()
    if gone is None:
        return 0  # already removed (a double tap)
    orphaned = gone.provision.count()
    gone.delete()
    log_action(
        ehcp,
        "interventions.ehcp_outcome.removed",
        actor=by,
        school=ehcp.school_id,
        data={"outcome": outcome.pk, "provision_unlinked": orphaned},
    )
    return orphaned


def _clean_provision(
    ehcp: EHCP,
    description: str,
    hours_per_week: Any,
    outcome: EHCPOutcome | None,
    interventions: Sequence[Intervention],
) -> str:
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Describe the provision as section F states it."})
    if hours_per_week is not None and not 0 < hours_per_week <= 40:
        raise ValidationError({"hours_per_week": "Hours a week must be more than 0, up to 40."})
    if outcome is not None and outcome.ehcp_id != ehcp.pk:
        raise ValidationError({"outcome": "Choose one of this EHCP's outcomes."})
    ids = {i.pk for i in interventions}
    enrolled = set(
        Enrolment.objects.filter(
            pupil_id=ehcp.pupil_id, intervention_id__in=ids, intervention__school_id=ehcp.school_id
        ).values_list("intervention_id", flat=True)
    )
    if ids - enrolled:
        raise ValidationError(
            {"interventions": "Link only interventions this pupil is or was enrolled in."}
        )
    return description


@transaction.atomic
def ehcp_provision_add(
    *,
    ehcp: EHCP,
    by: User,
    description: str,
    hours_per_week: Any = None,
    outcome: EHCPOutcome | None = None,
    interventions: Sequence[Intervention] = (),
    form_key: Any = None,
) -> EHCPProvision:
    """Add a section F provision line, linked to the outcome it serves and what delivers it."""
    ehcp = _live_ehcp(ehcp)
    earlier = _replayed(ehcp, "interventions.ehcp_provision.added", form_key)
    if earlier is not None:
        return EHCPProvision.objects.get(pk=earlier["provision"])
    description = _clean_provision(ehcp, description, hours_per_week, outcome, interventions)
    line = EHCPProvision(
        ehcp=ehcp, description=description, hours_per_week=hours_per_week, outcome=outcome
    )
    line.full_clean()
    line.save()
    line.interventions.set(interventions)
    log_action(
        ehcp,
        "interventions.ehcp_provision.added",
        actor=by,
        school=ehcp.school_id,
        data={
            "provision": line.pk,
            "interventions": sorted(i.pk for i in interventions),
            "form_key": str(form_key or ""),
        },
    )
    return line


@transaction.atomic
def ehcp_provision_update(
    *,
    provision: EHCPProvision,
    by: User,
    description: str,
    hours_per_week: Any = None,
    outcome: EHCPOutcome | None = None,
    interventions: Sequence[Intervention] = (),
    version: str | None = None,
) -> EHCPProvision:
    """Change a section F provision line, its hours, outcome and linked interventions."""
    ehcp = _live_ehcp(provision.ehcp)
    line = EHCPProvision.objects.get(pk=provision.pk, ehcp=ehcp)
    _check_version(line, version, "provision line")
    line.description = _clean_provision(ehcp, description, hours_per_week, outcome, interventions)
    line.hours_per_week = hours_per_week
    line.outcome = outcome
    line.full_clean()
    line.save(update_fields=["description", "hours_per_week", "outcome"])
    line.interventions.set(interventions)
    log_action(
        ehcp,
        "interventions.ehcp_provision.updated",
        actor=by,
        school=ehcp.school_id,
        data={"provision": line.pk, "interventions": sorted(i.pk for i in interventions)},
    )
    return line


@transaction.atomic
def ehcp_provision_remove(*, provision: EHCPProvision, by: User) -> None:
    """Remove a section F provision line (the sessions it pointed to stay as they are)."""
    ehcp = _live_ehcp(provision.ehcp)
    deleted, _ = EHCPProvision.objects.filter(pk=provision.pk, ehcp=ehcp).delete()
    if deleted:
        log_action(
            ehcp,
            "interventions.ehcp_provision.removed",
            actor=by,
            school=ehcp.school_id,
            data={"provision": provision.pk},
        )


# Steps that need the meeting recorded first, and the one that needs an "amend" decision.
_AFTER_MEETING = {"REPORT", "LA_DECISION", "FINAL_PLAN"}


@transaction.atomic
def annual_review_step_add(
    *,
    review: AnnualReview,
    step: str,
    by: User,
    on: dt.date,
    la_decision: str = "",
) -> AnnualReviewStep:
    """Record a step from the review page, checking its order first; a repeat is refused."""
    review = AnnualReview.objects.select_for_update().get(pk=review.pk)
    if step not in AnnualReviewStep.Step.values:
        raise ValidationError("Choose a step of the annual review.")
    if on > timezone.localdate():
        raise ValidationError({"done_on": "That day has not happened yet."})
    done = {s.step: s for s in review.steps.select_related("done_by")}
    if step in done:
        first = done[step]
        who = getattr(first.done_by, "full_name", "") or "someone"
        raise PlanError(
            f"“{first.get_step_display()}” is already recorded for this review "
            f"({first.done_on:%d/%m/%Y}, by {who})."
        )
    if step in _AFTER_MEETING and "MEETING" not in done:
        raise PlanError("Record the meeting first.")
    if step == "FINAL_PLAN" and review.la_decision != AnnualReview.Decision.AMEND:
        raise PlanError("An amended final plan follows only an LA decision to amend.")
    if step == "LA_DECISION" and la_decision not in AnnualReview.Decision.values:
        raise ValidationError(
            {"la_decision": "Choose the LA's decision: maintain, amend or cease."}
        )
    return annual_review_step_record(
        review=review, step=step, by=by, on=on, la_decision=la_decision
    )


# --- Editing plans: start, change, targets, agree (the SENDCo's edit pages) --------------------

# Module aliases keep these names apart from the imports of the EHCP section above.
import json  # noqa: E402
import uuid  # noqa: E402
from hashlib import sha256  # noqa: E402
from typing import NamedTuple  # noqa: E402

from interventions.models import delivery as delivery_models  # noqa: E402
from staff import models as staff_models  # noqa: E402

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
    return sha256(repr(parts).encode()).hexdigest()[:16]


def _plan_locked(plan: SupportPlan) -> SupportPlan:
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


def _plan_ensure_editable(plan: SupportPlan) -> None:
    reason = plan_locked_reason(plan)
    if reason:
        raise PlanError(reason)


def _plan_conflict(obj: SupportPlan | PlanTarget, *, by: User, what: str) -> PlanConflict:
    """Build the refusal for a stale form, naming who saved last and when."""
    last = (
        staff_models.AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
        .select_related("actor")
        .first()
    )
    when = f" at {timezone.localtime(last.at):%H:%M on %d/%m/%Y}" if last else ""
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


def _plan_check_member(user: User | None, school_id: int, field: str) -> None:
    if user is None:
        return
    if not staff_models.Membership.objects.active().filter(user=user, school_id=school_id).exists():
        raise ValidationError(
            {field: f"{user} does not work at this school. Choose someone who does."}
        )


def _plan_check_review_date(day: dt.date, *, today: dt.date) -> None:
    if day < today:
        raise ValidationError(
            {"next_review_on": f"{day:%d/%m/%Y} has passed. Choose today or a later date."}
        )
    if day > ehcp_clock.add_months(today, REVIEW_HORIZON_MONTHS):
        raise ValidationError(
            {
                "next_review_on": f"{day:%d/%m/%Y} is more than a year away; plans are reviewed "
                "termly. Check the year."
            }
        )


def _plan_check_voice_dates(values: dict[str, Any], *, today: dt.date) -> None:
    errors = {
        field: f"{values[field]:%d/%m/%Y} is in the future. Enter the day the views were gathered."
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
    form_key: uuid.UUID,
    next_review_on: dt.date | None = None,
    needs_summary: str = "",
    strategies: str = "",
) -> tuple[SupportPlan, bool]:
    """Start a draft plan for a pupil; return (plan, created).

    The form's one-time ``form_key`` is kept in the audit record, so a double click or a resent
    request returns the first plan instead of starting a twin.
    """
    # One writer per pupil at a time: a repeated request waits here, then finds the first plan.
    Pupil.objects.select_for_update().only("pk").get(pk=pupil.pk)
    first = staff_models.AuditEvent.objects.filter(
        action="interventions.plan.created", actor=by, data__form_key=str(form_key)
    ).first()
    if first is not None:
        return SupportPlan.objects.get(pk=first.object_id), False
    open_twin = SupportPlan.objects.filter(pupil=pupil, kind=kind).open().first()
    if open_twin is not None:
        raise PlanError(
            f"{pupil} already has an open {kind} (started {open_twin.created_at:%d/%m/%Y}). "
            "Change that plan instead of starting another."
        )
    _plan_check_member(owner, pupil.school_id, "owner")
    if next_review_on is not None:
        _plan_check_review_date(next_review_on, today=timezone.localdate())
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
    log_action(plan, "interventions.plan.created", actor=by, data={"form_key": str(form_key)})
    return plan, True


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
    plan = _plan_locked(plan)
    _plan_ensure_editable(plan)
    changed = sorted(field for field, value in changes.items() if getattr(plan, field) != value)
    if not changed:
        return plan
    if seen != plan_edit_token(plan):
        raise _plan_conflict(plan, by=by, what="plan")
    today = timezone.localdate()
    if "owner" in changed:
        _plan_check_member(changes["owner"], plan.school_id, "owner")
    if "next_review_on" in changed:
        if changes["next_review_on"] is not None:
            _plan_check_review_date(changes["next_review_on"], today=today)
        elif plan.status == SupportPlan.Status.ACTIVE:
            raise ValidationError({"next_review_on": "An agreed plan needs a next review date."})
    _plan_check_voice_dates({f: changes[f] for f in changed}, today=today)
    for field in changed:
        setattr(plan, field, changes[field])
    plan.full_clean()
    plan.save()
    log_action(plan, "interventions.plan.updated", actor=by, data={"fields": changed})
    return plan


def _plan_check_target(
    plan: SupportPlan,
    *,
    responsible: User | None,
    interventions: Sequence[delivery_models.Intervention],
    due_on: dt.date | None,
    due_changed: bool,
) -> None:
    _plan_check_member(responsible, plan.school_id, "responsible")
    wanted = {i.pk for i in interventions}
    attended = set(
        delivery_models.Intervention.objects.filter(
            pk__in=wanted, school_id=plan.school_id, enrolments__pupil_id=plan.pupil_id
        ).values_list("pk", flat=True)
    )
    if wanted - attended:
        raise ValidationError(
            {"interventions": "Choose only interventions this pupil attends at this school."}
        )
    if due_on is not None and due_changed and due_on < timezone.localdate():
        raise ValidationError({"due_on": f"{due_on:%d/%m/%Y} has passed. Choose a later date."})


def _plan_current_target(plan: SupportPlan, target_pk: int) -> PlanTarget:
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
    form_key: uuid.UUID,
    wording: str,
    area: str,
    interventions: Sequence[delivery_models.Intervention] = (),
    success_criteria: str = "",
    baseline: str = "",
    responsible: User | None = None,
    due_on: dt.date | None = None,
) -> tuple[PlanTarget, bool]:
    """Add a target to the plan's current cycle; return (target, created).

    The form's one-time ``form_key`` makes a double click add one target, not two.
    """
    plan = _plan_locked(plan)
    first = staff_models.AuditEvent.objects.filter(
        action="interventions.plan_target.added", actor=by, data__form_key=str(form_key)
    ).first()
    if first is not None:
        existing = PlanTarget.objects.filter(pk=first.object_id, plan=plan).first()
        if existing is None:
            raise PlanError("This form was used already, and the target it added was removed.")
        return existing, False
    _plan_ensure_editable(plan)
    _plan_check_target(
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
    log_action(
        target,
        "interventions.plan_target.added",
        actor=by,
        school=plan.school_id,
        data={"plan": plan.pk, "form_key": str(form_key)},
    )
    return target, True


@transaction.atomic
def plan_target_update(
    *,
    target: PlanTarget,
    by: User,
    seen: str,
    interventions: Sequence[delivery_models.Intervention] | None = None,
    **changes: Any,
) -> PlanTarget:
    """Change a target of the plan's current cycle, until a review scores it.

    ``seen`` is the target's ``target_edit_token`` when the form was opened: if anyone changed it
    since, nothing is overwritten. Saving values it already holds changes nothing.
    """
    unknown = set(changes) - set(TARGET_EDIT_FIELDS)
    if unknown:
        raise TypeError(f"plan_target_update cannot change {sorted(unknown)}")
    plan = _plan_locked(target.plan)
    _plan_ensure_editable(plan)
    target = _plan_current_target(plan, target.pk)
    changed = sorted(field for field, value in changes.items() if getattr(target, field) != value)
    if interventions is not None and {i.pk for i in interventions} != {
        i.pk for i in target.interventions.all()
    }:
        changed.append("interventions")
    if not changed:
        return target
    if seen != target_edit_token(target):
        raise _plan_conflict(target, by=by, what="target")
    _plan_check_target(
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
    log_action(
        target,
        "interventions.plan_target.changed",
        actor=by,
        school=plan.school_id,
        data={"plan": plan.pk, "fields": changed},
    )
    return target


@transaction.atomic
def plan_target_remove(*, target: PlanTarget, by: User, seen: str | None = None) -> bool:
    """Remove a target from the plan's current cycle while it has no outcome; return whether
    it was removed now (False when a repeated click finds it gone already).

    Agreed versions keep their copy of the target.
    """
    plan = _plan_locked(target.plan)
    if not PlanTarget.objects.filter(pk=target.pk, plan=plan).exists():
        return False
    _plan_ensure_editable(plan)
    target = _plan_current_target(plan, target.pk)
    if seen is not None and seen != target_edit_token(target):
        raise _plan_conflict(target, by=by, what="target")
    log_action(
        target,
        "interventions.plan_target.removed",
        actor=by,
        school=plan.school_id,
        data={"plan": plan.pk},
    )
    target.delete()
    return True


def _plan_agreed_content(snapshot: dict[str, Any]) -> dict[str, Any]:
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
        and _plan_agreed_content(latest.snapshot) == _plan_agreed_content(snapshot)
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
    plan = _plan_locked(plan)
    _plan_ensure_editable(plan)
    preview = plan_agree_preview(plan)
    if preview.unchanged_since is not None:
        return preview.unchanged_since, False
    if seen != preview.token:
        raise PlanConflict(
            "This plan or its targets changed after you opened this page. Nothing was agreed: "
            "reload the page, check the plan as it is now, then agree it."
        )
    return plan_agree(plan=plan, by=by), True
