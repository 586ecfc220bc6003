"""The annual review's record (reg. 20): invitations, views, progress against section E with its
evidence, delivery of section F, amendments, preparing for adulthood, the recommendation, and
the report as PDF and DOCX."""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from decimal import Decimal

import docx
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from interventions.ehcp import review_services as services
from interventions.ehcp import services as ehcp_services
from interventions.ehcp.review_record import numbered_sections, review_record
from interventions.ehcp.services import StaleEdit
from interventions.errors import PlanError
from interventions.models import (
    EHCP,
    AnnualReview,
    AnnualReviewAmendment,
    AnnualReviewProgress,
    MeasureRecord,
    PlanKind,
    PlanReview,
    PlanTarget,
    SupportPlan,
)
from staff.models import AuditEvent
from tests.interventions.factories import (
    EnrolmentFactory,
    InterventionFactory,
    MeasureRecordFactory,
    deliver,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 20)
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
MEETING = dt.date(2026, 3, 16)


def _travel():
    return time_machine.travel(NOW, tick=False)


@pytest.fixture
def review(world):
    """An EHCP with two outcomes and two provision lines, and its review met on 16 Mar."""
    sendco = world.users["sendco"]
    ehcp = EHCP.objects.create(
        school=world.school,
        pupil=world.pupil,
        coordinator=sendco,
        local_authority="Testshire",
        issued_on=dt.date(2025, 3, 3),
        next_review_due=dt.date(2026, 3, 3),
    )
    talk = ehcp.outcomes.create(text="Joins a group discussion and takes turns.", area="CI")
    reading = ehcp.outcomes.create(text="Reads a short text and retells it.", area="CL")
    group = InterventionFactory(school=world.school, name="Talk group")
    enrolment = EnrolmentFactory(
        intervention=group, pupil=world.pupil, joined_on=dt.date(2025, 9, 8)
    )
    deliver(group, dt.date(2026, 3, 2), minutes=60, attendance={world.pupil: "PRESENT"})
    line = ehcp.provision.create(
        description="Small-group language work, twice a week.",
        hours_per_week=Decimal("1.5"),
        outcome=talk,
    )
    line.interventions.set([group])
    ehcp.provision.create(description="Reading 1:1 daily.", outcome=reading)
    # Measures in the period count as evidence for the outcome the line serves; one before
    # the plan's last review (a year ago) does not.
    MeasureRecordFactory(enrolment=enrolment, taken_on=dt.date(2025, 9, 10), gbo_1=2, gbo_2=3)
    MeasureRecordFactory(
        enrolment=enrolment,
        point=MeasureRecord.Point.EXIT,
        taken_on=dt.date(2026, 3, 5),
        gbo_1=6,
        gbo_2=7,
    )
    with _travel():
        r = ehcp_services.annual_review_schedule(ehcp=ehcp, meeting_on=MEETING, by=sendco)
    AnnualReview.objects.create(
        ehcp=ehcp, meeting_on=dt.date(2025, 3, 3), completed_on=dt.date(2025, 4, 1)
    )
    return r


def _plan_target(world, *, area: str, held_on: dt.date, outcome: str = "PARTLY") -> PlanTarget:
    plan = SupportPlan.objects.create(
        school=world.school,
        pupil=world.pupil,
        kind=PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0],
        owner=world.users["sendco"],
    )
    target = PlanTarget.objects.create(
        plan=plan, cycle=1, wording=f"Target in {area}", area=area, outcome=outcome
    )
    PlanReview.objects.create(
        plan=plan, cycle=1, held_on=held_on, recorded_by=world.users["sendco"]
    )
    return target


# --- The record's rules ------------------------------------------------------------------------


def test_invitations_follow_the_meeting_calendar(world, review) -> None:
    sendco = world.users["sendco"]
    with _travel():
        with pytest.raises(ValidationError, match="cannot follow the meeting"):
            services.invitee_add(
                review=review, by=sendco, name="A. Parent", role="PARENT", invited_on=TODAY
            )
        invitee = services.invitee_add(
            review=review,
            by=sendco,
            name="A. Parent",
            role="PARENT",
            invited_on=dt.date(2026, 2, 16),
            advice_received_on=dt.date(2026, 3, 1),
            attended=True,
        )
    assert invitee.attended is True
    future = AnnualReview.objects.create(ehcp=review.ehcp, meeting_on=dt.date(2026, 4, 20))
    with _travel(), pytest.raises(ValidationError, match="once the meeting has been held"):
        services.invitee_add(
            review=future,
            by=sendco,
            name="B. Officer",
            role="LA",
            invited_on=TODAY,
            attended=False,
        )
    assert (
        AuditEvent.objects.filter(action="interventions.annual_review.invitee_added").count() == 1
    )


