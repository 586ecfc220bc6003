"""Access-matrix rows for Connect rooms, check-ins and behaviour (see tests/test_access_matrix.py).

Room staff (here lsa_caseload, named on the room) and its leader (the inclusion leader) see
their room's pupils; other LSAs, the ELSA and behaviour support cannot see the room at all
(404). Teachers, the DSL and the HR admin hold no Connect or behaviour capability (403). The
SENDCo and the head see everything in the school; another school gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interventions.models import BehaviourImport, CheckInPupil, Placement, Removal, Room
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, method_first
from tests.conftest import World


def room(w: World) -> Room:
    """A Connect room led by the inclusion leader, staffed by lsa_caseload, with world.pupil."""
    r = Room.objects.create(school=w.school, name="Connect 1", capacity=6)
    r.leaders.add(w.users["inclusion_leader"])
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
# The room's leader (the inclusion leader) and staff (lsa_caseload) see it; behaviour support
# sees rooms in general but is not named on this one (404), like the other LSA and the ELSA.
ROOM = {
    **NO_CAP,
    "lsa_caseload": OK,
    "lsa_no_caseload": NOT_FOUND,
    "elsa": NOT_FOUND,
    "inclusion_leader": OK,
    "behaviour_support": NOT_FOUND,
    "other_school": NOT_FOUND,
}
LEADERS_ONLY = {"sendco": OK, "head": OK, "other_school": OK}
LEADERS_THIS = {"sendco": OK, "head": OK, "other_school": NOT_FOUND}
# interventions.behaviour_record and behaviour_monitor: leaders and behaviour support.
BEHAVIOUR_TEAM = {**LEADERS_ONLY, "behaviour_support": OK}
BEHAVIOUR_TEAM_THIS = {**LEADERS_THIS, "behaviour_support": OK}
MANAGER_POSTS = {"sendco": NOT_ALLOWED, "head": NOT_ALLOWED, "other_school": NOT_ALLOWED}
LIST_KEEPER_POSTS = {**MANAGER_POSTS, "elsa": NOT_ALLOWED}
RECORDER_POSTS = {
    **LIST_KEEPER_POSTS,
    "lsa_caseload": NOT_ALLOWED,
    "lsa_no_caseload": NOT_ALLOWED,
    "inclusion_leader": NOT_ALLOWED,
    "behaviour_support": NOT_ALLOWED,
}
# Posting to another school's room, placement or check-in finds nothing.
ELSEWHERE_POSTS = {"other_school": NOT_FOUND}
# Forms: an empty POST is answered with the form and its errors.
FORM = OK

# The room pages answer a POST 405 before they look the room or placement up.
OUT_OF_ROOM = method_first("lsa_no_caseload", "elsa", "other_school", "behaviour_support")

ROWS: dict[str, Row] = {
    "interventions:connect_rooms": Row(expect=SUPPORT),
    "interventions:connect_room_add": Row(
        default=FORBIDDEN, expect=LEADERS_ONLY, post_default=FORM
    ),
    "interventions:connect_room": Row(args=_room, expect=ROOM, post=OUT_OF_ROOM),
    "interventions:connect_room_edit": Row(
        args=_room, default=FORBIDDEN, expect=LEADERS_THIS, post_default=FORM
    ),
    # The register's staff record; behaviour support may not (interventions.connect_record).
    "interventions:connect_register": Row(
        args=_room,
        expect={**ROOM, "behaviour_support": FORBIDDEN},
        post_default=REDIRECT,
    ),
    "interventions:connect_place": Row(
        args=_room, default=FORBIDDEN, expect=LEADERS_THIS, post_default=FORM
    ),
    "interventions:connect_placement": Row(args=_placement, expect=ROOM, post=OUT_OF_ROOM),
    # interventions.connect_review: leaders and the inclusion leader of the room.
    "interventions:connect_stage": Row(
        args=_placement,
        default=FORBIDDEN,
        expect={**MANAGER_POSTS, "inclusion_leader": NOT_ALLOWED},
        post=ELSEWHERE_POSTS,
    ),
    "interventions:connect_stage_add": Row(
        args=_placement,
        default=FORBIDDEN,
        expect={**LEADERS_THIS, "inclusion_leader": OK},
        post_default=FORM,
    ),
    "interventions:connect_end": Row(
        args=_placement, default=FORBIDDEN, expect=MANAGER_POSTS, post=ELSEWHERE_POSTS
    ),
    "interventions:checkins": Row(expect=SUPPORT),
    # An empty add goes back to the list (with a message): there is nobody to add.
    "interventions:checkin_list_add": Row(default=FORBIDDEN, expect=LIST_KEEPER_POSTS),
    # Key adults record their own pupils' check-ins: the entry is lsa_caseload's.
    "interventions:checkin_record": Row(
        args=_entry,
        default=FORBIDDEN,
        expect=RECORDER_POSTS,
        post={
            "lsa_no_caseload": NOT_FOUND,
            "inclusion_leader": NOT_FOUND,
            "behaviour_support": NOT_FOUND,
            "other_school": NOT_FOUND,
        },
    ),
    "interventions:checkin_remove": Row(
        args=_entry,
        default=FORBIDDEN,
        expect=LIST_KEEPER_POSTS,
        post=ELSEWHERE_POSTS,
        writes=("interventions.CheckInPupil",),  # taking a pupil off needs nothing more
    ),
    "interventions:behaviour": Row(expect=SUPPORT),
    "interventions:removal_add": Row(default=FORBIDDEN, expect=BEHAVIOUR_TEAM, post_default=FORM),
    # Room staff read the removal of a pupil in their room; the behaviour team records its
    # reintegration meeting. A reader who may not record gets 404 for the POST (the view says
    # Http404, not 403).
    "interventions:removal": Row(
        args=_removal,
        expect={**ROOM, "behaviour_support": OK},
        post_default=FORM,
        post={"lsa_caseload": NOT_FOUND, "inclusion_leader": NOT_FOUND},
    ),
    "interventions:behaviour_event_add": Row(
        default=FORBIDDEN, expect=BEHAVIOUR_TEAM, post_default=FORM
    ),
    "interventions:behaviour_import": Row(
        default=FORBIDDEN, expect=BEHAVIOUR_TEAM, post_default=FORM
    ),
    "interventions:behaviour_import_preview": Row(
        args=_batch, default=FORBIDDEN, expect=BEHAVIOUR_TEAM_THIS, post_default=FORM
    ),
    "interventions:monitoring": Row(default=FORBIDDEN, expect=BEHAVIOUR_TEAM),
    "interventions:monitoring_csv": Row(default=FORBIDDEN, expect=BEHAVIOUR_TEAM),
    "interventions:behaviour_pupil": Row(
        args=_pupil,
        default=FORBIDDEN,
        expect=BEHAVIOUR_TEAM_THIS,
        post=method_first("other_school"),
    ),
}
