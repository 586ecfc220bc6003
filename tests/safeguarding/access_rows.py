"""Access-matrix rows for the safeguarding app (see tests/test_access_matrix.py).

The concern in these rows was raised by the teacher about the pupil on lsa_caseload's caseload:
only the teacher (its reporter) and the DSL may open it; for everyone else it does not exist.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from pupils.models import Pupil
from safeguarding import services
from safeguarding.models import Transfer
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row
from tests.conftest import World
from tests.factories import PupilFactory
from tests.safeguarding.helpers import make_concern


def _concern(w: World) -> list[Any]:
    return [make_concern(w).pk]


def _action(w: World) -> list[Any]:
    concern = make_concern(w)
    action = services.action_add(
        concern=concern,
        by=w.users["dsl"],
        description="Check in with the pupil each morning",
        owner=w.users["dsl"],
        due_on=timezone.localdate(),
    )
    return [concern.pk, action.pk]


def _owned_action(w: World) -> list[Any]:
    """An action the DSL gave the teacher on a concern someone else raised."""
    concern = make_concern(w, reporter=w.users["lsa_caseload"])
    action = services.action_add(
        concern=concern,
        by=w.users["dsl"],
        description="Walk the pupil to the gate at home time",
        owner=w.users["teacher"],
        due_on=timezone.localdate(),
    )
    return [action.pk]


def _referral(w: World) -> list[Any]:
    concern = make_concern(w)
    referral = services.referral_add(
        concern=concern,
        by=w.users["dsl"],
        pupil=w.pupil,
        agency="EARLY_HELP",
        referred_on=timezone.localdate(),
        rationale="Needs met below the threshold for social care.",
    )
    return [concern.pk, referral.pk]


def _pupil(w: World) -> list[Any]:
    return [w.pupil.pk]


def _transfer(w: World) -> list[Any]:
    existing = Transfer.objects.filter(pupil=w.pupil).first()
    if existing is not None:  # several rows may ask in one test
        return [existing.pk]
    make_concern(w)
    Pupil.objects.filter(pk=w.pupil.pk).update(leaving_date=timezone.localdate())
    w.pupil.refresh_from_db()
    transfer = services.transfer_start(
        pupil=w.pupil,
        by=w.users["dsl"],
        destination_school="Riverside Test Academy",
        destination_contact="A. Dsl, 01234 567890",
    )
    return [transfer.pk]


# Outside the DSL team: 403 for the school-wide pages (no concern is revealed by a 403).
DSL_PAGE = {"dsl": OK, "other_school": OK}
# A child's file: other_school is a DSL elsewhere, so the pupil does not exist for them.
DSL_PUPIL_PAGE = {"dsl": OK, "other_school": NOT_FOUND}
DSL_POST = {"dsl": NOT_ALLOWED, "other_school": NOT_ALLOWED}
# Print and export: the DSL must re-enter a password or code first (allauth reauthentication).
DSL_REAUTH = {"dsl": REDIRECT, "other_school": NOT_FOUND}

ROWS: dict[str, Row] = {
    # Everyone raises concerns. (safeguarding:raise also has a row in tests/test_access_matrix.py
    # for now; the lead moves it here.)
    "safeguarding:raise": Row(),
    "safeguarding:pupil_search": Row(default=NOT_ALLOWED),
    "safeguarding:pupil_pick": Row(default=NOT_ALLOWED),
    "safeguarding:mine": Row(),
    # Everyone has their own list of actions; one action opens for its owner only (the DSL
    # reads it on the concern), and for everyone else it does not exist.
    "safeguarding:my_actions": Row(),
    "safeguarding:my_action": Row(args=_owned_action, default=NOT_FOUND, expect={"teacher": OK}),
    # One concern: its reporter (the teacher) and the DSL; 404 for everyone else.
    "safeguarding:concern": Row(
        args=_concern, default=NOT_FOUND, expect={"teacher": OK, "dsl": OK}
    ),
    "safeguarding:addendum_add": Row(args=_concern, default=NOT_ALLOWED),
    "safeguarding:decision_add": Row(args=_concern, default=FORBIDDEN, expect=DSL_POST),
    "safeguarding:action_add": Row(args=_concern, default=FORBIDDEN, expect=DSL_POST),
    "safeguarding:action_update": Row(args=_action, default=FORBIDDEN, expect=DSL_POST),
    "safeguarding:referral_add": Row(args=_concern, default=FORBIDDEN, expect=DSL_POST),
    "safeguarding:referral_update": Row(args=_referral, default=FORBIDDEN, expect=DSL_POST),
    # The DSL team's pages.
    "safeguarding:queue": Row(default=FORBIDDEN, expect=DSL_PAGE),
    "safeguarding:chronology": Row(args=_pupil, default=FORBIDDEN, expect=DSL_PUPIL_PAGE),
    "safeguarding:chronology_pdf": Row(args=_pupil, default=FORBIDDEN, expect=DSL_REAUTH),
    "safeguarding:access_log": Row(args=_pupil, default=FORBIDDEN, expect=DSL_PUPIL_PAGE),
    "safeguarding:flag_set": Row(args=_pupil, default=FORBIDDEN, expect=DSL_POST),
    "safeguarding:transfers": Row(default=FORBIDDEN, expect=DSL_PAGE),
    "safeguarding:transfer_start": Row(args=_pupil, default=FORBIDDEN, expect=DSL_POST),
    "safeguarding:transfer": Row(args=_transfer, default=FORBIDDEN, expect=DSL_PUPIL_PAGE),
    "safeguarding:transfer_step": Row(args=_transfer, default=FORBIDDEN, expect=DSL_POST),
    "safeguarding:transfer_export": Row(args=_transfer, default=FORBIDDEN, expect=DSL_REAUTH),
    "safeguarding:report": Row(default=FORBIDDEN, expect=DSL_PAGE),
    "safeguarding:report_governors": Row(default=FORBIDDEN, expect=DSL_PAGE),
}


def _witness_link(w: World) -> list[Any]:
    witness = PupilFactory(school=w.school)
    concern = make_concern(w, others=((witness, "WITNESS", ()),))
    return [concern.pk, concern.links.get(pupil=witness).pk]


# Putting a concern's full account on a linked child's file: the DSL team only (issue #13).
ROWS["safeguarding:account_share"] = Row(args=_witness_link, default=FORBIDDEN, expect=DSL_POST)
