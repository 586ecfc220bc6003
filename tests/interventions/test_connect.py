"""Connect rooms: one current placement per pupil, capacity and its recorded override, stages,
the register, check-in flags, and the room page's query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interventions.connect import services as connect
from interventions.insight import flags as flag_lists
from interventions.models import CheckIn, DailyRecord, Placement, Room
from staff.models import AuditEvent, Role
from tests.factories import PupilFactory, member

pytestmark = pytest.mark.django_db
STAGES = [
    {"timetable_percent": 0, "success_criteria": "Fake criteria one"},
    {"timetable_percent": 40, "success_criteria": "Fake criteria two", "lessons": "Art"},
]


def _room(world, capacity: int = 2) -> Room:
    leader = member(world.school, Role.INCLUSION_LEADER)
    room = Room.objects.create(school=world.school, name="Connect A", capacity=capacity)
    room.leaders.add(leader)
    room.staff.add(world.users["lsa_caseload"])
    return room


def _place(room: Room, pupil, by, **extra) -> Placement:
    return connect.placement_create(
        room=room,
        pupil=pupil,
        referral_reason="Fake reason",
        start_date=timezone.localdate(),
        stages=STAGES,
        by=by,
        **extra,
    )


def test_database_allows_one_current_placement_per_pupil(world) -> None:
    room = _room(world)
    sendco = world.users["sendco"]
    first = _place(room, world.pupil, sendco)
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(
            school=world.school,
            room=room,
            pupil=world.pupil,
            referral_reason="Again",
            start_date=timezone.localdate(),
            created_by=sendco,
            status=Placement.Status.REINTEGRATING,
        )
    # An ended placement does not count: the pupil can be placed again.
    connect.placement_end(placement=first, status="COMPLETED", exit_outcome="FULL", by=sendco)
    assert _place(room, world.pupil, sendco).status == Placement.Status.ACTIVE


def test_service_refuses_a_second_current_placement_with_a_message(world) -> None:
    room = _room(world)
    _place(room, world.pupil, world.users["sendco"])
    with pytest.raises(ValidationError, match="already has a current Connect placement"):
        _place(room, world.pupil, world.users["sendco"])


def test_full_room_refuses_without_a_recorded_override(world) -> None:
    room = _room(world, capacity=1)
    sendco = world.users["sendco"]
    _place(room, world.pupil, sendco)
    second = PupilFactory(school=world.school)
    with pytest.raises(connect.RoomFull, match="is full"):
        _place(room, second, sendco)
    assert room.placements.count() == 1


def test_override_needs_the_manager_and_is_recorded(world) -> None:
    room = _room(world, capacity=1)
    sendco = world.users["sendco"]
    leader = room.leaders.get()
    _place(room, world.pupil, sendco)
    second = PupilFactory(school=world.school)
    with pytest.raises(connect.RoomFull):
        _place(room, second, leader, override_reason="I would like to")
    placement = _place(room, second, sendco, override_reason="Panel agreed: risk of suspension")
    assert placement.over_capacity and placement.override_by == sendco
    assert placement.override_reason == "Panel agreed: risk of suspension"
    assert AuditEvent.objects.filter(
        action="interventions.placement.created", data__over_capacity=True
    ).exists()


def test_override_must_name_who_and_why_in_the_database(world) -> None:
    room = _room(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(
            school=world.school,
            room=room,
            pupil=world.pupil,
            referral_reason="x",
            start_date=timezone.localdate(),
            created_by=world.users["sendco"],
            over_capacity=True,
        )


def test_stage_advance_records_outcome_and_starts_reintegration(world) -> None:
    room = _room(world)
    placement = _place(room, world.pupil, world.users["sendco"])
    leader = room.leaders.get()
    placement = connect.placement_stage_advance(placement=placement, outcome="MET", by=leader)
    assert placement.current_stage == 2 and placement.status == "REINTEGRATING"
    assert placement.stages.get(number=1).outcome == "MET"
    assert placement.stages.get(number=2).start_date == timezone.localdate()
    with pytest.raises(ValidationError, match="last stage"):
        connect.placement_stage_advance(placement=placement, outcome="MET", by=leader)


def test_register_saves_one_record_per_pupil_per_day(world) -> None:
    room = _room(world)
    placement = _place(room, world.pupil, world.users["sendco"])
    day = timezone.localdate()
    rows = {placement.pk: {"am": "PRESENT", "checkin_zone": "GREEN", "incidents": 0}}
    connect.register_save(room=room, day=day, rows=rows, by=world.users["lsa_caseload"])
    rows[placement.pk]["pm"] = "ABSENT"
    connect.register_save(room=room, day=day, rows=rows, by=world.users["lsa_caseload"])
    record = DailyRecord.objects.get()
    assert (record.am, record.pm, record.checkin_zone) == ("PRESENT", "ABSENT", "GREEN")


def _two_staff(world, room: Room) -> tuple:
    """Two named members of the room's staff (names without apostrophes: pages escape them)."""
    first = member(world.school, Role.LSA, full_name="Alex Testfirst")
    second = member(world.school, Role.LSA, full_name="Blake Testsecond")
    room.staff.add(first, second)
    return first, second


