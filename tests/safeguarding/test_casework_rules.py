"""Issue #13 defect 5: casework rules.

Closing a concern with open actions asks for each: complete (with an outcome) or carry over (it
stays open on the child's file and the queue). Deadlines already past are refused. A decision
not to refer is recorded per child.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguarding import chronology, reports, services
from safeguarding.models import Action, ActionUpdate, Decision, DecisionChild, Involvement, Status
from safeguarding.services import ActionClosing, RuleError
from tests.factories import PupilFactory
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db


def _with_two_actions(world):
    concern = make_concern(world)
    dsl = world.users["dsl"]
    services.decision_record(concern=concern, by=dsl, status=Status.IN_PROGRESS, rationale="r")
    first = services.action_add(
        concern=concern,
        by=dsl,
        description="Phone home FIRST-1",
        owner=dsl,
        due_on=timezone.localdate(),
    )
    second = services.action_add(
        concern=concern,
        by=dsl,
        description="Watch at lunch SECOND-1",
        owner=dsl,
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    return concern, first, second


def test_closing_with_open_actions_is_refused_until_each_is_answered(world) -> None:
    concern, first, _ = _with_two_actions(world)
    latest = concern.decisions.get()
    with pytest.raises(RuleError, match="SECOND-1"):
        services.decision_record(
            concern=concern,
            by=world.users["dsl"],
            status=Status.CLOSED,
            rationale="Done",
            seen_decision_id=latest.pk,
            action_closings=[ActionClosing(first, carry_over=False, outcome="Spoke to mum")],
        )
    assert concern.decisions.count() == 1
    assert not ActionUpdate.objects.exists()


def test_completing_records_the_outcome_and_a_carried_action_stays_open(world) -> None:
    concern, first, second = _with_two_actions(world)
    services.decision_record(
        concern=concern,
        by=world.users["dsl"],
        status=Status.CLOSED,
        rationale="Early help in place.",
        seen_decision_id=concern.decisions.get().pk,
        action_closings=[
            ActionClosing(first, carry_over=False, outcome="Spoke to mum OUTCOME-1"),
            ActionClosing(second, carry_over=True),
        ],
    )
    assert first.updates.get().completed and first.updates.get().outcome == "Spoke to mum OUTCOME-1"
    assert list(Action.objects.open()) == [second]
    assert not second.updates.get().completed
    # Visible on the child's file and in the DSL queue's default (open) view.
    chron = chronology.build(world.pupil)
    assert chron.open_actions == [second]
    dsl = world.client("dsl")
    page = dsl.get(reverse("safeguarding:chronology", args=[world.pupil.pk])).content.decode()
    assert "Open actions for" in page and "SECOND-1" in page
    queue = dsl.get(reverse("safeguarding:queue"))
    assert concern.pk in [row["pk"] for row in queue.context["rows"]]
    assert "1 action carried over" in queue.content.decode()
    # Completing it later is still possible on the closed concern.
    services.action_update_add(action=second, by=world.users["dsl"], outcome="Done", completed=True)
    queue = dsl.get(reverse("safeguarding:queue"))
    assert concern.pk not in [row["pk"] for row in queue.context["rows"]]


def test_completing_without_an_outcome_is_refused(world) -> None:
    concern, first, second = _with_two_actions(world)
    with pytest.raises(ValidationError):
        services.decision_record(
            concern=concern,
            by=world.users["dsl"],
            status=Status.CLOSED,
            rationale="Done",
            seen_decision_id=concern.decisions.get().pk,
            action_closings=[ActionClosing(first, False, " "), ActionClosing(second, True)],
        )
    assert concern.decisions.count() == 1


def test_the_close_form_asks_about_each_open_action(world) -> None:
    concern, first, second = _with_two_actions(world)
    dsl = world.client("dsl")
    url = reverse("safeguarding:decision_add", args=[concern.pk])
    base = {
        "decision-status": "CLOSED",
        "decision-rationale": "Early help in place.",
        "decision-seen_decision": concern.decisions.get().pk,
        "decision-children": concern.links.get().pk,
    }
    response = dsl.post(url, base)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Open actions, if you close the concern" in html
    assert "Closing: say whether it is complete or carried over." in html
    assert concern.decisions.count() == 1
    response = dsl.post(
        url,
        {
            **base,
            f"decision-close_{first.pk}": "complete",
            f"decision-close_{first.pk}_outcome": "Spoke to mum",
            f"decision-close_{second.pk}": "carry",
        },
    )
    assert response.status_code == 302
    assert concern.decisions.latest("decided_at", "pk").status == Status.CLOSED
    assert list(Action.objects.open()) == [second]


def test_saying_what_happens_to_actions_without_closing_is_refused(world) -> None:
    concern, first, _ = _with_two_actions(world)
    response = world.client("dsl").post(
        reverse("safeguarding:decision_add", args=[concern.pk]),
        {
            "decision-status": "MONITORING",
            "decision-rationale": "Watch",
            "decision-seen_decision": concern.decisions.get().pk,
            "decision-children": concern.links.get().pk,
            f"decision-close_{first.pk}": "carry",
        },
    )
    assert response.status_code == 200
    assert "Only when closing the concern." in response.content.decode()
    assert concern.decisions.count() == 1


def test_a_deadline_in_the_past_is_refused(world) -> None:
    concern = make_concern(world)
    dsl = world.users["dsl"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the past"):
        services.action_add(concern=concern, by=dsl, description="x", owner=dsl, due_on=yesterday)
    response = world.client("dsl").post(
        reverse("safeguarding:action_add", args=[concern.pk]),
        {
            "action-description": "Phone home",
            "action-owner": dsl.pk,
            "action-due_on": yesterday.isoformat(),
            "action-children": concern.links.get().pk,
        },
    )
    assert response.status_code == 200
    assert "The deadline cannot be in the past." in response.content.decode()
    assert not Action.objects.exists()
    form = response.context["action_form"]
    assert 'min="' + timezone.localdate().isoformat() in str(form["due_on"])


def test_a_decision_not_to_refer_is_recorded_per_child(world) -> None:
    sibling = PupilFactory(school=world.school)
    concern = make_concern(world, others=((sibling, Involvement.CONCERN_FOR, ("neglect",)),))
    a_link = concern.links.get(pupil=world.pupil)
    s_link = concern.links.get(pupil=sibling)
    response = world.client("dsl").post(
        reverse("safeguarding:decision_add", args=[concern.pk]),
        {
            "decision-status": "REFERRED",
            "decision-rationale": "Referred the older child; the younger is below threshold.",
            "decision-children": [a_link.pk, s_link.pk],
            "decision-not_referred_children": [s_link.pk],
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.not_referred  # the concern-level summary: someone was not referred
    rows = dict(DecisionChild.objects.values_list("link", "not_referred"))
    assert rows == {a_link.pk: False, s_link.pk: True}
    on_a = next(e.obj for e in chronology.build(world.pupil).entries if e.kind == "decision")
    on_s = next(e.obj for e in chronology.build(sibling).entries if e.kind == "decision")
    assert on_a.not_referred_here is False and on_s.not_referred_here is True
    today = timezone.localdate()
    report = reports.build(world.school, start=today, end=today, governors=False)
    assert [c.count for c in report["outcomes"] if "not to refer" in c.label] == [1]


def test_not_referring_a_child_the_decision_is_not_about_is_refused(world) -> None:
    sibling = PupilFactory(school=world.school)
    concern = make_concern(world, others=((sibling, Involvement.WITNESS, ()),))
    s_link = concern.links.get(pupil=sibling)
    with pytest.raises(ValidationError, match="tick them as children"):
        services.decision_record(
            concern=concern,
            by=world.users["dsl"],
            status=Status.MONITORING,
            rationale="r",
            not_referred_children=[s_link],
        )
    assert not Decision.objects.exists()
