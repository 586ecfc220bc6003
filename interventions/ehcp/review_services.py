"""Writes for the annual review's content: who was invited, views, progress, provision delivered,
amendments, preparing for adulthood and the recommendation (SEND Regulations 2014, reg. 20).

The record is written while the review is under way; once the review concludes (the LA's decision,
or the amended final plan) it is kept as it was and these services refuse changes. Add forms carry
a one-time form key (a double tap saves once); the progress and delivery judgements are one row
per outcome or line, so sending either twice updates that row. The free-text parts carry the
``version`` the person saw, so a second person's save is not overwritten silently.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interventions.ehcp.models import (
    AnnualReview,
    AnnualReviewAmendment,
    AnnualReviewInvitee,
    AnnualReviewProgress,
    AnnualReviewProvisionCheck,
    EHCPOutcome,
    EHCPProvision,
)
from interventions.ehcp.services import StaleEdit
from interventions.errors import PlanError
from send_hub.lib.tokens import fingerprint
from staff.audit import log_action
from staff.models import User

# The free-text parts of the record, each saved from its own form.
PARTS: dict[str, tuple[str, ...]] = {
    "views": ("child_views", "child_views_how", "parent_views", "parent_views_how"),
    "adulthood": ("pfa_employment", "pfa_independent_living", "pfa_community", "pfa_health"),
    "recommendation": ("recommendation", "recommendation_reasons"),
}


def part_version(review: AnnualReview, part: str) -> str:
    """Return a short fingerprint of one part of the record as a form saw it."""
    return fingerprint([getattr(review, name) for name in PARTS[part]])


def _open(review: AnnualReview) -> AnnualReview:
    """Lock the review for a change to its record, refusing one that has concluded."""
    locked = AnnualReview.objects.select_for_update().select_related("ehcp").get(pk=review.pk)
    if locked.completed_on is not None:
        raise PlanError(
            "This annual review has concluded, so its record is kept as it was. Record changes "
            "at the next review."
        )
    return locked


def _audit(review: AnnualReview, action: str, *, by: User, **data: Any) -> None:
    log_action(
        review,
        f"interventions.annual_review.{action}",
        actor=by,
        school=review.ehcp.school_id,
        data=data,
    )


def _required(text: str, field: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _clean_invitee_dates(
    review: AnnualReview,
    invited_on: dt.date,
    advice_received_on: dt.date | None,
    attended: bool | None,
) -> None:
    today = timezone.localdate()
    if invited_on > today:
        raise ValidationError({"invited_on": "Record the invitation once it has been sent."})
    if invited_on > review.meeting_on:
        raise ValidationError({"invited_on": "The invitation cannot follow the meeting."})
    if advice_received_on is not None:
        if advice_received_on > today:
            raise ValidationError({"advice_received_on": "That day has not happened yet."})
        if advice_received_on < invited_on - dt.timedelta(days=183):
            raise ValidationError(
                {"advice_received_on": "Advice for this review arrives near the invitation."}
            )
    if attended is not None and review.meeting_on > today:
        raise ValidationError({"attended": "Record who attended once the meeting has been held."})


@transaction.atomic
def invitee_add(
    *,
    review: AnnualReview,
    by: User,
    name: str,
    role: str,
    invited_on: dt.date,
    advice_received_on: dt.date | None = None,
    attended: bool | None = None,
) -> AnnualReviewInvitee:
    """Record someone invited to the review (and, later, their advice and attendance)."""
    review = _open(review)
    name = _required(name, "name", "Give the name of the person invited.")
    _clean_invitee_dates(review, invited_on, advice_received_on, attended)
    invitee = AnnualReviewInvitee(
        review=review,
        name=name,
        role=role,
        invited_on=invited_on,
        advice_received_on=advice_received_on,
        attended=attended,
    )
    invitee.full_clean()
    invitee.save()
    _audit(review, "invitee_added", by=by, invitee=invitee.pk, role=role)
    return invitee


@transaction.atomic
def invitee_update(
    *,
    invitee: AnnualReviewInvitee,
    by: User,
    name: str,
    role: str,
    invited_on: dt.date,
    advice_received_on: dt.date | None = None,
    attended: bool | None = None,
) -> AnnualReviewInvitee:
    """Change an invitee: the dates, whether their advice came, whether they attended."""
    review = _open(invitee.review)
    invitee = AnnualReviewInvitee.objects.get(pk=invitee.pk, review=review)
    invitee.name = _required(name, "name", "Give the name of the person invited.")
    _clean_invitee_dates(review, invited_on, advice_received_on, attended)
    invitee.role = role
    invitee.invited_on = invited_on
    invitee.advice_received_on = advice_received_on
    invitee.attended = attended
    invitee.full_clean()
    invitee.save()
    _audit(review, "invitee_updated", by=by, invitee=invitee.pk)
    return invitee


@transaction.atomic
def invitee_remove(*, invitee: AnnualReviewInvitee, by: User) -> None:
    """Remove someone recorded as invited by mistake."""
    review = _open(invitee.review)
    deleted, _ = AnnualReviewInvitee.objects.filter(pk=invitee.pk, review=review).delete()
    if deleted:
        _audit(review, "invitee_removed", by=by, invitee=invitee.pk)


@transaction.atomic
def review_part_save(
    *, review: AnnualReview, part: str, by: User, version: str | None = None, **values: str
) -> AnnualReview:
    """Save one free-text part of the record: the views, preparing for adulthood, or the
    recommendation and its reasons."""
    review = _open(review)
    fields = PARTS[part]
    if set(values) != set(fields):
        raise ValueError(f"{part} takes {', '.join(fields)}")
    if version and version != part_version(review, part):
        raise StaleEdit(
            "Someone else saved this part of the review while you were editing it. The form now "
            "shows their version: make your change again if it is still needed."
        )
    if part == "recommendation":
        if values["recommendation"] not in AnnualReview.Decision.values:
            raise ValidationError(
                {"recommendation": "Choose the recommendation: maintain, amend or cease."}
            )
        if (
            values["recommendation"] == AnnualReview.Decision.AMEND
            and not review.amendments.exists()
        ):
            raise ValidationError(
                {"recommendation": "Record the amendments recommended, section by section, first."}
            )
    changed = []
    for name in fields:
        value = values[name].strip()
        if getattr(review, name) != value:
            setattr(review, name, value)
            changed.append(name)
    if changed:
        review.full_clean()
        review.save(update_fields=changed)
        _audit(review, f"{part}_saved", by=by, f=changed)
    return review


def _outcome_of(review: AnnualReview, outcome: EHCPOutcome) -> EHCPOutcome:
    found = EHCPOutcome.objects.filter(pk=outcome.pk, ehcp_id=review.ehcp_id).first()
    if found is None:
        raise PlanError("That outcome is no longer in this EHCP.")
    return found


@transaction.atomic
def progress_record(
    *,
    review: AnnualReview,
    outcome: EHCPOutcome,
    by: User,
    progress: str,
    commentary: str,
) -> AnnualReviewProgress:
    """Record (or change) the meeting's view of progress towards one section E outcome."""
    review = _open(review)
    outcome = _outcome_of(review, outcome)
    commentary = _required(
        commentary, "commentary", "Say what the evidence shows about this outcome."
    )
    if progress not in AnnualReviewProgress.Progress.values:
        raise ValidationError({"progress": "Choose how far the outcome has been reached."})
    row, created = AnnualReviewProgress.objects.update_or_create(
        review=review,
        outcome=outcome,
        defaults={"outcome_text": outcome.text, "progress": progress, "commentary": commentary},
    )
    _audit(
        review,
        "progress_recorded" if created else "progress_updated",
        by=by,
        outcome=outcome.pk,
        progress=progress,
    )
    return row


