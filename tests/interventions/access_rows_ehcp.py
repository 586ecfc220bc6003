"""Access-matrix rows for ehcp pages (merged in tests/interventions/access_rows.py).

The EHCP follows the pupil, as support plans do: whoever sees world.pupil sees its EHCP and
reviews (the LSA with the caseload, the teacher, the SENDCo, the DSL); other LSAs and the ELSA get
404, the HR admin 403, another school 404. Only the SENDCo changes it (403 for the others who
can see it). Leaders (the SENDCo and the head) download the review report. The inclusion
leader has no caseload here (404); behaviour support sees every pupil.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from interventions.models import EHCP, AnnualReview
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row
from tests.conftest import World
from tests.pupils.access_rows import SEES_PUPIL


def ehcp_for(w: World) -> EHCP:
    """An EHCP for world.pupil, with one outcome and one provision line."""
    ehcp = EHCP.objects.create(
        school=w.school,
        pupil=w.pupil,
        coordinator=w.users["sendco"],
        local_authority="Testshire",
        issued_on=dt.date.today() - dt.timedelta(days=300),
        next_review_due=dt.date.today() + dt.timedelta(days=65),
    )
    outcome = ehcp.outcomes.create(text="Says what helps in class, with a prompt card.")
    ehcp.provision.create(description="Weekly speech and language group.", outcome=outcome)
    return ehcp


def _pupil(w: World) -> list[Any]:
    return [w.pupil.pk]


def _ehcp(w: World) -> list[Any]:
    return [ehcp_for(w).pk]


def _outcome(w: World) -> list[Any]:
    ehcp = ehcp_for(w)
    return [ehcp.pk, ehcp.outcomes.get().pk]


def _line(w: World) -> list[Any]:
    ehcp = ehcp_for(w)
    return [ehcp.pk, ehcp.provision.get().pk]


def _review(w: World) -> list[Any]:
    ehcp = ehcp_for(w)
    review = AnnualReview.objects.create(
        ehcp=ehcp, meeting_on=dt.date.today() + dt.timedelta(days=20)
    )
    return [review.pk]


def _review_and(what: str) -> Any:
    """Args for a page of the review's record: the review and one of its parts."""

    def args(w: World) -> list[Any]:
        (pk,) = _review(w)
        review = AnnualReview.objects.get(pk=pk)
        if what == "outcome":
            return [pk, review.ehcp.outcomes.get().pk]
        if what == "line":
            return [pk, review.ehcp.provision.get().pk]
        if what == "invitee":
            invitee = review.invitees.create(
                name="Parent One", role="PARENT", invited_on=dt.date.today()
            )
            return [pk, invitee.pk]
        if what == "amendment":
            amendment = review.amendments.create(
                section="F", text="Reading 1:1 daily.", added_by=w.users["sendco"]
            )
            return [pk, amendment.pk]
        return [pk, what]

    return args


MANAGES = {"sendco": OK, "other_school": NOT_FOUND}
POSTS = {"sendco": NOT_ALLOWED, "other_school": NOT_FOUND}
# These pages turn a POST away (405) before they look the pupil up; the HR admin is refused
# earlier still, on the capability.
GET_FIRST = {"post_refused": NOT_ALLOWED, "post": {"hr_admin": FORBIDDEN}}

ROWS: dict[str, Row] = {
    "interventions:ehcp_pupil": Row(args=_pupil, expect=SEES_PUPIL, **GET_FIRST),
    "interventions:ehcp_create": Row(
        args=_pupil, default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp": Row(args=_ehcp, expect=SEES_PUPIL, **GET_FIRST),
    "interventions:ehcp_edit": Row(args=_ehcp, default=FORBIDDEN, expect=MANAGES, post_default=OK),
    "interventions:ehcp_outcome_add": Row(
        args=_ehcp, default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp_outcome_edit": Row(
        args=_outcome, default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    # Removing a line needs nothing but the POST itself.
    "interventions:ehcp_outcome_remove": Row(
        args=_outcome,
        default=FORBIDDEN,
        expect=POSTS,
        writes=("interventions.EHCPOutcome", "interventions.EHCPProvision"),
    ),
    "interventions:ehcp_provision_add": Row(
        args=_ehcp, default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp_provision_edit": Row(
        args=_line, default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp_provision_remove": Row(
        args=_line, default=FORBIDDEN, expect=POSTS, writes=("interventions.EHCPProvision",)
    ),
    "interventions:ehcp_review_schedule": Row(
        args=_ehcp, default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp_review": Row(args=_review, expect=SEES_PUPIL, **GET_FIRST),
    "interventions:ehcp_review_reschedule": Row(
        args=_review, default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp_review_step": Row(args=_review, default=FORBIDDEN, expect=POSTS),
    # interventions.ehcp_report: leaders, the head included.
    "interventions:ehcp_review_pdf": Row(
        args=_review,
        default=FORBIDDEN,
        expect={**MANAGES, "head": OK},
        post={"other_school": NOT_ALLOWED},
    ),
    "interventions:ehcp_review_docx": Row(
        args=_review,
        default=FORBIDDEN,
        expect={**MANAGES, "head": OK},
        post={"other_school": NOT_ALLOWED},
    ),
    # The review's record: the SENDCo writes it; an empty form comes back with its errors.
    "interventions:ehcp_review_invitee_add": Row(
        args=_review, default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp_review_invitee_edit": Row(
        args=_review_and("invitee"), default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp_review_invitee_remove": Row(
        args=_review_and("invitee"),
        default=FORBIDDEN,
        expect=POSTS,
        writes=("interventions.AnnualReviewInvitee",),
    ),
    "interventions:ehcp_review_progress": Row(
        args=_review_and("outcome"), default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp_review_provision": Row(
        args=_review_and("line"), default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp_review_amendment_add": Row(
        args=_review, default=FORBIDDEN, expect=MANAGES, post_default=OK
    ),
    "interventions:ehcp_review_amendment_remove": Row(
        args=_review_and("amendment"),
        default=FORBIDDEN,
        expect=POSTS,
        writes=("interventions.AnnualReviewAmendment",),
    ),
    # Every field of the views is optional: an empty form saves nothing new and goes back.
    "interventions:ehcp_review_part": Row(
        args=_review_and("views"), default=FORBIDDEN, expect=MANAGES, post_default=REDIRECT
    ),
}
