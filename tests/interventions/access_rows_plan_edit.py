"""Access-matrix rows for plan edit pages (merged in tests/interventions/access_rows.py).

Only the SENDCo starts and changes plans: everyone else in the school gets 403 (the capability is
checked before the plan is looked up), and another school's SENDCo gets 404 for this school's
pupil or plan. The list and the agreed versions follow the pupil, like the plan page: whoever sees
world.pupil sees them; other LSAs and ELSAs get an empty list but a 404 for the version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from interventions.models import PlanKind, PlanTarget, PlanVersion, SupportPlan
from tests.access import FORBIDDEN, NOT_FOUND, OK, Row, method_first
from tests.conftest import World
from tests.pupils.access_rows import SEES_PUPIL


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


def _target(w: World) -> list[Any]:
    plan = _plan(w)
    target = PlanTarget.objects.create(plan=plan, cycle=1, wording="Reads ten words", area="CL")
    return [plan.pk, target.pk]


def _version(w: World) -> list[Any]:
    plan = _plan(w)
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        agreed_on=dt.date.today(),
        agreed_by=w.users["sendco"],
        snapshot={"kind": "IEP", "cycle": 1, "targets": []},
    )
    return [plan.pk, 1]


def _pupil(w: World) -> list[Any]:
    return [w.pupil.pk]


# The SENDCo only; another school's SENDCo cannot reach this school's plan or pupil.
SENDCO_ONLY = {"sendco": OK, "other_school": NOT_FOUND}

# GET-only pages answer a POST 405 before they look the record up.
NOT_THEIR_PUPIL = method_first("lsa_no_caseload", "elsa", "other_school", "inclusion_leader")

ROWS: dict[str, Row] = {
    "interventions:plan_list": Row(expect={"hr_admin": FORBIDDEN}),
    "interventions:plan_start": Row(
        default=FORBIDDEN, expect={"sendco": OK, "other_school": OK}, post_default=OK
    ),
    "interventions:plan_start_for": Row(
        args=_pupil, default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK
    ),
    "interventions:plan_edit": Row(
        args=_plan_pk, default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK
    ),
    "interventions:plan_agree": Row(
        args=_plan_pk, default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK
    ),
    "interventions:plan_version": Row(args=_version, expect=SEES_PUPIL, post=NOT_THEIR_PUPIL),
    "interventions:plan_target_add": Row(
        args=_plan_pk, default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK
    ),
    "interventions:plan_target_edit": Row(
        args=_target, default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK
    ),
    "interventions:plan_target_remove": Row(
        args=_target, default=FORBIDDEN, expect=SENDCO_ONLY, post_default=OK
    ),
}
