"""Access-matrix rows for Connect rooms, check-ins and behaviour (see tests/test_access_matrix.py).

Room staff (here lsa_caseload, named on the room) see their room's pupils; other LSAs and the
ELSA cannot see the room at all (404). Teachers, the DSL and the HR admin hold no Connect or
behaviour capability (403). The SENDCo sees everything in the school; another school gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interventions.models import BehaviourImport, CheckInPupil, Placement, Removal, Room
from staff.models import Role
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Row
from tests.conftest import World
from tests.factories import member


def room(w: World) -> Room:
    """A Connect room led by an inclusion leader, staffed by lsa_caseload, with world.pupil."""
    leader = member(w.school, Role.INCLUSION_LEADER)
    r = Room.objects.create(school=w.school, name="Connect 1", capacity=6)
    r.leaders.add(leader)
    r.staff.add(w.users["lsa_caseload"])
    Placement.objects.create(
        school=w.school,
        room=r,
        pupil=w.pupil,
        referral_reason="Fake referral reason",
        start_date=timezone.localdate() - dt.timedelta(days=7),
        created_by=w.users["sendco"],
    )
    return r


def _room(w: World) -> list[Any]:
    return [room(w).pk]


def _placement(w: World) -> list[Any]:
    return [room(w).placements.get().pk]


def _entry(w: World) -> list[Any]:
    entry = CheckInPupil.objects.create(
        school=w.school,
        pupil=w.pupil,
        key_adult=w.users["lsa_caseload"],
        added_by=w.users["sendco"],
        added_on=timezone.localdate(),
    )
    return [entry.pk]


def _removal(w: World) -> list[Any]:
    room(w)
    start = timezone.now() - dt.timedelta(hours=2)
    removal = Removal.objects.create(
        school=w.school,
        pupil=w.pupil,
        kind=Removal.Kind.REMOVAL,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=50),
        reason="Fake reason",
        recorded_by=w.users["sendco"],
    )
    return [removal.pk]


def _batch(w: World) -> list[Any]:
    batch = BehaviourImport.objects.create(
        school=w.school,
        original_name="events.csv",
        content=b"UPN,Date,Type,Category\n",
        created_by=w.users["sendco"],
    )
    return [batch.pk]


def _pupil(w: World) -> list[Any]:
    return [w.pupil.pk]


NO_CAP = {"teacher": FORBIDDEN, "dsl": FORBIDDEN, "hr_admin": FORBIDDEN}
SUPPORT = {**NO_CAP}  # everyone else in the school with a support role: 200
ROOM = {
    **NO_CAP,
    "lsa_caseload": OK,
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "other_school": NOT_FOUND,
}
LEADERS_ONLY = {"sendco": OK, "other_school": OK}
LEADERS_THIS = {"sendco": OK, "other_school": NOT_FOUND}
MANAGER_POSTS = {"sendco": NOT_ALLOWED, "other_school": NOT_ALLOWED}
LIST_KEEPER_POSTS = {**MANAGER_POSTS, "elsa": NOT_ALLOWED}
RECORDER_POSTS = {**LIST_KEEPER_POSTS, "lsa_caseload": NOT_ALLOWED, "lsa_no_caseload": NOT_ALLOWED}

ROWS: dict[str, Row] = {
    "interventions:connect_rooms": Row(expect=SUPPORT),
    "interventions:connect_room_add": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:connect_room": Row(args=_room, expect=ROOM),
    "interventions:connect_room_edit": Row(args=_room, default=FORBIDDEN, expect=LEADERS_THIS),
    "interventions:connect_register": Row(args=_room, expect=ROOM),
    "interventions:connect_place": Row(args=_room, default=FORBIDDEN, expect=LEADERS_THIS),
    "interventions:connect_placement": Row(args=_placement, expect=ROOM),
    "interventions:connect_stage": Row(args=_placement, default=FORBIDDEN, expect=MANAGER_POSTS),
    "interventions:connect_stage_add": Row(args=_placement, default=FORBIDDEN, expect=LEADERS_THIS),
    "interventions:connect_end": Row(args=_placement, default=FORBIDDEN, expect=MANAGER_POSTS),
    "interventions:checkins": Row(expect=SUPPORT),
    "interventions:checkin_list_add": Row(default=FORBIDDEN, expect=LIST_KEEPER_POSTS),
    "interventions:checkin_record": Row(args=_entry, default=FORBIDDEN, expect=RECORDER_POSTS),
    "interventions:checkin_remove": Row(args=_entry, default=FORBIDDEN, expect=LIST_KEEPER_POSTS),
    "interventions:behaviour": Row(expect=SUPPORT),
    "interventions:removal_add": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:removal": Row(args=_removal, expect=ROOM),
    "interventions:behaviour_event_add": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:behaviour_import": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:behaviour_import_preview": Row(
        args=_batch, default=FORBIDDEN, expect=LEADERS_THIS
    ),
    "interventions:monitoring": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:monitoring_csv": Row(default=FORBIDDEN, expect=LEADERS_ONLY),
    "interventions:behaviour_pupil": Row(args=_pupil, default=FORBIDDEN, expect=LEADERS_THIS),
}