def test_a_shortfall_needs_its_reason_and_delivered_as_specified_keeps_none(world, review) -> None:
    sendco = world.users["sendco"]
    line = review.ehcp.provision.get(hours_per_week=Decimal("1.5"))
    with _travel():
        with pytest.raises(ValidationError, match="reason it fell short"):
            services.provision_check_record(
                review=review, provision=line, by=sendco, delivered="PARTLY"
            )
        services.provision_check_record(
            review=review,
            provision=line,
            by=sendco,
            delivered="PARTLY",
            shortfall_reason="Staff absence for three weeks in January.",
        )
        check = services.provision_check_record(
            review=review, provision=line, by=sendco, delivered="FULL", shortfall_reason="x"
        )
    assert review.checks.count() == 1  # judged again: the one row changes
    assert (check.stated_hours, check.shortfall_reason) == (Decimal("1.5"), "")


def test_amend_needs_amendments_and_progress_is_one_row_per_outcome(world, review) -> None:
    sendco = world.users["sendco"]
    outcome = review.ehcp.outcomes.order_by("pk").first()
    with _travel():
        with pytest.raises(ValidationError, match="amendments recommended"):
            services.review_part_save(
                review=review,
                part="recommendation",
                by=sendco,
                recommendation="AMEND",
                recommendation_reasons="Outcome 1 is met.",
            )
        for progress in ("SOME", "ACHIEVED"):
            services.progress_record(
                review=review,
                outcome=outcome,
                by=sendco,
                progress=progress,
                commentary="Takes turns in the group most sessions.",
            )
        services.amendment_add(review=review, by=sendco, section="E", text="Replace outcome 1.")
        services.review_part_save(
            review=review,
            part="recommendation",
            by=sendco,
            recommendation="AMEND",
            recommendation_reasons="Outcome 1 is met.",
        )
    assert AnnualReviewProgress.objects.get(review=review).progress == "ACHIEVED"
    review.refresh_from_db()
    assert review.recommendation == "AMEND"


def test_a_second_person_is_told_rather_than_overwritten(world, review) -> None:
    sendco = world.users["sendco"]
    seen = services.part_version(review, "views")
    values = {
        "child_views": "I like the group.",
        "child_views_how": "",
        "parent_views": "",
        "parent_views_how": "",
    }
    with _travel():
        services.review_part_save(review=review, part="views", by=sendco, version=seen, **values)
        with pytest.raises(StaleEdit):
            services.review_part_save(
                review=review,
                part="views",
                by=sendco,
                version=seen,
                **{**values, "child_views": "Something else."},
            )
    review.refresh_from_db()
    assert review.child_views == "I like the group."


def test_a_concluded_review_keeps_its_record(world, review) -> None:
    review.completed_on = TODAY
    review.save()
    with _travel(), pytest.raises(PlanError, match="has concluded"):
        services.amendment_add(review=review, by=world.users["sendco"], section="B", text="x")
    response = world.client("sendco").get(
        reverse("interventions:ehcp_review_amendment_add", args=[review.pk])
    )
    assert response.status_code == 302


# --- Evidence --------------------------------------------------------------------------------


def test_evidence_for_each_outcome_is_from_the_review_period(world, review) -> None:
    _plan_target(world, area="CI", held_on=dt.date(2026, 1, 20))  # in the period, same area
    _plan_target(world, area="CL", held_on=dt.date(2026, 1, 21), outcome="ACHIEVED")
    _plan_target(world, area="CI", held_on=dt.date(2025, 2, 1))  # before the last review
    with _travel():
        record = review_record(review)
    assert (record["period_from"], record["period_to"]) == (dt.date(2025, 3, 3), MEETING)
    talk, reading = record["outcome_rows"]
    assert talk.sessions == 1
    assert talk.measures == [
        "Goal Based Outcomes baseline, 10 Sep 2025: goal ratings 2, 3 (out of 10); Talk group",
        "Goal Based Outcomes exit, 5 Mar 2026: goal ratings 6, 7 (out of 10); Talk group",
    ]
    assert [(t.wording, t.outcome, t.held_on) for t in talk.targets] == [
        ("Target in CI", "Partly achieved", dt.date(2026, 1, 20))
    ]
    assert [t.outcome for t in reading.targets] == ["Achieved"]
    assert reading.measures == [] and reading.sessions == 0


