"""The EHCP record (sections E and F with delivery evidence), annual review pages and the report."""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from decimal import Decimal
from html import escape

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from interventions.ehcp import report as ehcp_report
from interventions.ehcp import services as ehcp_services
from interventions.errors import PlanError
from interventions.models import (
    EHCP,
    AnnualReview,
    AnnualReviewStep,
    EHCPOutcome,
    EHCPProvision,
)
from staff.models import AuditEvent
from tests.factories import PupilFactory
from tests.interventions.factories import EnrolmentFactory, InterventionFactory, cancel, deliver

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 20)  # a Friday in the spring term
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)


def _ehcp(w, **fields) -> EHCP:
    defaults = dict(
        school=w.school,
        pupil=w.pupil,
        coordinator=w.users["sendco"],
        local_authority="Testshire",
        issued_on=dt.date(2025, 1, 10),
        next_review_due=dt.date(2026, 1, 10),
    )
    return EHCP.objects.create(**{**defaults, **fields})


def _travel():
    return time_machine.travel(NOW, tick=False)


# --- Recording an EHCP -----------------------------------------------------------------------


def test_pupil_without_an_ehcp_is_offered_to_the_sendco_only(world) -> None:
    url = reverse("interventions:ehcp_pupil", args=[world.pupil.pk])
    assert "Record an EHCP" in world.client("sendco").get(url).content.decode()
    page = world.client("teacher").get(url).content.decode()
    assert "No current EHCP" in page and "Record an EHCP" not in page


