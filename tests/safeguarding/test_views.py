"""Raising a concern, reading it, and the DSL team's casework, through the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pupils.models import Pupil
from safeguarding import services
from safeguarding.models import (
    Addendum,
    Alert,
    Concern,
    Decision,
    FileAccess,
    Involvement,
    Referral,
    SafeguardingSettings,
    Status,
)
from staff.models import AuditEvent, Role
from tests.factories import TEST_PASSWORD, PupilFactory, member
from tests.safeguarding.helpers import concern_post, make_concern

pytestmark = pytest.mark.django_db


def test_raise_page_keeps_the_999_line_and_names_the_dsl_team(world) -> None:
    response = world.client("lsa_no_caseload").get(reverse("safeguarding:raise"))
    content = response.content.decode()
    assert "call 999 now" in content
    assert world.users["dsl"].full_name in content
    assert 'name="idempotency_key"' in content


def test_a_teacher_raises_a_concern_and_sees_what_they_sent(world) -> None:
    client = world.client("teacher")
    marks = [{"side": "front", "x": 40.5, "y": 30, "note": "Bruise, 2 cm"}]
    data = concern_post(world.pupil, urgent="on", body_map=json.dumps(marks))
    response = client.post(reverse("safeguarding:raise"), data)
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("safeguarding:concern", args=[concern.pk])
    assert concern.reporter == world.users["teacher"]
    assert concern.urgent
    assert concern.body_map == marks
    assert concern.recorded_at > concern.occurred_at - dt.timedelta(minutes=1)
    page = client.get(response["Location"]).content.decode()
    assert "Saw a bruise on the left forearm during PE." in page
    assert "I fell off my bike." in page
    assert "who have been alerted" in page
    assert FileAccess.objects.filter(concern=concern, user=world.users["teacher"]).exists()
    # The DSL was alerted in the same request.
    alert = Alert.objects.get(recipient=world.users["dsl"])
    assert alert.concern == concern and alert.urgent


def test_the_same_form_sent_twice_is_one_concern(world) -> None:
    client = world.client("teacher")
    data = concern_post(world.pupil)
    first = client.post(reverse("safeguarding:raise"), data)
    second = client.post(reverse("safeguarding:raise"), data)
    assert Concern.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert Alert.objects.filter(kind=Alert.Kind.NEW_CONCERN).count() == 1


def test_a_concern_needs_a_category_for_the_child_of_concern(world) -> None:
    data = concern_post(world.pupil)
    del data[f"categories_{world.pupil.pk}"]
    response = world.client("teacher").post(reverse("safeguarding:raise"), data)
    assert response.status_code == 200
    assert "Choose at least one category" in response.content.decode()
    assert not Concern.objects.exists()


def test_a_body_map_out_of_bounds_is_refused(world) -> None:
    bad = json.dumps([{"side": "front", "x": 140, "y": 30, "note": ""}])
    response = world.client("teacher").post(
        reverse("safeguarding:raise"), concern_post(world.pupil, body_map=bad)
    )
    assert response.status_code == 200
    assert "outside the outline" in response.content.decode()
    assert not Concern.objects.exists()


def test_without_javascript_the_form_searches_and_adds_pupils_keeping_what_was_typed(
    world,
) -> None:
    other = PupilFactory(school=world.school, legal_forename="Zebedee", legal_surname="Quill")
    client = world.client("lsa_no_caseload")  # no caseload: may still link any pupil
    data = concern_post(world.pupil, action="search", q="quill")
    response = client.post(reverse("safeguarding:raise"), data)
    content = response.content.decode()
    assert "Zebedee Quill" in content
    assert "Saw a bruise on the left forearm during PE." in content  # nothing typed is lost
    data = concern_post(world.pupil, add_pupil=str(other.pk))
    content = client.post(reverse("safeguarding:raise"), data).content.decode()
    assert f'name="involvement_{other.pk}"' in content
    assert f'name="involvement_{world.pupil.pk}"' in content
    assert not Concern.objects.exists()
    data = concern_post(world.pupil, remove_pupil=str(world.pupil.pk))
    content = client.post(reverse("safeguarding:raise"), data).content.decode()
    assert f'name="involvement_{world.pupil.pk}"' not in content


def test_pupil_search_gives_names_and_year_of_this_school_only(world) -> None:
    PupilFactory(school=world.school, legal_forename="Olwen", legal_surname="Searchable")
    PupilFactory(school=world.other_school, legal_forename="Olwen", legal_surname="Elsewhere")
    response = world.client("elsa").post(reverse("safeguarding:pupil_search"), {"q": "olwen"})
    content = response.content.decode()
    assert "Olwen Searchable" in content and "Year 8" in content
    assert "Elsewhere" not in content
    pupil = Pupil.objects.get(legal_surname="Searchable")
    assert pupil.upn not in content and str(pupil.date_of_birth.year) not in content


def test_picking_a_pupil_returns_their_own_questions(world) -> None:
    response = world.client("teacher").post(
        reverse("safeguarding:pupil_pick"), {"add_pupil": world.pupil.pk}
    )
    content = response.content.decode()
    assert f'name="categories_{world.pupil.pk}"' in content
    foreign = world.client("teacher").post(
        reverse("safeguarding:pupil_pick"), {"add_pupil": world.other_pupil.pk}
    )
    assert "categories_" not in foreign.content.decode()


def test_the_reporter_sees_only_what_they_submitted(world) -> None:
    concern = make_concern(world)
    dsl = world.users["dsl"]
    services.decision_record(
        concern=concern, by=dsl, status=Status.IN_PROGRESS, rationale="DSL-ONLY-RATIONALE"
    )
    services.addendum_add(
        concern=concern, by=dsl, text="DSL-ONLY-NOTE", kind=Addendum.Kind.CASE_NOTE
    )
    other = make_concern(world, reporter=world.users["elsa"], text="SOMEONE-ELSES-CONCERN")
    client = world.client("teacher")
    page = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "Came in without a coat" in page
    assert "DSL-ONLY-RATIONALE" not in page and "DSL-ONLY-NOTE" not in page
    assert "Record a decision" not in page
    mine = client.get(reverse("safeguarding:mine")).content.decode()
    assert concern.reference in mine and other.reference not in mine
    assert client.get(reverse("safeguarding:concern", args=[other.pk])).status_code == 404
    assert client.get(reverse("safeguarding:queue")).status_code == 403


def test_the_reporter_adds_to_their_concern_and_the_dsl_is_alerted(world) -> None:
    concern = make_concern(world)
    client = world.client("teacher")
    response = client.post(
        reverse("safeguarding:addendum_add", args=[concern.pk]),
        {
            "addendum-kind": "CORRECTION",
            "addendum-part": "WHAT_HAPPENED",
            "addendum-text": "It was Tuesday, not Monday.",
        },
    )
    assert response.status_code == 302
    addendum = Addendum.objects.get()
    assert addendum.author == world.users["teacher"] and addendum.part == "WHAT_HAPPENED"
    assert Alert.objects.filter(kind=Alert.Kind.ADDED, recipient=world.users["dsl"]).exists()
    page = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "It was Tuesday, not Monday." in page
    # A case note is the DSL team's; the form does not offer it and the service refuses it.
    client.post(
        reverse("safeguarding:addendum_add", args=[concern.pk]),
        {"addendum-kind": "CASE_NOTE", "addendum-part": "GENERAL", "addendum-text": "x"},
    )
    assert Addendum.objects.count() == 1


@pytest.mark.parametrize("persona", ["sendco", "hr_admin", "lsa_caseload", "elsa", "other_school"])
def test_nobody_outside_the_dsl_team_sees_a_concern(world, persona) -> None:
    concern = make_concern(world)
    client = world.client(persona)
    assert client.get(reverse("safeguarding:concern", args=[concern.pk])).status_code == 404
    assert concern.reference not in client.get(reverse("safeguarding:mine")).content.decode()


def test_the_head_sees_concerns_only_if_the_school_says_so(world) -> None:
    head = member(world.school, Role.HEAD)
    concern = make_concern(world)
    client = world.client("anonymous")
    client.force_login(head)
    url = reverse("safeguarding:concern", args=[concern.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("safeguarding:queue")).status_code == 403
    SafeguardingSettings.objects.create(school=world.school, head_sees_concerns=True)
    page = client.get(url)
    assert page.status_code == 200
    assert "Record a decision" not in page.content.decode()  # reading, not casework
    assert client.get(reverse("safeguarding:queue")).status_code == 200
    assert (
        client.post(
            reverse("safeguarding:decision_add", args=[concern.pk]),
            {"decision-status": "CLOSED", "decision-rationale": "No"},
        ).status_code
        == 403
    )


def test_the_dsl_triages_acts_refers_and_closes(world) -> None:
    concern = make_concern(world)
    dsl = world.client("dsl")
    url = reverse("safeguarding:concern", args=[concern.pk])
    child = concern.links.get().pk  # the forms ask which children each record is about
    page = dsl.get(url).content.decode()
    assert "Not yet triaged" in page
    response = dsl.post(
        reverse("safeguarding:decision_add", args=[concern.pk]),
        {
            "decision-status": "IN_PROGRESS",
            "decision-risk": "MEDIUM",
            "decision-rationale": "Pattern of missed meals; speak to parent.",
            "decision-children": child,
        },
    )
    assert response.status_code == 302
    response = dsl.post(
        reverse("safeguarding:action_add", args=[concern.pk]),
        {
            "action-description": "Phone parent about meals",
            "action-owner": world.users["dsl"].pk,
            "action-due_on": timezone.localdate().isoformat(),
            "action-children": child,
        },
    )
    assert response.status_code == 302
    action = concern.actions.get()
    dsl.post(
        reverse("safeguarding:action_update", args=[concern.pk, action.pk]),
        {"outcome": "Spoke to mum; food bank referral made.", "completed": "on"},
    )
    assert action.updates.get().completed
    response = dsl.post(
        reverse("safeguarding:referral_add", args=[concern.pk]),
        {
            "referral-pupil": world.pupil.pk,
            "referral-agency": "EARLY_HELP",
            "referral-referred_on": timezone.localdate().isoformat(),
            "referral-reference": "EH-123",
            "referral-rationale": "Family would benefit from early help.",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    dsl.post(
        reverse("safeguarding:referral_update", args=[concern.pk, referral.pk]),
        {"outcome": "Accepted by early help.", "outcome_on": timezone.localdate().isoformat()},
    )
    assert referral.updates.count() == 1
    latest = Decision.objects.get()
    # Closing without a rationale is refused, and nothing is written.
    response = dsl.post(
        reverse("safeguarding:decision_add", args=[concern.pk]),
        {
            "decision-status": "CLOSED",
            "decision-rationale": "",
            "decision-seen_decision": latest.pk,
        },
    )
    assert response.status_code == 200
    assert Decision.objects.count() == 1
    dsl.post(
        reverse("safeguarding:decision_add", args=[concern.pk]),
        {
            "decision-status": "CLOSED",
            "decision-rationale": "Early help in place; no further concerns.",
            "decision-children": child,
            "decision-seen_decision": latest.pk,
        },
    )
    assert Decision.objects.latest("decided_at", "pk").status == Status.CLOSED
    page = dsl.get(url).content.decode()
    assert "Add an action" not in page  # closed: reopen with a decision first
    codes = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "safeguarding.decision.recorded",
        "safeguarding.action.added",
        "safeguarding.action.updated",
        "safeguarding.referral.added",
        "safeguarding.referral.updated",
        "safeguarding.concern.viewed",
    } <= codes


def test_a_decision_made_meanwhile_by_a_colleague_is_not_overridden(world) -> None:
    concern = make_concern(world)
    dsl = world.client("dsl")
    colleague = member(world.school, Role.DSL)
    services.decision_record(concern=concern, by=colleague, status="REFERRED", rationale="Sent")
    response = dsl.post(
        reverse("safeguarding:decision_add", args=[concern.pk]),
        {
            "decision-status": "CLOSED",
            "decision-rationale": "Nothing to see",
            "decision-children": concern.links.get().pk,
        },
    )
    assert response.status_code == 200
    assert "while you were writing" in response.content.decode()
    assert Decision.objects.count() == 1


def test_the_page_is_not_shown_when_the_access_record_cannot_be_written(world, monkeypatch) -> None:
    concern = make_concern(world)

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(FileAccess.objects, "bulk_create", fail)
    with pytest.raises(DatabaseError):
        world.client("dsl").get(reverse("safeguarding:concern", args=[concern.pk]))


def test_the_chronology_slots_a_back_dated_concern_into_place_and_filters(world) -> None:
    now = timezone.now()
    sibling = PupilFactory(school=world.school, legal_forename="Sib", legal_surname="Ling")
    recent = make_concern(world, text="RECENT-ONE", occurred_at=now - dt.timedelta(days=1))
    old = make_concern(
        world,
        text="BACKDATED-ONE",
        categories=("online-safety",),
        occurred_at=now - dt.timedelta(days=30),
        others=((sibling, Involvement.WITNESS, ()),),
    )
    assert old.recorded_at > recent.recorded_at
    page = world.client("dsl").get(reverse("safeguarding:chronology", args=[world.pupil.pk]))
    content = page.content.decode()
    assert content.index("BACKDATED-ONE") < content.index("RECENT-ONE")
    assert "Recorded later" in content
    assert "Sib Ling" in content and "saw or heard what happened" in content
    filtered = world.client("dsl").get(
        reverse("safeguarding:chronology", args=[world.pupil.pk]), {"category": "online-safety"}
    )
    assert "BACKDATED-ONE" in filtered.content.decode()
    assert "RECENT-ONE" not in filtered.content.decode()
    # The sibling was only a witness: the online-safety category is not theirs.
    sibling_page = world.client("dsl").get(
        reverse("safeguarding:chronology", args=[sibling.pk]), {"category": "online-safety"}
    )
    assert "BACKDATED-ONE" not in sibling_page.content.decode()
    assert FileAccess.objects.filter(kind=FileAccess.Kind.CHRONOLOGY_VIEWED).count() == 3


def test_printing_the_chronology_needs_reauthentication_and_is_audited(world) -> None:
    make_concern(world)
    client = world.client("dsl")
    url = reverse("safeguarding:chronology_pdf", args=[world.pupil.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not FileAccess.objects.filter(kind=FileAccess.Kind.CHRONOLOGY_PRINTED).exists()
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert world.pupil.legal_surname not in response["Content-Disposition"]
    assert FileAccess.objects.filter(kind=FileAccess.Kind.CHRONOLOGY_PRINTED).count() == 1
    assert AuditEvent.objects.filter(action="safeguarding.chronology.printed").exists()


def test_the_dsl_sees_who_has_viewed_a_childs_file(world) -> None:
    concern = make_concern(world)
    world.client("teacher").get(reverse("safeguarding:concern", args=[concern.pk]))
    for _ in range(2):
        world.client("dsl").get(reverse("safeguarding:concern", args=[concern.pk]))
    page = world.client("dsl").get(reverse("safeguarding:access_log", args=[world.pupil.pk]))
    content = page.content.decode()
    assert escape(world.users["dsl"].full_name) in content  # names like O'Connor are escaped
    assert escape(world.users["teacher"].full_name) in content
    row = next(p for p in page.context["people"] if p["user__email"] == world.users["dsl"].email)
    assert row["n"] == 2


def test_the_neutral_flag_shows_on_the_pupil_page_without_detail(world) -> None:
    # Looked at before the flag is set: the page keeps what it read until the flag changes.
    url = reverse("pupils:detail", args=[world.pupil.pk])
    before = world.client("lsa_caseload").get(url).content.decode()
    assert "Speak to the DSL before contacting home." not in before
    dsl = world.client("dsl")
    dsl.post(
        reverse("safeguarding:flag_set", args=[world.pupil.pk]),
        {"on": "1", "reason": "FLAG-REASON-SECRET"},
    )
    page = world.client("lsa_caseload").get(reverse("pupils:detail", args=[world.pupil.pk]))
    content = page.content.decode()
    assert "Speak to the DSL before contacting home." in content
    assert "FLAG-REASON-SECRET" not in content
    assert "Safeguarding file" not in content  # the DSL's link is for the DSL team
    assert (
        "Safeguarding file"
        in dsl.get(reverse("pupils:detail", args=[world.pupil.pk])).content.decode()
    )
    dsl.post(
        reverse("safeguarding:flag_set", args=[world.pupil.pk]), {"on": "0", "reason": "Resolved"}
    )
    page = world.client("teacher").get(reverse("pupils:detail", args=[world.pupil.pk]))
    assert "Speak to the DSL before contacting home." not in page.content.decode()


def test_today_shows_the_dsl_their_alerts_and_queue(world) -> None:
    make_concern(world, urgent=True)
    page = world.client("dsl").get(reverse("core:today")).content.decode()
    assert "Safeguarding: your queue" in page
    assert "A new concern needs your attention" in page
    teacher = world.client("teacher").get(reverse("core:today")).content.decode()
    assert "Safeguarding: your queue" not in teacher


def test_the_queue_lists_urgent_concerns_first(world) -> None:
    calm = make_concern(world, text="CALM")
    urgent = make_concern(world, text="URGENT", urgent=True)
    later = make_concern(world, text="LATER")
    page = world.client("dsl").get(reverse("safeguarding:queue"))
    order = [row["pk"] for row in page.context["rows"]]
    assert order == [urgent.pk, later.pk, calm.pk]


def test_raise_a_concern_from_a_pupils_page_starts_with_that_pupil(world) -> None:
    client = world.client("lsa_caseload")
    pupil_page = client.get(reverse("pupils:detail", args=[world.pupil.pk])).content.decode()
    link = f"{reverse('safeguarding:raise')}?pupil={world.pupil.pk}"
    assert f'href="{link}"' in pupil_page
    form = client.get(link)
    assert form.status_code == 200
    linked = form.context["linked"]
    assert [r["pupil"] for r in linked] == [world.pupil]
    assert linked[0]["involvement"] == Involvement.CONCERN_FOR
    assert f'name="pupils" value="{world.pupil.pk}"' in form.content.decode()


@pytest.mark.parametrize("which", ["not_on_caseload", "other_school", "gone", "garbage"])
def test_a_pupil_the_person_cannot_see_is_simply_not_preselected(world, which) -> None:
    raw = {
        "not_on_caseload": world.pupil.pk,  # this LSA's caseload is empty
        "other_school": world.other_pupil.pk,
        "gone": world.other_pupil.pk + 1000,
        "garbage": "1; drop",
    }[which]
    response = world.client("lsa_no_caseload").get(reverse("safeguarding:raise"), {"pupil": raw})
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["linked"] == []
    assert 'name="pupils"' not in content
    assert "valid choice" not in content
    assert world.pupil.display_name not in content
    assert world.other_pupil.display_name not in content


def test_a_queue_row_names_its_pupils_and_their_categories_and_links_to_the_concern(
    world,
) -> None:
    sibling = PupilFactory(school=world.school)
    concern = make_concern(
        world,
        categories=("neglect",),
        others=((sibling, Involvement.SIBLING, ("emotional-abuse", "neglect")),),
    )
    page = world.client("dsl").get(reverse("safeguarding:queue")).content.decode()
    assert f'href="{reverse("safeguarding:concern", args=[concern.pk])}"' in page
    assert f"{world.pupil.display_name}, {sibling.display_name}" in page
    names = [c.name for link in concern.links.order_by("pk") for c in link.categories.all()]
    assert f"raised by {concern.reporter.full_name}" in page
    assert "".join(f" · {name}" for name in names) in page


def test_the_queue_shows_a_page_at_a_time_and_the_rest_is_a_click_away(world, monkeypatch) -> None:
    from safeguarding.views import file as file_views

    monkeypatch.setattr(file_views, "PAGE_SIZE", 2)
    concerns = [make_concern(world, text=f"CONCERN {n}") for n in range(5)]
    client = world.client("dsl")
    first = client.get(reverse("safeguarding:queue"))
    assert [row["pk"] for row in first.context["rows"]] == [c.pk for c in concerns[::-1][:2]]
    assert "5 concerns" in first.content.decode()
    assert 'href="?show=open&amp;page=2"' in first.content.decode()
    seen = []
    for number in (1, 2, 3):
        page = client.get(reverse("safeguarding:queue"), {"show": "open", "page": number})
        seen += [row["pk"] for row in page.context["rows"]]
    assert seen == [c.pk for c in concerns[::-1]]
    new = client.get(reverse("safeguarding:queue"), {"show": "new", "page": 3})
    assert [row["pk"] for row in new.context["rows"]] == [concerns[0].pk]
    # Past the end: the last page; not a number: the first. Each still counts the whole list.
    for raw, expected in (("9", [concerns[0].pk]), ("abc", [c.pk for c in concerns[:2:-1]])):
        page = client.get(reverse("safeguarding:queue"), {"page": raw})
        assert [row["pk"] for row in page.context["rows"]] == expected
        assert page.context["untriaged"] == 5 and "5 concerns" in page.content.decode()
    # The figure of untriaged concerns is the school's, whichever list is shown.
    urgent = client.get(reverse("safeguarding:queue"), {"show": "urgent"})
    assert urgent.context["untriaged"] == 5 and "0 concerns" in urgent.content.decode()
