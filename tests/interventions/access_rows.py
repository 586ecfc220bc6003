"""Access-matrix rows for the interventions app (see tests/test_access_matrix.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from interventions.models import Enrolment, Intervention, Programme, Session
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Row, method_first
from tests.conftest import World
from tests.interventions.access_rows_attendance import ROWS as ATTENDANCE_ROWS
from tests.interventions.access_rows_connect import ROWS as CONNECT_ROWS
from tests.interventions.access_rows_ehcp import ROWS as EHCP_ROWS
from tests.interventions.access_rows_evidence import ROWS as EVIDENCE_ROWS
from tests.interventions.access_rows_impact import ROWS as IMPACT_ROWS
from tests.interventions.access_rows_plan_edit import ROWS as PLAN_EDIT_ROWS
from tests.interventions.access_rows_plans import ROWS as PLANS_ROWS
from tests.interventions.access_rows_reports import ROWS as REPORTS_ROWS
from tests.interventions.access_rows_sendco import ROWS as SENDCO_ROWS
from tests.interventions.access_rows_teaching import ROWS as TEACHING_ROWS


def group(w: World) -> Intervention:
    """A running group in the first school, led by lsa_caseload, with world.pupil in it."""
    programme = Programme.objects.create(
        school=w.school,
        name="Reading booster",
        kind="LITERACY",
        area="CL",
        cost_per_staff_hour=Decimal("15"),
    )
    intervention = Intervention.objects.create(
        school=w.school,
        programme=programme,
        name="Year 8 reading",
        lead=w.users["lsa_caseload"],
        start_date=timezone.localdate() - dt.timedelta(days=14),
        planned_sessions=10,
        status="RUNNING",
    )
    Enrolment.objects.create(
        intervention=intervention, pupil=w.pupil, joined_on=intervention.start_date
    )
    return intervention


def _group(w: World) -> list[Any]:
    return [group(w).pk]


def _enrolment(w: World) -> list[Any]:
    intervention = group(w)
    return [intervention.pk, intervention.enrolments.get().pk]


def _session(w: World) -> list[Any]:
    intervention = group(w)
    session = Session.objects.create(
        intervention=intervention,
        date=timezone.localdate(),
        status="DELIVERED",
        minutes=30,
        logged_by=w.users["lsa_caseload"],
    )
    return [intervention.pk, session.pk]


def _programme(w: World) -> list[Any]:
    return [group(w).programme_id]


ALL_BUT_HR = {"hr_admin": FORBIDDEN}
MANAGER = {"sendco": OK, "other_school": OK}
MANAGES_THIS = {"sendco": OK, "other_school": NOT_FOUND}
POSTS_ONLY = {"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED}
ELSEWHERE_POSTS = {"other_school": NOT_FOUND}  # another school's SENDCo posting here
# The inclusion leader, like the other LSA, has no caseload and leads no group here.
SEES_GROUP = {
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "inclusion_leader": NOT_FOUND,
    "hr_admin": FORBIDDEN,
    "other_school": NOT_FOUND,
}
DELIVERS = {
    "lsa_caseload": OK,
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "inclusion_leader": NOT_FOUND,
    "other_school": NOT_FOUND,
}

# GET-only pages answer a POST 405 before they look the group or session up.
NOT_THEIR_GROUP = method_first("lsa_no_caseload", "elsa", "other_school", "inclusion_leader")

ROWS: dict[str, Row] = {
    "interventions:list": Row(expect=ALL_BUT_HR),
    "interventions:programmes": Row(expect=ALL_BUT_HR),
    # interventions.manage is the SENDCo's alone: the head reads but does not set up groups.
    "interventions:add": Row(default=FORBIDDEN, expect=MANAGER, post_default=OK),
    "interventions:programme_add": Row(default=FORBIDDEN, expect=MANAGER, post_default=OK),
    "interventions:programme_edit": Row(
        args=_programme, default=FORBIDDEN, expect=MANAGES_THIS, post_default=OK
    ),
    "interventions:detail": Row(args=_group, expect=SEES_GROUP, post=NOT_THEIR_GROUP),
    "interventions:sessions": Row(args=_group, expect=SEES_GROUP),
    "interventions:edit": Row(args=_group, default=FORBIDDEN, expect=MANAGES_THIS, post_default=OK),
    "interventions:status": Row(
        args=_group, default=FORBIDDEN, expect=POSTS_ONLY, post=ELSEWHERE_POSTS
    ),
    "interventions:enrol": Row(
        args=_group, default=FORBIDDEN, expect=POSTS_ONLY, post=ELSEWHERE_POSTS
    ),
    "interventions:enrol_search": Row(
        args=_group,
        default=FORBIDDEN,
        expect=POSTS_ONLY,
        post_default=OK,
        post=ELSEWHERE_POSTS,
    ),
    "interventions:enrolment_end": Row(
        args=_enrolment,
        default=FORBIDDEN,
        expect=POSTS_ONLY,
        post=ELSEWHERE_POSTS,
        writes=("interventions.Enrolment",),  # leaving today needs nothing more
    ),
    "interventions:targets": Row(
        args=_enrolment, default=FORBIDDEN, expect={**DELIVERS, "sendco": OK}, post_default=OK
    ),
    "interventions:log": Row(args=_group, default=FORBIDDEN, expect=DELIVERS, post_default=OK),
    "interventions:session": Row(args=_session, expect=SEES_GROUP, post=NOT_THEIR_GROUP),
    **IMPACT_ROWS,
    **CONNECT_ROWS,
    **ATTENDANCE_ROWS,
    **PLANS_ROWS,
    **PLAN_EDIT_ROWS,
    **EHCP_ROWS,
    **SENDCO_ROWS,
    **EVIDENCE_ROWS,
    **REPORTS_ROWS,
    **TEACHING_ROWS,
}
