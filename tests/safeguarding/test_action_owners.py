"""The person given a safeguarding action is told, sees it on their own list (and nothing of the
concern), is reminded once a day while it is overdue, and records the outcome for the DSL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safeguarding import services
from safeguarding.models import ActionUpdate, Alert, FileAccess
from safeguarding.services import actions as action_services
from staff.models import AuditEvent, Role
from tests.factories import PupilFactory, member
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db

WHAT_HAPPENED = "Told a friend about shouting at home every night this week."
CHILDS_WORDS = "I hide under the stairs when it starts."
TODO = "Meet the pupil at the gate each morning and note how they seem."


def _assign(world, *, owner=None, description: str = TODO, days: int = 2, reporter=None):
    """The DSL gives ``owner`` (default: the teacher) an action on a concern the LSA raised."""
    concern = make_concern(
        world,
        reporter=reporter or world.users["lsa_caseload"],
        text=WHAT_HAPPENED,
        childs_words=CHILDS_WORDS,
        categories=("domestic-abuse",),
    )
    return action_services.action_assign(
        concern=concern,
        by=world.users["dsl"],
        description=description,
        owner=owner or world.users["teacher"],
        due_on=timezone.localdate() + dt.timedelta(days=days),
    )


def _page(client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_owner_sees_what_by_when_and_the_child_but_nothing_of_the_concern(world) -> None:
    action = _assign(world)
    teacher = world.client("teacher")
    for page in (
        _page(teacher, "safeguarding:my_actions"),
        _page(teacher, "safeguarding:my_action", action.pk),
    ):
        assert TODO in page
        assert world.pupil.display_name in page
        assert timezone.localdate().strftime("%Y") in page
        for secret in (WHAT_HAPPENED, CHILDS_WORDS, "Domestic abuse", "Classroom 4"):
            assert secret not in page
        assert reverse("safeguarding:concern", args=[action.concern_id]) not in page
    # Opening it is on the child's file for the DSL to see, and in the audit trail.
    viewed = FileAccess.objects.get(kind=FileAccess.Kind.ACTION_VIEWED)
    assert (viewed.user, viewed.pupil) == (world.users["teacher"], world.pupil)
    assert AuditEvent.objects.filter(action="safeguarding.action.listed").count() == 1
    assert AuditEvent.objects.filter(
        action="safeguarding.action.viewed", object_id=str(action.pk)
    ).exists()


def test_a_dsl_owner_also_gets_a_link_to_the_concern(world) -> None:
    other_dsl = member(world.school, Role.DSL)
    action = _assign(world, owner=other_dsl)
    client = world.client("dsl")
    client.force_login(other_dsl)
    page = _page(client, "safeguarding:my_action", action.pk)
    assert reverse("safeguarding:concern", args=[action.concern_id]) in page


def test_everyone_sees_only_their_own_actions(world) -> None:
    mine = _assign(world, description="Teacher task number one")
    theirs = _assign(world, owner=world.users["sendco"], description="Sendco task number two")
    teacher_list = _page(world.client("teacher"), "safeguarding:my_actions")
    assert "Teacher task number one" in teacher_list
    assert "Sendco task number two" not in teacher_list
    for persona in ("sendco", "dsl", "lsa_caseload", "other_school"):
        client = world.client(persona)
        assert client.get(reverse("safeguarding:my_action", args=[mine.pk])).status_code == 404
        post = client.post(
            reverse("safeguarding:my_action", args=[mine.pk]),
            {"outcome-outcome": "Not mine to record", "outcome-completed": "on"},
        )
        assert post.status_code == 404
    assert not ActionUpdate.objects.exists()
    assert "Sendco task number two" in _page(world.client("sendco"), "safeguarding:my_actions")
    assert "Teacher task number one" not in _page(world.client("dsl"), "safeguarding:my_actions")
    assert theirs.pk != mine.pk


def test_the_owner_is_alerted_and_e_mailed_without_any_detail(world) -> None:
    action = _assign(world)
    teacher = world.users["teacher"]
    alert = Alert.objects.get(recipient=teacher)
    assert (alert.kind, alert.action_id) == (Alert.Kind.ACTION_ASSIGNED, action.pk)
    # The DSL who set it is not alerted about their own action.
    assert not Alert.objects.filter(
        recipient=world.users["dsl"], kind=Alert.Kind.ACTION_ASSIGNED
    ).exists()
    assert services.alert_email(alert_id=alert.pk) is True
    assert services.alert_email(alert_id=alert.pk) is False
    [message] = mail.outbox
    assert message.to == [teacher.email]
    assert "You have a safeguarding action" in message.subject
    text = message.subject + message.body
    assert reverse("safeguarding:my_actions") in message.body
    for secret in (
        world.pupil.legal_forename,
        world.pupil.legal_surname,
        world.pupil.display_name,
        TODO,
        WHAT_HAPPENED,
        CHILDS_WORDS,
        "Domestic abuse",
    ):
        assert secret not in text


def test_today_counts_the_owners_actions_until_they_look_and_the_menu_links_them(world) -> None:
    action = _assign(world)
    teacher = world.client("teacher")
    today = _page(teacher, "core:today")
    assert "My safeguarding actions" in today
    assert "You have 1 safeguarding action to do." in today
    assert "1 new" in today
    assert TODO not in today and world.pupil.display_name not in today
    _page(teacher, "safeguarding:my_action", action.pk)
    assert "1 new" not in _page(teacher, "core:today")
    # Someone without an action gets no panel, only the menu entry.
    sendco_today = _page(world.client("sendco"), "core:today")
    assert "safeguarding action to do" not in sendco_today
    assert reverse("safeguarding:my_actions") in sendco_today


def test_the_owners_counts_take_each_action_once_whatever_its_outcomes(world) -> None:
    """Today's counts read the actions with their outcomes in one join: an action with two
    progress notes is one open action, and a completed one is neither open nor new."""
    teacher = world.users["teacher"]
    soon = _assign(world, description="Ring the pupil's aunt and note what she says.", days=1)
    _assign(world, description="Check the pupil has eaten breakfast each day.", days=10)
    done = _assign(world, description="Ask the pupil's form tutor how the week went.", days=3)
    for outcome in ("Left a message for the aunt.", "Spoke to the aunt; she will call back."):
        action_services.action_outcome_record(
            action=soon, by=teacher, outcome=outcome, completed=False
        )
    action_services.action_outcome_record(
        action=done, by=teacher, outcome="The tutor says a settled week.", completed=True
    )
    teacher.current_school_id = world.school.pk
    in_five_days = timezone.localdate() + dt.timedelta(days=5)
    assert action_services.owner_summary(teacher, today=in_five_days) == {
        "open": 2,
        "overdue": 1,
        "new": 2,
    }
    # Someone else owns nothing here; an owner in another school sees none of these.
    someone_else = world.users["lsa_no_caseload"]
    someone_else.current_school_id = world.school.pk
    assert action_services.owner_summary(someone_else) == {
        "open": 0,
        "overdue": 0,
        "new": 0,
    }
    teacher.current_school_id = world.other_school.pk
    assert action_services.owner_summary(teacher)["open"] == 0


def test_an_overdue_action_reminds_its_owner_once_a_day_and_its_setter_once(world) -> None:
    action = _assign(world, days=1)
    teacher, dsl = world.users["teacher"], world.users["dsl"]
    day_after = timezone.localdate() + dt.timedelta(days=2)
    assert services.actions_overdue_remind(today=day_after) == 2
    assert services.actions_overdue_remind(today=day_after) == 0  # a re-run sends nothing
    next_day = day_after + dt.timedelta(days=1)
    assert services.actions_overdue_remind(today=next_day) == 1  # the owner, again
    assert services.actions_overdue_remind(today=next_day) == 0
    overdue = Alert.objects.filter(kind=Alert.Kind.ACTION_OVERDUE, action=action)
    assert overdue.filter(recipient=teacher).count() == 2
    assert overdue.filter(recipient=dsl).count() == 1
    # Yesterday's reminder is folded into today's: one unread at a time.
    assert overdue.filter(recipient=teacher, read_at__isnull=True).count() == 1
    # The owner's overdue e-mail leads to their list and says nothing about the child.
    services.alert_email(alert_id=overdue.filter(recipient=teacher).latest("pk").pk)
    [message] = mail.outbox
    assert "overdue" in message.subject
    assert reverse("safeguarding:my_actions") in message.body
    assert world.pupil.legal_surname not in message.body and TODO not in message.body
    # Once done, no more reminders.
    services.action_update_add(action=action, by=teacher, outcome="Done at last", completed=True)
    assert services.actions_overdue_remind(today=next_day + dt.timedelta(days=1)) == 0


def test_the_owner_records_the_outcome_and_the_dsl_sees_it_on_the_concern(world) -> None:
    action = _assign(world)
    teacher, dsl = world.users["teacher"], world.users["dsl"]
    url = reverse("safeguarding:my_action", args=[action.pk])
    client = world.client("teacher")

    blank = client.post(url, {"outcome-outcome": "  "})
    assert blank.status_code == 200
    assert "This field is required." in blank.content.decode()
    assert not ActionUpdate.objects.exists()

    progress = client.post(url, {"outcome-outcome": "Met them on Monday; seemed calm."})
    assert progress.status_code == 302
    done = client.post(
        url,
        {"outcome-outcome": "Met them every day; calmer by Friday.", "outcome-completed": "on"},
        follow=True,
    )
    assert "The outcome is recorded" in done.content.decode()
    updates = list(ActionUpdate.objects.filter(action=action).order_by("pk"))
    assert [(u.by, u.completed) for u in updates] == [(teacher, False), (teacher, True)]
    # The DSL who set it is told, and reads it on the concern.
    told = Alert.objects.filter(recipient=dsl, kind=Alert.Kind.ACTION_UPDATED, action=action)
    assert told.count() == 2
    concern_page = _page(world.client("dsl"), "safeguarding:concern", action.concern_id)
    assert "Met them every day; calmer by Friday." in concern_page
    # A second "complete" (another tab) is refused with words, not a 500.
    again = client.post(url, {"outcome-outcome": "Again", "outcome-completed": "on"})
    assert again.status_code == 200
    assert "marked this action complete" in again.content.decode()
    assert ActionUpdate.objects.filter(action=action).count() == 2
    mine = _page(client, "safeguarding:my_actions")
    assert "Done in the last 30 days" in mine and "You have no safeguarding actions to do." in mine
    assert AuditEvent.objects.filter(action="safeguarding.action.updated").count() == 2


def test_the_owner_does_not_see_what_others_wrote_on_the_action(world) -> None:
    action = _assign(world)
    services.action_update_add(
        action=action, by=world.users["dsl"], outcome="Case note only the DSL sees", completed=True
    )
    page = _page(world.client("teacher"), "safeguarding:my_action", action.pk)
    assert "Case note only the DSL sees" not in page
    assert "marked this action complete" in page


def test_the_list_costs_the_same_for_many_actions(world, django_assert_max_num_queries) -> None:
    for n in range(6):
        pupil = PupilFactory(school=world.school)
        concern = make_concern(world, pupil=pupil, reporter=world.users["lsa_caseload"])
        action_services.action_assign(
            concern=concern,
            by=world.users["dsl"],
            description=f"Task {n}",
            owner=world.users["teacher"],
            due_on=timezone.localdate() + dt.timedelta(days=n),
        )
    client = world.client("teacher")
    client.get(reverse("safeguarding:my_actions"))  # warm the session and roles
    with django_assert_max_num_queries(16):
        page = _page(client, "safeguarding:my_actions")
    assert page.count("To do</span>") == 6
