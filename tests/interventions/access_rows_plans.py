"""Access-matrix rows for support plans, the review calendar and reminders.

Plans follow the pupil: whoever sees world.pupil sees its plan (LSA with the caseload, teacher,
SENDCo, DSL); other LSAs and ELSAs, the HR admin and another school get 404. Only the SENDCo
reviews (403 for the others who can see it). The calendar is for leaders; reminders are every
member's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from interventions.models import Notification, PlanKind, SupportPlan
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, method_first
from tests.conftest import World
from tests.pupils.access_rows import SEES_PUPIL


def _plan(w: World) -> list[Any]:
    plan = SupportPlan.objects.create(
        school=w.school,
        pupil=w.pupil,
        kind=PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0],
        owner=w.users["sendco"],
        status=SupportPlan.Status.ACTIVE,
        next_review_on=dt.date.today() + dt.timedelta(days=30),
    )
    return [plan.pk]


def _notification(w: World) -> list[Any]:
    note = Notification.objects.create(
        school=w.school,
        recipient=w.users["sendco"],
        kind="plan_review_7",
        text="Support plan review: within 7 days.",
        due_on=dt.date.today(),
    )
    return [note.pk]


# GET-only pages answer a POST 405 before they look the record up.
NOT_THEIR_PUPIL = method_first("lsa_no_caseload", "elsa", "other_school", "inclusion_leader")

ROWS: dict[str, Row] = {
    "interventions:plan": Row(args=_plan, expect=SEES_PUPIL, post=NOT_THEIR_PUPIL),
    "interventions:plan_review": Row(
        args=_plan,
        default=FORBIDDEN,
        expect={
            "sendco": OK,
            "lsa_no_caseload": FORBIDDEN,
            "elsa": FORBIDDEN,
            "other_school": NOT_FOUND,
        },
        post_default=OK,
    ),
    # interventions.ehcp_calendar: leaders.
    "interventions:calendar": Row(
        default=FORBIDDEN, expect={"sendco": OK, "head": OK, "other_school": OK}
    ),
    "interventions:notifications": Row(),
    # A reminder is its recipient's (the SENDCo's) to mark read; for anyone else it is not there.
    "interventions:notification_read": Row(
        args=_notification,
        default=NOT_ALLOWED,
        post_default=NOT_FOUND,
        post={"sendco": REDIRECT},
        writes=("interventions.Notification",),
    ),
}
