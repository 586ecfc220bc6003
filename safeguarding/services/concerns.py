"""Raising a concern, adding to it, and recording every look at a child's file."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models import (
    Addendum,
    AddendumChild,
    Alert,
    Concern,
    ConcernPupil,
    ConcernPupilCategory,
    FileAccess,
    Involvement,
)
from safeguarding.services.alerts import alerts_create
from safeguarding.services.common import (
    FUTURE_TOLERANCE,
    PupilLink,
    RuleError,
    concern_children,
    job_title,
    people_with_role,
)
from staff.audit import log_action
from staff.models import Role, School, User
from staff.permissions import can


def _check_links(school: School, links: Sequence[PupilLink]) -> None:
    errors = []
    if not links:
        errors.append("Add the pupil (or pupils) this concern is about.")
    pupil_ids = [link.pupil.pk for link in links]
    if len(set(pupil_ids)) != len(pupil_ids):
        errors.append("Each pupil can be added once.")
    if any(link.pupil.school_id != school.pk for link in links):
        errors.append("Only pupils of this school can be linked.")
    if any(link.involvement not in Involvement.values for link in links):
        errors.append("Say how each pupil is involved.")
    if links and not any(link.involvement == Involvement.CONCERN_FOR for link in links):
        errors.append("Mark at least one pupil as the child you are worried about.")
    for link in links:
        if link.involvement == Involvement.CONCERN_FOR and not link.categories:
            errors.append(f"Choose at least one category for {link.pupil.display_name}.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def concern_submit(
    *,
    school: School,
    reporter: User,
    idempotency_key: uuid.UUID,
    links: Sequence[PupilLink],
    occurred_at: dt.datetime,
    location: str,
    what_happened: str,
    childs_words: str = "",
    action_taken: str = "",
    who_told: str = "",
    body_map: list[dict[str, Any]] | None = None,
    body_map_note: str = "",
    urgent: bool = False,
) -> Concern:
    """Record a concern and alert the whole DSL team at once, in the same transaction.

    The same form sent twice (a double click, a resent request) returns the first concern.
    """
    existing = Concern.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.reporter_id != reporter.pk:
            raise ValidationError("This form has already been used. Open a new one.")
        return existing
    _check_links(school, links)
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": "When it happened cannot be in the future."})
    concern = Concern(
        school=school,
        idempotency_key=idempotency_key,
        reporter=reporter,
        reporter_job_title=job_title(reporter, school),
        occurred_at=occurred_at,
        location=location.strip(),
        what_happened=what_happened.strip(),
        childs_words=childs_words.strip(),
        action_taken=action_taken.strip(),
        who_told=who_told.strip(),
        body_map=body_map or [],
        body_map_note=body_map_note.strip(),
        urgent=urgent,
    )
    # The school and the reporter are the signed-in person's own (no query to find them again);
    # the one constraint (it says what happened) is the field's own rule, checked here too.
    concern.full_clean(
        exclude=["idempotency_key", "school", "reporter"], validate_constraints=False
    )
    try:
        with transaction.atomic():
            concern.save()
    except IntegrityError:
        # The same form won a race in another request: that concern is this one.
        first = Concern.objects.get(idempotency_key=idempotency_key)
        if first.reporter_id != reporter.pk:
            raise ValidationError("This form has already been used. Open a new one.") from None
        return first
    for link in links:
        row = ConcernPupil.objects.create(
            concern=concern, pupil=link.pupil, involvement=link.involvement
        )
        ConcernPupilCategory.objects.bulk_create(
            ConcernPupilCategory(link=row, category=c) for c in link.categories
        )
    alerts_create(
        recipients=people_with_role(school, Role.DSL),
        school=school,
        kind=Alert.Kind.NEW_CONCERN,
        key=f"new:concern:{concern.pk}",
        urgent=urgent,
        concern=concern,
    )
    log_action(
        concern,
        "safeguarding.concern.submitted",
        actor=reporter,
        data={"pupils": [link.pupil.pk for link in links], "urgent": urgent},
    )
    return concern


@transaction.atomic
def addendum_add(
    *,
    concern: Concern,
    by: User,
    text: str,
    kind: str = Addendum.Kind.ADDITION,
    part: str = "",
    children: Sequence[ConcernPupil] | None = None,
) -> Addendum:
    """Add a dated addition, correction or case note to a concern, in the author's name.

    A case note is about ``children`` (by default the concern's subjects) and goes on their
    files only; an addition or a correction goes wherever the account itself goes.
    """
    triage = can(by, "safeguarding.triage", concern)
    if not triage and concern.reporter_id != by.pk:
        raise RuleError("Only the person who raised this concern and the DSL team can add to it.")
    if kind == Addendum.Kind.CASE_NOTE and not triage:
        raise RuleError("Case notes are for the DSL team.")
    addendum = Addendum(
        concern=concern,
        author=by,
        author_job_title=job_title(by, concern.school_id),
        kind=kind,
        part=part or Addendum.Part.GENERAL,
        text=text.strip(),
    )
    about = concern_children(concern, children) if kind == Addendum.Kind.CASE_NOTE else []
    addendum.full_clean()
    addendum.save()
    AddendumChild.objects.bulk_create(AddendumChild(addendum=addendum, link=link) for link in about)
    if not triage:
        alerts_create(
            recipients=people_with_role(concern.school_id, Role.DSL).exclude(pk=by.pk),
            school=concern.school_id,
            kind=Alert.Kind.ADDED,
            key=f"added:addendum:{addendum.pk}",
            urgent=concern.urgent,
            concern=concern,
        )
    log_action(
        addendum,
        "safeguarding.addendum.added",
        actor=by,
        school=concern.school_id,
        data={"concern": concern.pk, "kind": kind, "children": [link.pk for link in about]},
    )
    return addendum


ACCESS_AUDIT: dict[str, str] = {
    FileAccess.Kind.CONCERN_VIEWED: "safeguarding.concern.viewed",
    FileAccess.Kind.CHRONOLOGY_VIEWED: "safeguarding.chronology.viewed",
    FileAccess.Kind.CHRONOLOGY_PRINTED: "safeguarding.chronology.printed",
    FileAccess.Kind.FILE_EXPORTED: "safeguarding.file.exported",
}


@transaction.atomic
def access_record(
    *,
    user: User,
    kind: str,
    pupils: Sequence[Pupil],
    concern: Concern | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Write who looked at which child's file, before the page is shown.

    Called synchronously by every view of a concern or chronology and every export: if this
    fails, the exception stops the response, so nothing is shown that was not recorded.
    """
    school_id = concern.school_id if concern is not None else pupils[0].school_id
    FileAccess.objects.bulk_create(
        FileAccess(school_id=school_id, pupil=p, user=user, kind=kind, concern=concern)
        for p in pupils
    )
    log_action(
        concern if concern is not None else pupils[0],
        ACCESS_AUDIT[kind],
        actor=user,
        school=school_id,
        data={"pupils": [p.pk for p in pupils]},
        request=request,
    )
