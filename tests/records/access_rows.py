"""Access-matrix rows for records management (see tests/test_access_matrix.py).

Everything is the DPO's or the head's (records.manage). The world has no DPO persona: the head
stands for both. other_school is a head elsewhere: their own school's pages open, this
school's disposal lists, holds and requests do not exist for them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from records.models import DisposalBatch, DisposalItem, LegalHold, SubjectAccessRequest
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row
from tests.conftest import World


def _batch(w: World) -> list[Any]:
    batch = DisposalBatch.objects.create(school=w.school, listed_on=timezone.localdate())
    DisposalItem.objects.create(
        batch=batch,
        pupil=w.pupil,
        subject_ref=f"pupil {w.pupil.pk}",
        kinds=["PUPIL_RECORD"],
        due_on=timezone.localdate(),
        rows=[],
        counts={"PUPIL_RECORD": {"pupils.Pupil": 1}},
    )
    return [batch.pk]


def _hold(w: World) -> list[Any]:
    hold = LegalHold.objects.create(
        school=w.school, pupil=w.pupil, reason="Claim 1", placed_by=w.users["head"]
    )
    return [hold.pk]


def _request(w: World) -> list[Any]:
    received = timezone.localdate() - dt.timedelta(days=3)
    sar = SubjectAccessRequest.objects.create(
        school=w.school,
        pupil=w.pupil,
        requester_name="A parent",
        received_on=received,
        due_on=received + dt.timedelta(days=30),
        recorded_by=w.users["head"],
    )
    return [sar.pk]


MANAGERS = {"head": OK, "other_school": OK}
# POST-only actions on one of this school's records: 405 to a GET from anyone allowed in
# (before any lookup), and 404 to another school's head once they POST.
ACTION = {"head": NOT_ALLOWED, "other_school": NOT_ALLOWED}

ROWS: dict[str, Row] = {
    "records:home": Row(default=FORBIDDEN, expect=MANAGERS),
    "records:batch": Row(
        args=_batch,
        default=FORBIDDEN,
        expect={"head": OK, "other_school": NOT_FOUND},
        post_default=OK,  # no confirmation ticked: the list again, with the error
    ),
    "records:hold_add": Row(default=FORBIDDEN, expect=ACTION, post_default=OK),
    "records:hold_lift": Row(
        args=_hold,
        default=FORBIDDEN,
        expect=ACTION,
        post={"head": REDIRECT, "other_school": NOT_FOUND},
        writes=("records.LegalHold",),
    ),
    "records:request_add": Row(default=FORBIDDEN, expect=MANAGERS, post_default=OK),
    "records:request": Row(
        args=_request,
        default=FORBIDDEN,
        expect={"head": OK, "other_school": NOT_FOUND},
        post={"other_school": NOT_ALLOWED},  # require_GET answers before any lookup
    ),
    "records:request_build": Row(
        args=_request,
        default=FORBIDDEN,
        expect=ACTION,
        post={"head": REDIRECT, "other_school": NOT_FOUND},
        writes=("records.SubjectAccessRequest",),
    ),
    "records:request_release": Row(
        args=_request,
        default=FORBIDDEN,
        expect=ACTION,
        post={"head": REDIRECT, "other_school": NOT_FOUND},
    ),
    # The bundle leaves SEND Hub: the head signs in again first (allauth reauthentication).
    "records:request_bundle": Row(
        args=_request,
        default=FORBIDDEN,
        expect={"head": REDIRECT, "other_school": NOT_FOUND},
        post={"head": NOT_ALLOWED, "other_school": NOT_ALLOWED},
    ),
}
