"""An LSA logs a group session on a phone in four taps and one line, even without signal."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, Route, expect

from interventions.models import Enrolment, Intervention, ScheduleSlot, Session
from staff.models import Role
from tests.e2e.conftest import reading_group, shot, sign_in_with_code
from tests.factories import PupilFactory, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _group_of_four(*, slot_today: bool = True):
    school = SchoolFactory(name="Brookfield Test Primary")
    lsa = member(school, Role.LSA, full_name="Morgan Testlsa")
    today = timezone.localdate()
    intervention = reading_group(school, lsa, "Year 4 reading group", today - dt.timedelta(days=21))
    ScheduleSlot.objects.create(
        intervention=intervention,
        weekday=today.weekday() if slot_today else (today.weekday() + 1) % 7,
        start_time=dt.time(10, 15),
        minutes=30,
        room="Library",
    )
    for name in ("Ava", "Ben", "Cara", "Dev"):
        pupil = PupilFactory(school=school, legal_forename=name, legal_surname="Testpupil")
        Enrolment.objects.create(
            intervention=intervention, pupil=pupil, joined_on=intervention.start_date
        )
    return lsa, intervention


def test_lsa_logs_a_group_of_four_in_four_taps_and_one_line(
    page: Page, live_server, console_errors
) -> None:
    lsa, _intervention = _group_of_four()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_with_code(page, live_server.url, lsa.email)
    shot(page, "today-lsa-sessions")

    page.get_by_role("link", name="Year 4 reading group").click()  # tap 1
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    shot(page, "session-log")
    ben = page.get_by_role("group", name="Attendance for Ben Testpupil")
    ben.get_by_text("Absent", exact=True).click()  # tap 2: Ben was off today
    page.get_by_label("How did it go?").fill(
        "Good focus; Ava read a whole page alone."
    )  # the one line
    page.get_by_role("button", name="Save session").click()  # tap 3

    expect(page.get_by_role("heading", name="Year 4 reading group")).to_be_visible()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()
    expect(page.get_by_text("Good focus; Ava read a whole page alone.")).to_be_visible()
    shot(page, "intervention-after-logging")
    session = Session.objects.get()
    marks = {
        a.pupil.legal_forename: a.attendance for a in session.attendance.select_related("pupil")
    }
    assert marks == {"Ava": "PRESENT", "Ben": "ABSENT", "Cara": "PRESENT", "Dev": "PRESENT"}
    assert session.minutes == 30 and session.evaluation.startswith("Good focus")
    assert console_errors == []


def test_a_dropped_connection_loses_nothing_and_logs_once(page: Page, live_server, context) -> None:
    lsa, _intervention = _group_of_four()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_with_code(page, live_server.url, lsa.email)
    page.get_by_role("link", name="Year 4 reading group").click()
    page.get_by_label("Progress note for Cara Testpupil").fill("Sounded out three new words")
    page.get_by_label("How did it go?").fill("Written in the corridor with no signal")

    context.set_offline(True)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("No connection. Your session is kept on this phone")).to_be_visible()
    shot(page, "session-offline")
    assert not Session.objects.exists()

    # Back in signal: the page is reloaded (the draft comes back) and saved.
    context.set_offline(False)
    page.reload()
    expect(page.get_by_text("We kept the session you had not saved yet.")).to_be_visible()
    expect(page.get_by_label("How did it go?")).to_have_value(
        "Written in the corridor with no signal"
    )
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()
    session = Session.objects.get()
    assert session.evaluation == "Written in the corridor with no signal"
    assert (
        session.attendance.get(pupil__legal_forename="Cara").note == "Sounded out three new words"
    )


def _open_unscheduled_log(page: Page, intervention: Intervention, *, from_today: bool) -> None:
    """Open the log page as a person does: from Today, or from the intervention's own page."""
    if from_today:
        page.get_by_role("link", name="SEND Hub").click()  # the brand goes to Today
        expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
        page.get_by_text("Log an unscheduled session").click()
        page.get_by_role("link", name=intervention.name).click()
    else:
        page.get_by_role("link", name="Log a session").click()
    # The draft script runs before DOMContentLoaded: wait for it, not for a time.
    page.wait_for_url(
        re.compile(re.escape(reverse("interventions:log", args=[intervention.pk])) + "$"),
        wait_until="domcontentloaded",
    )
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()


