"""Teachers: My classes at a fixed query cost, the class summary PDF, review input asked in one
step and answered once, shown attributed and dated, chased by the sweep; strategy feedback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interventions.ehcp.models import EHCP, AnnualReview, EHCPOutcome
from interventions.plans import services as plan_services
from interventions.plans.models import PlanKind, SupportPlan
from interventions.reminders import services as reminders
from interventions.reminders.models import Notification
from interventions.teaching.models import ReviewInputRequest, StrategyFeedback
from pupils.models import AccessArrangement, Passport, Pupil
from safeguarding.services.casework import flag_set
from staff.models import AuditEvent, Role, User
from tests.conftest import World
from tests.factories import PupilFactory, member, on_register, teach

pytestmark = pytest.mark.django_db

STRATEGIES = "Now/next card on the desk\nPre-teach key words\nMovement break after 20 minutes"


def _sen_pupil(world: World, teacher: User, code: str = "8X/Ma1") -> Pupil:
    pupil = PupilFactory(school=world.school)
    on_register(pupil, "K", "SPLD")
    Passport.objects.create(pupil=pupil, version=1, strategies=STRATEGIES)
    teach(teacher, pupil, code=code)
    return pupil


def _plan(world: World, pupil: Pupil) -> SupportPlan:
    sendco = world.users["sendco"]
    plan = plan_services.plan_create(
        pupil=pupil,
        kind=PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0],
        owner=sendco,
        by=sendco,
        next_review_on=timezone.localdate() + dt.timedelta(days=10),
        parent_voice="Synthetic parent view.",
    )
    plan_services.plan_target_add(
        plan=plan, wording="Reads a paragraph aloud unaided", area="CL", by=sendco
    )
    plan_services.plan_agree(plan=plan, by=sendco, on=timezone.localdate())
    return plan


def _classes(world: World, teacher: User, n_classes: int, size: int = 30) -> None:
    for c in range(n_classes):
        pupils = [PupilFactory(school=world.school) for _ in range(size)]
        for i, p in enumerate(pupils):
            if i % 3 == 0:
                on_register(p, "K", "SLCN")
                Passport.objects.create(pupil=p, version=1, strategies=STRATEGIES)
            if i % 5 == 0:
                AccessArrangement.objects.create(
                    pupil=p, kind="EXTRA_TIME_25", valid_from=dt.date(2025, 9, 1)
                )
        teach(teacher, *pupils, code=f"Q{c:02d}")


def _queries(world: World, persona: str) -> int:
    client = world.client(persona)
    client.get(reverse("interventions:my_classes"))  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("interventions:my_classes"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_my_classes_query_count_is_the_same_for_one_and_twelve_classes_of_thirty(
    world: World,
) -> None:
    one, twelve = member(world.school, Role.TEACHER), member(world.school, Role.TEACHER)
    world.users["one"], world.users["twelve"] = one, twelve
    _classes(world, one, 1)
    _classes(world, twelve, 12)
    small, big = _queries(world, "one"), _queries(world, "twelve")
    assert small == big
    assert big <= 16


def test_my_classes_shows_need_strategies_targets_and_access_arrangements(world: World) -> None:
    teacher = world.users["teacher"]
    pupil = _sen_pupil(world, teacher)
    _plan(world, pupil)
    AccessArrangement.objects.create(pupil=pupil, kind="READER", valid_from=dt.date(2025, 9, 1))
    not_sen = PupilFactory(school=world.school, legal_forename="Plainname")
    teach(teacher, not_sen, code="8X/Ma1")
    page = world.client("teacher").get(reverse("interventions:my_classes")).content.decode()
    assert pupil.display_name in page and "Specific learning difficulty" in page
    assert "Now/next card on the desk" in page and "Reads a paragraph aloud unaided" in page
    assert "Reader" in page
    assert "Plainname" not in page
    assert "Synthetic parent view." not in page


def test_class_summary_pdf_for_the_teacher_and_not_for_another(world: World) -> None:
    teacher = world.users["teacher"]
    pupil = _sen_pupil(world, teacher)
    cls = pupil.class_memberships.get().teaching_class
    response = world.client("teacher").get(
        reverse("interventions:class_summary_pdf", args=[cls.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="interventions.class_summary.downloaded").exists()
    other = member(world.school, Role.TEACHER)
    world.users["other"] = other
    url = reverse("interventions:class_summary_pdf", args=[cls.pk])
    assert world.client("other").get(url).status_code == 404


def test_sendco_asks_the_teachers_once_and_the_email_names_no_pupil(
    world: World, django_capture_on_commit_callbacks
) -> None:
    teacher, second = world.users["teacher"], member(world.school, Role.TEACHER)
    pupil = _sen_pupil(world, teacher)
    teach(second, pupil, code="8X/Sc1")
    plan = _plan(world, pupil)
    url = reverse("interventions:plan_ask_teachers", args=[plan.pk])
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    client = world.client("sendco")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"due_on": due})
        client.post(url, {"due_on": due})  # a double click asks once
    assert ReviewInputRequest.objects.filter(plan=plan).count() == 2
    assert {m.to[0] for m in mail.outbox} == {teacher.email, second.email}
    for message in mail.outbox:
        assert pupil.legal_forename not in message.body and pupil.legal_surname not in message.body
        assert "/review-input/" in message.body


def test_teacher_answers_once_and_the_answer_shows_in_the_plan_attributed(world: World) -> None:
    teacher = world.users["teacher"]
    pupil = _sen_pupil(world, teacher)
    plan = _plan(world, pupil)
    world.client("sendco").post(
        reverse("interventions:plan_ask_teachers", args=[plan.pk]),
        {"due_on": timezone.localdate().isoformat()},
    )
    asked = ReviewInputRequest.objects.get(plan=plan)
    target = plan.targets.get()
    url = reverse("interventions:review_input", args=[asked.token])
    # Only the teacher asked may open it.
    assert world.client("lsa_caseload").get(url).status_code in (403, 404)
    world.users["stranger"] = member(world.school, Role.TEACHER)
    assert world.client("stranger").get(url).status_code == 404
    form = {
        f"progress_{target.pk}": "SOME",
        f"note_{target.pk}": "Reads two lines then stops",
        "what_works": "Sitting beside a reading buddy",
        "concerns": "",
    }
    client = world.client("teacher")
    assert client.post(url, form).status_code == 302
    again = client.post(url, form)
    assert b"You answered on" in again.content
    asked.refresh_from_db()
    assert asked.answered_at is not None and asked.progress[0]["progress"] == "SOME"
    page = world.client("sendco").get(reverse("interventions:plan", args=[plan.pk])).content
    text = page.decode()
    assert "Sitting beside a reading buddy" in text and teacher.full_name in text
    assert "Some progress. Reads two lines then stops" in text
    assert timezone.localtime(asked.answered_at).strftime("%-d %b %Y") in text


def test_an_empty_answer_is_refused_with_a_message(world: World) -> None:
    teacher = world.users["teacher"]
    pupil = _sen_pupil(world, teacher)
    plan = _plan(world, pupil)
    world.client("sendco").post(
        reverse("interventions:plan_ask_teachers", args=[plan.pk]),
        {"due_on": timezone.localdate().isoformat()},
    )
    asked = ReviewInputRequest.objects.get(plan=plan)
    url = reverse("interventions:review_input", args=[asked.token])
    response = world.client("teacher").post(url, {"what_works": "", "concerns": ""})
    assert response.status_code == 200 and b"Say something" in response.content
    asked.refresh_from_db()
    assert asked.answered_at is None


def test_annual_review_input_is_asked_and_shown_on_the_review(world: World) -> None:
    teacher = world.users["teacher"]
    pupil = _sen_pupil(world, teacher)
    ehcp = EHCP.objects.create(
        school=world.school,
        pupil=pupil,
        coordinator=world.users["sendco"],
        local_authority="Testshire",
        issued_on=dt.date(2025, 1, 10),
        next_review_due=dt.date(2026, 1, 10),
    )
    outcome = EHCPOutcome.objects.create(ehcp=ehcp, text="Joins in group work with peers")
    review = AnnualReview.objects.create(
        ehcp=ehcp, meeting_on=timezone.localdate() + dt.timedelta(days=20)
    )
    world.client("sendco").post(
        reverse("interventions:ehcp_review_ask_teachers", args=[review.pk]),
        {"due_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat()},
    )
    asked = ReviewInputRequest.objects.get(annual_review=review)
    page = world.client("teacher").get(reverse("interventions:review_input", args=[asked.token]))
    assert b"Joins in group work with peers" in page.content
    world.client("teacher").post(
        reverse("interventions:review_input", args=[asked.token]),
        {f"progress_{outcome.pk}": "GOOD", "what_works": "Clear roles in groups"},
    )
    shown = world.client("sendco").get(reverse("interventions:ehcp_review", args=[review.pk]))
    assert b"Clear roles in groups" in shown.content


def test_the_sweep_chases_missing_input_once_per_stage(world: World) -> None:
    teacher = world.users["teacher"]
    pupil = _sen_pupil(world, teacher)
    plan = _plan(world, pupil)
    today = timezone.localdate()
    world.client("sendco").post(
        reverse("interventions:plan_ask_teachers", args=[plan.pk]),
        {"due_on": (today + dt.timedelta(days=3)).isoformat()},
    )
    reminders.reminders_sweep_school(school_id=world.school.pk, today=today)
    reminders.reminders_sweep_school(school_id=world.school.pk, today=today)
    notes = Notification.objects.filter(recipient=teacher, kind__startswith="review_input")
    assert notes.count() == 1
    assert pupil.legal_surname not in notes.get().text


def test_strategy_feedback_ranks_strategies_and_the_sendco_sees_it_across_teachers(
    world: World,
) -> None:
    teacher, second = world.users["teacher"], member(world.school, Role.TEACHER)
    world.users["second"] = second
    pupil = _sen_pupil(world, teacher)
    teach(second, pupil, code="8X/Sc1")
    url = reverse("interventions:strategy_feedback", args=[pupil.pk])
    for persona in ("teacher", "second"):
        world.client(persona).post(
            url, {"strategy": "Movement break after 20 minutes", "helped": "yes"}
        )
    world.client("teacher").post(url, {"strategy": "Pre-teach key words", "helped": "no"})
    world.client("teacher").post(url, {"strategy": "Pre-teach key words", "helped": "no"})
    assert StrategyFeedback.objects.filter(pupil=pupil).count() == 3
    page = world.client("teacher").get(reverse("interventions:my_classes")).content.decode()
    # The strategy two teachers found helped comes first.
    assert page.index("Movement break after 20 minutes") < page.index("Now/next card on the desk")
    sendco = world.client("sendco").get(reverse("interventions:strategies_across_teachers"))
    assert b"Movement break after 20 minutes" in sendco.content
    # A teacher who does not teach the pupil cannot mark their strategies.
    world.users["stranger"] = member(world.school, Role.TEACHER)
    response = world.client("stranger").post(url, {"strategy": "x", "helped": "yes"})
    assert response.status_code == 404


def test_a_pupil_with_the_neutral_flag_is_listed_with_it_and_nothing_more(world: World) -> None:
    teacher = world.users["teacher"]
    flagged = PupilFactory(school=world.school, legal_forename="Flagonly")
    teach(teacher, flagged, code="8X/Ma1")
    flag_set(pupil=flagged, by=world.users["dsl"], on=True, reason="Synthetic reason: court order")
    page = world.client("teacher").get(reverse("interventions:my_classes")).content.decode()
    assert "Flagonly" in page and "Speak to the DSL before contacting home" in page
    assert "court order" not in page
