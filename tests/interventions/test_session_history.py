"""An intervention's page shows its latest sessions; the whole year is a click away, paged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from interventions.delivery.views import SESSIONS_SHOWN
from interventions.delivery.views import interventions as intervention_views
from tests.interventions.factories import EnrolmentFactory, InterventionFactory, deliver

pytestmark = pytest.mark.django_db


def _year_of_sessions(world, count: int):
    intervention = InterventionFactory(school=world.school, lead=world.users["lsa_caseload"])
    EnrolmentFactory(intervention=intervention, pupil=world.pupil)
    today = timezone.localdate()
    for n in range(count):
        deliver(intervention, today - dt.timedelta(days=n), attendance={world.pupil: "PRESENT"})
    return intervention


def test_the_page_shows_the_latest_and_links_to_every_session(world) -> None:
    intervention = _year_of_sessions(world, SESSIONS_SHOWN + 5)
    client = world.client("sendco")
    page = client.get(reverse("interventions:detail", args=[intervention.pk]))
    assert len(page.context["sessions"]) == SESSIONS_SHOWN
    history = reverse("interventions:sessions", args=[intervention.pk])
    assert f'href="{history}">All {SESSIONS_SHOWN + 5} sessions</a>' in page.content.decode()
    listed = client.get(history)
    assert listed.status_code == 200
    dates = [s.date for s in listed.context["page"]]
    assert len(dates) == SESSIONS_SHOWN + 5
    assert dates == sorted(dates, reverse=True)


def test_a_short_history_has_no_link(world) -> None:
    intervention = _year_of_sessions(world, 2)
    page = world.client("sendco").get(reverse("interventions:detail", args=[intervention.pk]))
    assert "All 2 sessions" not in page.content.decode()


@pytest.mark.parametrize("sessions", [3, 12])
def test_history_is_paged_with_a_fixed_query_count(
    world, monkeypatch, django_assert_max_num_queries, sessions
) -> None:
    monkeypatch.setattr(intervention_views, "HISTORY_PAGE_SIZE", 5)
    intervention = _year_of_sessions(world, sessions)
    client = world.client("sendco")
    url = reverse("interventions:sessions", args=[intervention.pk])
    client.get(url)
    with django_assert_max_num_queries(16):
        first = client.get(url)
    assert len(first.context["page"]) == min(5, sessions)
    last = client.get(url, {"page": 99})  # past the end: the last page, never an error
    assert last.context["page"].number == first.context["page"].paginator.num_pages
