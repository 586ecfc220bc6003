"""A teacher on a phone: their two classes, a pupil's passport and strategies, a review request
answered from Today; a pupil they do not teach is not there (404), nor is parent voice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.models import PlanKind, ReviewInputRequest
from interventions.plans import services as plan_services
from interventions.teaching import services as teaching
from pupils.models import Passport
from staff.models import Role
from tests.e2e.conftest import shot, sign_in_with_code
from tests.factories import PupilFactory, SchoolFactory, member, on_register, teach

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_teacher_on_a_phone_sees_their_classes_and_answers_a_review_request(
    page: Page, live_server, console_errors
) -> None:
    school = SchoolFactory(name="Hillcrest Test Academy")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    teacher = member(school, Role.TEACHER, full_name="Tess Testteacher")
    ava = PupilFactory(school=school, legal_forename="Ava", legal_surname="Testpupil")
    on_register(ava, "K", "SPLD")
    Passport.objects.create(
        pupil=ava,
        version=1,
        strategies="Coloured overlay for reading\nPrinted copy of the slides",
        how_to_support="Check in with me at the start of the lesson.",
    )
    ben = PupilFactory(school=school, legal_forename="Ben", legal_surname="Testpupil")
    on_register(ben, "K", "SLCN")
    teach(teacher, ava, ben, code="9X/Ma2", subject="Maths")
    teach(teacher, ava, code="9X/Sc1", subject="Science")
    untaught = PupilFactory(school=school, legal_forename="Cal", legal_surname="Elsewhere")
    plan = plan_services.plan_create(
        pupil=ava,
        kind=PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0],
        owner=sendco,
        by=sendco,
        next_review_on=timezone.localdate() + dt.timedelta(days=10),
        parent_voice="Synthetic: homework takes her a long time.",
        strategies="Coloured overlay for reading",
    )
    plan_services.plan_target_add(
        plan=plan, wording="Reads a worksheet with the overlay", area="CL", by=sendco
    )
    plan_services.plan_agree(plan=plan, by=sendco, on=timezone.localdate())
    teaching.review_inputs_request(
        by=sendco, due_on=timezone.localdate() + dt.timedelta(days=5), plan=plan
    )

    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_with_code(page, live_server.url, teacher.email)
    page.get_by_role("link", name="Open my classes").click()
    expect(page.get_by_role("heading", name="My classes", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="9X/Ma2 Maths")).to_be_visible()
    expect(page.get_by_role("heading", name="9X/Sc1 Science")).to_be_visible()
    shot(page, "teacher-my-classes")

    # A pupil's passport and strategies.
    page.get_by_role("link", name="Ava Testpupil", exact=True).first.click()
    expect(page.get_by_role("heading", name="Ava Testpupil")).to_be_visible()
    expect(page.get_by_text("Check in with me at the start of the lesson.")).to_be_visible()
    expect(page.get_by_text("Printed copy of the slides").first).to_be_visible()

    # The review request, from Today.
    page.goto(f"{live_server.url}/today/")
    page.get_by_role("link", name="Answer for Ava Testpupil").click()
    expect(page.get_by_role("heading", name="support plan review")).to_be_visible()
    page.get_by_label("Reads a worksheet with the overlay").select_option("SOME")
    page.get_by_label("What works in your lessons").fill("Sitting near the front with the overlay")
    page.get_by_role("button", name="Send my input").click()
    expect(page.get_by_text("the SENDCo has your input")).to_be_visible()
    asked = ReviewInputRequest.objects.get(plan=plan)
    assert asked.answered_at is not None and asked.what_works.startswith("Sitting near")

    # No parent voice on the plan; a pupil outside their classes is not there at all.
    page.goto(f"{live_server.url}/interventions/plans/{plan.pk}/")
    expect(page.get_by_text("Reads a worksheet with the overlay").first).to_be_visible()
    expect(page.get_by_text("homework takes her a long time")).to_have_count(0)
    expect(page.get_by_role("heading", name="Parent voice")).to_have_count(0)
    assert not console_errors
    # The browser logs the 404 it is about to get: that one is the point.
    response = page.goto(f"{live_server.url}/pupils/{untaught.pk}/")
    assert response is not None and response.status == 404
