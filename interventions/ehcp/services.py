"""Writes for EHCPs: the record, section E outcomes, section F provision and annual reviews.

Double submissions: each add form carries a one-time form key, and ``send_hub.lib.form_keys``
saves a form sent twice once. Edits carry the ``version`` (a fingerprint) the person saw; a
different one means someone else saved in between, and the second person is told rather than
overwriting silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from interventions.delivery.models import Enrolment, Intervention
from interventions.ehcp import clock as ehcp_clock
from interventions.ehcp.models import (
    EHCP,
    AnnualReview,
    AnnualReviewStep,
    EHCPOutcome,
    EHCPProvision,
)
from interventions.errors import PlanError
from pupils.models import Pupil
from send_hub.lib.dates import nice_date
from send_hub.lib.tokens import fingerprint
from staff.audit import log_action
from staff.models import User


class StaleEdit(PlanError):
    """Someone else saved the record after this form was opened."""


def ehcp_version(obj: EHCP | EHCPOutcome | EHCPProvision) -> str:
    """Return a short fingerprint of an EHCP, outcome or provision line as the form saw it."""
    if isinstance(obj, EHCP):
        parts: list[object] = [
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
    return fingerprint(parts)


def _check_version(obj: EHCP | EHCPOutcome | EHCPProvision, version: str | None, what: str) -> None:
    if version and version != ehcp_version(obj):
        raise StaleEdit(
            f"Someone else changed this {what} while you were editing it. The form now shows "
            "their version: make your change again if it is still needed."
        )


def _live_ehcp(ehcp: EHCP) -> EHCP:
    """Lock the EHCP row for a change to it or its sections, refusing a ceased plan."""
    locked = EHCP.objects.select_for_update().get(pk=ehcp.pk)
    if locked.ceased_on is not None:
        raise PlanError("This EHCP has ceased; its outcomes and provision can no longer change.")
    return locked


def _clean_transfer(phase_transfer: str, transfer_year: int | None, issued_on: dt.date) -> None:
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


def _audit(obj: Model, action: str, *, by: User, ehcp: EHCP, **data: Any) -> None:
    """Audit one change to an EHCP or its parts, filed under the EHCP's school."""
    log_action(obj, f"interventions.{action}", actor=by, school=ehcp.school_id, data=data)


def _link(
    line: EHCPProvision,
    interventions: Sequence[Intervention],
    *,
    action: str,
    by: User,
    ehcp: EHCP,
) -> None:
    """Point a provision line at the interventions that deliver it, and audit the change."""
    line.interventions.set(interventions)
    ids = sorted(i.pk for i in interventions)
    _audit(
        ehcp,
        f"ehcp_provision.{action}",
        by=by,
        ehcp=ehcp,
        provision=line.pk,
        interventions=ids,
    )


def _save(obj: Model) -> None:
    """Validate a new or changed row, then write it."""
    obj.full_clean()
    obj.save()


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
) -> EHCP:
    """Record a pupil's EHCP; the first annual review falls due 12 months after its issue."""
    Pupil.objects.select_for_update().only("pk").get(pk=pupil.pk)  # one live EHCP per pupil
    live = EHCP.objects.live().filter(pupil=pupil).first()
    if live is not None:
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
    _save(ehcp)
    _audit(ehcp, "ehcp.created", by=by, ehcp=ehcp, pupil=pupil.pk)
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
    """Change the EHCP's details; until a review concludes, the issue date sets the review due."""
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
        and not ehcp.annual_reviews.filter(completed_on__isnull=False).exists()
    ):
        ehcp.next_review_due = ehcp_clock.next_review_due(issued_on)
        changed.append("next_review_due")
    if not changed:
        return ehcp
    ehcp.full_clean()
    ehcp.save(update_fields=changed)
    _audit(ehcp, "ehcp.updated", by=by, ehcp=ehcp, f=changed)
    return ehcp


def _clean_outcome_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the outcome as section E words it."})
    return text


@transaction.atomic
def ehcp_outcome_add(*, ehcp: EHCP, by: User, text: str, area: str = "") -> EHCPOutcome:
    """Add a section E outcome to the EHCP."""
    ehcp = _live_ehcp(ehcp)
    outcome = EHCPOutcome(ehcp=ehcp, text=_clean_outcome_text(text), area=area)
    _save(outcome)
    _audit(ehcp, "ehcp_outcome.added", by=by, ehcp=ehcp, outcome=outcome.pk)
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
    _audit(ehcp, "ehcp_outcome.updated", by=by, ehcp=ehcp, outcome=outcome.pk)
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
    _audit(
        ehcp,
        "ehcp_outcome.removed",
        by=by,
        ehcp=ehcp,
        outcome=outcome.pk,
        provision_unlinked=orphaned,
    )
    return orphaned


def _clean_provision(
    ehcp: EHCP,
    description: str,
    hours_per_week: Decimal | None,
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
    hours_per_week: Decimal | None = None,
    outcome: EHCPOutcome | None = None,
    interventions: Sequence[Intervention] = (),
) -> EHCPProvision:
    """Add a section F provision line, linked to the outcome it serves and what delivers it."""
    ehcp = _live_ehcp(ehcp)
    description = _clean_provision(ehcp, description, hours_per_week, outcome, interventions)
    line = EHCPProvision(
        ehcp=ehcp, description=description, hours_per_week=hours_per_week, outcome=outcome
    )
    _save(line)
    _link(line, interventions, action="added", by=by, ehcp=ehcp)
    return line


@transaction.atomic
def ehcp_provision_update(
    *,
    provision: EHCPProvision,
    by: User,
    description: str,
    hours_per_week: Decimal | None = None,
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
    _link(line, interventions, action="updated", by=by, ehcp=ehcp)
    return line


@transaction.atomic
def ehcp_provision_remove(*, provision: EHCPProvision, by: User) -> None:
    """Remove a section F provision line (the sessions it pointed to stay as they are)."""
    ehcp = _live_ehcp(provision.ehcp)
    deleted, _ = EHCPProvision.objects.filter(pk=provision.pk, ehcp=ehcp).delete()
    if deleted:
        _audit(ehcp, "ehcp_provision.removed", by=by, ehcp=ehcp, provision=provision.pk)


# --- Annual reviews -------------------------------------------------------------------------


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
def annual_review_reschedule(
    *, review: AnnualReview, meeting_on: dt.date, by: User
) -> AnnualReview:
    """Move a review's meeting before it is held; every deadline moves with it.

    Reminders already sent for the old dates stay sent; the new dates earn their own.
    """
    review = AnnualReview.objects.select_for_update().select_related("ehcp").get(pk=review.pk)
    if review.completed_on is not None:
        raise PlanError("This annual review has concluded; its meeting date is part of the record.")
    if review.steps.filter(step=AnnualReviewStep.Step.MEETING).exists():
        raise PlanError(
            "The meeting has been recorded as held, so its date can no longer move. If it was "
            "recorded by mistake, ask your SEND Hub administrator."
        )
    old = review.meeting_on
    if meeting_on == old:
        return review
    review.meeting_on = meeting_on
    review.save(update_fields=["meeting_on"])
    log_action(
        review,
        "interventions.annual_review.rescheduled",
        actor=by,
        school=review.ehcp.school,
        data={"from": old.isoformat(), "to": meeting_on.isoformat()},
    )
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
    _save(done)
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
            f"({nice_date(first.done_on)}, by {who})."
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
