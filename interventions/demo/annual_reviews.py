"""Demo annual review records: who was invited, views, progress, delivery, amendments and the
recommendation, written through the review services as the SENDCo's pages write them.

How much is written follows the review's stage: nothing before the invitations go out; the
invitations once they have; after the meeting, attendance, advice, views, progress and delivery;
a recommendation (with amendments where it is to amend) once the report has gone. Everything is
written before the steps that conclude a review, which closes its record. Made-up people and
words only.
"""

from __future__ import annotations

import datetime as dt
import random

from interventions.ehcp import review_services
from interventions.ehcp.models import AnnualReview, AnnualReviewProvisionCheck
from interventions.ehcp.report import provision_with_delivery
from staff.models import User

PARENTS = ["Jo Marsh", "Sam Okafor", "Ria Patel", "Chris Doyle", "Alex Brennan", "Lou Varga"]
PROFESSIONALS = [
    ("Morgan Hale", "LA"),
    ("Dr Kim Ashby", "EP"),
    ("Speech and language therapy team", "HEALTH"),
]
CHILD_VIEWS = [
    "I like it when I know what is happening next. The card on my desk helps me ask for a break.",
    "Reading group is good because nobody laughs if I get a word wrong.",
    "I want more time in the small room at lunch. The playground is too loud.",
]
PARENT_VIEWS = [
    "Mornings are calmer since the visual timetable came home too. Homework is still hard.",
    "We have seen real progress with talking about feelings; transition to the next year worries us.",
    "The 1:1 sessions make a difference on the days they happen. We would like to know when they are missed.",
]
PROGRESS = ["ON_TRACK", "SOME", "ACHIEVED", "LITTLE"]
COMMENTARY = {
    "ACHIEVED": "Seen consistently in class and in sessions over the last term; staff agree it is secure.",
    "ON_TRACK": "Steady progress shown in session notes and the latest goal ratings; keep as it is.",
    "SOME": "Some progress in sessions, less in class; the outcome needs smaller steps.",
    "LITTLE": "Little change in the period; sessions were often missed. Review the provision.",
}
SHORTFALLS = [
    "Sessions cancelled during mock exams and for two weeks of staff absence.",
    "Pupil absent for several sessions in the spring term (medical appointments).",
]
ADULTHOOD = {
    "pfa_employment": "Interested in working with animals; a college taster day is planned.",
    "pfa_independent_living": "Travels to school with a buddy; practising using a bus pass.",
    "pfa_community": "Attends a youth club on Fridays and has a small circle of friends.",
    "pfa_health": "Manages own medication with a reminder; no change in health services expected.",
}


def seed_review_record(
    *,
    review: AnnualReview,
    steps: list[str],
    by: User,
    index: int,
    rng: random.Random,
    today: dt.date,
) -> None:
    """Write the record a review at this stage would have (``steps``: the step codes done)."""
    if "INVITATIONS" not in steps:
        return
    held = "MEETING" in steps
    meeting = review.meeting_on
    invited_on = min(today, meeting - dt.timedelta(days=15))
    pupil = review.ehcp.pupil
    people = [(PARENTS[index % len(PARENTS)], "PARENT"), (pupil.forename, "CHILD")]
    people += rng.sample(PROFESSIONALS, 2)
    for n, (name, role) in enumerate(people):
        advice = invited_on + dt.timedelta(days=5 + n)
        review_services.invitee_add(
            review=review,
            by=by,
            name=name,
            role=role,
            invited_on=invited_on,
            advice_received_on=advice if held and role != "LA" else None,
            attended=(role != "HEALTH") if held else None,
        )
    if not held:
        return
    views = {
        "child_views": CHILD_VIEWS[index % len(CHILD_VIEWS)],
        "child_views_how": "Talked through a pupil views sheet with their key adult.",
        "parent_views": PARENT_VIEWS[index % len(PARENT_VIEWS)],
        "parent_views_how": "Written contribution returned before the meeting.",
    }
    review_services.review_part_save(review=review, part="views", by=by, **views)
    if review.covers_preparing_for_adulthood:
        review_services.review_part_save(review=review, part="adulthood", by=by, **ADULTHOOD)
    lines = provision_with_delivery(review.ehcp, as_of=min(today, meeting))
    for n, outcome in enumerate(review.ehcp.outcomes.order_by("pk")):
        progress = PROGRESS[(index + n) % len(PROGRESS)]
        review_services.progress_record(
            review=review,
            outcome=outcome,
            by=by,
            progress=progress,
            commentary=COMMENTARY[progress],
        )
    for n, line in enumerate(lines):
        short = line.delivery.below_stated
        review_services.provision_check_record(
            review=review,
            provision=line,
            by=by,
            delivered=(
                AnnualReviewProvisionCheck.Delivered.PARTLY
                if short
                else AnnualReviewProvisionCheck.Delivered.AS_SPECIFIED
            ),
            shortfall_reason=SHORTFALLS[(index + n) % len(SHORTFALLS)] if short else "",
        )
    if "REPORT" not in steps:
        return  # met this week: the recommendation is still being written
    decision = next((s.partition(":")[2] for s in steps if s.startswith("LA_DECISION")), "AMEND")
    if decision == "AMEND":
        review_services.amendment_add(
            review=review,
            by=by,
            section="F",
            text="Increase the weekly 1:1 to three sessions of 30 minutes with a trained LSA.",
        )
        review_services.amendment_add(
            review=review,
            by=by,
            section="B",
            text="Update the description of needs with the latest speech and language advice.",
        )
    review_services.review_part_save(
        review=review,
        part="recommendation",
        by=by,
        recommendation=decision,
        recommendation_reasons=(
            "The outcomes remain right and the provision is working."
            if decision == "MAINTAIN"
            else "Progress towards two outcomes shows the provision needs to change as set out."
        ),
    )
