"""The DSL gives a teacher an action; the teacher finds it on Today and in the menu, records the
outcome on a phone, and the DSL reads it on the concern."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.categories import ensure_default_categories
from safeguarding.models import ActionUpdate, Category
from staff.models import Role
from tests.e2e.conftest import DESKTOP, PHONE, open_menu, shots, sign_in_with_code, sign_out
from tests.factories import PupilFactory, SchoolFactory, member
from tests.safeguarding.helpers import make_concern

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WHAT_HAPPENED = "Said they were scared to go home after school."


def test_the_dsl_gives_a_teacher_an_action_and_reads_the_outcome(
    page: Page, live_server, console_errors: list[str]
) -> None:
    ensure_default_categories(Category)  # a flush by an earlier browser test empties it
    school = SchoolFactory(name="Brookfield Action Primary")
    teacher = member(school, Role.TEACHER, full_name="Tamsin Testwell")
    lsa = member(school, Role.LSA, full_name="Lena Support")
    dsl = member(school, Role.DSL, full_name="Dana Safeguard", job_title="DSL")
    pupil = PupilFactory(school=school, legal_forename="Wren", legal_surname="Example")
    concern = make_concern(None, pupil=pupil, reporter=lsa, text=WHAT_HAPPENED)
    base = live_server.url
    due = timezone.localdate() + dt.timedelta(days=3)

    # The DSL, at a desk, sets the teacher an action on the concern.
    page.set_viewport_size(DESKTOP)
    sign_in_with_code(page, base, dsl.email)
    page.goto(f"{base}/safeguarding/concerns/{concern.pk}/")
    form = page.locator("form", has=page.get_by_role("heading", name="Add an action"))
    form.get_by_label("Action").fill("Meet Wren at the gate each morning this week.")
    form.get_by_label("Owner").select_option(label="Tamsin Testwell")
    form.get_by_label("Deadline").fill(due.isoformat())
    form.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added.")).to_be_visible()
    sign_out(page, "Dana Safeguard")

    # The teacher, on a phone: Today says there is something to do; the menu leads there too.
    page.set_viewport_size(PHONE)
    sign_in_with_code(page, base, teacher.email)
    panel = page.get_by_role("region", name="My safeguarding actions")
    expect(panel.get_by_text("You have 1 safeguarding action to do.")).to_be_visible()
    expect(panel.get_by_text("1 new")).to_be_visible()
    expect(panel.get_by_text("Wren")).to_have_count(0)  # no child's name on Today
    shots(page, "action-owner-today")
    open_menu(page, "Tamsin Testwell")
    page.get_by_role("link", name="My safeguarding actions").click()

    expect(page.get_by_role("heading", name="My safeguarding actions", level=1)).to_be_visible()
    expect(page.get_by_text("Wren Example")).to_be_visible()
    expect(page.get_by_text(WHAT_HAPPENED)).to_have_count(0)
    shots(page, "action-owner-list")
    page.get_by_role("link", name="Meet Wren at the gate").click()
    expect(page.get_by_role("heading", name="Safeguarding action")).to_be_visible()
    expect(page.get_by_text(f"{due:%A} {due.day} {due:%b %Y}")).to_be_visible()
    shots(page, "action-owner-action")
    page.get_by_label("Progress or outcome").fill("Met Wren every morning; chatty by Thursday.")
    page.get_by_label("This action is complete").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The outcome is recorded")).to_be_visible()
    expect(page.get_by_text("Done", exact=True)).to_be_visible()
    shots(page, "action-owner-done")
    update = ActionUpdate.objects.get()
    assert update.by == teacher and update.completed
    # The alert was read when the teacher opened it: Today no longer says "new".
    page.goto(f"{base}/today/")
    expect(page.get_by_role("region", name="My safeguarding actions")).to_have_count(0)
    sign_out(page, "Tamsin Testwell")

    # The DSL is told, and reads the outcome on the concern.
    page.set_viewport_size(DESKTOP)
    sign_in_with_code(page, base, dsl.email)
    queue = page.get_by_role("region", name="Safeguarding: your queue")
    expect(queue.get_by_text("recorded progress or the outcome")).to_be_visible()
    page.goto(f"{base}/safeguarding/concerns/{concern.pk}/")
    actions = page.locator("#actions")
    expect(actions.get_by_text("Met Wren every morning; chatty by Thursday.")).to_be_visible()
    expect(actions.get_by_text("Done", exact=True)).to_be_visible()
    assert console_errors == []
