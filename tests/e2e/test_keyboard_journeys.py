"""Four journeys with the keyboard alone (issue #20): no click, no tap, no fill.

Each step presses Tab (or Shift+Tab) until the control the journey wants has focus, then types or
presses Enter or Space, as a person using a keyboard or a switch does. ``tab_to`` fails if the
control is never reached, so a control taken out of the tab order fails its journey.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from interventions.models import Enrolment, ScheduleSlot, Session
from safeguarding.categories import ensure_default_categories
from safeguarding.models import Category, Concern
from staff.models import Role
from tests.e2e.conftest import PHONE, reading_group, shot
from tests.factories import (
    TEST_PASSWORD,
    PupilFactory,
    SchoolFactory,
    fresh_code,
    member,
    on_register,
)
from tests.interventions.factories import InterventionFactory, ProgrammeFactory, deliver

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_TABS = 150


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> None:
    """Press Tab until ``target`` has focus (at most MAX_TABS presses)."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} was never reached with {key}")


def sign_in_by_keyboard(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    code = page.get_by_label("Code")
    expect(code).to_be_visible()
    tab_to(page, code)
    page.keyboard.type(fresh_code(email))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()


def test_sign_in_with_two_factors_by_keyboard(page: Page, live_server, console_errors) -> None:
    school = SchoolFactory(name="Brookfield Test Primary")
    teacher = member(school, Role.TEACHER, full_name="Tamsin Testwell")
    page.goto(f"{live_server.url}/")
    # The skip link is the first stop, then the form: a wrong password is refused, said at the top.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(teacher.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    shot(page, "keyboard-sign-in-refused")

    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
    tab_to(page, page.get_by_label("Code"))
    page.keyboard.type(fresh_code(teacher.email))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    assert console_errors == []


def test_an_lsa_logs_a_session_from_today_by_keyboard_on_a_phone(
    page: Page, live_server, console_errors
) -> None:
    school = SchoolFactory(name="Brookfield Test Primary")
    lsa = member(school, Role.LSA, full_name="Morgan Testlsa")
    today = timezone.localdate()
    group = reading_group(school, lsa, "Year 4 reading group", today - dt.timedelta(days=21))
    ScheduleSlot.objects.create(
        intervention=group, weekday=today.weekday(), start_time=dt.time(10, 15), minutes=30
    )
    for name in ("Ava", "Ben"):
        pupil = PupilFactory(school=school, legal_forename=name, legal_surname="Testpupil")
        Enrolment.objects.create(intervention=group, pupil=pupil, joined_on=group.start_date)
    page.set_viewport_size(PHONE)
    sign_in_by_keyboard(page, live_server.url, lsa.email)

    tab_to(page, page.get_by_role("link", name="Year 4 reading group"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    page.wait_for_load_state("load")
    # Ben was off: his attendance choices are radio buttons, moved through with the arrow keys.
    ben = page.get_by_role("group", name="Attendance for Ben Testpupil")
    tab_to(page, ben.get_by_role("radio").first)
    absent = ben.get_by_role("radio", name="Absent", exact=True)
    for _ in range(6):
        if absent.is_checked():
            break
        page.keyboard.press("ArrowRight")
    expect(absent).to_be_checked()
    tab_to(page, page.get_by_label("How did it go?"))
    page.keyboard.type("Good focus; Ava read a page alone.")
    shot(page, "keyboard-session-log")
    tab_to(page, page.get_by_role("button", name="Save session"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()

    session = Session.objects.get()
    marks = {a.pupil.legal_forename: a.attendance for a in session.attendance.all()}
    assert marks == {"Ava": "PRESENT", "Ben": "ABSENT"}
    assert session.evaluation == "Good focus; Ava read a page alone."
    assert console_errors == []


def test_staff_raise_a_concern_with_a_body_map_mark_by_keyboard(
    page: Page, live_server, console_errors
) -> None:
    ensure_default_categories(Category)  # a flush by an earlier browser test empties it
    school = SchoolFactory(name="Brookfield Test Primary")
    teacher = member(school, Role.TEACHER, full_name="Tamsin Testwell")
    member(school, Role.DSL, full_name="Dana Safeguard")
    wren = PupilFactory(school=school, legal_forename="Wren", legal_surname="Example", nc_year=5)
    sign_in_by_keyboard(page, live_server.url, teacher.email)

    tab_to(page, page.get_by_role("link", name="Raise a safeguarding concern"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Raise a safeguarding concern")).to_be_visible()
    page.wait_for_load_state("load")
    tab_to(page, page.get_by_label("Find a pupil by name"))
    # Typed key by key, the box may search more than once on a busy machine (a pause between
    # keys longer than its delay): wait for the answer to the whole name, or a late one can
    # replace the results, and the focused button with them, after the tabbing below.
    whole_name = "q=wren"
    with page.expect_response(
        lambda r: (
            r.url.endswith("/safeguarding/raise/pupils/")
            and whole_name in (r.request.post_data or "").split("&")
        )
    ):
        page.keyboard.type("wren")
    add = page.get_by_role("button", name="Add Wren Example")
    tab_to(page, add)
    with page.expect_response(lambda r: r.url.endswith("/safeguarding/raise/pupils/pick/")):
        page.keyboard.press("Enter")
    involved = page.get_by_label("How is Wren involved?")
    expect(involved).to_have_value("CONCERN_FOR")
    tab_to(page, page.get_by_label("Physical abuse"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Physical abuse")).to_be_checked()
    tab_to(page, page.get_by_label("Where did it happen?"))
    page.keyboard.type("Year 5 classroom")
    tab_to(page, page.get_by_label("What happened?"))
    page.keyboard.type("Saw a red mark on Wren's left arm at lunch.")

    # The body map: a region is a named button; Enter adds a mark there and moves to its box.
    arm = page.get_by_role("button", name="Add a mark: front, left arm")
    tab_to(page, arm)
    expect(arm).to_be_focused()
    page.keyboard.press("Enter")
    note = page.get_by_label("Mark 1: front, left arm")
    expect(note).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="Mark 1 added")).to_have_count(1)
    page.keyboard.type("Red mark, 3 cm")
    # A second mark, then removed again by its Remove button.
    back = page.get_by_role("button", name="Add a mark: back, upper back")
    tab_to(page, back, backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Mark 2: back, upper back")).to_be_focused()
    tab_to(page, page.get_by_role("button", name="Remove mark 2"))
    page.keyboard.press("Enter")
    expect(page.get_by_label("Mark 2: back, upper back")).to_have_count(0)
    expect(page.get_by_role("heading", name="Marks (1)")).to_be_visible()
    shot(page, "keyboard-body-map")

    tab_to(page, page.get_by_role("button", name="Send to the DSL team"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you")).to_be_visible()
    concern = Concern.objects.get()
    assert [link.pupil for link in concern.links.all()] == [wren]
    assert concern.body_map == [{"side": "front", "x": 76.5, "y": 33.0, "note": "Red mark, 3 cm"}]
    assert console_errors == []


def test_the_sendco_opens_a_dashboard_flag_and_a_pupil_by_keyboard(
    page: Page, live_server, console_errors
) -> None:
    today = timezone.localdate()
    school = SchoolFactory(name="Brookfield Test School")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    lsa = member(school, Role.LSA, full_name="Lee Testone")
    ava = PupilFactory(school=school, legal_forename="Ava", legal_surname="Testpupil", nc_year=7)
    on_register(ava, "K", "SLCN")
    group = InterventionFactory(
        school=school,
        programme=ProgrammeFactory(school=school, name="Reading booster", area="CL"),
        name="Y7 reading booster",
        lead=lsa,
        start_date=today - dt.timedelta(days=35),
    )
    ScheduleSlot.objects.create(intervention=group, weekday=0, start_time=dt.time(9, 0), minutes=30)
    Enrolment.objects.create(intervention=group, pupil=ava, joined_on=group.start_date)
    deliver(group, today - dt.timedelta(days=21), minutes=30, attendance={ava: "PRESENT"})
    sign_in_by_keyboard(page, live_server.url, sendco.email)

    tab_to(page, page.get_by_role("link", name="Open the SEND dashboard"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="SEND dashboard", level=1)).to_be_visible()
    tab_to(page, page.get_by_role("link", name=re.compile(r"No session for 14 days")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="No session for 14 days")).to_be_visible()
    shot(page, "keyboard-dashboard-flag")
    tab_to(page, page.get_by_role("link", name="Provision this year for Ava Testpupil"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Provision for Ava Testpupil")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Ava Testpupil", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Ava Testpupil"), level=1)).to_be_visible()
    assert console_errors == []
