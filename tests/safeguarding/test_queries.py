"""The DSL queue and a long chronology cost the same number of queries however much is on file."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding import chronology, services
from safeguarding.models import Involvement, Status
from safeguarding.views import file as file_views
from tests.factories import PupilFactory
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db


def _busy_concern(world, sibling) -> None:
    dsl = world.users["dsl"]
    concern = make_concern(world, others=((sibling, Involvement.WITNESS, ("neglect",)),))
    services.decision_record(concern=concern, by=dsl, status=Status.IN_PROGRESS, rationale="r")
    action = services.action_add(
        concern=concern, by=dsl, description="a", owner=dsl, due_on=timezone.localdate()
    )
    services.action_update_add(action=action, by=dsl, outcome="o", completed=False)
    services.referral_add(
        concern=concern,
        by=dsl,
        pupil=world.pupil,
        agency="CAMHS",
        referred_on=timezone.localdate(),
        rationale="r",
    )


@pytest.mark.parametrize("n", [3, 60])
def test_the_dsl_queue_has_a_fixed_query_budget(world, django_assert_max_num_queries, n) -> None:
    sibling = PupilFactory(school=world.school)
    for _ in range(n):
        _busy_concern(world, sibling)
    client = world.client("dsl")
    # The first look after a change stamps the school's files afresh, works the page out and
    # keeps it (safeguarding.services.kept); the next reads the kept copy.
    with django_assert_max_num_queries(26):
        response = client.get(reverse("safeguarding:queue"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(n, file_views.PAGE_SIZE)
    with django_assert_max_num_queries(10):
        again = client.get(reverse("safeguarding:queue"))
    assert again.context["rows"] == response.context["rows"]


@pytest.mark.parametrize("n", [2, 40])
def test_a_chronology_of_200_entries_has_a_fixed_query_budget(
    world, django_assert_max_num_queries, n
) -> None:
    sibling = PupilFactory(school=world.school)
    for _ in range(n):
        _busy_concern(world, sibling)
    if n == 40:
        assert len(chronology.build(world.pupil).entries) == 200
    client = world.client("dsl")
    # +1: the files on the child's file (tests/safeguarding/test_attachments.py fills them).
    # +3: the page opens at the latest entries, found first from the moments of the notes, files
    # and decisions (safeguarding.chronology.build's ``latest``), so it loads only those.
    # +6: the first look after a change stamps the school's files afresh and keeps what it
    # worked out (safeguarding.services.kept); the next look reads the kept copy.
    url = reverse("safeguarding:chronology", args=[world.pupil.pk])
    with django_assert_max_num_queries(40):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(16):
        again = client.get(url)
    assert again.content.count(b"chron-entry--") == response.content.count(b"chron-entry--")