def _line(pk: int, **values: str) -> dict[str, str]:
    """One pupil's register line as the page posts it, present in the morning by default."""
    line = {"am": "PRESENT", "incidents": "0", **values}
    return {f"p{pk}-{name}": value for name, value in line.items()}


def _value(page: str, name: str) -> str:
    """Return the value the page gives the field ``name`` (the first one so named)."""
    marker = f'name="{name}" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def _seen(client, url: str, pk: int) -> str:
    return _value(client.get(url).content.decode(), f"p{pk}-seen")


def test_a_colleagues_register_save_is_shown_beside_mine_and_never_overwritten_unseen(
    world,
) -> None:
    room = _room(world)
    rosemary = PupilFactory(school=world.school, legal_forename="Rosemary", legal_surname="Testo")
    placement = _place(room, rosemary, world.users["sendco"])
    pk = placement.pk
    url = reverse("interventions:connect_register", args=[room.pk])
    first, second = _two_staff(world, room)
    a, b = Client(), Client()
    a.force_login(first)
    b.force_login(second)
    seen_by_b = _seen(b, url, pk)  # B opens the register first
    saved = a.post(
        url,
        {**_line(pk, checkin_zone="RED", checkin_word="upset"), f"p{pk}-seen": _seen(a, url, pk)},
    )
    assert saved.status_code == 302

    mine = {
        **_line(pk, checkin_zone="GREEN", checkin_word="ok", note="Fine today"),
        f"p{pk}-seen": seen_by_b,
    }
    response = b.post(url, mine)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not saved: someone else saved Rosemary Testo" in page
    assert "Alex Testfirst saved Rosemary Testo at" in page
    assert "Red \u201cupset\u201d" in page and "Green \u201cok\u201d" in page
    assert "Fine today" in page  # what B typed is kept on the page, beside A's
    assert f'name="p{pk}-resolve"' in page
    record = DailyRecord.objects.get()
    assert (record.checkin_zone, record.checkin_word, record.recorded_by) == ("RED", "upset", first)

    # Pressing Save again without choosing changes nothing: the choice is required.
    theirs = connect.register_version(connect.register_row(record))
    response = b.post(url, {**mine, f"p{pk}-theirs": theirs})
    assert response.status_code == 200
    assert "Choose which entry to keep before saving." in response.content.decode()
    assert DailyRecord.objects.get().checkin_zone == "RED"

    # A deliberate choice beside A's entry goes through, and the audit says whose was replaced.
    response = b.post(url, {**mine, f"p{pk}-theirs": theirs, f"p{pk}-resolve": "mine"})
    assert response.status_code == 302
    record = DailyRecord.objects.get()
    assert (record.checkin_zone, record.checkin_word, record.note) == ("GREEN", "ok", "Fine today")
    event = AuditEvent.objects.filter(action="interventions.register.saved").latest("pk")
    assert event.data["replaced"] == [{"placement": pk, "recorded_by": first.pk}]


