"""Access-matrix rows for the safeguarding app (see tests/test_access_matrix.py).

The concern in these rows was raised by the teacher about the pupil on lsa_caseload's caseload:
only the teacher (its reporter) and the DSL may open it; for everyone else it does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
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
# An empty POST to a DSL action shows the concern again with the form's errors (200), which,
# like opening it, marks the DSL's alerts about it read; another school's DSL finds nothing.
DSL_FORM_POST: dict[str, Any] = {
    "post_default": OK,
    "post": {"other_school": NOT_FOUND},
    "writes": ("safeguarding.Alert",),
}
# The file's pages turn a POST away (405) before they look the pupil up (another school's DSL).
GET_FIRST = {"other_school": NOT_ALLOWED}

ROWS: dict[str, Row] = {
    # Everyone raises concerns. (safeguarding:raise also has a row in tests/test_access_matrix.py
    # for now; the lead moves it here.)
    "safeguarding:raise": Row(post_default=OK),
    "safeguarding:pupil_search": Row(default=NOT_ALLOWED, post_default=OK),
    "safeguarding:pupil_pick": Row(default=NOT_ALLOWED, post_default=OK),
    "safeguarding:mine": Row(),
    # Everyone has their own list of actions; one action opens for its owner only (the DSL
    # reads it on the concern), and for everyone else it does not exist.
    "safeguarding:my_actions": Row(),
    "safeguarding:my_action": Row(
        args=_owned_action, default=NOT_FOUND, expect={"teacher": OK}, post_default=OK
    ),
    # One concern: its reporter (the teacher) and the DSL; 404 for everyone else.
    "safeguarding:concern": Row(
        args=_concern,
        default=NOT_FOUND,
        expect={"teacher": OK, "dsl": OK},
        post_refused=NOT_ALLOWED,  # the method is checked before the concern is looked up
    ),
    # Its reporter and the DSL add to a concern; for anyone else the concern does not exist.
    "safeguarding:addendum_add": Row(
        args=_concern,
        default=NOT_ALLOWED,
        post_default=NOT_FOUND,
        post={"teacher": OK, "dsl": OK},
        writes=("safeguarding.Alert",),
    ),
    "safeguarding:decision_add": Row(
        args=_concern, default=FORBIDDEN, expect=DSL_POST, **DSL_FORM_POST
    ),
    "safeguarding:action_add": Row(
        args=_concern, default=FORBIDDEN, expect=DSL_POST, **DSL_FORM_POST
    ),
    "safeguarding:action_update": Row(
        args=_action, default=FORBIDDEN, expect=DSL_POST, **DSL_FORM_POST
    ),
    "safeguarding:referral_add": Row(
        args=_concern, default=FORBIDDEN, expect=DSL_POST, **DSL_FORM_POST
    ),
    "safeguarding:referral_update": Row(
        args=_referral, default=FORBIDDEN, expect=DSL_POST, **DSL_FORM_POST
    ),
    # The DSL team's pages. The head reads concerns only where the school's safeguarding
    # settings say so (off by default, as in world): 403 here. The head holds
    # safeguarding.view_all, so a POST is turned away (405) before the setting is read.
    "safeguarding:queue": Row(default=FORBIDDEN, expect=DSL_PAGE, post={"head": NOT_ALLOWED}),
    "safeguarding:chronology": Row(
        args=_pupil,
        default=FORBIDDEN,
        expect=DSL_PUPIL_PAGE,
        post={**GET_FIRST, "head": NOT_ALLOWED},
    ),
    "safeguarding:chronology_pdf": Row(
        args=_pupil,
        default=FORBIDDEN,
        expect=DSL_REAUTH,
        post={**GET_FIRST, "head": NOT_ALLOWED, "dsl": NOT_ALLOWED},
    ),
    "safeguarding:access_log": Row(
        args=_pupil, default=FORBIDDEN, expect=DSL_PUPIL_PAGE, post=GET_FIRST
    ),
    "safeguarding:flag_set": Row(
        args=_pupil, default=FORBIDDEN, expect=DSL_POST, post={"other_school": NOT_FOUND}
    ),
    "safeguarding:transfers": Row(default=FORBIDDEN, expect=DSL_PAGE),
    "safeguarding:transfer_start": Row(
        args=_pupil, default=FORBIDDEN, expect=DSL_POST, **DSL_FORM_POST
    ),
    "safeguarding:transfer": Row(
        args=_transfer, default=FORBIDDEN, expect=DSL_PUPIL_PAGE, post=GET_FIRST
    ),
    "safeguarding:transfer_step": Row(
        args=_transfer, default=FORBIDDEN, expect=DSL_POST, **DSL_FORM_POST
    ),
    "safeguarding:transfer_export": Row(
        args=_transfer,
        default=FORBIDDEN,
        expect=DSL_REAUTH,
        post={**GET_FIRST, "dsl": NOT_ALLOWED},
    ),
    "safeguarding:report": Row(default=FORBIDDEN, expect=DSL_PAGE),
    # safeguarding.report_governors: the DSL team and the head (counts only, no names).
    "safeguarding:report_governors": Row(default=FORBIDDEN, expect={**DSL_PAGE, "head": OK}),
}


def _witness_link(w: World) -> list[Any]:
    witness = PupilFactory(school=w.school)
    concern = make_concern(w, others=((witness, "WITNESS", ()),))
    return [concern.pk, concern.links.get(pupil=witness).pk]


# Putting a concern's full account on a linked child's file: the DSL team only (issue #13).
ROWS["safeguarding:account_share"] = Row(
    args=_witness_link, default=FORBIDDEN, expect=DSL_POST, **DSL_FORM_POST
)


def _attachment(w: World) -> list[Any]:
    """A concern the teacher raised, with a scan of their handwritten note on it."""
    concern = make_concern(w)
    attachment = services.attachment_add(
        concern=concern,
        by=w.users["teacher"],
        upload=SimpleUploadedFile("note.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
        kind="HANDWRITTEN",
    )
    return [concern.pk, attachment.pk]


# Files on a concern (issue #13): its reporter and the DSL add them, as they add to a concern
# (an empty POST shows the concern again with the form's errors; showing it to the DSL marks
# their alerts about it read); for anyone else the concern does not exist. Only the DSL team
# downloads a file, after re-entering a password or code; the method is checked first.
ROWS["safeguarding:attachment_add"] = Row(
    args=_concern,
    default=NOT_ALLOWED,
    post_default=NOT_FOUND,
    post={"teacher": OK, "dsl": OK},
    writes=("safeguarding.Alert",),
)
ROWS["safeguarding:attachment_download"] = Row(
    args=_attachment,
    default=FORBIDDEN,
    expect=DSL_REAUTH,
    post={"dsl": NOT_ALLOWED, "other_school": NOT_ALLOWED},
)
