"""Access-matrix rows for teachers' pages (interventions.teaching).

world.teacher teaches world.pupil in class 8X/Ma1. My classes, answering review input and
marking strategies are the teacher's; the class summary is the teacher's and leaders'; asking
teachers for input is the SENDCo's; strategies across teachers are leaders'. Another school's
leader reaches none of this school's records (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from interventions.models import EHCP, AnnualReview, PlanKind, ReviewInputRequest, SupportPlan
from pupils.models import TeachingClass
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Row
from tests.conftest import World


def _class(w: World) -> list[Any]:
    return [TeachingClass.objects.get(school=w.school, code="8X/Ma1").pk]


def _plan(w: World) -> SupportPlan:
    return SupportPlan.objects.create(
        school=w.school,
        pupil=w.pupil,
        kind=PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0],
        owner=w.users["sendco"],
        status=SupportPlan.Status.ACTIVE,
        next_review_on=dt.date.today() + dt.timedelta(days=30),
    )


def _plan_pk(w: World) -> list[Any]:
    return [_plan(w).pk]


def _review(w: World) -> list[Any]:
    ehcp = EHCP.objects.create(
        school=w.school,
        pupil=w.pupil,
        coordinator=w.users["sendco"],
        local_authority="Testshire",
        issued_on=dt.date(2025, 1, 10),
        next_review_due=dt.date(2026, 1, 10),
    )
    return [AnnualReview.objects.create(ehcp=ehcp, meeting_on=dt.date.today()).pk]


def _request(w: World) -> list[Any]:
    asked = ReviewInputRequest.objects.create(
        school=w.school,
        pupil=w.pupil,
        plan=_plan(w),
        teacher=w.users["teacher"],
        requested_by=w.users["sendco"],
        due_on=dt.date.today() + dt.timedelta(days=7),
    )
    return [asked.token]


def _pupil(w: World) -> list[Any]:
    return [w.pupil.pk]


TEACHER_ONLY = {"teacher": OK}
SENDCO_POSTS = {"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED}

ROWS: dict[str, Row] = {
    "interventions:my_classes": Row(default=FORBIDDEN, expect=TEACHER_ONLY),
    "interventions:class_summary_pdf": Row(
        args=_class,
        default=FORBIDDEN,
        expect={"teacher": OK, "sendco": OK, "head": OK, "other_school": NOT_FOUND},
        # GET only, checked before the class is looked up: a POST is turned away unlooked.
        post={"other_school": NOT_ALLOWED},
    ),
    # An empty answer is refused with a message on the form (200).
    "interventions:review_input": Row(
        args=_request, default=FORBIDDEN, expect=TEACHER_ONLY, post_default=OK
    ),
    "interventions:plan_ask_teachers": Row(
        args=_plan_pk, default=FORBIDDEN, expect=SENDCO_POSTS, post={"other_school": NOT_FOUND}
    ),
    "interventions:ehcp_review_ask_teachers": Row(
        args=_review, default=FORBIDDEN, expect=SENDCO_POSTS, post={"other_school": NOT_FOUND}
    ),
    "interventions:strategy_feedback": Row(
        args=_pupil, default=FORBIDDEN, expect={"teacher": NOT_ALLOWED}
    ),
    "interventions:strategies_across_teachers": Row(
        default=FORBIDDEN, expect={"sendco": OK, "head": OK, "other_school": OK}
    ),
}
