"""The trust view: each school of a trust side by side for people with a trust-wide role, and
pupil-level pages only in the schools where they also hold a role."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staff.models import Role, TrustRole
from tests.conftest import World
from tests.factories import PupilFactory, SchoolFactory, TrustFactory, UserFactory, member
from tests.interventions.factories import EnrolmentFactory
from tests.interventions.test_what_works import AUTUMN, autumn, gbo

pytestmark = pytest.mark.django_db

URL = reverse("interventions:trust")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _trust_lead(world: World, *roles: str) -> Any:
    """A trust SEND lead: with ``roles`` in world.school (none: a role in no school)."""
    user = member(world.school, *roles) if roles else UserFactory()
    TrustRole.objects.create(user=user, trust=world.school.trust, role=TrustRole.Role.SEND_LEAD)
    return user


def _rows(response: Any) -> dict[str, dict[str, Any]]:
    return {row["school"].name: row for row in response.context["schools"]}


def test_a_trust_lead_sees_every_school_of_the_trust_side_by_side(world: World) -> None:
    autumn(world)
    SchoolFactory(name="Another Trust School", trust=TrustFactory(name="Other Trust"))
    response = _client(_trust_lead(world)).get(URL, {"term": AUTUMN})
    assert response.status_code == 200
    rows = _rows(response)
    assert set(rows) == {"Brookfield Test School", "Elsewhere Test School"}
    mine = rows["Brookfield Test School"]
    # world.pupil (K) is the only pupil on the register; 12 on roll (world.pupil, autumn's 11).
    assert (mine["roll"], mine["sen_support"], mine["ehcp"]) == (12, 1, 0)
    assert (mine["groups"], mine["pupils"], str(mine["cost"])) == (2, 10, "144.00")
    assert mine["what_works"]["completed"]["n"] == 7
    assert mine["what_works"]["reliable"]["shown"] == "50%"
    assert mine["what_works"]["cost_per_reliable"] == "£48.00"
    theirs = rows["Elsewhere Test School"]
    assert theirs["what_works"]["completed"]["n"] == 1
    assert theirs["what_works"]["small_label"].startswith("fewer than 5")
    kinds = {k["name"]: k for k in response.context["kinds"]}
    assert kinds["Literacy"]["completed"]["n"] == 6
    assert kinds["Literacy"]["reliable_of"] == "3 of 6"
    html = response.content.decode()
    assert "Testpupil" not in html and world.pupil.legal_surname not in html
    assert "<svg" in html


def test_links_open_only_schools_where_the_person_holds_a_role(world: World) -> None:
    lead = _trust_lead(world, Role.SENDCO)
    client = _client(lead)
    response = client.get(URL)
    rows = _rows(response)
    assert rows["Brookfield Test School"]["link"] == {
        "current": True,
        "url": reverse("interventions:what_works"),
    }
    assert rows["Elsewhere Test School"]["link"] is None
    html = response.content.decode()
    assert f'href="{reverse("interventions:what_works")}"' in html
    assert f'name="school" value="{world.other_school.pk}"' not in html
    # No way round it: the other school cannot be chosen, and its pupils stay out of reach.
    client.post(reverse("staff:choose_school"), {"school": world.other_school.pk})
    assert client.get(reverse("pupils:detail", args=[world.other_pupil.pk])).status_code == 404


def test_a_school_where_the_lead_holds_a_role_but_is_not_working_now_is_a_form(
    world: World,
) -> None:
    lead = _trust_lead(world, Role.SENDCO)
    from staff.services import membership_grant

    membership_grant(user=lead, school=world.other_school, roles=[Role.TEACHER])
    client = _client(lead)
    session = client.session
    session["send_hub_school_id"] = world.school.pk
    session.save()
    rows = _rows(client.get(URL))
    assert rows["Elsewhere Test School"]["link"] == {
        "current": False,
        "url": reverse("core:today"),  # a teacher there: not the what-works page
    }


def test_without_an_active_trust_role_the_answer_is_403(world: World) -> None:
    assert world.client("sendco").get(URL).status_code == 403
    lead = _trust_lead(world)
    TrustRole.objects.filter(user=lead).update(active=False)
    assert _client(lead).get(URL).status_code == 403
    assert world.client("anonymous").get(URL).status_code == 302


def test_a_made_up_term_gets_a_clear_message(world: World) -> None:
    response = _client(_trust_lead(world)).get(URL, {"term": "2025-WINTER"})
    assert response.status_code == 200
    assert "Choose a term from the list" in response.content.decode()


def test_the_query_budget_does_not_grow_with_pupils(world: World) -> None:
    a = autumn(world)
    client = _client(_trust_lead(world))
    client.get(URL, {"term": AUTUMN})
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"term": AUTUMN})
    for _ in range(10):
        e = EnrolmentFactory(intervention=a.reading_group, pupil=PupilFactory(school=a.school))
        gbo(e, (1,), (5,))
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"term": AUTUMN})
    assert _rows(response)["Brookfield Test School"]["what_works"]["completed"]["n"] == 17
    assert len(many) == len(few) <= 40


def test_the_menu_offers_the_trust_view_only_to_trust_roles(world: World) -> None:
    lead = _trust_lead(world, Role.SENDCO)
    today = reverse("core:today")
    assert "Across the trust" in _client(lead).get(today).content.decode()
    assert "Across the trust" not in world.client("sendco").get(today).content.decode()
