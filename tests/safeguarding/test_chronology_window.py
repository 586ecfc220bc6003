"""A long chronology opens at its latest entries, with the whole file one click away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.views import file as file_views
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db


def test_a_long_chronology_shows_the_latest_entries_and_links_to_all(world, monkeypatch) -> None:
    monkeypatch.setattr(file_views, "CHRONOLOGY_SHOWN", 3)
    now = timezone.now()
    for days in range(5, 0, -1):  # five concerns, oldest first
        make_concern(
            world, text=f"Entry {days} days ago.", occurred_at=now - dt.timedelta(days=days)
        )
    client = world.client("dsl")
    url = reverse("safeguarding:chronology", args=[world.pupil.pk])
    page = client.get(url)
    assert [e.obj.what_happened for e in page.context["entries"]] == [
        "Entry 3 days ago.",
        "Entry 2 days ago.",
        "Entry 1 days ago.",
    ]
    content = page.content.decode()
    assert "Entry 5 days ago." not in content
    assert "Show all 5 entries" in content and "2 earlier" in content
    everything = client.get(url, {"all": "1"})
    assert len(everything.context["entries"]) == 5
    assert "Entry 5 days ago." in everything.content.decode()
    assert "Show all" not in everything.content.decode()


def test_a_short_chronology_has_no_link(world) -> None:
    make_concern(world)
    page = world.client("dsl").get(reverse("safeguarding:chronology", args=[world.pupil.pk]))
    assert page.context["earlier"] == 0
    assert "Show all" not in page.content.decode()