def test_keeping_mine_where_the_record_i_was_shown_is_gone_saves_and_replaces_nobody(
    world,
) -> None:
    # Regression: the page's 'seen' version then matched nothing saved for the day, so the clash
    # had no record behind it, and choosing 'mine' read who recorded it from None (a 500).
    room = _room(world)
    placement = _place(room, world.pupil, world.users["sendco"])
    pk = placement.pk
    url = reverse("interventions:connect_register", args=[room.pk])
    first, second = _two_staff(world, room)
    a, b = Client(), Client()
    a.force_login(first)
    b.force_login(second)
    saved = a.post(url, {**_line(pk, checkin_zone="RED"), f"p{pk}-seen": _seen(a, url, pk)})
    assert saved.status_code == 302
    seen_by_b = _seen(b, url, pk)  # B is shown A's entry...
    DailyRecord.objects.all().delete()  # ...which is removed before B saves

    mine = {**_line(pk, checkin_zone="GREEN", note="Mine"), f"p{pk}-seen": seen_by_b}
    response = b.post(url, mine)
    assert response.status_code == 200
    assert not DailyRecord.objects.exists()  # nothing saved until B chooses
    page = response.content.decode()
    assert "has been removed since you opened this register" in page
    assert " saved  at" not in page and "Save my entry" in page  # no one is named as saving
    theirs = _value(page, f"p{pk}-theirs")

    response = b.post(url, {**mine, f"p{pk}-theirs": theirs, f"p{pk}-resolve": "mine"})
    assert response.status_code == 302
    record = DailyRecord.objects.get()
    assert (record.checkin_zone, record.note, record.recorded_by) == ("GREEN", "Mine", second)
    event = AuditEvent.objects.filter(action="interventions.register.saved").latest("pk")
    assert event.data["replaced"] == [{"placement": pk, "recorded_by": None}]


def test_keeping_the_colleagues_entry_saves_the_rest_of_mine(world) -> None:
    room = _room(world, capacity=3)
    one = _place(room, PupilFactory(school=world.school), world.users["sendco"])
    two = _place(room, PupilFactory(school=world.school), world.users["sendco"])
    first, second = _two_staff(world, room)
    day = timezone.localdate()
    fresh = connect.register_version(connect.register_row(None))
    connect.register_save(
        room=room,
        day=day,
        rows={one.pk: {**connect.register_row(None), "checkin_zone": "RED"}},
        by=first,
        seen={one.pk: fresh},
    )
    theirs = connect.register_version(connect.register_row(DailyRecord.objects.get()))
    mine = {
        one.pk: {**connect.register_row(None), "checkin_zone": "GREEN"},
        two.pk: {**connect.register_row(None), "pm": "ABSENT"},
    }
    with pytest.raises(connect.RegisterConflict) as refused:
        connect.register_save(
            room=room, day=day, rows=mine, by=second, seen={one.pk: fresh, two.pk: fresh}
        )
    assert [c.placement for c in refused.value.clashes] == [one]
    assert DailyRecord.objects.count() == 1  # nothing of mine saved until I choose
    connect.register_save(
        room=room,
        day=day,
        rows=mine,
        by=second,
        seen={one.pk: fresh, two.pk: fresh},
        resolved={one.pk: ("theirs", theirs)},
    )
    days = {r.placement_id: r for r in DailyRecord.objects.all()}
    assert (days[one.pk].checkin_zone, days[one.pk].recorded_by) == ("RED", first)
    assert (days[two.pk].pm, days[two.pk].recorded_by) == ("ABSENT", second)


def test_a_line_i_left_alone_keeps_the_colleagues_entry_without_asking(world) -> None:
    room = _room(world)
    placement = _place(room, world.pupil, world.users["sendco"])
    first, second = _two_staff(world, room)
    day = timezone.localdate()
    fresh = connect.register_version(connect.register_row(None))
    rows = {placement.pk: {**connect.register_row(None), "note": "Theirs"}}
    connect.register_save(room=room, day=day, rows=rows, by=first, seen={placement.pk: fresh})
    untouched = {placement.pk: connect.register_row(None)}
    connect.register_save(room=room, day=day, rows=untouched, by=second, seen={placement.pk: fresh})
    assert DailyRecord.objects.get().note == "Theirs"