def test_a_removed_outcome_keeps_its_words_in_the_record(world, review) -> None:
    outcome = review.ehcp.outcomes.order_by("pk").first()
    with _travel():
        services.progress_record(
            review=review,
            outcome=outcome,
            by=world.users["sendco"],
            progress="ACHIEVED",
            commentary="Met in full.",
        )
    outcome.delete()
    with _travel():
        rows = review_record(review)["outcome_rows"]
    assert [(r.text, r.outcome) for r in rows][-1] == (
        "Joins a group discussion and takes turns.",
        None,
    )


# --- Pages and the report --------------------------------------------------------------------


def _fill(world, review) -> None:
    """The review as a SENDCo records it through the pages."""
    client = world.client("sendco")
    talk, reading = review.ehcp.outcomes.order_by("pk")
    line = review.ehcp.provision.get(outcome=talk)
    url = lambda name, *args: reverse(f"interventions:{name}", args=[review.pk, *args])  # noqa: E731
    posts = [
        (
            url("ehcp_review_invitee_add"),
            {
                "name": "Parent One",
                "role": "PARENT",
                "invited_on": "2026-02-16",
                "advice_received_on": "2026-03-02",
                "attended": "yes",
                "form_key": str(uuid.uuid4()),
            },
        ),
        (
            url("ehcp_review_part", "views"),
            {
                "child_views": "I like talk group because I get a turn.",
                "child_views_how": "Talked with my key adult.",
                "parent_views": "He talks about school at home now.",
                "parent_views_how": "",
                "version": services.part_version(review, "views"),
            },
        ),
        (
            url("ehcp_review_progress", talk.pk),
            {"progress": "ON_TRACK", "commentary": "Takes turns in most sessions."},
        ),
        (
            url("ehcp_review_progress", reading.pk),
            {"progress": "SOME", "commentary": "Retells with picture prompts."},
        ),
        (
            url("ehcp_review_provision", line.pk),
            {"delivered": "PARTLY", "shortfall_reason": "Group cancelled for mock exams."},
        ),
        (
            url("ehcp_review_amendment_add"),
            {
                "section": "F",
                "text": "Reading 1:1 three times a week.",
                "form_key": str(uuid.uuid4()),
            },
        ),
        (
            url("ehcp_review_part", "recommendation"),
            {
                "recommendation": "AMEND",
                "recommendation_reasons": "Provision for reading needs to change.",
                "version": services.part_version(review, "recommendation"),
            },
        ),
    ]
    with _travel():
        for target, data in posts:
            response = client.post(target, data)
            assert response.status_code == 302, (target, response.content.decode()[:2000])


def test_the_pages_record_the_review_and_a_double_tap_adds_one_amendment(world, review) -> None:
    client = world.client("sendco")
    add = reverse("interventions:ehcp_review_amendment_add", args=[review.pk])
    data = {"section": "B", "text": "Add speech sound needs.", "form_key": str(uuid.uuid4())}
    with _travel():
        assert client.post(add, data).status_code == 302
        assert client.post(add, data).status_code == 302
    assert AnnualReviewAmendment.objects.filter(review=review).count() == 1
    _fill(world, review)
    with _travel():
        page = client.get(reverse("interventions:ehcp_review", args=[review.pk])).content.decode()
    for words in (
        "Parent One",
        "I like talk group because I get a turn.",
        "On track to be achieved",
        "Group cancelled for mock exams.",
        "Reading 1:1 three times a week.",
        "The review recommends that the local authority <strong>amend</strong> the plan.",
    ):
        assert words in page


