"""Starting and editing support plans: targets, agreed versions, the plan list, and two editors."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from interventions.errors import PlanError
from interventions.models import PlanKind, PlanTarget, SupportPlan
from interventions.plans import services as plan_services
from interventions.plans.services import PlanConflict
from staff.models import AuditEvent, Role
from tests.factories import PupilFactory, SchoolFactory, assign, member
from tests.interventions.factories import EnrolmentFactory, InterventionFactory

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _kind(code: str = "IEP") -> PlanKind:
    return PlanKind.objects.get_or_create(code=code, defaults={"name": code})[0]


def _start(w, *, pupil=None, **fields) -> SupportPlan:
    sendco = w.users["sendco"]
    return plan_services.plan_start(
        pupil=pupil or w.pupil,
        kind=fields.pop("kind", _kind()),
        owner=fields.pop("owner", sendco),
        by=fields.pop("by", sendco),
        next_review_on=fields.pop("next_review_on", _today() + dt.timedelta(days=40)),
        **fields,
    )


def _add_target(w, plan, wording="Reads ten words on sight", **fields) -> PlanTarget:
    return plan_services.plan_target_create(
        plan=plan,
        by=w.users["sendco"],
        wording=wording,
        area=fields.pop("area", "CL"),
        **fields,
    )


def _agree(w, plan):
    plan.refresh_from_db()
    preview = plan_services.plan_agree_preview(plan)
    return plan_services.plan_agree_as_seen(plan=plan, by=w.users["sendco"], seen=preview.token)


def _update(w, plan, *, by=None, seen=None, **changes) -> SupportPlan:
    return plan_services.plan_update(
        plan=plan,
        by=by or w.users["sendco"],
        seen=seen if seen is not None else plan_services.plan_edit_token(plan),
        **changes,
    )


# --- Starting a plan ----------------------------------------------------------------------------


def test_start_makes_a_draft(world) -> None:
    first = _start(world, needs_summary="  Slow to start writing ")
    assert SupportPlan.objects.filter(pupil=world.pupil).count() == 1
    assert (first.status, first.cycle, first.school_id) == ("DRAFT", 1, world.school.pk)
    assert first.needs_summary == "Slow to start writing"
    event = AuditEvent.objects.get(action="interventions.plan.created")
    assert event.object_id == str(first.pk) and event.actor == world.users["sendco"]


def test_start_refuses_a_second_open_plan_of_the_same_kind(world) -> None:
    _start(world)
    with pytest.raises(PlanError, match="already has an open IEP"):
        _start(world)
    # Another kind is a different plan.
    assert _start(world, kind=_kind("BSP")).kind.code == "BSP"


def test_start_refuses_an_owner_from_another_school(world) -> None:
    with pytest.raises(ValidationError) as refused:
        _start(world, owner=world.users["other_school"])
    assert "does not work at this school" in refused.value.message_dict["owner"][0]
    assert not SupportPlan.objects.exists()


@pytest.mark.parametrize(("days", "message"), [(-1, "has passed"), (400, "more than a year away")])
def test_start_refuses_odd_review_dates(world, days: int, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _start(world, next_review_on=_today() + dt.timedelta(days=days))
    assert message in refused.value.message_dict["next_review_on"][0]


# --- Editing, agreeing, versions ----------------------------------------------------------------


def test_editing_an_agreed_plan_changes_the_working_copy_and_each_agreement_stays(world) -> None:
    plan = _start(world, needs_summary="Finds it hard to start written tasks.")
    _add_target(world, plan)
    first, created = _agree(world, plan)
    assert (first.number, created) == (1, True)
    plan.refresh_from_db()
    assert plan.status == "ACTIVE"

    _update(
        world,
        plan,
        needs_summary="Starts tasks with a checklist.",
        pupil_voice="I like the checklist.",
        pupil_voice_on=_today(),
        pupil_voice_how="Talk with a key adult",
    )
    plan.refresh_from_db()
    first.refresh_from_db()
    assert plan.needs_summary == "Starts tasks with a checklist."
    assert first.snapshot["needs_summary"] == "Finds it hard to start written tasks."
    assert first.snapshot["pupil_voice"] == ""

    second, created = _agree(world, plan)
    assert (second.number, created) == (2, True)
    assert second.snapshot["needs_summary"] == "Starts tasks with a checklist."
    assert second.snapshot["pupil_voice_on"] == _today().isoformat()
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2]


def test_agreeing_again_with_nothing_changed_makes_no_new_version(world) -> None:
    plan = _start(world)
    _add_target(world, plan)
    first, _ = _agree(world, plan)
    again, created = _agree(world, plan)
    assert (again.pk, created) == (first.pk, False)
    assert plan.versions.count() == 1


def test_agreeing_what_was_not_seen_is_refused(world) -> None:
    plan = _start(world)
    _add_target(world, plan)
    seen = plan_services.plan_agree_preview(plan).token
    _add_target(world, plan, wording="Asks for help with a card")  # someone adds a target
    with pytest.raises(PlanConflict, match="changed after you opened this page"):
        plan_services.plan_agree_as_seen(plan=plan, by=world.users["sendco"], seen=seen)
    assert not plan.versions.exists()


def test_a_second_editor_with_an_old_page_is_refused_and_told_who_saved(world) -> None:
    plan = _start(world, needs_summary="First words")
    second = member(world.school, Role.SENDCO, full_name="Jo Testdeputy")
    opened = plan_services.plan_edit_token(plan)
    _update(world, plan, seen=opened, needs_summary="The SENDCo's words")
    with pytest.raises(PlanConflict) as refused:
        _update(world, plan, by=second, seen=opened, strategies="The deputy's strategies")
    message = str(refused.value)
    assert message.startswith("Someone else changed this plan after you opened it")
    assert world.users["sendco"].full_name in message and "reload the page" in message
    plan.refresh_from_db()
    assert (plan.needs_summary, plan.strategies) == ("The SENDCo's words", "")


def test_saving_the_same_values_twice_changes_nothing(world) -> None:
    plan = _start(world)
    opened = plan_services.plan_edit_token(plan)
    _update(world, plan, seen=opened, strategies="Seat near the front")
    _update(world, plan, seen=opened, strategies="Seat near the front")  # a double click
    assert AuditEvent.objects.filter(action="interventions.plan.updated").count() == 1


def test_update_refuses_voice_dates_in_the_future(world) -> None:
    plan = _start(world)
    with pytest.raises(ValidationError) as refused:
        _update(world, plan, parent_voice="Happy", parent_voice_on=_today() + dt.timedelta(1))
    assert "in the future" in refused.value.message_dict["parent_voice_on"][0]


def test_a_closed_plan_refuses_every_change(world) -> None:
    plan = _start(world)
    target = _add_target(world, plan)
    _agree(world, plan)
    plan_services.plan_review_complete(
        plan=plan,
        by=world.users["sendco"],
        held_on=_today(),
        attendees=["SENDCo"],
        parent_attended=False,
        scores={target.pk: ("ACHIEVED", "")},
        close=True,
    )
    plan.refresh_from_db()
    with pytest.raises(PlanError, match="This plan is closed"):
        _update(world, plan, strategies="Too late")
    with pytest.raises(PlanError, match="This plan is closed"):
        _add_target(world, plan, wording="Too late")
    with pytest.raises(PlanError, match="This plan is closed"):
        plan_services.plan_target_remove(target=target, by=world.users["sendco"])
    with pytest.raises(PlanError, match="This plan is closed"):
        _agree(world, plan)
    assert plan.targets.count() == 1 and plan.versions.count() == 2


# --- Targets ------------------------------------------------------------------------------------


def test_a_repeated_target_form_adds_one_target(world) -> None:
    plan = _start(world)
    client = world.client("sendco")
    url = reverse("interventions:plan_target_add", args=[plan.pk])
    data = {"form_key": str(uuid.uuid4()), "wording": "Counts to 20", "area": "CL"}
    first, again = client.post(url, data), client.post(url, data)
    assert first["Location"] == again["Location"] == reverse("interventions:plan", args=[plan.pk])
    assert plan.targets.count() == 1


def test_targets_link_only_the_pupils_own_interventions(world) -> None:
    plan = _start(world)
    attends = InterventionFactory(school=world.school, name="Reading booster (Tue)")
    EnrolmentFactory(intervention=attends, pupil=world.pupil)
    elsewhere = InterventionFactory(school=world.school, name="Maths group")
    target = _add_target(world, plan, interventions=[attends], due_on=_today())
    assert list(target.interventions.values_list("name", flat=True)) == ["Reading booster (Tue)"]
    with pytest.raises(ValidationError) as refused:
        _add_target(world, plan, wording="Another", interventions=[elsewhere])
    assert "this pupil attends" in refused.value.message_dict["interventions"][0]


def test_target_edit_with_an_old_page_is_refused(world) -> None:
    plan = _start(world)
    target = _add_target(world, plan)
    opened = plan_services.target_edit_token(target)
    plan_services.plan_target_update(
        target=target, by=world.users["sendco"], seen=opened, wording="Reads twenty words"
    )
    with pytest.raises(PlanConflict, match="changed this target in another window"):
        plan_services.plan_target_update(
            target=target, by=world.users["sendco"], seen=opened, baseline="Five words"
        )
    target.refresh_from_db()
    assert (target.wording, target.baseline) == ("Reads twenty words", "")


def test_a_scored_target_cannot_be_removed_or_changed(world) -> None:
    plan = _start(world)
    target = _add_target(world, plan)
    PlanTarget.objects.filter(pk=target.pk).update(outcome=PlanTarget.Outcome.PARTLY)
    with pytest.raises(PlanError, match="scored at a review"):
        plan_services.plan_target_remove(target=target, by=world.users["sendco"])
    with pytest.raises(PlanError, match="scored at a review"):
        plan_services.plan_target_update(
            target=target, by=world.users["sendco"], seen="", wording="New"
        )
    assert PlanTarget.objects.filter(pk=target.pk, wording="Reads ten words on sight").exists()


def test_removing_a_target_keeps_it_in_the_agreed_version(world) -> None:
    plan = _start(world)
    keep = _add_target(world, plan, wording="Keeps this one")
    drop = _add_target(world, plan, wording="Drops this one")
    version, _ = _agree(world, plan)
    token = plan_services.target_edit_token(drop)
    assert plan_services.plan_target_remove(target=drop, by=world.users["sendco"], seen=token)
    assert not plan_services.plan_target_remove(target=drop, by=world.users["sendco"], seen=token)
    assert list(plan.targets.values_list("pk", flat=True)) == [keep.pk]
    version.refresh_from_db()
    assert [t["wording"] for t in version.snapshot["targets"]] == [
        "Keeps this one",
        "Drops this one",
    ]


# --- The pages ----------------------------------------------------------------------------------


def test_sendco_starts_fills_in_and_agrees_a_plan_through_the_pages(world) -> None:
    client = world.client("sendco")
    kind = _kind()
    key = str(uuid.uuid4())
    start = reverse("interventions:plan_start_for", args=[world.pupil.pk])
    assert client.get(start).status_code == 200
    data = {
        "form_key": key,
        "kind": kind.pk,
        "owner": world.users["sendco"].pk,
        "next_review_on": (_today() + dt.timedelta(days=60)).isoformat(),
        "needs_summary": "Needs help to start tasks",
        "strategies": "Chunk the task",
    }
    response = client.post(start, data)
    plan = SupportPlan.objects.get(pupil=world.pupil)
    assert response["Location"] == reverse("interventions:plan", args=[plan.pk])
    assert client.post(start, data)["Location"] == response["Location"]  # a double click
    assert SupportPlan.objects.count() == 1

    add = reverse("interventions:plan_target_add", args=[plan.pk])
    target_key = str(uuid.uuid4())
    for _ in range(2):  # the same form twice adds one target
        client.post(add, {"form_key": target_key, "wording": "Reads ten words", "area": "CL"})
    assert list(plan.targets.values_list("wording", flat=True)) == ["Reads ten words"]

    edit = reverse("interventions:plan_edit", args=[plan.pk])
    plan.refresh_from_db()
    response = client.post(
        edit,
        {
            "seen": plan_services.plan_edit_token(plan),
            "owner": world.users["sendco"].pk,
            "next_review_on": (_today() + dt.timedelta(days=60)).isoformat(),
            "needs_summary": "Needs help to start tasks",
            "strategies": "Chunk the task",
            "pupil_voice": "I like lists",
            "pupil_voice_on": _today().isoformat(),
            "pupil_voice_how": "Drawing and talk",
            "parent_voice": "Homework is calmer",
            "parent_voice_on": _today().isoformat(),
            "parent_voice_how": "Phone call",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.pupil_voice, plan.parent_voice_how) == ("I like lists", "Phone call")

    agree = reverse("interventions:plan_agree", args=[plan.pk])
    page = client.get(agree)
    assert "Agree version 1" in page.content.decode()
    response = client.post(agree, {"seen": page.context["seen"]})
    assert response["Location"] == reverse("interventions:plan_version", args=[plan.pk, 1])
    version_page = client.get(response["Location"]).content.decode()
    assert "Version 1" in version_page and "I like lists" in version_page
    assert "Homework is calmer" in version_page and "Communication" not in version_page
    assert "Cognition and learning" in version_page


def test_the_edit_page_refuses_a_stale_save_with_a_message(world) -> None:
    plan = _start(world)
    opened = plan_services.plan_edit_token(plan)
    _update(world, plan, seen=opened, strategies="Saved first")
    response = world.client("sendco").post(
        reverse("interventions:plan_edit", args=[plan.pk]),
        {"seen": opened, "owner": world.users["sendco"].pk, "strategies": "Saved second"},
    )
    assert response.status_code == 200
    assert "changed this plan in another window" in response.content.decode()
    plan.refresh_from_db()
    assert plan.strategies == "Saved first"


def test_a_closed_plan_sends_the_editor_back_with_a_reason(world) -> None:
    plan = _start(world)
    SupportPlan.objects.filter(pk=plan.pk).update(status=SupportPlan.Status.CLOSED)
    client = world.client("sendco")
    for name in ("plan_edit", "plan_target_add", "plan_agree"):
        response = client.get(reverse(f"interventions:{name}", args=[plan.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("interventions:plan", args=[plan.pk])
        assert "This plan is closed" in response.content.decode()


def test_agree_page_says_what_is_missing_instead_of_offering_to_agree(world) -> None:
    plan = _start(world, next_review_on=None)
    page = world.client("sendco").get(reverse("interventions:plan_agree", args=[plan.pk]))
    text = page.content.decode()
    assert "Add at least one target." in text and "Set the next review date." in text
    assert "Agree version 1</button>" not in text


def test_a_target_can_be_edited_and_removed_through_the_pages(world) -> None:
    plan = _start(world)
    target = _add_target(world, plan)
    client = world.client("sendco")
    edit = reverse("interventions:plan_target_edit", args=[plan.pk, target.pk])
    seen = client.get(edit).context["form"].initial["seen"]
    client.post(edit, {"seen": seen, "wording": "Reads twenty words", "area": "CL"})
    target.refresh_from_db()
    assert target.wording == "Reads twenty words"
    remove = reverse("interventions:plan_target_remove", args=[plan.pk, target.pk])
    seen = client.get(remove).context["seen"]
    assert client.post(remove, {"seen": seen}).status_code == 302
    assert not plan.targets.exists()
    again = client.post(remove, {"seen": seen}, follow=True)  # a second click
    assert "That target was removed already." in again.content.decode()


def _list(client, **params) -> list[str]:
    response = client.get(reverse("interventions:plan_list"), params)
    return [plan.pupil.legal_surname for plan in response.context["page"]]


def test_plan_list_puts_overdue_reviews_first_and_filters(world) -> None:
    pupils = {
        name: PupilFactory(school=world.school, legal_surname=name)
        for name in ("Soon", "Late", "Done", "Later")
    }
    _start(world, pupil=pupils["Soon"], next_review_on=_today() + dt.timedelta(days=10))
    late = _start(world, pupil=pupils["Late"], next_review_on=_today() + dt.timedelta(days=1))
    SupportPlan.objects.filter(pk=late.pk).update(next_review_on=_today() - dt.timedelta(5))
    done = _start(world, pupil=pupils["Done"])
    SupportPlan.objects.filter(pk=done.pk).update(status=SupportPlan.Status.CLOSED)
    _start(world, pupil=pupils["Later"], kind=_kind("BSP"), next_review_on=None)
    client = world.client("sendco")
    assert _list(client) == ["Late", "Soon", "Later"]
    assert _list(client, status="CLOSED") == ["Done"]
    assert _list(client, status="all") == ["Late", "Soon", "Done", "Later"]
    assert _list(client, kind=_kind("BSP").pk) == ["Later"]
    assert _list(client, status="nonsense") == ["Late", "Soon", "Later"]
    page = client.get(reverse("interventions:plan_list")).content.decode()
    assert "1 review overdue" in page


def test_plan_list_shows_others_only_the_plans_of_pupils_they_see(world) -> None:
    _start(world)
    theirs = PupilFactory(school=world.school, legal_surname="Notmine")
    _start(world, pupil=theirs)
    # The teacher teaches world.pupil in a class, not the other pupil.
    assert _list(world.client("teacher")) == [world.pupil.legal_surname]
    assert sorted(_list(world.client("sendco"))) == sorted([world.pupil.legal_surname, "Notmine"])
    assert _list(world.client("lsa_caseload")) == [world.pupil.legal_surname]
    assert _list(world.client("lsa_no_caseload")) == []
    page = world.client("lsa_caseload").get(reverse("interventions:plan_list")).content.decode()
    assert "Start a plan" not in page


@pytest.mark.parametrize("n", [2, 12])
def test_plan_list_has_a_fixed_query_budget(world, django_assert_max_num_queries, n) -> None:
    for _ in range(n):
        pupil = PupilFactory(school=world.school)
        assign(pupil, world.users["lsa_caseload"])
        _start(world, pupil=pupil)
    client = world.client("sendco")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("interventions:plan_list"))
    assert len(response.context["page"]) == n


def test_version_page_is_read_only_for_those_who_see_the_pupil(world) -> None:
    plan = _start(world)
    _add_target(world, plan)
    _agree(world, plan)
    url = reverse("interventions:plan_version", args=[plan.pk, 1])
    page = world.client("teacher").get(url).content.decode()
    assert "Reads ten words on sight" in page and "<form" not in page.split("<main")[1]
    assert (
        world.client("sendco")
        .get(reverse("interventions:plan_version", args=[plan.pk, 2]))
        .status_code
        == 404
    )


def test_start_page_without_a_pupil_offers_only_pupils_in_the_school(world) -> None:
    elsewhere = SchoolFactory()
    PupilFactory(school=elsewhere, legal_surname="Otherschool")
    form = world.client("sendco").get(reverse("interventions:plan_start")).context["form"]
    assert list(form.fields["pupil"].queryset) == [world.pupil]


def test_pupil_plans_section_offers_start_a_plan_when_allowed(world) -> None:
    # The pupil page's plans section shows the button once its tag passes the pupil and may_start.
    context = {"show": True, "plans": [], "parent_meetings": 0, "pupil": world.pupil}
    url = reverse("interventions:plan_start_for", args=[world.pupil.pk])
    shown = render_to_string("interventions/plans/pupil_plans.html", {**context, "may_start": True})
    hidden = render_to_string("interventions/plans/pupil_plans.html", context)
    assert f'href="{url}">Start a plan</a>' in shown
    assert "Start a plan" not in hidden
