"""A pupil's support page's sections, kept until what they show changes (issue #16).

The support page shows a pupil's interventions (with the latest session notes and outcome
measures), their support plans and parents' meetings, and their Connect placement and check-ins:
eight queries over five feature packages, most of the page's cost. For the people who see every
pupil in the school, the sections are kept, rendered, under two stamps
(``interventions.delivery.kept``): the pupil's, which every save and delete of a row of their
support replaces (enrolments, attendance, goals, measures, plans and reviews, check-ins,
placements, and a session with its notes), and the school's, which the rows many pupils share
replace (interventions and who delivers them, programmes, rooms and their staff, plan kinds,
staff names). Code that writes these tables in bulk says so itself (``SUPPORT_PUPIL.changed``).
A copy is kept per viewer (what they may read of notes and measures follows what they deliver)
and per day (check-ins of the last four weeks, meetings of the last twelve months).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from interventions.connect.models import CheckIn, CheckInPupil, Placement, Room
from interventions.delivery.kept import SUPPORT_PUPIL, SUPPORT_SCHOOL
from interventions.delivery.models import (
    Enrolment,
    EnrolmentTarget,
    Intervention,
    Programme,
    Session,
    SessionAttendance,
)
from interventions.outcomes.models import MeasureRecord
from interventions.plans.models import PlanKind, PlanReview, SupportPlan
from pupils.models import Pupil
from send_hub.http import SchoolHttpRequest
from send_hub.lib.kept import kept_under
from staff.models import Membership, School, User
from staff.permissions import WHOLE_SCHOOL_PUPIL_ROLES, roles_for

TEMPLATE = "interventions/pupil_support.html"


def support_sections(request: SchoolHttpRequest, pupil: Pupil) -> SafeString:
    """Render the pupil's support sections for the person asking, kept where they may be."""

    def rendered() -> SafeString:
        # The sections' tags read the person from the request; they print no form, no token
        # and no nonce, so nothing in them is particular to this request.
        return render_to_string(TEMPLATE, {"pupil": pupil, "request": request})

    roles = roles_for(request.user, pupil.school_id)
    if not roles & WHOLE_SCHOOL_PUPIL_ROLES:
        # Scoped to some pupils (a caseload, classes): what they see of this one follows links
        # these stamps do not follow.
        return rendered()
    parts = (
        "support",
        pupil.pk,
        request.user.pk,
        tuple(sorted(roles)),
        pupil.is_archived,
        timezone.localdate().isoformat(),
    )
    stamps = [(SUPPORT_SCHOOL, pupil.school_id), (SUPPORT_PUPIL, pupil.pk)]
    return kept_under(stamps, parts, rendered)


# Each row of one pupil's support, and the path from it to its pupil (or pupils).
_PUPIL_PATH: dict[type[Model], str] = {
    Enrolment: "pupil_id",
    SessionAttendance: "pupil_id",
    EnrolmentTarget: "enrolment__pupil_id",
    MeasureRecord: "enrolment__pupil_id",
    SupportPlan: "pupil_id",
    PlanReview: "plan__pupil_id",
    CheckInPupil: "pupil_id",
    CheckIn: "pupil_id",
    Placement: "pupil_id",
    Session: "attendance__pupil_id",  # its date and intervention are shown with its notes
}
# Rows many pupils' support shares, and the path to their school.
_SCHOOL_PATH: dict[type[Model], str] = {
    Intervention: "school_id",
    Programme: "school_id",
    Room: "school_id",
}


def _pupils_of(rows: QuerySet[Any]) -> Iterable[int]:
    path = _PUPIL_PATH[rows.model]
    found = rows.order_by().values_list(path, flat=True).distinct()
    return [pk for pk in found if pk is not None]


def _pupils_of_row(instance: Model) -> Iterable[int]:
    pupil_id = getattr(instance, "pupil_id", None)
    if pupil_id is not None:
        return [pupil_id]
    return _pupils_of(type(instance)._base_manager.filter(pk=instance.pk))


def _on_pupil_row_save(
    sender: type[Model], instance: Model, created: bool = False, raw: bool = False, **_: Any
) -> None:
    if raw or (created and sender is Session):
        return  # a new session has no attendance yet: session_log says whose it is
    SUPPORT_PUPIL.changed(_pupils_of_row(instance))


def _on_pupil_row_delete(
    sender: type[Model], instance: Model, origin: object = None, **_: Any
) -> None:
    # Before the rows go, while their pupils can still be found; once for a queryset's delete.
    if isinstance(origin, QuerySet) and origin.model in _PUPIL_PATH:
        if not vars(origin).get("_support_changed"):
            vars(origin)["_support_changed"] = True
            SUPPORT_PUPIL.changed(_pupils_of(origin))
        return
    SUPPORT_PUPIL.changed(_pupils_of_row(instance))


def _on_school_row(sender: type[Model], instance: Model, raw: bool = False, **_: Any) -> None:
    if not raw:
        SUPPORT_SCHOOL.changed([getattr(instance, _SCHOOL_PATH[type(instance)])])


def _on_staff_change(sender: type[Model], instance: Model, action: str, **_: Any) -> None:
    # Who delivers an intervention, or staffs a room, decides what others' copies show.
    if action.startswith("post_") and isinstance(instance, (Intervention, Room)):
        SUPPORT_SCHOOL.changed([instance.school_id])
    elif action.startswith("post_") and isinstance(instance, User):
        _on_user(instance)


def _on_user(instance: User, update_fields: frozenset[str] | None = None, **_: Any) -> None:
    # Leads' names are shown; signing in (last_login) changes nothing shown.
    if update_fields is not None and "full_name" not in update_fields:
        return
    SUPPORT_SCHOOL.changed(
        Membership.objects.filter(user=instance).values_list("school_id", flat=True)
    )


def _on_plan_kind(**_: Any) -> None:
    SUPPORT_SCHOOL.changed(School.objects.values_list("pk", flat=True))  # the same everywhere


def connect_receivers() -> None:
    """Replace the stamps on every save and delete of what the kept sections are read from."""
    for model in _PUPIL_PATH:
        uid = f"interventions.pupil_support.{model._meta.label}"
        post_save.connect(_on_pupil_row_save, sender=model, dispatch_uid=f"{uid}.save")
        pre_delete.connect(_on_pupil_row_delete, sender=model, dispatch_uid=f"{uid}.delete")
    for model in _SCHOOL_PATH:
        uid = f"interventions.pupil_support.{model._meta.label}"
        post_save.connect(_on_school_row, sender=model, dispatch_uid=f"{uid}.save")
        pre_delete.connect(_on_school_row, sender=model, dispatch_uid=f"{uid}.delete")
    for through in (Intervention.assistants.through, Room.leaders.through, Room.staff.through):
        uid = f"interventions.pupil_support.{through._meta.label}"
        m2m_changed.connect(_on_staff_change, sender=through, dispatch_uid=uid)
    post_save.connect(_on_user, sender=User, dispatch_uid="interventions.pupil_support.User")
    post_save.connect(_on_plan_kind, sender=PlanKind, dispatch_uid="interventions.support.kind")
    pre_delete.connect(_on_plan_kind, sender=PlanKind, dispatch_uid="interventions.support.kind.d")