def test_pupil_link_opens_the_live_ehcp(world) -> None:
    ehcp = _ehcp(world)
    response = world.client("lsa_caseload").get(
        reverse("interventions:ehcp_pupil", args=[world.pupil.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("interventions:ehcp", args=[ehcp.pk])


def test_record_an_ehcp_once_even_when_the_form_is_sent_twice(world) -> None:
    client = world.client("sendco")
    url = reverse("interventions:ehcp_create", args=[world.pupil.pk])
    data = {
        "local_authority": "Testshire",
        "issued_on": "2025-06-30",
        "coordinator": world.users["sendco"].pk,
        "phase_transfer": "SCHOOL",
        "transfer_year": "2027",
        "form_key": str(uuid.uuid4()),
    }
    with _travel():
        first = client.post(url, data)
        second = client.post(url, data)
    ehcp = EHCP.objects.get(pupil=world.pupil)
    assert first["Location"] == second["Location"] == reverse("interventions:ehcp", args=[ehcp.pk])
    assert ehcp.next_review_due == dt.date(2026, 6, 30)  # 12 months after issue
    assert ehcp.phase_transfer == "SCHOOL" and ehcp.transfer_year == 2027
    # A fresh form for the same pupil is refused: there is one live EHCP per pupil.
    with _travel():
        third = client.post(url, {**data, "form_key": str(uuid.uuid4())})
    assert third.status_code == 200
    assert "already has an EHCP" in third.content.decode()
    assert EHCP.objects.filter(pupil=world.pupil).count() == 1


def test_record_refuses_a_transfer_without_its_year(world) -> None:
    response = world.client("sendco").post(
        reverse("interventions:ehcp_create", args=[world.pupil.pk]),
        {
            "local_authority": "Testshire",
            "issued_on": "2025-06-30",
            "coordinator": world.users["sendco"].pk,
            "phase_transfer": "POST16",
            "form_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200
    assert "Give the year of the move" in response.content.decode()
    assert not EHCP.objects.exists()


def test_phase_transfer_deadline_comes_from_settings(world, settings) -> None:
    settings.SEND_HUB_PHASE_TRANSFER_SCHOOL = "02-20"
    ehcp = _ehcp(world, phase_transfer="SCHOOL", transfer_year=2027)
    with _travel():
        page = world.client("teacher").get(reverse("interventions:ehcp", args=[ehcp.pk]))
    assert "Amended plan needed by <strong>20 Feb 2027</strong>" in page.content.decode()
    settings.SEND_HUB_PHASE_TRANSFER_POST16 = "03-31"
    ehcp.phase_transfer = "POST16"
    assert ehcp_report.phase_transfer_deadline(ehcp) == dt.date(2027, 3, 31)


def test_edit_by_someone_who_opened_an_older_version_is_refused(world) -> None:
    ehcp = _ehcp(world)
    stale = ehcp_services.ehcp_version(ehcp)
    ehcp_services.ehcp_update(
        ehcp=ehcp,
        by=world.users["sendco"],
        local_authority="Northshire",
        issued_on=ehcp.issued_on,
        coordinator=ehcp.coordinator,
    )
    response = world.client("sendco").post(
        reverse("interventions:ehcp_edit", args=[ehcp.pk]),
        {
            "local_authority": "Southshire",
            "issued_on": "2025-01-10",
            "coordinator": world.users["sendco"].pk,
            "version": stale,
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this EHCP" in response.content.decode()
    ehcp.refresh_from_db()
    assert ehcp.local_authority == "Northshire"


def test_moving_the_issue_date_before_any_review_moves_the_review_due(world) -> None:
    ehcp = _ehcp(world)
    with _travel():
        ehcp_services.ehcp_update(
            ehcp=ehcp,
            by=world.users["sendco"],
            local_authority="Testshire",
            issued_on=dt.date(2025, 2, 28),
            coordinator=ehcp.coordinator,
        )
    ehcp.refresh_from_db()
    assert ehcp.next_review_due == dt.date(2026, 2, 28)


# --- Section E and F -------------------------------------------------------------------------


def test_outcome_add_twice_with_one_form_key_adds_one(world) -> None:
    ehcp = _ehcp(world)
    client = world.client("sendco")
    url = reverse("interventions:ehcp_outcome_add", args=[ehcp.pk])
    data = {"text": "Joins a group task for ten minutes.", "area": "SEMH", "form_key": uuid.uuid4()}
    client.post(url, data)
    client.post(url, data)
    assert list(ehcp.outcomes.values_list("text", "area")) == [
        ("Joins a group task for ten minutes.", "SEMH")
    ]


def test_outcome_edit_and_remove_keeps_its_provision(world) -> None:
    ehcp = _ehcp(world)
    outcome = ehcp.outcomes.create(text="Old wording")
    line = ehcp.provision.create(description="Weekly group", outcome=outcome)
    client = world.client("sendco")
    client.post(
        reverse("interventions:ehcp_outcome_edit", args=[ehcp.pk, outcome.pk]),
        {"text": "New wording", "area": "CL", "version": ehcp_services.ehcp_version(outcome)},
    )
    outcome.refresh_from_db()
    assert (outcome.text, outcome.area) == ("New wording", "CL")
    response = client.post(
        reverse("interventions:ehcp_outcome_remove", args=[ehcp.pk, outcome.pk]), follow=True
    )
    assert "One provision line now names no outcome." in response.content.decode()
    assert not EHCPOutcome.objects.filter(pk=outcome.pk).exists()
    line.refresh_from_db()
    assert line.outcome_id is None
    # Removing it again (a double tap) is not an error.
    again = client.post(reverse("interventions:ehcp_outcome_remove", args=[ehcp.pk, outcome.pk]))
    assert again.status_code == 302


def test_provision_links_only_interventions_the_pupil_is_in(world) -> None:
    ehcp = _ehcp(world)
    mine = InterventionFactory(school=world.school, name="Speech and language group")
    EnrolmentFactory(intervention=mine, pupil=world.pupil)
    other = InterventionFactory(school=world.school, name="Someone else's group")
    outcome = ehcp.outcomes.create(text="Speaks in a small group")
    client = world.client("sendco")
    url = reverse("interventions:ehcp_provision_add", args=[ehcp.pk])
    page = client.get(url).content.decode()
    assert "Speech and language group" in page and "Someone else" not in page
    refused = client.post(
        url,
        {"description": "Group", "interventions": [other.pk], "form_key": uuid.uuid4()},
    )
    assert refused.status_code == 200 and not ehcp.provision.exists()
    response = client.post(
        url,
        {
            "description": "Small-group speech and language, weekly.",
            "hours_per_week": "1.5",
            "outcome": outcome.pk,
            "interventions": [mine.pk],
            "form_key": uuid.uuid4(),
        },
    )
    line = ehcp.provision.get()
    assert response["Location"].endswith(f"#provision-{line.pk}")
    assert line.hours_per_week == Decimal("1.5") and line.outcome == outcome
    assert list(line.interventions.all()) == [mine]
    with pytest.raises(ValidationError):
        ehcp_services.ehcp_provision_add(
            ehcp=ehcp, by=world.users["sendco"], description="x", interventions=[other]
        )


def test_provision_edit_and_remove(world) -> None:
    ehcp = _ehcp(world)
    line = ehcp.provision.create(description="Weekly group", hours_per_week=1)
    client = world.client("sendco")
    client.post(
        reverse("interventions:ehcp_provision_edit", args=[ehcp.pk, line.pk]),
        {
            "description": "Twice-weekly group",
            "hours_per_week": "2",
            "version": ehcp_services.ehcp_version(line),
        },
    )
    line.refresh_from_db()
    assert (line.description, line.hours_per_week) == ("Twice-weekly group", Decimal("2.00"))
    client.post(reverse("interventions:ehcp_provision_remove", args=[ehcp.pk, line.pk]))
    assert not EHCPProvision.objects.filter(pk=line.pk).exists()
    assert AuditEvent.objects.filter(action="interventions.ehcp_provision.removed").count() == 1


def test_a_ceased_ehcp_refuses_new_outcomes_with_a_message(world) -> None:
    ehcp = _ehcp(world, ceased_on=dt.date(2026, 1, 31))
    response = world.client("sendco").post(
        reverse("interventions:ehcp_outcome_add", args=[ehcp.pk]),
        {"text": "Anything", "form_key": uuid.uuid4()},
    )
    assert response.status_code == 200
    assert "This EHCP has ceased" in response.content.decode()
    assert not ehcp.outcomes.exists()


# --- Evidence of delivery --------------------------------------------------------------------


@pytest.fixture
def delivered(world):
    """Two interventions and two section F lines, with sessions worked out by hand below."""
    ehcp = _ehcp(world)
    pupil, other = world.pupil, PupilFactory(school=world.school)
    group = InterventionFactory(
        school=world.school, name="Talk group", start_date=dt.date(2025, 4, 1)
    )
    solo = InterventionFactory(school=world.school, name="Word work 1:1")
    for intervention in (group, solo):
        EnrolmentFactory(intervention=intervention, pupil=pupil, joined_on=dt.date(2025, 4, 1))
    deliver(group, dt.date(2025, 6, 10), minutes=30, attendance={pupil: "PRESENT"})  # last year
    deliver(group, dt.date(2025, 10, 6), minutes=30, attendance={pupil: "PRESENT"})
    deliver(group, dt.date(2026, 2, 9), minutes=40, attendance={pupil: "PRESENT", other: "ABSENT"})
    deliver(group, dt.date(2026, 3, 2), minutes=45, attendance={pupil: "LATE"})
    deliver(group, dt.date(2026, 3, 9), minutes=30, attendance={pupil: "ABSENT"})  # missed
    deliver(group, dt.date(2026, 3, 16), minutes=30, attendance={other: "PRESENT"})  # not there
    cancel(group, dt.date(2026, 3, 18))
    deliver(solo, dt.date(2026, 3, 10), minutes=60, attendance={pupil: "PRESENT"})
    outcome = ehcp.outcomes.create(text="Takes part in a group discussion.", area="CL")
    talk = ehcp.provision.create(description="Weekly talk group", hours_per_week=1, outcome=outcome)
    talk.interventions.set([group])
    both = ehcp.provision.create(description="Language work", hours_per_week=Decimal("0.4"))
    both.interventions.set([group, solo])
    return ehcp, talk, both


def test_delivery_counts_only_sessions_this_pupil_attended_this_year(delivered) -> None:
    ehcp, talk, both = delivered
    with _travel():
        lines = {line.pk: line.delivery for line in ehcp_report.provision_with_delivery(ehcp)}
    d = lines[talk.pk]
    # 6 Oct (30) + 9 Feb (40) + 2 Mar late (45); not June (last year), 9 Mar (absent), 16 Mar.
    assert (d.sessions, d.minutes, d.missed) == (3, 115, 1)
    assert d.recent_minutes == 85  # 9 Feb and 2 Mar fall in the six weeks to 20 Mar
    assert d.per_week == Decimal("0.2")  # 85 min / 6 weeks = 14.2 min a week
    assert d.summary == "Stated 1 h/week; delivered 0.2 h/week over the last 6 weeks."
    assert d.below_stated
    assert [s["date"] for s in d.last] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 2, 9),
        dt.date(2025, 10, 6),
    ]
    # The same group serves two lines; the second adds the 1:1 (60 min on 10 Mar).
    d = lines[both.pk]
    assert (d.sessions, d.minutes, d.recent_minutes) == (4, 175, 145)
    assert d.per_week == Decimal("0.4") and not d.below_stated  # 145 / 6 / 60 = 0.40
    assert d.last[0] == {
        "date": dt.date(2026, 3, 10),
        "minutes": 60,
        "intervention": "Word work 1:1",
    }


def test_early_in_the_year_the_recent_hours_reach_back_into_the_summer(delivered) -> None:
    ehcp, talk, _both = delivered
    group = talk.interventions.get()
    deliver(group, dt.date(2025, 7, 28), minutes=50, attendance={ehcp.pupil: "PRESENT"})
    lines = {
        line.pk: line.delivery
        for line in ehcp_report.provision_with_delivery(ehcp, as_of=dt.date(2025, 9, 3))
    }
    d = lines[talk.pk]
    # The six weeks to 3 Sep start on 24 Jul, before the school year: the summer school's
    # 50 minutes count towards hours a week, but not towards this year's sessions.
    assert (d.sessions, d.minutes, d.recent_minutes, d.last) == (0, 0, 50, [])


def test_delivery_costs_three_queries_however_many_lines(
    delivered, django_assert_num_queries
) -> None:
    ehcp, _talk, _both = delivered
    with _travel(), django_assert_num_queries(3):
        lines = ehcp_report.provision_with_delivery(ehcp)
        [list(line.interventions.all()) for line in lines]


def test_ehcp_page_shows_evidence_and_its_queries_do_not_grow(world, delivered) -> None:
    ehcp, _talk, _both = delivered
    client = world.client("lsa_caseload")
    url = reverse("interventions:ehcp", args=[ehcp.pk])
    client.get(url)  # the first request of a session costs one-off queries
    with _travel(), CaptureQueriesContext(connection) as before:
        page = client.get(url).content.decode()
    assert "3 sessions</strong> attended, 1.92 h this school year" in page
    assert "Stated 1 h/week; delivered 0.2 h/week over the last 6 weeks." in page
    assert "Below the stated hours" in page
    for n in range(4):
        extra = ehcp.provision.create(description=f"Extra line {n}", hours_per_week=1)
        extra.interventions.set(list(_talk.interventions.all()))
        ehcp.outcomes.create(text=f"Extra outcome {n}")
    with _travel(), CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


# --- Annual reviews --------------------------------------------------------------------------


def test_schedule_then_see_each_deadline_with_overdue_in_red(world) -> None:
    ehcp = _ehcp(world)
    client = world.client("sendco")
    with _travel():
        response = client.post(
            reverse("interventions:ehcp_review_schedule", args=[ehcp.pk]),
            {"meeting_on": "2026-03-30"},
        )
        review = AnnualReview.objects.get(ehcp=ehcp)
        assert response["Location"] == reverse("interventions:ehcp_review", args=[review.pk])
        # The same form again (a double tap) lands on the same review.
        again = client.post(
            reverse("interventions:ehcp_review_schedule", args=[ehcp.pk]),
            {"meeting_on": "2026-03-30"},
        )
        assert again["Location"] == response["Location"]
        page = client.get(response["Location"]).content.decode()
    assert AnnualReview.objects.filter(ehcp=ehcp).count() == 1
    # Meeting 30 Mar: invitations by 16 Mar (4 days ago), report by 13 Apr, LA by 27 Apr,
    # amended plan by 22 Jun.
    assert "By Mon 16 Mar 2026" in page and "Overdue by 4 days" in page
    assert "On Mon 30 Mar 2026" in page and "In 10 days" in page
    assert "By Mon 13 Apr 2026" in page
    assert "By Mon 27 Apr 2026" in page
    assert "By Mon 22 Jun 2026" in page
    assert page.count("list-group-item-danger") == 1


def test_steps_record_who_and_when_and_a_repeat_is_refused(world) -> None:
    ehcp = _ehcp(world)
    sendco = world.users["sendco"]
    review = ehcp_services.annual_review_schedule(
        ehcp=ehcp, meeting_on=dt.date(2026, 3, 16), by=sendco
    )
    client = world.client("sendco")
    url = reverse("interventions:ehcp_review_step", args=[review.pk])
    with _travel():
        early = client.post(url, {"step": "REPORT", "report-done_on": "2026-03-19"})
        assert "Record the meeting first." in early.content.decode()
        client.post(url, {"step": "INVITATIONS", "invitations-done_on": "2026-03-02"})
        resent = client.post(url, {"step": "INVITATIONS", "invitations-done_on": "2026-03-02"})
        assert resent.status_code == 302  # the same form twice: recorded once
        twice = client.post(url, {"step": "INVITATIONS", "invitations-done_on": "2026-03-03"})
        future = client.post(url, {"step": "MEETING", "meeting-done_on": "2026-03-21"})
    assert twice.status_code == 200
    assert (
        f"“Invitations and advice circulated” is already recorded for this review "
        f"(2 Mar 2026, by {escape(sendco.full_name)})."
    ) in twice.content.decode()
    assert "That day has not happened yet." in future.content.decode()
    step = review.steps.get()
    assert (step.step, step.done_on, step.done_by) == ("INVITATIONS", dt.date(2026, 3, 2), sendco)
    with _travel():
        page = client.get(reverse("interventions:ehcp_review", args=[review.pk])).content.decode()
    assert f"Done 2 Mar 2026 by {escape(sendco.full_name)}" in page


def test_la_decision_asks_maintain_amend_or_cease_and_completes_the_review(world) -> None:
    ehcp = _ehcp(world)
    sendco = world.users["sendco"]
    review = ehcp_services.annual_review_schedule(
        ehcp=ehcp, meeting_on=dt.date(2026, 2, 2), by=sendco
    )
    ehcp_services.annual_review_step_add(
        review=review, step="MEETING", by=sendco, on=dt.date(2026, 2, 2)
    )
    client = world.client("sendco")
    url = reverse("interventions:ehcp_review_step", args=[review.pk])
    with _travel():
        blank = client.post(url, {"step": "LA_DECISION", "la_decision-done_on": "2026-03-01"})
        assert blank.status_code == 200 and "This field is required." in blank.content.decode()
        client.post(
            url,
            {
                "step": "LA_DECISION",
                "la_decision-step": "LA_DECISION",
                "la_decision-done_on": "2026-03-01",
                "la_decision-la_decision": "MAINTAIN",
            },
        )
        page = client.get(reverse("interventions:ehcp_review", args=[review.pk])).content.decode()
    review.refresh_from_db()
    ehcp.refresh_from_db()
    assert (review.la_decision, review.completed_on) == ("MAINTAIN", dt.date(2026, 3, 1))
    assert ehcp.next_review_due == dt.date(2027, 3, 1)  # 12 months after the LA's decision
    assert "Not needed" in page  # no amended plan follows a decision to maintain
    with pytest.raises(PlanError):
        ehcp_services.annual_review_step_add(
            review=review, step="FINAL_PLAN", by=sendco, on=dt.date(2026, 3, 2)
        )


def test_only_the_sendco_sees_the_step_forms(world) -> None:
    ehcp = _ehcp(world)
    review = AnnualReview.objects.create(ehcp=ehcp, meeting_on=dt.date(2026, 4, 1))
    url = reverse("interventions:ehcp_review", args=[review.pk])
    with _travel():
        assert (
            'aria-label="Record: Annual review meeting"'
            in world.client("sendco").get(url).content.decode()
        )
        assert "Record: " not in world.client("teacher").get(url).content.decode()


@pytest.mark.parametrize(("nc_year", "prompted"), [(8, False), (9, True), (11, True)])
def test_preparing_for_adulthood_is_prompted_from_year_9(world, nc_year, prompted) -> None:
    world.pupil.nc_year = nc_year
    world.pupil.save(update_fields=["nc_year"])
    ehcp = _ehcp(world)
    review = ehcp_services.annual_review_schedule(
        ehcp=ehcp, meeting_on=dt.date(2026, 4, 1), by=world.users["sendco"]
    )
    assert review.covers_preparing_for_adulthood is prompted
    with _travel():
        page = world.client("sendco").get(reverse("interventions:ehcp_review", args=[review.pk]))
    assert ("Preparing for adulthood" in page.content.decode()) is prompted


def test_history_lists_earlier_reviews(world) -> None:
    ehcp = _ehcp(world)
    old = AnnualReview.objects.create(
        ehcp=ehcp,
        meeting_on=dt.date(2025, 3, 3),
        la_decision="AMEND",
        completed_on=dt.date(2025, 5, 1),
    )
    new = AnnualReview.objects.create(ehcp=ehcp, meeting_on=dt.date(2026, 3, 2))
    with _travel():
        page = world.client("dsl").get(reverse("interventions:ehcp_review", args=[new.pk]))
    html = page.content.decode()
    assert reverse("interventions:ehcp_review", args=[old.pk]) in html
    assert "Completed 1 May 2025 · LA decision: amend" in html


# --- The review report -----------------------------------------------------------------------


def test_report_pdf_is_built_from_the_record_and_named_by_id_only(world, delivered) -> None:
    ehcp, _talk, _both = delivered
    sendco = world.users["sendco"]
    review = ehcp_services.annual_review_schedule(
        ehcp=ehcp, meeting_on=dt.date(2026, 3, 16), by=sendco
    )
    ehcp_services.annual_review_step_add(
        review=review, step="INVITATIONS", by=sendco, on=dt.date(2026, 3, 2)
    )
    ehcp_services.annual_review_step_add(
        review=review, step="MEETING", by=sendco, on=dt.date(2026, 3, 16)
    )
    with _travel():
        response = world.client("sendco").get(
            reverse("interventions:ehcp_review_pdf", args=[review.pk])
        )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="annual-review-pupil-{world.pupil.pk}-{review.pk}.pdf"'
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = "".join(text.split())  # lines break anywhere in a PDF: compare without spaces
    assert world.pupil.legal_surname.replace(" ", "") in text
    assert "LocalauthorityTestshire" in text
    assert "Takespartinagroupdiscussion." in text
    # Delivery up to the meeting (16 Mar): 85 minutes in the six weeks to it, as on the page;
    # the line served by both interventions adds the 1:1 on 10 Mar.
    assert (
        "“Weeklytalkgroup”:3sessionsattended,1.92hthisschoolyear."
        "Stated1h/week;delivered0.2h/weekoverthelast6weeks." in text
    )
    assert (
        "1haweek0.2haweekoverthelast6weeks;3sessionsattended(1.92h)thisschoolyear,1missed"
        "Belowthestatedhours." in text
    )
    assert "4sessionsattended(2.92h)thisschoolyear" in text
    # Who did each step and when, and what is still awaited.
    name = sendco.full_name.replace(" ", "")
    assert f"Invitationsandadvicecirculated2Mar20262Mar2026{name}" in text
    assert f"Annualreviewmeeting16Mar202616Mar2026{name}" in text
    assert "ReporttotheLA30Mar2026Notyet" in text
    assert "Localauthority'sdecision:Notyetreceived." in text
    assert world.pupil.legal_surname not in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="interventions.annual_review.report_downloaded")
    assert (event.actor, event.object_id) == (sendco, str(review.pk))


def test_report_fetches_nothing_from_outside(world) -> None:
    ehcp = _ehcp(world)
    review = AnnualReview.objects.create(ehcp=ehcp, meeting_on=dt.date(2026, 4, 1))
    context = ehcp_report.review_report_context(review, built_by=world.users["sendco"])
    html = render_to_string("interventions/ehcp/review_pdf.html", context)
    assert "http://" not in html and "https://" not in html and "<img" not in html


# --- The pupil page and the demo -------------------------------------------------------------


def test_pupil_plans_block_links_to_the_pupils_ehcp(world) -> None:
    html = render_to_string(
        "interventions/plans/pupil_plans.html",
        {"show": True, "plans": [], "parent_meetings": 3, "pupil": world.pupil},
    )
    assert reverse("interventions:ehcp_pupil", args=[world.pupil.pk]) in html


def test_demo_ehcps_have_outcomes_provision_and_real_delivery(world) -> None:
    from types import SimpleNamespace

    from interventions.demo import plans as demo_plans
    from tests.factories import on_register

    for _ in range(3):
        on_register(PupilFactory(school=world.school, nc_year=9), "E", "ASD")
    people = SimpleNamespace(
        by_key={"sendco": world.users["sendco"]}, lsas=[world.users["lsa_caseload"]]
    )
    with _travel():
        demo_plans.seed_school(school=world.school, spec=None, people=people, rng=random.Random(2))
    ehcps = list(EHCP.objects.filter(school=world.school))
    assert len(ehcps) == 3
    for ehcp in ehcps:
        assert 2 <= ehcp.outcomes.count() <= 3
        with _travel():
            lines = ehcp_report.provision_with_delivery(ehcp)
        assert 2 <= len(lines) <= 3
        for line in lines:
            assert line.hours_per_week and line.outcome_id
            enrolled = set(ehcp.pupil.enrolments.values_list("intervention_id", flat=True))
            linked = {i.pk for i in line.interventions.all()}
            assert linked and linked <= enrolled
            assert line.delivery.sessions > 0
    assert AnnualReviewStep.objects.filter(review__ehcp__school=world.school).exists()


def test_a_meeting_moves_with_its_deadlines_until_it_is_held(world) -> None:
    sendco = world.users["sendco"]
    ehcp = _ehcp(world)
    review = ehcp_services.annual_review_schedule(
        ehcp=ehcp, meeting_on=dt.date(2026, 2, 2), by=sendco
    )
    client = world.client("sendco")
    url = reverse("interventions:ehcp_review_reschedule", args=[review.pk])
    with _travel():
        page = client.get(reverse("interventions:ehcp_review", args=[review.pk]))
        assert url in page.content.decode()  # "Move the meeting" is offered
        response = client.post(url, {"meeting_on": "2026-02-16"})
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.meeting_on == dt.date(2026, 2, 16)
        page = client.get(reverse("interventions:ehcp_review", args=[review.pk])).content.decode()
        assert "2 Feb 2026" in page  # invitations now due two weeks before the new date
        event = AuditEvent.objects.get(action="interventions.annual_review.rescheduled")
        assert event.data == {"from": "2026-02-02", "to": "2026-02-16"}
        ehcp_services.annual_review_step_record(
            review=review, step="MEETING", by=sendco, on=dt.date(2026, 2, 16)
        )
        response = client.post(url, {"meeting_on": "2026-03-02"})
        assert "The meeting has been recorded as held" in response.content.decode()
        page = client.get(reverse("interventions:ehcp_review", args=[review.pk])).content.decode()
        assert url not in page
    review.refresh_from_db()
    assert review.meeting_on == dt.date(2026, 2, 16)


def test_a_decision_to_cease_prompts_for_the_date_the_plan_ceases(world) -> None:
    sendco = world.users["sendco"]
    ehcp = _ehcp(world)
    review = ehcp_services.annual_review_schedule(
        ehcp=ehcp, meeting_on=dt.date(2026, 2, 2), by=sendco
    )
    for step, on, decision in [
        ("MEETING", dt.date(2026, 2, 2), ""),
        ("LA_DECISION", dt.date(2026, 2, 20), "CEASE"),
    ]:
        ehcp_services.annual_review_step_record(
            review=review, step=step, by=sendco, on=on, la_decision=decision
        )
    url = reverse("interventions:ehcp", args=[ehcp.pk])
    with _travel():
        page = world.client("sendco").get(url).content.decode()
        assert "The local authority decided to cease this plan" in page
        ehcp.ceased_on = dt.date(2026, 3, 13)
        ehcp.save()
        page = world.client("sendco").get(url).content.decode()
    assert "decided to cease" not in page
    assert "This EHCP ceased on 13 Mar 2026" in page