def _label(day: dt.date) -> str:
    """The intervention page's link text for a session on ``day`` (Django's "D j M")."""
    return f"{day:%a} {day.day} {day:%b}"


def test_two_sessions_on_different_past_days_from_the_same_phone_are_both_kept(
    page: Page, live_server, console_errors
) -> None:
    lsa, intervention = _group_of_four(slot_today=False)
    today = timezone.localdate()
    first_day, second_day = today - dt.timedelta(days=3), today - dt.timedelta(days=10)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_with_code(page, live_server.url, lsa.email)

    _open_unscheduled_log(page, intervention, from_today=True)
    page.get_by_label("Date").fill(first_day.isoformat())
    page.get_by_label("How did it go?").fill("First catch-up session")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()

    # The same phone, straight away: a fresh form, not the one just saved.
    _open_unscheduled_log(page, intervention, from_today=False)
    expect(page.get_by_text("We kept the session you had not saved yet.")).to_be_hidden()
    expect(page.get_by_label("Date")).to_have_value(today.isoformat())
    expect(page.get_by_label("How did it go?")).to_have_value("")
    page.get_by_label("Date").fill(second_day.isoformat())
    page.get_by_label("How did it go?").fill("Second catch-up session")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()
    shot(page, "intervention-after-two-logs")

    for day in (first_day, second_day):
        expect(page.get_by_role("link", name=_label(day), exact=True)).to_be_visible()
    assert sorted(Session.objects.values_list("date", "evaluation")) == [
        (second_day, "Second catch-up session"),
        (first_day, "First catch-up session"),
    ]
    assert len(set(Session.objects.values_list("client_key", flat=True))) == 2
    assert console_errors == []


def _lose_the_answer(route: Route) -> None:
    """Let the save reach the server, then drop its answer (signal lost on the way back)."""
    route.fetch()
    route.abort("internetdisconnected")


def test_dropped_connections_between_two_past_sessions_log_each_exactly_once(
    page: Page, live_server, context: BrowserContext
) -> None:
    lsa, intervention = _group_of_four(slot_today=False)
    today = timezone.localdate()
    first_day, second_day = today - dt.timedelta(days=2), today - dt.timedelta(days=9)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_with_code(page, live_server.url, lsa.email)
    offline = page.get_by_text("No connection. Your session is kept on this phone")

    # First session: no signal at all while saving.
    _open_unscheduled_log(page, intervention, from_today=True)
    page.get_by_label("Date").fill(first_day.isoformat())
    page.get_by_label("How did it go?").fill("Saved in the corridor")
    context.set_offline(True)
    page.get_by_role("button", name="Save session").click()
    expect(offline).to_be_visible()
    assert not Session.objects.exists()
    context.set_offline(False)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()
    assert list(Session.objects.values_list("date", flat=True)) == [first_day]

    # Second session: the save arrives but the answer is lost, so the phone says no connection.
    _open_unscheduled_log(page, intervention, from_today=False)
    expect(page.get_by_label("How did it go?")).to_have_value("")
    page.get_by_label("Date").fill(second_day.isoformat())
    page.get_by_label("How did it go?").fill("Saved as the signal went")
    log_url = re.compile(re.escape(reverse("interventions:log", args=[intervention.pk])) + "$")
    page.route(log_url, _lose_the_answer)
    page.get_by_role("button", name="Save session").click()
    expect(offline).to_be_visible()
    page.unroute(log_url)
    shot(page, "session-answer-lost")
    # Tapping Save again sends the same session: the first save is found, not a duplicate
    # (told by the form's one-time key, or by the session's own key behind it).
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name="Year 4 reading group")).to_be_visible()
    expect(page.get_by_text(re.compile("saved once|already saved")).first).to_be_visible()
    assert sorted(Session.objects.values_list("date", flat=True)) == [second_day, first_day]

    # Opening the log page again offers a fresh form: nothing saved comes back.
    _open_unscheduled_log(page, intervention, from_today=True)
    expect(page.get_by_text("We kept the session you had not saved yet.")).to_be_hidden()
    expect(page.get_by_label("How did it go?")).to_have_value("")
    assert Session.objects.count() == 2


