"""Access-matrix rows for the provision ledger and the evidence packs: the SENDCo and the head
("interventions.view_provision"); everyone else 403; another school's SENDCo gets 404 for this
school's pupil."""

from __future__ import annotations

from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Row

LEADERS_ONLY = {"sendco": OK, "head": OK, "other_school": OK}
THIS_SCHOOLS_LEADERS = {"sendco": OK, "head": OK, "other_school": NOT_FOUND}

ROWS: dict[str, Row] = {
    "interventions:ledger": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:ledger_pupil": Row(
        args=lambda w: [w.pupil.pk],
        default=FORBIDDEN,
        expect=THIS_SCHOOLS_LEADERS,
        post={"other_school": NOT_ALLOWED},  # the method is checked before the pupil
    ),
}
