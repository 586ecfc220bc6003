"""Access-matrix rows for measures and the impact report (see tests/test_access_matrix.py).

The SENDCo sees every intervention in the school and the staff who deliver one see theirs.
Teachers and the DSL see that a pupil attends (the intervention page) but not measures or
impact: 403, as the intervention is visible to them. Other LSAs and ELSAs cannot see it at all
(404), the HR admin has no interventions capability (403), and another school gets 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from interventions.models import Enrolment, Intervention, Programme, Session, SessionAttendance
from interventions.outcomes.reports import impact_report_build
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Row
from tests.conftest import World


def _intervention(w: World) -> Intervention:
    """A reading group in the first school, led by lsa_caseload, with world.pupil in it."""
    programme = Programme.objects.create(
        school=w.school,
        name="Impact reading booster",
        kind=Programme.Kind.LITERACY,
        area="CL",
        cost_per_staff_hour=Decimal("15.00"),
        measures=["GBO", "NUMERIC", "SDQ"],
        numeric_measure_label="Reading age (months)",
    )
    intervention = Intervention.objects.create(
        school=w.school,
        programme=programme,
        name="Year 8 reading (impact)",
        lead=w.users["lsa_caseload"],
        start_date=dt.date(2025, 9, 8),
        planned_sessions=6,
        status=Intervention.Status.RUNNING,
    )
    Enrolment.objects.create(
        intervention=intervention, pupil=w.pupil, joined_on=dt.date(2025, 9, 8)
    )
    session = Session.objects.create(
        intervention=intervention,
        date=dt.date(2025, 9, 8),
        status=Session.Status.DELIVERED,
        minutes=30,
        logged_by=w.users["lsa_caseload"],
    )
    SessionAttendance.objects.create(session=session, pupil=w.pupil, attendance="PRESENT")
    return intervention


def _group(w: World) -> list[Any]:
    return [_intervention(w).pk]


def _enrolment(w: World) -> list[Any]:
    intervention = _intervention(w)
    return [intervention.pk, intervention.enrolments.get().pk]


def _built(w: World) -> list[Any]:
    intervention = _intervention(w)
    impact_report_build(intervention_id=intervention.pk)
    return [intervention.pk]


RUNS_OR_DELIVERS = {
    "lsa_caseload": OK,
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "teacher": FORBIDDEN,
    "sendco": OK,
    "dsl": FORBIDDEN,
    "hr_admin": FORBIDDEN,
    "other_school": NOT_FOUND,
    # The capability table gives the head and behaviour support interventions.view_impact, but
    # these pages open for the SENDCo and the group's own staff only: 403 (reported on #13).
    "head": FORBIDDEN,
    "behaviour_support": FORBIDDEN,
    "inclusion_leader": NOT_FOUND,  # no caseload, leads no group
}
POSTS_ONLY = {**RUNS_OR_DELIVERS, "lsa_caseload": NOT_ALLOWED, "sendco": NOT_ALLOWED}
# The report pages turn a POST away (405) before they look the group up; the HR admin is
# refused earlier still, on the capability.
GET_FIRST = {"post_refused": NOT_ALLOWED, "post": {"hr_admin": FORBIDDEN}}

ROWS: dict[str, Row] = {
    "interventions:measures": Row(args=_enrolment, expect=RUNS_OR_DELIVERS, post_default=OK),
    "interventions:impact": Row(args=_group, expect=RUNS_OR_DELIVERS, **GET_FIRST),
    "interventions:impact_pdf": Row(args=_built, expect=RUNS_OR_DELIVERS, **GET_FIRST),
    # Building the report needs nothing but the POST: it adds the report row.
    "interventions:impact_build": Row(
        args=_group, expect=POSTS_ONLY, writes=("interventions.ImpactReport",)
    ),
}
