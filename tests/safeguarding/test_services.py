"""The rules the services keep, whatever page or task calls them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding import chronology, services
from safeguarding.models import (
    Addendum,
    Alert,
    ConcernPupil,
    Involvement,
    PupilFlag,
    Status,
    parse_body_map,
)
from safeguarding.services import PupilLink, RuleError
from staff.models import AuditEvent, Role
from tests.factories import PupilFactory, member
from tests.safeguarding.helpers import category, make_concern

pytestmark = pytest.mark.django_db


def test_a_new_concern_alerts_every_dsl_at_once(world) -> None:
    deputy = member(world.school, Role.DSL)
    elsewhere = world.users["other_school"]
    concern = make_concern(world, urgent=True)
    recipients = set(Alert.objects.filter(concern=concern).values_list("recipient", flat=True))
    assert recipients == {world.users["dsl"].pk, deputy.pk}
    assert elsewhere.pk not in recipients
    assert all(a.urgent for a in Alert.objects.filter(concern=concern))
    event = AuditEvent.objects.get(action="safeguarding.concern.submitted")
    assert event.data == {"pupils": [world.pupil.pk], "urgent": True}


def test_the_same_key_twice_is_one_concern_and_one_alert(world) -> None:
    key = uuid.uuid4()
    link = PupilLink(world.pupil, Involvement.CONCERN_FOR, [category()])
    fields = {
        "school": world.school,
        "reporter": world.users["teacher"],
        "idempotency_key": key,
        "links": [link],
        "occurred_at": timezone.now(),
        "location": "Hall",
        "what_happened": "Something",
    }
    first = services.concern_submit(**fields)
    second = services.concern_submit(**fields)
    assert first.pk == second.pk
    assert Alert.objects.count() == 1
    with pytest.raises(ValidationError):
        services.concern_submit(**{**fields, "reporter": world.users["elsa"]})


def test_an_alert_reaches_each_person_once_even_when_another_request_got_there_first(
    world, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    dsl, deputy = world.users["dsl"], member(world.school, Role.DSL)
    concern = make_concern(world)
    key = f"test:{concern.pk}"
    fields = {"school": world.school, "kind": Alert.Kind.ADDED, "key": key, "concern": concern}
    with django_capture_on_commit_callbacks() as sent:
        first = services.alerts_create(recipients=[dsl], **fields)
    assert [a.recipient for a in first] == [dsl] and len(sent) == 1
    # Run again for both: only the deputy is new.
    again = services.alerts_create(recipients=[dsl, deputy], **fields)
    assert [a.recipient for a in again] == [deputy]
    # Another request alerts a third person after this one's check and before its insert: the
    # check did not see theirs (as here, where it sees nothing), the insert clashes, and the rest
    # are added one by one, theirs left standing.
    other, fourth = member(world.school, Role.DSL), member(world.school, Role.DSL)
    theirs = Alert.objects.create(recipient=other, key=key, school=world.school, kind="ADDED")
    real_filter = Alert.objects.filter

    def check_saw_nothing(*args, **kwargs):
        found = real_filter(*args, **kwargs)
        return found.none() if "recipient_id__in" in kwargs else found

    monkeypatch.setattr(Alert.objects, "filter", check_saw_nothing)
    made = services.alerts_create(recipients=[dsl, other, fourth], **fields)
    assert [a.recipient for a in made] == [fourth]
    assert Alert.objects.get(recipient=other, key=key).pk == theirs.pk
    assert Alert.objects.filter(key=key).count() == 4


def test_each_pupil_keeps_their_own_categories(world) -> None:
    other = PupilFactory(school=world.school)
    concern = make_concern(
        world,
        categories=("child-on-child",),
        others=((other, Involvement.HARMED_OTHER, ("online-safety",)),),
    )
    mine = ConcernPupil.objects.get(concern=concern, pupil=world.pupil)
    theirs = ConcernPupil.objects.get(concern=concern, pupil=other)
    assert [c.code for c in mine.categories.all()] == ["child-on-child"]
    assert [c.code for c in theirs.categories.all()] == ["online-safety"]
    assert chronology.build(other, category="child-on-child").entries == []
    assert chronology.build(world.pupil, category="child-on-child").entries


@pytest.mark.parametrize(
    ("links", "message"),
    [
        ([], "Add the pupil"),
        ([("pupil", Involvement.WITNESS, ("neglect",))], "Mark at least one pupil"),
        ([("pupil", Involvement.CONCERN_FOR, ())], "Choose at least one category"),
        ([("other_pupil", Involvement.CONCERN_FOR, ("neglect",))], "Only pupils of this school"),
    ],
)
def test_a_concern_must_say_who_and_what(world, links, message) -> None:
    built = [
        PupilLink(getattr(world, who), involvement, [category(c) for c in cats])
        for who, involvement, cats in links
    ]
    with pytest.raises(ValidationError, match=message):
        services.concern_submit(
            school=world.school,
            reporter=world.users["teacher"],
            idempotency_key=uuid.uuid4(),
            links=built,
            occurred_at=timezone.now(),
            location="Hall",
            what_happened="Something",
        )


def test_when_it_happened_cannot_be_in_the_future(world) -> None:
    with pytest.raises(ValidationError, match="future"):
        make_concern(world, occurred_at=timezone.now() + dt.timedelta(days=1))


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        '{"side": "front"}',
        '[{"side": "left", "x": 1, "y": 1, "note": ""}]',
        '[{"side": "front", "x": -1, "y": 1, "note": ""}]',
        '[{"side": "front", "x": true, "y": 1, "note": ""}]',
        '[{"side": "front", "x": 1, "y": 1, "note": "", "extra": 1}]',
        '[{"side": "front", "x": 1, "y": 1, "note": 5}]',
        '[{"side": "front", "x": 1, "y": 1, "note": "' + "x" * 301 + '"}]',
        "[" + ",".join(['{"side":"back","x":1,"y":1,"note":""}'] * 31) + "]",
    ],
)
def test_the_body_map_is_checked_on_the_server(raw) -> None:
    with pytest.raises(ValidationError):
        parse_body_map(raw)


def test_a_good_body_map_is_tidied() -> None:
    marks = parse_body_map('[{"side": "back", "x": 12.345, "y": 99, "note": " graze "}]')
    assert marks == [{"side": "back", "x": 12.3, "y": 99.0, "note": "graze"}]


def test_decisions_need_a_rationale_and_cannot_go_back_to_new(world) -> None:
    concern = make_concern(world)
    dsl = world.users["dsl"]
    with pytest.raises(ValidationError):
        services.decision_record(concern=concern, by=dsl, status=Status.CLOSED, rationale=" ")
    with pytest.raises(ValidationError):
        services.decision_record(concern=concern, by=dsl, status=Status.NEW, rationale="x")
    decision = services.decision_record(
        concern=concern, by=dsl, status=Status.CLOSED, rationale="Unfounded", not_referred=True
    )
    assert decision.not_referred
    # Triage answers the "new concern" alert for the whole team.
    assert not Alert.objects.filter(concern=concern, read_at__isnull=True).exists()


def test_a_closed_concern_takes_no_new_actions_or_referrals(world) -> None:
    concern = make_concern(world)
    dsl = world.users["dsl"]
    services.decision_record(concern=concern, by=dsl, status=Status.CLOSED, rationale="Done")
    with pytest.raises(RuleError, match="closed"):
        services.action_add(
            concern=concern, by=dsl, description="x", owner=dsl, due_on=timezone.localdate()
        )
    with pytest.raises(RuleError, match="closed"):
        services.referral_add(
            concern=concern,
            by=dsl,
            pupil=world.pupil,
            agency="POLICE",
            referred_on=timezone.localdate(),
            rationale="x",
        )


def test_an_action_outcome_is_a_new_row_and_a_completed_action_stays_complete(world) -> None:
    concern = make_concern(world)
    dsl = world.users["dsl"]
    action = services.action_add(
        concern=concern, by=dsl, description="Meet", owner=dsl, due_on=timezone.localdate()
    )
    services.action_update_add(action=action, by=dsl, outcome="Met briefly", completed=False)
    services.action_update_add(action=action, by=dsl, outcome="Met with mum", completed=True)
    assert action.updates.count() == 2
    with pytest.raises(RuleError, match="already complete"):
        services.action_update_add(action=action, by=dsl, outcome="Again", completed=True)


def test_an_action_owner_must_work_at_the_school(world) -> None:
    concern = make_concern(world)
    with pytest.raises(ValidationError):
        services.action_add(
            concern=concern,
            by=world.users["dsl"],
            description="x",
            owner=world.users["other_school"],
            due_on=timezone.localdate(),
        )


def test_a_referral_is_for_a_linked_pupil(world) -> None:
    concern = make_concern(world)
    stranger = PupilFactory(school=world.school)
    with pytest.raises(ValidationError, match="linked"):
        services.referral_add(
            concern=concern,
            by=world.users["dsl"],
            pupil=stranger,
            agency="CAMHS",
            referred_on=timezone.localdate(),
            rationale="x",
        )


def test_only_the_reporter_and_the_dsl_team_add_to_a_concern(world) -> None:
    concern = make_concern(world)
    with pytest.raises(RuleError):
        services.addendum_add(concern=concern, by=world.users["elsa"], text="Me too")
    with pytest.raises(RuleError):
        services.addendum_add(
            concern=concern, by=world.users["teacher"], text="x", kind=Addendum.Kind.CASE_NOTE
        )
    note = services.addendum_add(
        concern=concern, by=world.users["dsl"], text="Called home", kind=Addendum.Kind.CASE_NOTE
    )
    assert note.author_job_title == world.users["dsl"].job_title
    # A DSL's own note alerts nobody; the reporter's addition alerts the DSL team.
    assert not Alert.objects.filter(kind=Alert.Kind.ADDED).exists()


def test_the_flag_is_set_and_lifted_as_new_rows(world) -> None:
    dsl = world.users["dsl"]
    services.flag_set(pupil=world.pupil, by=dsl, on=True, reason="Open enquiry")
    with pytest.raises(RuleError):
        services.flag_set(pupil=world.pupil, by=dsl, on=True, reason="Again")
    services.flag_set(pupil=world.pupil, by=dsl, on=False, reason="Closed")
    assert list(PupilFlag.objects.values_list("on", flat=True)) == [True, False]
