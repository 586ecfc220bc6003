"""Access-matrix rows for attendance and the early warning (see tests/test_access_matrix.py).

The school's figures, the import and a pupil's weeks are the behaviour team's and leaders'
(interventions.attendance_monitor / attendance_import); everyone else is refused before any
lookup (403). Early warnings are read by those who support the pupil: leaders, behaviour support
and the key adult (lsa_caseload); other LSAs, the ELSA and the inclusion leader do not see
world.pupil (404). Thresholds are the leaders'. Another school gets 404 for this school's rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interventions.models import AttendanceImport, EarlyWarning, OffSitePlacement, PartTimeTimetable
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Row
from tests.conftest import World


def _batch(w: World) -> list[Any]:
    batch = AttendanceImport.objects.create(
        school=w.school,
        original_name="marks.csv",
        content=b"UPN,Date,Session,Mark\n",
        created_by=w.users["sendco"],
    )
    return [batch.pk]


def _pupil(w: World) -> list[Any]:
    return [w.pupil.pk]


def _flag(w: World) -> list[Any]:
    today = timezone.localdate()
    flag = EarlyWarning.objects.create(
        school=w.school,
        pupil=w.pupil,
        raised_on=today,
        window_start=today - dt.timedelta(days=27),
        window_end=today,
        rules=[{"rule": "removals", "title": "Removals from class", "because": "Fake reason."}],
    )
    return [flag.pk]


MONITOR = {"sendco": OK, "head": OK, "behaviour_support": OK, "other_school": OK}
MONITOR_THIS = {**MONITOR, "other_school": NOT_FOUND}
SUPPORTERS = {
    "teacher": FORBIDDEN,
    "dsl": FORBIDDEN,
    "hr_admin": FORBIDDEN,
}
SUPPORTERS_OF_PUPIL = {
    **SUPPORTERS,
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "inclusion_leader": NOT_FOUND,
    "other_school": NOT_FOUND,
}
LEADERS = {"sendco": OK, "head": OK, "other_school": OK}
FORM = OK  # an empty POST gets the form back with its errors (or the refusal's message)

ROWS: dict[str, Row] = {
    "interventions:attendance": Row(default=FORBIDDEN, expect=MONITOR),
    "interventions:attendance_import": Row(default=FORBIDDEN, expect=MONITOR, post_default=FORM),
    # An empty file: the apply is refused with a message on the same page.
    "interventions:attendance_import_preview": Row(
        args=_batch, default=FORBIDDEN, expect=MONITOR_THIS, post_default=FORM
    ),
    # GET only: a POST is turned away (405) before the pupil is looked up, even elsewhere.
    "interventions:attendance_pupil": Row(
        args=_pupil,
        default=FORBIDDEN,
        expect=MONITOR_THIS,
        post={"other_school": NOT_ALLOWED},
    ),
    "interventions:early_warnings": Row(expect=SUPPORTERS),
    "interventions:early_warning": Row(args=_flag, expect=SUPPORTERS_OF_PUPIL, post_default=FORM),
    "interventions:early_warning_settings": Row(
        default=FORBIDDEN, expect=LEADERS, post_default=FORM
    ),
}


def _parttime(w: World) -> list[Any]:
    today = timezone.localdate()
    tt = PartTimeTimetable.objects.create(
        school=w.school,
        pupil=w.pupil,
        reason="Fake reason.",
        hours_per_week=10,
        start_date=today,
        parents_agreed_on=today,
        review_on=today + dt.timedelta(days=28),
        lead=w.users["sendco"],
    )
    return [tt.pk]


# Part-time timetables: leaders, behaviour support and the inclusion leader; the inclusion
# leader does not see world.pupil (404 on its timetable).
PARTTIME = {**MONITOR, "inclusion_leader": OK}
PARTTIME_THIS = {**MONITOR_THIS, "inclusion_leader": NOT_FOUND}
ROWS.update(
    {
        "interventions:parttime_list": Row(default=FORBIDDEN, expect=PARTTIME),
        "interventions:parttime_csv": Row(default=FORBIDDEN, expect=PARTTIME),
        "interventions:parttime_new": Row(default=FORBIDDEN, expect=PARTTIME, post_default=FORM),
        "interventions:parttime": Row(
            args=_parttime, default=FORBIDDEN, expect=PARTTIME_THIS, post_default=FORM
        ),
    }
)


def _placement(w: World) -> list[Any]:
    today = timezone.localdate()
    placement = OffSitePlacement.objects.create(
        school=w.school,
        pupil=w.pupil,
        provider="Fake Provider",
        address="Fake Street",
        days="01234",
        contact_name="Contact Fakename",
        contact_phone="01632 960000",
        start_date=today,
        created_by=w.users["sendco"],
    )
    return [placement.pk]


# Off-site placements: kept as part-time timetables are; the DSL reads today's list too.
OFFSITE_TODAY = {**PARTTIME, "dsl": OK}
ROWS.update(
    {
        "interventions:offsite_list": Row(default=FORBIDDEN, expect=PARTTIME),
        "interventions:offsite_today": Row(default=FORBIDDEN, expect=OFFSITE_TODAY),
        "interventions:offsite_new": Row(default=FORBIDDEN, expect=PARTTIME, post_default=FORM),
        "interventions:offsite": Row(
            args=_placement, default=FORBIDDEN, expect=PARTTIME_THIS, post_default=FORM
        ),
    }
)
