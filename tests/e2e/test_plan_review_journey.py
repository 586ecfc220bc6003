"""The SENDCo reviews a support plan, scores its targets, opens the next cycle, sees it ahead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.models import PlanKind, SupportPlan
from interventions.plans import services as plan_services
from staff import terms
from staff.models import Role
from tests.e2e.conftest import shot, sign_in_with_code
from tests.factories import PupilFactory, SchoolFactory, member, on_register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _plan() -> tuple[object, SupportPlan]:
    school = SchoolFactory(name="Brookfield Test Primary")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    pupil = PupilFactory(school=school, legal_forename="Ava", legal_surname="Testpupil")
    on_register(pupil, "K", "SLCN")
    kind, _ = PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})
    today = timezone.localdate()
    plan = plan_services.plan_create(
        pupil=pupil, kind=kind, owner=sendco, by=sendco, next_review_on=today
    )
    for wording in ("Reads ten words on sight", "Asks for help with a card"):
        plan_services.plan_target_add(plan=plan, wording=wording, area="CL", by=sendco)
    plan_services.plan_agree(plan=plan, by=sendco, on=today - dt.timedelta(days=60))
    return sendco, plan


@pytest.mark.parametrize("width", [375, 1280])
def test_sendco_reviews_a_plan_and_sees_the_next_review(
    page: Page, live_server, console_errors, width: int
) -> None:
    sendco, plan = _plan()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_code(page, live_server.url, sendco.email)
    page.goto(f"{live_server.url}/interventions/plans/{plan.pk}/")
    shot(page, "plan-detail")
    page.get_by_role("link", name="Review this plan").click()
    expect(page.get_by_role("heading", name="Review cycle 1")).to_be_visible()
    page.get_by_label("Attendees").fill("Sam Testsendco (SENDCo)\nParent\nAva")
    page.get_by_label("A parent or carer attended").check()
    first = page.get_by_role("group", name="Reads ten words on sight")
    first.get_by_label("Outcome").select_option("ACHIEVED")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Score every target")).to_be_visible()  # refused, clearly

    second = page.get_by_role("group", name="Asks for help with a card")
    second.get_by_label("Outcome").select_option("PARTLY")
    second.get_by_label("Evidence").fill("Used the card twice a week")
    second.get_by_label("Carry forward to the next cycle").check()
    second.get_by_label("Rewritten target").fill("Asks for help with a card in every lesson")
    next_review = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("Next review").fill(next_review.isoformat())
    shot(page, "plan-review")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    expect(page.get_by_text("Asks for help with a card in every lesson")).to_be_visible()

    # The calendar shows one half term (and the holiday after it): a review a month away falls in
    # this one or, late in a half term, the next.
    half = terms.current_half_term(plan.pupil.school_id, timezone.localdate())
    next_half = terms.current_half_term(plan.pupil.school_id, half.end + dt.timedelta(days=1))
    which = "?half=next" if next_review >= next_half.start else ""
    page.goto(f"{live_server.url}/interventions/plans/calendar/{which}")
    shot(page, "plans-calendar")
    # The review's own line: a half term may start or end on the same day (in the page's intro).
    review_line = page.get_by_role("listitem").filter(has_text=f"{next_review:%-d %b %Y}")
    expect(review_line.get_by_role("link", name="Ava Testpupil")).to_be_visible()
    assert console_errors == []
