"""An inclusion leader takes the morning register and check-in for a room of six on a phone,
then moves a pupil on to reintegration stage 2."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from interventions.models import DailyRecord, Placement, ReintegrationStage, Removal, Room
from staff.models import Role
from tests.e2e.conftest import shot, sign_in
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, PupilFactory, SchoolFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NAMES = ("Ava", "Ben", "Cara", "Dev", "Eli", "Fay")


def _room_of_six():
    school = SchoolFactory(name="Brookfield Test Academy")
    leader = member(school, Role.INCLUSION_LEADER, full_name="Robin Testleader")
    sendco = member(school, Role.SENDCO, full_name="Sam Testsendco")
    room = Room.objects.create(school=school, name="Connect 1", capacity=6)
    room.leaders.add(leader)
    start = timezone.localdate() - dt.timedelta(days=14)
    for name in NAMES:
        pupil = PupilFactory(school=school, legal_forename=name, legal_surname="Testpupil")
        placement = Placement.objects.create(
            school=school,
            room=room,
            pupil=pupil,
            referral_reason="Fake referral for a test",
            start_date=start,
            created_by=sendco,
        )
        for number, percent in ((1, 0), (2, 20), (3, 60)):
            ReintegrationStage.objects.create(
                placement=placement,
                number=number,
                timetable_percent=percent,
                success_criteria=f"Fake criteria {number}",
                lessons="Art, PE" if number > 1 else "",
                start_date=start if number == 1 else None,
            )
        Removal.objects.create(
            school=school,
            pupil=pupil,
            kind=Removal.Kind.REMOVAL,
            started_at=timezone.now() - dt.timedelta(days=3),
            ended_at=timezone.now() - dt.timedelta(days=3) + dt.timedelta(minutes=45),
            reason="Fake reason",
            recorded_by=sendco,
        )
    return leader, sendco, room


def test_inclusion_leader_takes_the_register_for_six_then_moves_a_pupil_on(
    page: Page, live_server, console_errors
) -> None:
    leader, _sendco, room = _room_of_six()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server.url, leader.email, TEST_PASSWORD, TEST_TOTP_SECRET)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()

    page.goto(f"{live_server.url}/interventions/connect/rooms/{room.pk}/")
    expect(page.get_by_text("Not checked in yet (6)")).to_be_visible()
    shot(page, "connect-room-before")
    page.get_by_role("link", name="Take the register").click()
    expect(page.get_by_role("heading", name="Register and check-in")).to_be_visible()
    shot(page, "connect-register")
    zones = {"Ava": "Green", "Ben": "Yellow", "Cara": "Green", "Dev": "Red", "Eli": "Blue"}
    for name, zone in zones.items():
        group = page.get_by_role("group", name=f"Check-in for {name} Testpupil")
        group.get_by_text(zone, exact=True).click()
    page.get_by_label("Check-in word for Dev Testpupil").fill("cross")
    page.get_by_role("group", name="AM for Fay Testpupil").get_by_text("Absent").click()
    page.get_by_role("button", name="Save register").click()

    expect(page.get_by_text("Register saved for Connect 1.")).to_be_visible()
    expect(page.get_by_text("Not checked in yet (1): Fay Testpupil")).to_be_visible()
    shot(page, "connect-room-after")
    records = {
        r.placement.pupil.legal_forename: r
        for r in DailyRecord.objects.select_related("placement__pupil")
    }
    assert len(records) == 6
    assert records["Dev"].checkin_zone == "RED" and records["Dev"].checkin_word == "cross"
    assert records["Fay"].am == "ABSENT" and records["Ava"].am == "PRESENT"

    page.get_by_role("link", name="Ava Testpupil").click()
    expect(page.get_by_role("heading", name="Reintegration: stage 1 of 3")).to_be_visible()
    page.get_by_text("Met", exact=True).click()
    page.get_by_label("Review note (optional)").fill("Calm all week")
    page.get_by_role("button", name="Move to stage 2").click()
    expect(page.get_by_text("Moved to stage 2.")).to_be_visible()
    expect(page.get_by_role("heading", name="Reintegration: stage 2 of 3")).to_be_visible()
    shot(page, "connect-placement")
    ava = Placement.objects.get(pupil__legal_forename="Ava")
    assert ava.current_stage == 2 and ava.status == Placement.Status.REINTEGRATING
    assert ava.stages.get(number=1).outcome == "MET"
    assert console_errors == []


def test_pages_at_desktop_width(page: Page, live_server, console_errors) -> None:
    _leader, sendco, room = _room_of_six()
    placement = room.placements.first()
    sign_in(page, live_server.url, sendco.email, TEST_PASSWORD, TEST_TOTP_SECRET)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in (
            ("connect-rooms", "connect/"),
            ("connect-room", f"connect/rooms/{room.pk}/"),
            ("connect-register", f"connect/rooms/{room.pk}/register/"),
            ("connect-placement", f"connect/placements/{placement.pk}/"),
            ("connect-place", f"connect/rooms/{room.pk}/place/"),
            ("behaviour", "behaviour/"),
            ("monitoring", "behaviour/monitoring/"),
            ("behaviour-pupil", f"behaviour/pupils/{placement.pupil_id}/"),
            ("checkins", "connect/checkins/"),
        ):
            page.goto(f"{live_server.url}/interventions/{path}")
            expect(page.locator("h1")).to_be_visible()
            shot(page, name)
    assert console_errors == []


def _register_page(
    new_context: Callable[..., BrowserContext], base: str, user, errors: list[str]
) -> Page:
    """Sign ``user`` in on a phone-sized page of their own (a second person, a second phone)."""
    page = new_context(viewport={"width": 375, "height": 800}).new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, user.email, TEST_PASSWORD, TEST_TOTP_SECRET)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    return page


def test_two_staff_on_one_register_see_each_other_before_anything_is_overwritten(
    new_context: Callable[..., BrowserContext], live_server
) -> None:
    leader, _sendco, room = _room_of_six()
    colleague = member(room.school, Role.LSA, full_name="Blake Testlsa")
    room.staff.add(colleague)
    url = f"{live_server.url}/interventions/connect/rooms/{room.pk}/register/"
    errors: list[str] = []
    a = _register_page(new_context, live_server.url, leader, errors)
    b = _register_page(new_context, live_server.url, colleague, errors)
    for page in (a, b):
        page.goto(url)
        expect(page.get_by_role("heading", name="Register and check-in")).to_be_visible()

    # A saves first: Ava arrived Red, "upset"; Ben went home at lunch.
    a.get_by_role("group", name="Check-in for Ava Testpupil").get_by_text("Red", exact=True).click()
    a.get_by_label("Check-in word for Ava Testpupil").fill("upset")
    ben_a = a.get_by_role("group", name="Ben Testpupil", exact=True)
    ben_a.get_by_text("Afternoon, check-out and notes").click()
    a.get_by_role("group", name="PM for Ben Testpupil").get_by_text("PM absent").click()
    a.get_by_role("button", name="Save register").click()
    expect(a.get_by_text("Register saved for Connect 1.")).to_be_visible()

    # B, on the page opened before A saved, records Ava Green, "ok", and a note for Ben.
    b.get_by_role("group", name="Check-in for Ava Testpupil").get_by_text(
        "Green", exact=True
    ).click()
    b.get_by_label("Check-in word for Ava Testpupil").fill("ok")
    ben_b = b.get_by_role("group", name="Ben Testpupil", exact=True)
    ben_b.get_by_text("Afternoon, check-out and notes").click()
    ben_b.get_by_label("Pastoral note").fill("Quiet morning")
    b.get_by_role("button", name="Save register").click()

    # B is shown what A saved, beside B's own entry, and nothing of B's has been saved.
    expect(b.get_by_role("alert").filter(has_text="Not saved")).to_be_visible()
    ava = b.locator("[data-clash]").filter(has_text="saved Ava Testpupil")
    expect(ava).to_contain_text("Robin Testleader saved Ava Testpupil at")
    expect(ava.locator("tr", has_text="Check-in").locator("[data-theirs]")).to_have_text(
        "Red \u201cupset\u201d"
    )
    expect(ava.locator("tr", has_text="Check-in").locator("[data-mine]")).to_have_text(
        "Green \u201cok\u201d"
    )
    ben = b.locator("[data-clash]").filter(has_text="saved Ben Testpupil")
    expect(ben.locator("tr", has_text="Afternoon (PM)").locator("[data-theirs]")).to_have_text(
        "Absent"
    )
    expect(ben.locator("tr", has_text="Pastoral note").locator("[data-mine]")).to_have_text(
        "Quiet morning"
    )
    expect(b.get_by_label("Check-in word for Ava Testpupil")).to_have_value("ok")
    ava_day = DailyRecord.objects.get(placement__pupil__legal_forename="Ava")
    assert (ava_day.checkin_zone, ava_day.checkin_word) == ("RED", "upset")

    # Saving again without choosing is refused: the choice is the deliberate step.
    b.get_by_role("button", name="Save register").click()
    expect(b.get_by_text("Choose which entry to keep before saving.").first).to_be_visible()
    ava_day.refresh_from_db()
    assert ava_day.checkin_zone == "RED"
    # Looked at by eye (a screenshot restyles the page, so none is taken before a swap).
    for width in (375, 1280):
        b.set_viewport_size({"width": width, "height": 900})
        shot(b, "connect-register-conflict")
    b.set_viewport_size({"width": 375, "height": 800})

    # B keeps A's entry for Ben and uses their own for Ava.
    b.locator("[data-clash]").filter(has_text="saved Ava Testpupil").get_by_text(
        "Use my entry instead"
    ).click()
    b.locator("[data-clash]").filter(has_text="saved Ben Testpupil").get_by_text(
        "Keep the entry Robin Testleader saved"
    ).click()
    b.get_by_role("button", name="Save register").click()
    expect(b.get_by_text("Register saved for Connect 1.")).to_be_visible()
    days = {
        r.placement.pupil.legal_forename: r
        for r in DailyRecord.objects.select_related("placement__pupil", "recorded_by")
    }
    assert (days["Ava"].checkin_zone, days["Ava"].checkin_word) == ("GREEN", "ok")
    assert days["Ava"].recorded_by == colleague
    assert (days["Ben"].pm, days["Ben"].note, days["Ben"].recorded_by) == ("ABSENT", "", leader)
    assert len(days) == 6  # the pupils nobody disagreed about were saved as B left them
    assert errors == []