def test_a_shortfall_without_a_reason_is_shown_again_with_the_message(world, review) -> None:
    line = review.ehcp.provision.order_by("pk").first()
    url = reverse("interventions:ehcp_review_provision", args=[review.pk, line.pk])
    with _travel():
        response = world.client("sendco").post(url, {"delivered": "NOT"})
    assert response.status_code == 200
    assert "Give the reason it fell short" in response.content.decode()
    assert not review.checks.exists()


def test_the_pdf_and_the_docx_say_the_same_under_the_same_headings(world, review) -> None:
    _fill(world, review)
    head = world.client("head")
    with _travel():
        pdf = head.get(reverse("interventions:ehcp_review_pdf", args=[review.pk]))
        word = head.get(reverse("interventions:ehcp_review_docx", args=[review.pk]))
    assert word["Content-Disposition"] == (
        f'attachment; filename="annual-review-pupil-{world.pupil.pk}-{review.pk}.docx"'
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = "".join(text.split())
    document = docx.Document(io.BytesIO(word.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(numbered_sections().values())
    body = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for words in (
        *numbered_sections().values(),
        "Parent One",
        "I like talk group because I get a turn.",
        "He talks about school at home now.",
        "Takes turns in most sessions.",
        "Retells with picture prompts.",
        "Group cancelled for mock exams.",
        "Reading 1:1 three times a week.",
        "Provision for reading needs to change.",
    ):
        assert "".join(words.split()) in flat, words
        assert words in body, words
    assert "Progress:Ontracktobeachieved" in flat
    assert "Goalratings6,7(outof10)".lower() in flat.lower()
    events = AuditEvent.objects.filter(action="interventions.annual_review.report_downloaded")
    assert sorted(e.data.get("format", "pdf") for e in events) == ["docx", "pdf"]


def test_preparing_for_adulthood_from_year_9(world, review) -> None:
    world.pupil.nc_year = 9
    world.pupil.save()
    client = world.client("sendco")
    url = reverse("interventions:ehcp_review_part", args=[review.pk, "adulthood"])
    data = {
        "pfa_employment": "Wants to work with animals; college taster day booked.",
        "pfa_independent_living": "Travels to school with a buddy.",
        "pfa_community": "",
        "pfa_health": "",
        "version": services.part_version(review, "adulthood"),
    }
    with _travel():
        assert client.post(url, data).status_code == 302
        page = client.get(reverse("interventions:ehcp_review", args=[review.pk])).content.decode()
        word = world.client("sendco").get(
            reverse("interventions:ehcp_review_docx", args=[review.pk])
        )
    assert "Wants to work with animals" in page
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "Independent living\nTravels to school with a buddy." in body


def test_the_review_page_keeps_its_query_budget(
    world, review, django_assert_max_num_queries
) -> None:
    _fill(world, review)
    client = world.client("sendco")
    url = reverse("interventions:ehcp_review", args=[review.pk])
    with _travel(), django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_an_unknown_part_is_not_found(world, review) -> None:
    url = reverse("interventions:ehcp_review_part", args=[review.pk, "section-z"])
    assert world.client("sendco").get(url).status_code == 404


def test_the_demo_has_a_review_in_progress_and_one_concluded_with_its_record(world) -> None:
    from types import SimpleNamespace

    from interventions.demo import plans as demo_plans
    from tests.factories import PupilFactory, on_register

    for _ in range(4):
        on_register(PupilFactory(school=world.school, nc_year=10), "E", "ASD")
    people = SimpleNamespace(
        by_key={"sendco": world.users["sendco"]}, lsas=[world.users["lsa_caseload"]]
    )
    with _travel():
        demo_plans.seed_school(school=world.school, spec=None, people=people, rng=random.Random(3))
    reviews = AnnualReview.objects.filter(ehcp__school=world.school)
    concluded = reviews.get(completed_on__isnull=False)
    assert concluded.recommendation == concluded.la_decision == "MAINTAIN"
    assert concluded.invitees.count() == 4 and concluded.child_views and concluded.pfa_health
    assert concluded.progress.count() == concluded.ehcp.outcomes.count()
    assert concluded.checks.count() == concluded.ehcp.provision.count()
    met = reviews.get(completed_on__isnull=True, steps__step="MEETING")
    assert met.parent_views and met.progress.exists() and not met.recommendation
    assert reviews.filter(completed_on__isnull=True).count() == 3  # 20 and 10 days ahead, met
