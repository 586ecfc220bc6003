"""A long chronology opens at its latest entries, with the whole file one click away."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
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


def _key(entry) -> tuple:
    concern = entry.concern.pk if entry.concern else None
    return (entry.when, entry.kind, entry.obj.pk, concern, entry.date_only)


def test_the_latest_entries_built_alone_are_the_full_files_last_entries(world) -> None:
    """The page builds only the newest entries (from their moments first); whatever the window,
    they are exactly the full chronology's last ones, with the same concern on each."""
    from safeguarding import chronology, services
    from safeguarding.models import Addendum, Involvement, Status
    from tests.factories import PupilFactory

    dsl = world.users["dsl"]
    sibling = PupilFactory(school=world.school)
    start = timezone.now() - dt.timedelta(days=60)
    concerns = []
    with time_machine.travel(start, tick=False):
        for days in (50, 40, 30, 20):  # back-dated: they slot in when they happened
            concerns.append(
                make_concern(
                    world,
                    occurred_at=start - dt.timedelta(days=days),
                    others=((sibling, Involvement.WITNESS, ("neglect",)),),
                )
            )
    sibling_link = concerns[0].links.get(pupil=sibling)
    for day, concern in enumerate(concerns * 3):
        with time_machine.travel(start + dt.timedelta(days=day + 1, hours=day % 5), tick=False):
            if day % 3 == 0:
                services.addendum_add(concern=concern, by=dsl, text=f"Addition {day}.")
            elif day % 3 == 1:
                services.decision_record(
                    concern=concern, by=dsl, status=Status.IN_PROGRESS, rationale=f"Day {day}."
                )
            else:
                action = services.action_add(
                    concern=concern,
                    by=dsl,
                    description=f"Check in {day}",
                    owner=dsl,
                    due_on=timezone.localdate() + dt.timedelta(days=3),
                )
                services.action_update_add(action=action, by=dsl, outcome="Done.", completed=True)
    # A case note about the witness only is on their file, not this child's.
    with time_machine.travel(start + dt.timedelta(days=20), tick=False):
        services.addendum_add(
            concern=concerns[0],
            by=dsl,
            text="About the witness only.",
            kind=Addendum.Kind.CASE_NOTE,
            children=[sibling_link],
        )
        referral = services.referral_add(
            concern=concerns[1],
            by=dsl,
            pupil=world.pupil,
            agency="SOCIAL_CARE",
            referred_on=timezone.localdate() - dt.timedelta(days=2),
            rationale="Threshold met.",
        )
        services.referral_update_add(
            referral=referral, by=dsl, outcome="Assessment.", outcome_on=timezone.localdate()
        )
        services.flag_set(pupil=world.pupil, by=dsl, on=True, reason="Check in daily.")

    full = chronology.build(world.pupil)
    assert full.total == len(full.entries) > 20
    assert "About the witness only." not in [getattr(e.obj, "text", "") for e in full.entries]
    for latest in (1, 2, 3, 5, 8, 13, 21, full.total, full.total + 5):
        window = chronology.build(world.pupil, latest=latest)
        assert window.total == full.total
        want = [_key(e) for e in full.entries[-latest:]]
        assert [_key(e) for e in window.entries[-latest:]] == want, latest
        # The open actions box reads every action, windowed or not.
        assert [a.pk for a in window.open_actions] == [a.pk for a in full.open_actions]
