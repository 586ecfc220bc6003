"""Setting up interventions and logging sessions: rules, idempotency, permissions, budgets."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interventions.delivery import services
from interventions.models import Enrolment, Intervention, Programme, ScheduleSlot, Session
from send_hub.lib.dates import nice_date
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_group(world, *, pupils=4, lead="lsa_caseload", status="RUNNING", start=None):
    programme = Programme.objects.create(
        school=world.school,
        name=f"Reading booster {uuid.uuid4().hex[:6]}",
        kind="LITERACY",
        area="CL",
        session_minutes=30,
        group_size=4,
        cost_per_staff_hour=Decimal("15"),
    )
    intervention = Intervention.objects.create(
        school=world.school,
        programme=programme,
        name="Year 8 reading",
        lead=world.users[lead],
        start_date=start or TODAY - dt.timedelta(days=30),
        planned_sessions=10,
        status=status,
    )
    slot = ScheduleSlot.objects.create(
        intervention=intervention, weekday=TODAY.weekday(), start_time=dt.time(10, 0), minutes=30
    )
    members = [world.pupil, *PupilFactory.create_batch(pupils - 1, school=world.school)]
    for p in members:
        Enrolment.objects.create(
            intervention=intervention, pupil=p, joined_on=intervention.start_date
        )
    return intervention, slot, members


def _log(intervention, slot, by, **overrides):
    fields = {
        "intervention": intervention,
        "client_key": uuid.uuid4(),
        "date": TODAY,
        "slot": slot,
        "status": "DELIVERED",
        "minutes": 30,
        "evaluation": "Went well",
        "attendance": [
            {"pupil_id": e.pupil_id, "attendance": "PRESENT"} for e in intervention.enrolments.all()
        ],
        "by": by,
    }
    return services.session_log(**{**fields, **overrides})


def test_logging_twice_with_the_same_key_makes_one_session(world) -> None:
    intervention, slot, _ = make_group(world)
    key = uuid.uuid4()
    first, created = _log(intervention, slot, world.users["lsa_caseload"], client_key=key)
    again, created_again = _log(intervention, slot, world.users["lsa_caseload"], client_key=key)
    assert created and not created_again and first.pk == again.pk
    assert first.attendance.count() == 4


def test_a_used_key_for_another_day_is_refused_and_the_same_session_again_is_the_first(
    world,
) -> None:
    intervention, _slot, _ = make_group(world)
    lsa, key = world.users["lsa_caseload"], uuid.uuid4()
    first_day, other_day = TODAY - dt.timedelta(days=7), TODAY - dt.timedelta(days=14)
    first, _ = _log(intervention, None, lsa, client_key=key, date=first_day)
    with pytest.raises(services.KeyAlreadyUsed, match="already saved the session on") as caught:
        _log(intervention, None, lsa, client_key=key, date=other_day)
    message = " ".join(caught.value.messages)
    assert nice_date(first_day) in message and "tap Save session again" in message
    again, created = _log(intervention, None, lsa, client_key=key, date=first_day)
    assert (again.pk, created) == (first.pk, False)
    assert list(Session.objects.values_list("date", flat=True)) == [first_day]


def test_a_used_key_for_another_slot_is_refused(world) -> None:
    intervention, slot, _ = make_group(world)
    key = uuid.uuid4()
    _log(intervention, slot, world.users["lsa_caseload"], client_key=key)
    with pytest.raises(services.KeyAlreadyUsed):
        _log(intervention, None, world.users["lsa_caseload"], client_key=key)
    assert Session.objects.count() == 1


def test_a_reused_key_on_the_phone_form_is_refused_with_a_message_and_a_fresh_key(world) -> None:
    """The lost-session bug: a phone kept a saved form's key and the date was changed."""
    intervention, _slot, _ = make_group(world)
    client = world.client("lsa_caseload")
    url = reverse("interventions:log", args=[intervention.pk])
    key = str(uuid.uuid4())
    first_day, other_day = TODAY - dt.timedelta(days=7), TODAY - dt.timedelta(days=14)
    fields = {"status": "DELIVERED", "minutes": "30", "evaluation": "Second group"}
    client.post(url, {**fields, "client_key": key, "date": first_day.isoformat()})
    response = client.post(
        url,
        {**fields, "client_key": key, "date": other_day.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert f"already saved the session on {nice_date(first_day)}" in body
    fresh = re.search(r'name="client_key" value="([0-9a-f-]+)"', body).group(1)
    assert fresh != key and fresh in body and "Second group" in body
    assert Session.objects.count() == 1
    # The next tap saves it as the new session it is.
    response = client.post(
        url,
        {**fields, "client_key": fresh, "date": other_day.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Redirect"] == reverse("interventions:detail", args=[intervention.pk])
    assert sorted(Session.objects.values_list("date", flat=True)) == [other_day, first_day]


def test_a_resent_save_says_it_was_already_saved(world) -> None:
    intervention, _slot, _ = make_group(world)
    client = world.client("lsa_caseload")
    url = reverse("interventions:log", args=[intervention.pk])
    data = {
        "client_key": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "status": "DELIVERED",
        "minutes": "30",
    }
    client.post(url, data, HTTP_HX_REQUEST="true")
    client.post(url, data, HTTP_HX_REQUEST="true")
    page = client.get(reverse("interventions:detail", args=[intervention.pk]))
    assert "This session was already saved; nothing new was added." in page.content.decode()
    assert Session.objects.count() == 1


def test_the_log_page_tells_the_phone_which_keys_are_used_and_offers_a_new_one(world) -> None:
    intervention, slot, _ = make_group(world)
    mine, _ = _log(intervention, slot, world.users["lsa_caseload"])
    other = world.users["sendco"]
    intervention.assistants.add(other)
    theirs, _ = _log(intervention, None, other)
    page = world.client("lsa_caseload").get(reverse("interventions:log", args=[intervention.pk]))
    used = page.context["used_keys"]
    assert mine.client_key in used and theirs.client_key not in used
    assert f'data-used-keys="{mine.client_key}"' in page.content.decode()
    assert page.context["form"]["client_key"].value() not in {mine.client_key, theirs.client_key}
    # An unscheduled session's date is changed in the form, so its draft is not kept per day.
    assert page.context["draft_key"] == f"session-{intervention.pk}-adhoc"


def test_a_second_log_of_the_same_slot_says_who_logged_it(world) -> None:
    intervention, slot, _ = make_group(world)
    _log(intervention, slot, world.users["lsa_caseload"])
    with pytest.raises(services.AlreadyLogged, match="already logged by"):
        _log(intervention, slot, world.users["lsa_caseload"])
    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": TODAY + dt.timedelta(days=1)}, "has not happened yet"),
        ({"status": "CANCELLED", "cancel_reason": ""}, "did not happen"),
        ({"minutes": 0}, "between 1 and 480"),
        ({"date": TODAY - dt.timedelta(days=400)}, "started on"),
    ],
)
def test_bad_sessions_are_refused_with_a_message(world, overrides, message) -> None:
    intervention, slot, _ = make_group(world)
    with pytest.raises(ValidationError, match=message):
        _log(intervention, slot, world.users["lsa_caseload"], **overrides)
    assert not Session.objects.exists()


def test_a_pupil_not_in_the_group_cannot_be_marked(world) -> None:
    intervention, slot, _ = make_group(world)
    stranger = PupilFactory(school=world.school)
    with pytest.raises(ValidationError, match="not in this intervention"):
        _log(
            intervention,
            slot,
            world.users["lsa_caseload"],
            attendance=[{"pupil_id": stranger.pk, "attendance": "PRESENT"}],
        )


def test_cancelled_session_records_no_minutes_or_attendance(world) -> None:
    intervention, slot, _ = make_group(world)
    session, _ = _log(
        intervention,
        slot,
        world.users["lsa_caseload"],
        status="CANCELLED",
        cancel_reason="STAFF_ABSENT",
        minutes=30,
    )
    assert session.minutes == 0 and session.attendance.count() == 0


def test_routine_session_from_the_phone_form_defaults_everyone_present(world) -> None:
    intervention, slot, _ = make_group(world)
    client = world.client("lsa_caseload")
    url = reverse("interventions:log", args=[intervention.pk])
    page = client.get(url, {"slot": slot.pk, "date": TODAY.isoformat()})
    key = page.context["form"]["client_key"].value()
    response = client.post(
        url,
        {
            "client_key": key,
            "slot": slot.pk,
            "date": TODAY.isoformat(),
            "status": "DELIVERED",
            "minutes": "30",
            "evaluation": "Calm and focused",
            f"eng-{world.pupil.pk}": "4",
            f"note-{world.pupil.pk}": "Read the whole page",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.evaluation == "Calm and focused"
    assert {a.attendance for a in session.attendance.all()} == {"PRESENT"}
    mine = session.attendance.get(pupil=world.pupil)
    assert (mine.engagement, mine.note) == (4, "Read the whole page")
    # The same form again (a resend after a dropped connection): still one session.
    client.post(
        url,
        {
            "client_key": key,
            "slot": slot.pk,
            "date": TODAY.isoformat(),
            "status": "DELIVERED",
            "minutes": "30",
        },
    )
    assert Session.objects.count() == 1


def test_a_pupil_who_left_and_rejoined_is_on_the_log_once_with_their_place_s_targets(
    world,
) -> None:
    intervention, slot, members = make_group(world, pupils=2)
    back = members[1]
    place = intervention.enrolments.get(pupil=back)
    place.left_on = TODAY - dt.timedelta(days=20)
    place.save()
    place.targets.create(number=1, text="Old place's target")
    again = Enrolment.objects.create(
        intervention=intervention, pupil=back, joined_on=TODAY - dt.timedelta(days=10)
    )
    again.targets.create(number=1, text="Reads a page aloud")
    client = world.client("lsa_caseload")
    url = reverse("interventions:log", args=[intervention.pk])
    page = client.get(url, {"slot": slot.pk, "date": TODAY.isoformat()})
    rows = {row["pupil"].pk: row for row in page.context["rows"]}
    assert len(page.context["rows"]) == 2 and set(rows) == {p.pk for p in members}
    assert [t.text for t in rows[back.pk]["targets"]] == ["Reads a page aloud"]
    # Between the two places the pupil was not in the group: not on that day's log.
    gap = client.get(url, {"date": (TODAY - dt.timedelta(days=15)).isoformat()})
    assert [row["pupil"].pk for row in gap.context["rows"]] == [world.pupil.pk]


def test_htmx_save_answers_with_a_client_redirect(world) -> None:
    intervention, slot, _ = make_group(world)
    client = world.client("lsa_caseload")
    url = reverse("interventions:log", args=[intervention.pk])
    response = client.post(
        url,
        {
            "client_key": str(uuid.uuid4()),
            "slot": slot.pk,
            "date": TODAY.isoformat(),
            "status": "DELIVERED",
            "minutes": "30",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("interventions:detail", args=[intervention.pk])


def test_form_errors_come_back_as_a_fragment_with_the_same_key(world) -> None:
    intervention, slot, _ = make_group(world)
    client = world.client("lsa_caseload")
    key = str(uuid.uuid4())
    response = client.post(
        reverse("interventions:log", args=[intervention.pk]),
        {"client_key": key, "slot": slot.pk, "date": TODAY.isoformat(), "status": "CANCELLED"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Say why the session did not happen" in body and key in body


def test_only_the_staff_who_deliver_may_log(world) -> None:
    intervention, _slot, _ = make_group(world)
    url = reverse("interventions:log", args=[intervention.pk])
    assert world.client("sendco").get(url).status_code == 403  # sees it, does not deliver it
    assert world.client("lsa_no_caseload").get(url).status_code == 404
    assert world.client("other_school").get(url).status_code == 404


def test_teacher_sees_attendance_but_not_the_notes(world) -> None:
    intervention, slot, _ = make_group(world)
    _log(intervention, slot, world.users["lsa_caseload"], evaluation="SECRET-EVALUATION")
    body = (
        world.client("teacher")
        .get(reverse("interventions:detail", args=[intervention.pk]))
        .content.decode()
    )
    assert "Year 8 reading" in body and "present" in body
    assert "SECRET-EVALUATION" not in body
    assert (
        "SECRET-EVALUATION"
        in world.client("lsa_caseload")
        .get(reverse("interventions:detail", args=[intervention.pk]))
        .content.decode()
    )


def test_today_lists_the_lsas_sessions_and_marks_logged_ones(world) -> None:
    intervention, slot, _ = make_group(world)
    client = world.client("lsa_caseload")
    body = client.get(reverse("core:today")).content.decode()
    assert "My sessions today" in body and "Year 8 reading" in body and "Logged" not in body
    _log(intervention, slot, world.users["lsa_caseload"])
    assert "Logged" in client.get(reverse("core:today")).content.decode()


def test_status_rules(world) -> None:
    intervention, _slot, _ = make_group(world, status="PLANNED")
    sendco = world.users["sendco"]
    with pytest.raises(ValidationError, match="cannot become completed"):
        services.status_change(intervention=intervention, status="COMPLETED", by=sendco)
    with pytest.raises(ValidationError, match="Say why"):
        services.status_change(intervention=intervention, status="STOPPED", by=sendco)
    services.status_change(
        intervention=intervention, status="STOPPED", reason="Pupils moved class", by=sendco
    )
    intervention.refresh_from_db()
    assert intervention.status == "STOPPED" and intervention.completed_on == TODAY


def test_targets_are_at_most_three(world) -> None:
    intervention, _slot, _ = make_group(world)
    enrolment = intervention.enrolments.first()
    with pytest.raises(ValidationError, match="at most three"):
        services.targets_save(
            enrolment=enrolment, texts=["a", "b", "c", "d"], by=world.users["sendco"]
        )
    services.targets_save(enrolment=enrolment, texts=["a", "", "c"], by=world.users["sendco"])
    assert list(enrolment.targets.values_list("number", "text")) == [(1, "a"), (2, "c")]


def test_enrolling_twice_is_one_enrolment(world) -> None:
    intervention, _slot, _ = make_group(world, pupils=1)
    other = PupilFactory(school=world.school)
    for _ in range(2):
        services.enrol(
            intervention=intervention, pupil=other, joined_on=TODAY, by=world.users["sendco"]
        )
    assert intervention.enrolments.filter(pupil=other).count() == 1


@pytest.mark.parametrize("n", [3, 300])
def test_intervention_page_and_today_keep_a_fixed_query_budget(
    world, django_assert_max_num_queries, n
) -> None:
    intervention, _slot, members = make_group(world)
    sessions = Session.objects.bulk_create(
        Session(
            intervention=intervention,
            slot=None,
            date=TODAY - dt.timedelta(days=i % 28),
            status="DELIVERED",
            minutes=30,
            logged_by=world.users["lsa_caseload"],
            evaluation="ok",
        )
        for i in range(n)
    )
    from interventions.models import SessionAttendance

    SessionAttendance.objects.bulk_create(
        SessionAttendance(session=s, pupil=p, attendance="PRESENT")
        for s in sessions
        for p in members
    )
    client = world.client("lsa_caseload")
    with django_assert_max_num_queries(24):
        assert (
            client.get(reverse("interventions:detail", args=[intervention.pk])).status_code == 200
        )
    # Today's caseload is kept until the register changes (pupils.services.register_figures):
    # the first look after a change stamps the school afresh, works it out and keeps it, every
    # look after reads it back.
    with django_assert_max_num_queries(25):
        assert client.get(reverse("core:today")).status_code == 200
    # +1: the layout's notification count; +1: the person's own safeguarding actions (Today only)
    with django_assert_max_num_queries(18):
        assert client.get(reverse("core:today")).status_code == 200


def test_an_elsa_block_runs_six_to_twelve_sessions(world) -> None:
    elsa = Programme.objects.create(school=world.school, name="ELSA", kind="ELSA", area="SEMH")
    block = Intervention(
        school=world.school,
        programme=elsa,
        name="ELSA block",
        lead=world.users["elsa"],
        start_date=TODAY,
        planned_sessions=20,
    )
    with pytest.raises(ValidationError, match="6 to 12 sessions"):
        services.intervention_save(
            intervention=block, assistants=[], slots=[], by=world.users["sendco"]
        )
    block.planned_sessions = 8
    saved = services.intervention_save(
        intervention=block,
        assistants=[],
        by=world.users["sendco"],
        slots=[
            {"weekday": 2, "start_time": dt.time(13, 30), "minutes": 30, "room": "Nurture room"}
        ],
    )
    assert saved.slots.get().room == "Nurture room"
    # The ELSA sees their own block; another LSA does not.
    assert (
        world.client("elsa").get(reverse("interventions:detail", args=[saved.pk])).status_code
        == 200
    )
    assert (
        world.client("lsa_no_caseload")
        .get(reverse("interventions:detail", args=[saved.pk]))
        .status_code
        == 404
    )


# --- Completing with most sessions undelivered asks first (issue #14, defect 7b) -------------


def _log_days(intervention, by, delivered: int, cancelled: int = 0) -> None:
    for n in range(delivered + cancelled):
        extra = {"status": "CANCELLED", "cancel_reason": "STAFF_ABSENT"} if n >= delivered else {}
        _log(intervention, None, by, date=TODAY - dt.timedelta(days=n + 1), **extra)


def test_completing_with_most_sessions_undelivered_asks_and_says_how_many(world) -> None:
    intervention, _slot, _ = make_group(world)  # 10 planned
    _log_days(intervention, world.users["lsa_caseload"], delivered=3, cancelled=2)
    client = world.client("sendco")
    url = reverse("interventions:status", args=[intervention.pk])
    asked = client.post(url, {"status": "COMPLETED"})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Only 3 of 10 planned sessions were logged as delivered. Complete anyway?" in page
    assert 'name="confirmed" value="on"' in page
    intervention.refresh_from_db()
    assert intervention.status == "RUNNING" and intervention.completed_on is None
    done = client.post(url, {"status": "COMPLETED", "confirmed": "on"})
    assert done.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == "COMPLETED" and intervention.completed_on == TODAY


def test_completing_with_half_the_sessions_delivered_does_not_ask(world) -> None:
    intervention, _slot, _ = make_group(world)  # 10 planned
    _log_days(intervention, world.users["lsa_caseload"], delivered=5)
    with pytest.raises(ValidationError) as refused:
        services.status_change(
            intervention=make_group(world)[0], status="COMPLETED", by=world.users["sendco"]
        )
    assert refused.value.code == "few_sessions_delivered"
    response = world.client("sendco").post(
        reverse("interventions:status", args=[intervention.pk]), {"status": "COMPLETED"}
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == "COMPLETED"
