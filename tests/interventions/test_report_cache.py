"""Heavy reports (the provision map, what works) are added up once and kept a few minutes
(interventions.insight.report_cache): the page says when, a click works them out afresh, and
nothing is shared across schools or across what people may see."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import Intervention
from staff.models import Role
from tests.factories import member
from tests.interventions.test_sendco_dashboard import NOON, Clinic, _client, clinic

pytestmark = pytest.mark.django_db

MAP = reverse("interventions:sendco_provision")


@pytest.fixture
def c() -> Clinic:
    return clinic()


def _queries(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@time_machine.travel(NOON, tick=False)
def test_the_map_is_kept_says_when_and_is_worked_out_again_on_request(c: Clinic) -> None:
    client = _client(c.sendco)
    first, worked_out = _queries(client, MAP)
    assert "Y7 reading booster" in first and "Figures worked out at 12:00" in first
    Intervention.objects.filter(name="Y7 reading booster").update(name="Y7 reading club")
    again, kept = _queries(client, MAP)
    # Kept: the old figures, marked as kept, for far fewer queries.
    assert "Y7 reading booster" in again and "kept for a few minutes" in again
    assert kept < worked_out - 10
    # "Work them out again now" adds everything up afresh.
    fresh, _ = _queries(client, MAP + "?refresh=1")
    assert "Y7 reading club" in fresh and "kept for a few minutes" not in fresh


@time_machine.travel(NOON, tick=False)
def test_nothing_kept_is_shared_across_schools_terms_or_roles(c: Clinic) -> None:
    _client(c.sendco).get(MAP)
    elsewhere = member(c.other_school, Role.SENDCO, full_name="Oli Othersendco")
    theirs, _ = _queries(_client(elsewhere), MAP)
    assert "Y7 reading booster" not in theirs
    # Another term is its own report; the head (other roles) gets their own figures.
    autumn, _ = _queries(_client(c.sendco), MAP + "?term=2025-AUTUMN")
    assert "Autumn spelling" in autumn and "kept for a few minutes" not in autumn
    head, _ = _queries(_client(c.head), MAP)
    assert "kept for a few minutes" not in head


@time_machine.travel(NOON, tick=False)
def test_what_works_is_kept_too_and_can_be_turned_off(c: Clinic, settings) -> None:
    url = reverse("interventions:what_works")
    client = _client(c.sendco)
    _queries(client, url)
    kept, _ = _queries(client, url)
    assert "kept for a few minutes" in kept
    settings.SEND_HUB_REPORT_CACHE_SECONDS = 0
    fresh, _ = _queries(client, url)
    assert "Figures worked out at" in fresh and "kept for a few minutes" not in fresh


@time_machine.travel(NOON, tick=False)
def test_the_dashboard_figures_are_kept_but_its_flag_lists_and_safeguarding_tile_are_live(
    c: Clinic,
) -> None:
    dashboard = reverse("interventions:sendco")
    no_session = reverse("interventions:sendco_flag", args=["no-session"])
    client = _client(c.sendco)
    first, worked_out = _queries(client, dashboard)
    assert "Figures worked out at 12:00" in first and "Lee Testone" in first
    member_row = c.lsa1.memberships.get()
    member_row.user.full_name = "Lee Renamed"
    member_row.user.save()
    again, kept = _queries(client, dashboard)
    assert "Lee Testone" in again and "kept for a few minutes" in again
    assert kept < worked_out - 10
    # The list behind a flag is where the SENDCo acts: never kept.
    listed = client.get(no_session).content.decode()
    assert "kept for a few minutes" not in listed
    fresh, _ = _queries(client, dashboard + "?refresh=1")
    assert "Lee Renamed" in fresh and "kept for a few minutes" not in fresh
    # Kept per person: the head works out their own.
    head, _ = _queries(_client(c.head), dashboard)
    assert "kept for a few minutes" not in head
