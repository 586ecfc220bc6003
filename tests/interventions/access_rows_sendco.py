"""Access-matrix rows for the SENDCo's dashboard, its flag lists and the provision map.

These pages read the whole school's register: the SEN register's readers (the SENDCo and the
head, "pupils.view_register") open them; everyone else gets 403. The other school's SENDCo
opens their own school's dashboard and map, and gets 404 for this school's pupil.
"""

from __future__ import annotations

from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Row

LEADERS_ONLY = {"sendco": OK, "head": OK, "other_school": OK}

ROWS: dict[str, Row] = {
    "interventions:sendco": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:sendco_flag": Row(
        args=lambda w: ["no-session"], default=FORBIDDEN, expect=LEADERS_ONLY
    ),
    "interventions:sendco_provision": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:sendco_provision_csv": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:sendco_provision_pdf": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:sendco_pupil_provision": Row(
        args=lambda w: [w.pupil.pk],
        default=FORBIDDEN,
        expect={"sendco": OK, "head": OK, "other_school": NOT_FOUND},
        post={"other_school": NOT_ALLOWED},  # the method is checked before the pupil
    ),
}
