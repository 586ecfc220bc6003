"""Connect rooms: one current placement per pupil, capacity and its recorded override, stages,
the register, check-in flags, and the room page's query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from interventions import connect
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


def test_a_colleagues_register_save_is_not_overwritten_unseen(world) -> None:
    room = _room(world)
    placement = _place(room, world.pupil, world.users["sendco"])
    url = reverse("interventions:connect_register", args=[room.pk])
    mine, theirs = world.client("lsa_caseload"), world.client("sendco")
    page = mine.get(url).content.decode()
    assert f'name="p{placement.pk}-seen" value=""' in page  # nothing saved yet
    # A colleague saves first: the pupil went home at lunch (absent in the afternoon).
    connect.register_save(
        room=room,
        day=timezone.localdate(),
        rows={placement.pk: {"am": "PRESENT", "pm": "ABSENT", "incidents": 1}},
        by=world.users["sendco"],
        seen={placement.pk: ""},
    )
    mine_post = {f"p{placement.pk}-am": "PRESENT", f"p{placement.pk}-pm": "PRESENT"}
    response = mine.post(url, {**mine_post, f"p{placement.pk}-seen": ""})
    assert response.status_code == 200
    assert "Someone else saved this register" in response.content.decode()
    record = DailyRecord.objects.get()
    assert (record.pm, record.incidents) == ("ABSENT", 1)  # theirs is kept
    # The page now carries their version: saving again is a deliberate change.
    token = record.updated_at.isoformat()
    assert f'name="p{placement.pk}-seen" value="{token}"' in response.content.decode()
    response = mine.post(url, {**mine_post, f"p{placement.pk}-seen": token})
    assert response.status_code == 302
    assert DailyRecord.objects.get().pm == "PRESENT"
    assert theirs.get(url).status_code == 200


def test_a_room_is_edited_but_never_squeezed_below_its_placements(world) -> None:
    room = _room(world)
    _place(room, world.pupil, world.users["sendco"])
    _place(room, PupilFactory(school=world.school), world.users["sendco"])
    client = world.client("sendco")
    url = reverse("interventions:connect_room_edit", args=[room.pk])
    leader = world.users["sendco"].pk
    form = {"name": "The Bridge", "capacity": 1, "leaders": [leader], "active": "on"}
    response = client.post(url, form)
    assert "2 pupils are placed in this room now" in response.content.decode()
    response = client.post(url, {**form, "capacity": 2, "active": ""})
    assert "End or move the room&#x27;s current placements" in response.content.decode()
    response = client.post(url, {**form, "capacity": 8})
    assert response.status_code == 302
    room.refresh_from_db()
    assert (room.name, room.capacity, room.active) == ("The Bridge", 8, True)


def test_stages_are_added_after_the_last_and_never_step_back(world) -> None:
    room = _room(world)
    placement = _place(room, world.pupil, world.users["sendco"])
    client = world.client("sendco")
    url = reverse("interventions:connect_stage_add", args=[placement.pk])
    last = placement.stages.order_by("-number").first()
    assert (last.number, last.timetable_percent) == (2, 40)
    response = client.post(url, {"timetable_percent": 30, "success_criteria": "x"})
    assert "should not return less of the timetable to mainstream than the last one (40%)" in (
        response.content.decode()
    )
    response = client.post(
        url,
        {"timetable_percent": 100, "lessons": "Full timetable", "success_criteria": "Two weeks"},
    )
    assert response.status_code == 302
    new = placement.stages.order_by("-number").first()
    assert (new.number, new.timetable_percent) == (last.number + 1, 100)
    placement.status = "COMPLETED"
    placement.ended_on = timezone.localdate()
    placement.exit_outcome = "FULL"
    placement.save()
    response = client.post(url, {"timetable_percent": 100, "success_criteria": "again"})
    assert "This placement has ended" in response.content.decode()


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

    from interventions.demo_connect import seed_school
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