def test_a_phone_still_holding_a_saved_draft_never_hides_the_next_log(
    page: Page, live_server
) -> None:
    """Drafts left by a plain form post (or an older page script) are recognised as saved."""
    lsa, intervention = _group_of_four(slot_today=False)
    today = timezone.localdate()
    first_day, second_day = today - dt.timedelta(days=4), today - dt.timedelta(days=11)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_with_code(page, live_server.url, lsa.email)
    _open_unscheduled_log(page, intervention, from_today=True)
    page.get_by_label("Date").fill(first_day.isoformat())
    page.get_by_label("How did it go?").fill("Logged before the stale draft")
    draft_key = page.locator("#session-form").get_attribute("data-draft-key")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()
    saved = Session.objects.get()

    # Put the saved session's draft back, as a phone that never heard the answer would keep it.
    page.evaluate(
        "([name, value]) => localStorage.setItem(name, value)",
        [
            f"sendhub-draft:{draft_key}",
            json.dumps(
                {
                    "client_key": str(saved.client_key),
                    "date": first_day.isoformat(),
                    "evaluation": "Logged before the stale draft",
                }
            ),
        ],
    )
    _open_unscheduled_log(page, intervention, from_today=False)
    expect(page.get_by_text("We kept the session you had not saved yet.")).to_be_hidden()
    expect(page.get_by_label("How did it go?")).to_have_value("")
    page.get_by_label("Date").fill(second_day.isoformat())
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()
    assert Session.objects.count() == 2
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('sendhub-draft:'))") == []
    )


def test_a_form_key_already_used_for_another_day_is_refused_where_the_person_can_see_it(
    page: Page, live_server
) -> None:
    lsa, intervention = _group_of_four(slot_today=False)
    today = timezone.localdate()
    first_day, second_day = today - dt.timedelta(days=5), today - dt.timedelta(days=12)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_with_code(page, live_server.url, lsa.email)
    _open_unscheduled_log(page, intervention, from_today=True)
    page.get_by_label("Date").fill(first_day.isoformat())
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()
    saved = Session.objects.get()

    # A form that still holds the saved session's key (as phones did before drafts were
    # cleared), sent for another day: refused with a message at the Save button, then saved.
    _open_unscheduled_log(page, intervention, from_today=False)
    page.locator("#session-form input[name=client_key]").evaluate(
        "(el, key) => { el.value = key; }", str(saved.client_key)
    )
    page.get_by_label("Date").fill(second_day.isoformat())
    page.get_by_label("How did it go?").fill("Kept through the refusal")
    page.get_by_role("button", name="Save session").click()
    # The error summary at the top takes focus and says it; the message stays by the form too.
    refusal = page.get_by_role("alert", name="There is a problem")
    expect(refusal).to_be_in_viewport()
    expect(refusal).to_contain_text("already saved the session on")
    expect(refusal).to_contain_text("tap Save session again")
    expect(page.locator("#session-form [data-form-errors]")).to_contain_text(
        "already saved the session on"
    )
    shot(page, "session-key-refused")
    assert Session.objects.count() == 1
    expect(page.get_by_label("How did it go?")).to_have_value("Kept through the refusal")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged for Year 4 reading group.")).to_be_visible()
    assert sorted(Session.objects.values_list("date", "evaluation")) == [
        (second_day, "Kept through the refusal"),
        (first_day, ""),
    ]
