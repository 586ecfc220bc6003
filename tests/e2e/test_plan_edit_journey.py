"""The SENDCo starts a plan, adds two targets, records pupil and parent voice, agrees version 1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.models import PlanKind, SupportPlan
from staff.models import Role
from tests.e2e.conftest import shot, sign_in_with_code
from tests.factories import PupilFactory, SchoolFactory, member, on_register
from tests.interventions.factories import EnrolmentFactory, InterventionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _school() -> tuple[object, object]:
    school = SchoolFactory(name="Brookfield Test Primary")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    pupil = PupilFactory(school=school, legal_forename="Ava", legal_surname="Testpupil")
    on_register(pupil, "K", "SLCN")
    group = InterventionFactory(school=school, name="Talk boost (Tue)")
    EnrolmentFactory(intervention=group, pupil=pupil)
    # Transactional tests flush the seeded kinds: put back the ones this journey uses.
    PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP / individual support plan"})
    return sendco, pupil


@pytest.mark.parametrize("width", [375, 1280])
def test_sendco_starts_a_plan_adds_targets_and_agrees_version_one(
    page: Page, live_server, console_errors, width: int
) -> None:
    sendco, pupil = _school()
    today = timezone.localdate()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_code(page, live_server.url, sendco.email)

    page.goto(f"{live_server.url}/interventions/plans/")
    shot(page, "plan-list-empty")
    page.get_by_role("link", name="Start a plan").click()
    page.get_by_label("Pupil").select_option(str(pupil.pk))
    page.get_by_label("Kind of plan").select_option(label="IEP / individual support plan")
    page.get_by_label("Summary of needs (assess)").fill("Speech is hard to follow in class.")
    page.get_by_label("Strategies for staff").fill("Give time to answer\nUse visual prompts")
    shot(page, "plan-start")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text("started as a draft")).to_be_visible()

    page.get_by_role("link", name="Add a target").click()
    expect(page.get_by_label("Area of need")).to_have_value("CI")  # from the primary need
    page.get_by_label("Target (SMART)").fill("Asks for help using a help card")
    page.get_by_label("Talk boost (Tue) (running)").check()
    shot(page, "target-add")
    page.get_by_role("button", name="Add and write another").click()
    expect(page.get_by_text("Target added.")).to_be_visible()
    page.get_by_label("Target (SMART)").fill("Says three sentences about a picture")
    page.get_by_label("Success looks like").fill("Three sentences, unprompted, in a small group")
    page.get_by_role("button", name="Add the target").click()
    expect(page.get_by_text("Says three sentences about a picture")).to_be_visible()

    page.get_by_role("link", name="Edit the plan").click()
    page.get_by_label("What the pupil said").fill("I like the help card.")
    pupil_voice = page.get_by_role("group", name="Pupil voice")
    pupil_voice.get_by_label("Date gathered").fill(today.isoformat())
    pupil_voice.get_by_label("How gathered").fill("Drawing and talk")
    page.get_by_label("What parents or carers said").fill("Homework time is calmer.")
    parent_voice = page.get_by_role("group", name="Parent voice")
    parent_voice.get_by_label("Date gathered").fill(today.isoformat())
    parent_voice.get_by_label("How gathered").fill("Phone call")
    shot(page, "plan-edit")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Plan saved.")).to_be_visible()
    shot(page, "plan-detail-draft")

    page.get_by_role("link", name="Agree this version").click()
    expect(page.get_by_role("heading", name="Agree version 1")).to_be_visible()
    shot(page, "plan-agree")
    page.get_by_role("button", name="Agree version 1").click()
    expect(page.get_by_role("heading", name="Version 1", exact=True)).to_be_visible()
    expect(page.get_by_text("I like the help card.")).to_be_visible()
    expect(page.get_by_text("Three sentences, unprompted, in a small group")).to_be_visible()
    shot(page, "plan-version")

    plan = SupportPlan.objects.get(pupil=pupil)
    assert plan.status == SupportPlan.Status.ACTIVE
    assert plan.versions.get().snapshot["parent_voice_how"] == "Phone call"
    assert plan.next_review_on == today + dt.timedelta(weeks=12)

    # The pages around it: changing and removing a target, and the list with the plan in it.
    target = plan.targets.get(wording__startswith="Asks")
    page.goto(f"{live_server.url}/interventions/plans/{plan.pk}/targets/{target.pk}/")
    shot(page, "target-edit")
    page.get_by_role("link", name="Remove this target").click()
    shot(page, "target-remove")
    page.goto(f"{live_server.url}/interventions/plans/")
    expect(page.get_by_role("link", name="Ava Testpupil")).to_be_visible()
    shot(page, "plan-list")
    assert console_errors == []
