"""The behaviour support assistant opens a pupil the early warning flagged this morning, sees
their attendance and removals week by week and the rules that fired, and records what was done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from interventions.attendance import early_warning
from interventions.models import AttendanceMark, EarlyWarning, Removal
from staff.models import Role
from tests.e2e.conftest import open_menu, shots, sign_in_with_code
from tests.factories import PupilFactory, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _worsening_pupil():
    """A pupil at every session until four weeks ago, away on half the mornings since, and
    removed from class four times in the last fortnight."""
    school = SchoolFactory(name="Hillside Test Academy")
    assistant = member(school, Role.BEHAVIOUR_SUPPORT, full_name="Robin Testsupport")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    pupil = PupilFactory(school=school, legal_forename="Jo", legal_surname="Testpupil")
    today = timezone.localdate()
    marks = []
    for n in range(1, 56):
        day = today - dt.timedelta(days=n)
        if day.weekday() >= 5:
            continue
        away = n <= 27 and day.weekday() in (0, 2, 4)
        marks += [
            AttendanceMark(
                school=school, pupil=pupil, date=day, session="AM", code_id="O" if away else "/"
            ),
            AttendanceMark(school=school, pupil=pupil, date=day, session="PM", code_id="\\"),
        ]
    AttendanceMark.objects.bulk_create(marks)
    for n in (2, 4, 6, 9):
        started = timezone.now() - dt.timedelta(days=n)
        Removal.objects.create(
            school=school,
            pupil=pupil,
            kind=Removal.Kind.REMOVAL,
            started_at=started,
            ended_at=started + dt.timedelta(minutes=50),
            reason="Fake reason",
            recorded_by=sendco,
        )
    assert early_warning.early_warning_sweep_school(school_id=school.pk, today=today) == 1
    return assistant, pupil


def test_behaviour_support_opens_a_worsening_pupil_and_records_an_action(
    page: Page, live_server, console_errors
) -> None:
    assistant, pupil = _worsening_pupil()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_code(page, live_server.url, assistant.email)

    open_menu(page, assistant.full_name)
    page.get_by_role("link", name="Early warnings").click()
    expect(page.get_by_role("heading", name="Early warnings", level=1)).to_be_visible()
    flagged = page.get_by_role("listitem").filter(has_text="Jo Testpupil")
    expect(flagged.get_by_text("Removals from class:")).to_be_visible()
    shots(page, "attendance-early-warnings")
    flagged.get_by_role("link", name="Jo Testpupil").click()

    expect(page.get_by_role("heading", name="Jo Testpupil", level=1)).to_be_visible()
    why = page.get_by_role("region", name="Why Jo was flagged")
    expect(why.get_by_text("Low attendance:")).to_be_visible()
    expect(why.get_by_text("4 removals from class (200 minutes out of class)")).to_be_visible()
    weeks = page.get_by_role("table").filter(has_text="Week of")
    expect(weeks.get_by_role("columnheader", name="Attendance")).to_be_visible()
    expect(weeks.get_by_role("columnheader", name="Removals")).to_be_visible()
    # A week before the slide: every session attended; a recent one with mornings missed.
    expect(weeks.get_by_text("(100.0%)").first).to_be_visible()
    expect(weeks.get_by_text("(70.0%)").first).to_be_visible()
    shots(page, "attendance-early-warning")

    page.get_by_label("What was done").fill("Met Jo and rang home; attendance meeting on Monday.")
    page.get_by_role("button", name="Seen, action taken").click()
    expect(page.get_by_text("Recorded: seen, action taken.")).to_be_visible()
    expect(page.get_by_text("No pupil is flagged now.")).to_be_visible()
    expect(page.get_by_text("Met Jo and rang home")).to_be_visible()

    flag = EarlyWarning.objects.get(pupil=pupil)
    assert flag.seen_by == assistant and flag.action.startswith("Met Jo")
    assert console_errors == []
