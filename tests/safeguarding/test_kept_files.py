"""The DSL queue and a child's chronology are kept between looks, and never outlive a change (#16).

Each test looks as the DSL does, changes the school's safeguarding files the way the app does
(through the services, or a rename in the admin), and looks again: the next look shows it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding import services
from safeguarding.models import Addendum, Agency, Category, Risk, Status
from safeguarding.services.kept import files_changed
from tests.factories import PupilFactory
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db

# The chronology's count of a file's moments, and the queue's page of concerns.
CHRONOLOGY_SQL = 'AS "k"'
QUEUE_SQL = 'FROM "safeguarding_concern" LEFT OUTER JOIN "safeguarding_latestdecision"'


def _chronology(world, persona: str = "dsl", query: str = "") -> tuple[str, int]:
    """The page's HTML, and how many times it worked the chronology out."""
    url = reverse("safeguarding:chronology", args=[world.pupil.pk]) + query
    with CaptureQueriesContext(connection) as queries:
        response = world.client(persona).get(url)
    assert response.status_code == 200
    built = sum(CHRONOLOGY_SQL in q["sql"] for q in queries.captured_queries)
    return response.content.decode(), built


def _queue(world, query: str = "") -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = world.client("dsl").get(reverse("safeguarding:queue") + query)
    assert response.status_code == 200
    built = sum(QUEUE_SQL in q["sql"] for q in queries.captured_queries)
    return response.content.decode(), built


def test_a_second_look_works_nothing_out_again_but_is_still_recorded(world) -> None:
    make_concern(world, text="Arrived without breakfast, third time this week.")
    first, built = _chronology(world)
    assert built == 1 and "third time this week" in first
    again, built = _chronology(world)
    assert built == 0 and "third time this week" in again
    # Each look is still on the file's access log.
    log = world.client("dsl").get(reverse("safeguarding:access_log", args=[world.pupil.pk]))
    assert log.context["people"][0]["n"] == 2

    page, built = _queue(world)
    assert built == 1
    page, built = _queue(world)
    assert built == 0 and world.pupil.display_name in page


def test_each_kind_of_casework_shows_at_the_next_look(world) -> None:
    dsl, pupil = world.users["dsl"], world.pupil
    concern = make_concern(world, text="Said an older cousin takes the dinner money.")
    _chronology(world)
    _queue(world)

    services.addendum_add(
        concern=concern, by=dsl, text="Spoke to the cousin's school.", kind=Addendum.Kind.CASE_NOTE
    )
    page, built = _chronology(world)
    assert built == 1 and "Spoke to the cousin&#x27;s school." in page

    services.decision_record(
        concern=concern, by=dsl, status=Status.IN_PROGRESS, risk=Risk.HIGH, rationale="Watching."
    )
    page, _ = _chronology(world)
    assert "Watching." in page
    page, built = _queue(world)
    assert built == 1 and "Risk: high" in page

    action = services.action_add(
        concern=concern,
        by=dsl,
        description="Call the family support worker.",
        owner=dsl,
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    page, _ = _chronology(world)
    assert page.count("Call the family support worker.") == 2  # open actions, and the entry
    services.action_update_add(
        action=action, by=dsl, outcome="Called; visit booked.", completed=True
    )
    page, _ = _chronology(world)
    assert "Called; visit booked." in page
    assert page.count("Call the family support worker.") == 1  # no longer open

    services.referral_add(
        concern=concern,
        by=dsl,
        pupil=pupil,
        agency=Agency.EARLY_HELP,
        referred_on=timezone.localdate(),
        rationale="Family asked for help with budgeting.",
    )
    page, _ = _chronology(world)
    assert "Family asked for help with budgeting." in page

    services.flag_set(pupil=pupil, by=dsl, on=True, reason="Contact through the DSL only.")
    page, _ = _chronology(world)
    assert "Set by" in page and "Contact through the DSL only." in page

    # Names printed on the file follow renames: the child's, a colleague's, a category's.
    pupil.preferred_forename = "Kit"
    pupil.save()
    page, _ = _chronology(world)
    assert "Kit" in page
    page, built = _queue(world)
    assert built == 1 and "Kit" in page
    reporter = world.users["teacher"]
    reporter.full_name = "Jordan Renamed"
    reporter.save()
    page, _ = _queue(world)
    assert "raised by Jordan Renamed" in page
    neglect = Category.objects.get(code="neglect")
    neglect.name = "Neglect (renamed)"
    neglect.save()
    page, _ = _queue(world)
    assert "Neglect (renamed)" in page


def test_a_new_concern_shows_in_the_queue_at_once(world) -> None:
    page, _ = _queue(world)
    assert "No concerns to show." in page
    make_concern(world)
    page, built = _queue(world)
    assert built == 1 and world.pupil.display_name in page
    # The "new" list and page 1 asked for by number are kept apart from "open".
    page, _ = _queue(world, "?show=new&page=1")
    assert world.pupil.display_name in page
    page, _ = _queue(world, "?show=closed")
    assert "No concerns to show." in page


def test_a_change_in_one_school_keeps_the_others_copies(world) -> None:
    make_concern(world)
    _chronology(world)
    _queue(world)
    elsewhere = PupilFactory(school=world.other_school)
    make_concern(world, reporter=world.users["other_school"], pupil=elsewhere)
    files_changed([world.other_school.pk])
    _, built = _chronology(world)
    assert built == 0
    _, built = _queue(world)
    assert built == 0


def test_each_view_of_the_file_is_kept_apart_and_for_the_day(world) -> None:
    make_concern(world)
    _chronology(world)
    # The whole file, and one category of it, are worked out for themselves.
    _, built = _chronology(world, query="?all=1")
    assert built == 1
    _, built = _chronology(world, query="?category=neglect")
    assert built == 1
    _, built = _chronology(world, query="?all=1")
    assert built == 0
    # Tomorrow, what is overdue is worked out again.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
        _, built = _chronology(world)
    assert built == 1
