"""A pupil's support sections are kept between looks, and never outlive a change (#16).

Each test looks at the support page as the SENDCo does, changes the pupil's support the way the
app does (through the services, or a rename), and looks again: the next look shows the change.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interventions.delivery import services as delivery
from interventions.models import CheckIn, Placement, PlanKind, Room, SupportPlan
from tests.factories import PupilFactory
from tests.interventions.factories import (
    EnrolmentFactory,
    InterventionFactory,
    MeasureRecordFactory,
    goals,
)

pytestmark = pytest.mark.django_db

# The section's read of the pupil's enrolments.
ENROLMENTS_SQL = 'FROM "interventions_enrolment" INNER JOIN "interventions_intervention"'


def _look(world, persona: str = "sendco", pupil=None) -> tuple[str, int]:
    """The support page's HTML, and whether its sections were worked out."""
    pupil = pupil or world.pupil
    with CaptureQueriesContext(connection) as queries:
        response = world.client(persona).get(reverse("pupils:support", args=[pupil.pk]))
    assert response.status_code == 200
    worked = sum(ENROLMENTS_SQL in q["sql"] for q in queries.captured_queries)
    return response.content.decode(), worked


def _log(intervention, pupil, note: str, by) -> None:
    """An LSA logs a session from the form (the attendance goes in with one bulk write)."""
    delivery.session_log(
        intervention=intervention,
        client_key=uuid.uuid4(),
        date=timezone.localdate(),
        slot=None,
        status="DELIVERED",
        minutes=30,
        attendance=[{"pupil_id": pupil.pk, "attendance": "PRESENT", "engagement": 4, "note": note}],
        by=by,
    )


def test_a_second_look_works_nothing_out_again(world) -> None:
    group = InterventionFactory(school=world.school, name="Lego therapy: Tuesdays")
    EnrolmentFactory(intervention=group, pupil=world.pupil)
    page, worked = _look(world)
    assert worked == 1 and "Lego therapy: Tuesdays" in page
    page, worked = _look(world)
    assert worked == 0 and "Lego therapy: Tuesdays" in page


def test_each_change_to_the_pupils_support_shows_at_the_next_look(world) -> None:
    sendco, pupil = world.users["sendco"], world.pupil
    group = InterventionFactory(school=world.school, name="Social skills group")
    _look(world)

    # Joining a group (one bulk write for the group's new pupils).
    delivery.enrolment_add_many(
        intervention=group, pupils=[pupil], joined_on=timezone.localdate(), by=sendco
    )
    page, worked = _look(world)
    assert worked == 1 and "Social skills group" in page

    # A session logged with a note.
    _log(group, pupil, "Took turns without prompting.", group.lead)
    page, _ = _look(world)
    assert "Took turns without prompting." in page

    # A baseline on a goal: the outcome measures show it; then the goal is set.
    enrolment = group.enrolments.get(pupil=pupil)
    MeasureRecordFactory(enrolment=enrolment, gbo_1=3)
    page, _ = _look(world)
    assert "Goal 1" in page and "No measures recorded yet." not in page
    goals(enrolment, "I can ask to join a game.")
    page, _ = _look(world)
    assert "I can ask to join a game." in page

    # The intervention renamed; its lead renamed.
    group.name = "Friendship group"
    group.save()
    page, _ = _look(world)
    assert "Friendship group" in page
    group.lead.full_name = "Sam Renamed"
    group.lead.save()
    page, _ = _look(world)
    assert "Sam Renamed" in page

    # A plan started.
    kind = PlanKind.objects.order_by("pk").first()
    SupportPlan.objects.create(
        school=world.school,
        pupil=pupil,
        kind=kind,
        owner=sendco,
        status=SupportPlan.Status.ACTIVE,
        next_review_on=timezone.localdate() + dt.timedelta(days=30),
    )
    page, _ = _look(world)
    assert kind.name in page

    # A Connect placement, then a check-in list place and a check-in.
    room = Room.objects.create(school=world.school, name="The Hub", capacity=6)
    Placement.objects.create(
        school=world.school,
        room=room,
        pupil=pupil,
        referral_reason="Synthetic referral",
        start_date=timezone.localdate(),
        created_by=sendco,
    )
    page, _ = _look(world)
    assert "The Hub" in page
    room.name = "The Base"
    room.save()
    page, _ = _look(world)
    assert "The Base" in page


def test_a_change_to_another_pupil_keeps_this_pupils_copy(world) -> None:
    group = InterventionFactory(school=world.school)
    EnrolmentFactory(intervention=group, pupil=world.pupil)
    other = PupilFactory(school=world.school)
    _look(world)
    EnrolmentFactory(intervention=group, pupil=other)
    CheckIn.objects.create(
        school=world.school,
        pupil=other,
        date=timezone.localdate(),
        scale=3,
        recorded_by=world.users["sendco"],
    )
    _, worked = _look(world)
    assert worked == 0


def test_staff_who_see_some_pupils_always_get_the_sections_afresh(world) -> None:
    # The LSA sees the pupils on their caseload: what they see follows links these stamps do
    # not follow, so their sections are never kept.
    group = InterventionFactory(school=world.school)
    EnrolmentFactory(intervention=group, pupil=world.pupil)
    _look(world, "lsa_caseload")
    _, worked = _look(world, "lsa_caseload")
    assert worked == 1