@transaction.atomic
def provision_check_record(
    *,
    review: AnnualReview,
    provision: EHCPProvision,
    by: User,
    delivered: str,
    shortfall_reason: str = "",
) -> AnnualReviewProvisionCheck:
    """Record whether one section F line was delivered as specified, and why not if it fell
    short; the hours section F stated are kept with the judgement."""
    review = _open(review)
    line = EHCPProvision.objects.filter(pk=provision.pk, ehcp_id=review.ehcp_id).first()
    if line is None:
        raise PlanError("That provision line is no longer in this EHCP.")
    if delivered not in AnnualReviewProvisionCheck.Delivered.values:
        raise ValidationError({"delivered": "Choose whether the provision was delivered."})
    reason = shortfall_reason.strip()
    if delivered != AnnualReviewProvisionCheck.Delivered.AS_SPECIFIED and not reason:
        raise ValidationError(
            {"shortfall_reason": "Give the reason it fell short (for example staff absence)."}
        )
    if delivered == AnnualReviewProvisionCheck.Delivered.AS_SPECIFIED:
        reason = ""
    stated = None if line.hours_per_week is None else Decimal(line.hours_per_week)
    row, created = AnnualReviewProvisionCheck.objects.update_or_create(
        review=review,
        provision=line,
        defaults={
            "provision_text": line.description,
            "stated_hours": stated,
            "delivered": delivered,
            "shortfall_reason": reason,
        },
    )
    _audit(
        review,
        "provision_checked" if created else "provision_check_updated",
        by=by,
        provision=line.pk,
        delivered=delivered,
    )
    return row


@transaction.atomic
def amendment_add(
    *, review: AnnualReview, by: User, section: str, text: str
) -> AnnualReviewAmendment:
    """Record one amendment the review recommends, under the section of the plan it changes."""
    review = _open(review)
    text = _required(text, "text", "Write the amendment as the plan should read.")
    amendment = AnnualReviewAmendment(review=review, section=section, text=text, added_by=by)
    amendment.full_clean()
    amendment.save()
    _audit(review, "amendment_added", by=by, amendment=amendment.pk, section=section)
    return amendment


@transaction.atomic
def amendment_remove(*, amendment: AnnualReviewAmendment, by: User) -> None:
    """Withdraw a recommended amendment."""
    review = _open(amendment.review)
    deleted, _ = AnnualReviewAmendment.objects.filter(pk=amendment.pk, review=review).delete()
    if deleted:
        _audit(review, "amendment_removed", by=by, amendment=amendment.pk)
