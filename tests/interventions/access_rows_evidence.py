"""Access-matrix rows for the provision ledger, all provision and the evidence packs: the
SENDCo and the head ("interventions.view_provision"); everyone else 403; another school's
SENDCo gets 404 for this school's pupil. Entering costs is the SENDCo's alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from interventions.evidence.models import InClassSupport
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row
from tests.conftest import World


def _support(w: World) -> list[Any]:
    entry = InClassSupport.objects.create(
        school=w.school,
        staff=w.users["lsa_caseload"],
        class_name="8B English",
        hours_per_week=3,
        start_date=dt.date(2025, 9, 1),
        created_by=w.users["sendco"],
    )
    return ["support", entry.pk]


LEADERS_ONLY = {"sendco": OK, "head": OK, "other_school": OK}
THIS_SCHOOLS_LEADERS = {"sendco": OK, "head": OK, "other_school": NOT_FOUND}

# Entering costs is the SENDCo's ("interventions.manage"): the head reads the map only.
SENDCO = {"sendco": OK, "other_school": OK}

ROWS: dict[str, Row] = {
    "interventions:evidence_pack": Row(
        args=lambda w: [w.pupil.pk],
        default=FORBIDDEN,
        expect=THIS_SCHOOLS_LEADERS,
        post={"other_school": NOT_ALLOWED},
    ),
    # The download asks the person to sign in again first (a redirect to do so).
    "interventions:evidence_pack_pdf": Row(
        args=lambda w: [w.pupil.pk],
        default=FORBIDDEN,
        expect={"sendco": REDIRECT, "head": REDIRECT, "other_school": NOT_FOUND},
        post={"sendco": NOT_ALLOWED, "head": NOT_ALLOWED, "other_school": NOT_ALLOWED},
    ),
    "interventions:evidence_sample": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:sendco_provision_all_csv": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:sendco_provision_all_pdf": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    # An empty POST names no form: the page again with a message.
    "interventions:provision_costs": Row(default=FORBIDDEN, expect=SENDCO, post_default=OK),
    "interventions:provision_entry_remove": Row(
        args=_support,
        default=FORBIDDEN,
        expect={"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED},
        post={"sendco": REDIRECT, "other_school": NOT_FOUND},
        writes=("interventions.InClassSupport",),  # removing needs nothing more
    ),
    "interventions:ledger": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:ledger_pupil": Row(
        args=lambda w: [w.pupil.pk],
        default=FORBIDDEN,
        expect=THIS_SCHOOLS_LEADERS,
        post={"other_school": NOT_ALLOWED},  # the method is checked before the pupil
    ),
}