def test_a_choice_made_against_an_older_entry_of_theirs_is_asked_again(world) -> None:
    room = _room(world)
    placement = _place(room, world.pupil, world.users["sendco"])
    first, second = _two_staff(world, room)
    day, pk = timezone.localdate(), placement.pk
    fresh = connect.register_version(connect.register_row(None))
    new = connect.register_row(None)
    connect.register_save(
        room=room, day=day, rows={pk: {**new, "note": "One"}}, by=first, seen={pk: fresh}
    )
    shown = connect.register_version(connect.register_row(DailyRecord.objects.get()))
    # A saves again while B is choosing: B's choice was made beside an entry that is gone.
    connect.register_save(
        room=room, day=day, rows={pk: {**new, "note": "Two"}}, by=first, seen={pk: shown}
    )
    with pytest.raises(connect.RegisterConflict) as refused:
        connect.register_save(
            room=room,
            day=day,
            rows={pk: {**new, "note": "Mine"}},
            by=second,
            seen={pk: fresh},
            resolved={pk: ("mine", shown)},
        )
    assert refused.value.clashes[0].theirs["note"] == "Two"
    assert DailyRecord.objects.get().note == "Two"


def test_connect_overdue_flag_says_a_running_placement_is_still_running(world) -> None:
    # Regression: the SENDCo's flag said "ended 16 Feb" of a placement that had not ended.
    room = _room(world)
    placement = _place(room, world.pupil, world.users["sendco"])
    today = timezone.localdate()
    Placement.objects.filter(pk=placement.pk).update(
        start_date=today - dt.timedelta(weeks=8), planned_weeks=6
    )
    reasons = flag_lists.flag_by_slug("connect-overdue").why([world.pupil.pk], today)
    text = reasons[world.pupil.pk][0].text
    assert "ended" not in text and "still running" in text and "(14 days over)" in text
    page = world.client("sendco").get(
        reverse("interventions:sendco_flag", args=["connect-overdue"])
    )
    assert "still running" in page.content.decode()


def test_three_low_checkins_in_a_row_flag_the_key_adult(world) -> None:
    adult = world.users["lsa_caseload"]
    connect.checkin_list_add(pupil=world.pupil, key_adult=adult, by=world.users["sendco"])
    today = timezone.localdate()
    for days_ago, zone, scale in (
        (3, "GREEN", None),
        (2, "RED", None),
        (1, "", 2),
        (0, "RED", None),
    ):
        connect.checkin_record(
            pupil=world.pupil, zone=zone, scale=scale, by=adult, on=today - dt.timedelta(days_ago)
        )
    flags = connect.low_checkin_flags(adult, school_id=world.school.pk)
    assert [f.entry.pupil for f in flags] == [world.pupil]
    connect.checkin_record(pupil=world.pupil, zone="GREEN", by=adult, on=today)
    assert connect.low_checkin_flags(adult, school_id=world.school.pk) == []
    assert CheckIn.objects.count() == 4


@pytest.mark.parametrize("size", [2, 12])
def test_room_page_query_budget_does_not_grow(world, django_assert_max_num_queries, size) -> None:
    room = _room(world, capacity=20)
    sendco = world.users["sendco"]
    for _ in range(size):
        placement = _place(room, PupilFactory(school=world.school), sendco)
        DailyRecord.objects.create(
            placement=placement, date=timezone.localdate(), am="PRESENT", recorded_by=sendco
        )
    client = world.client("lsa_caseload")
    url = reverse("interventions:connect_room", args=[room.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(16):
        assert (
            client.get(reverse("interventions:connect_register", args=[room.pk])).status_code == 200
        )


@pytest.mark.parametrize("phase", ["SECONDARY", "PRIMARY"])
def test_demo_seeds_a_room_once(world, phase) -> None:
    import random
    from types import SimpleNamespace

    from interventions.demo.connect import seed_school
    from tests.factories import on_register

    for _ in range(8):
        on_register(PupilFactory(school=world.school), "K", "SEMH")
    roles = {"sendco": Role.SENDCO, "elsa": Role.ELSA, "inclusion": Role.INCLUSION_LEADER}
    people = SimpleNamespace(
        by_key={key: member(world.school, role) for key, role in roles.items()},
        lsas=[world.users["lsa_caseload"]],
        teachers=[world.users["teacher"]],
    )
    spec = SimpleNamespace(phase=phase)
    seed_school(school=world.school, spec=spec, people=people, rng=random.Random(3))
    seed_school(school=world.school, spec=spec, people=people, rng=random.Random(3))
    room = Room.objects.get(school=world.school)
    assert room.placements.current().count() == (6 if phase == "SECONDARY" else 4)
    assert DailyRecord.objects.filter(placement__room=room).count() > 100
    assert CheckIn.objects.filter(school=world.school).exists()
