"""A teacher sees the pupils they teach now (and for the school's grace days after), and within
them only what a teacher needs, unless the school's settings grant more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from interventions.ehcp.models import EHCP, AnnualReview
from interventions.plans import services as plan_services
from interventions.plans.models import PlanKind
from pupils.models import ClassMember, ClassTeacher, Pupil, TeacherAccess
from pupils.services import access_arrangement_add, contact_add
from staff.models import AuditEvent, Role
from staff.services import membership_grant
from tests.conftest import World
from tests.factories import PupilFactory, assign, member, teach

pytestmark = pytest.mark.django_db


def _status(world: World, pupil: Pupil, persona: str = "teacher") -> int:
    return world.client(persona).get(reverse("pupils:detail", args=[pupil.pk])).status_code


def test_teacher_sees_only_the_pupils_they_teach(world: World) -> None:
    untaught = PupilFactory(school=world.school)
    assert _status(world, world.pupil) == 200
    assert _status(world, untaught) == 404
    assert _status(world, world.other_pupil) == 404
    # Another teacher's class is not theirs.
    teach(member(world.school, Role.TEACHER), untaught, code="7A/Ar1")
    assert _status(world, untaught) == 404


def test_a_pupil_stays_visible_for_the_grace_days_after_leaving_the_class(world: World) -> None:
    today = timezone.localdate()
    link = ClassMember.objects.get(pupil=world.pupil)
    link.end_date = today - dt.timedelta(days=13)
    link.save()
    assert _status(world, world.pupil) == 200  # within the default 14 days
    link.end_date = today - dt.timedelta(days=15)
    link.save()
    assert _status(world, world.pupil) == 404
    TeacherAccess.objects.create(school=world.school, grace_days=30)
    assert _status(world, world.pupil) == 200


def test_a_teacher_who_stopped_teaching_the_class_loses_it_after_the_grace_days(
    world: World,
) -> None:
    ClassTeacher.objects.filter(teacher=world.users["teacher"]).update(
        end_date=timezone.localdate() - dt.timedelta(days=20)
    )
    assert _status(world, world.pupil) == 404


def test_teacher_and_lsa_sees_caseload_and_classes(world: World) -> None:
    both = member(world.school, Role.TEACHER)
    membership_grant(user=both, school=world.school, roles=[Role.TEACHER, Role.LSA])
    cared_for, taught = PupilFactory(school=world.school), PupilFactory(school=world.school)
    assign(cared_for, both)
    teach(both, taught, code="10B/Hi2")
    visible = set(Pupil.objects.filter(school=world.school).values_list("pk", flat=True))
    world.users["both"] = both
    assert _status(world, cared_for, "both") == 200
    assert _status(world, taught, "both") == 200
    assert _status(world, world.pupil, "both") == 404
    assert len(visible) == 3


def test_teacher_sees_access_arrangements_but_not_contacts_unless_granted(world: World) -> None:
    sendco = world.users["sendco"]
    access_arrangement_add(
        pupil=world.pupil, kind="EXTRA_TIME_25", valid_from=dt.date(2026, 1, 5), by=sendco
    )
    contact_add(pupil=world.pupil, name="Quilla Parentname", relationship="Mother", by=sendco)
    url = reverse("pupils:records", args=[world.pupil.pk])
    page = world.client("teacher").get(url).content.decode()
    assert "Exam access arrangements" in page and "Quilla Parentname" not in page
    TeacherAccess.objects.create(school=world.school, contacts=True)
    assert "Quilla Parentname" in world.client("teacher").get(url).content.decode()


def test_teacher_does_not_see_parent_voice_unless_the_school_grants_it(world: World) -> None:
    sendco = world.users["sendco"]
    plan = plan_services.plan_create(
        pupil=world.pupil,
        kind=PlanKind.objects.get_or_create(code="IEP", defaults={"name": "IEP"})[0],
        owner=sendco,
        by=sendco,
        parent_voice="Mum says mornings are hardest (synthetic).",
        strategies="Now/next card.",
    )
    url = reverse("interventions:plan", args=[plan.pk])
    page = world.client("teacher").get(url).content.decode()
    assert "Now/next card." in page
    assert "Parent voice" not in page and "mornings are hardest" not in page
    assert "mornings are hardest" in world.client("lsa_caseload").get(url).content.decode()
    TeacherAccess.objects.create(school=world.school, parent_voice=True)
    assert "mornings are hardest" in world.client("teacher").get(url).content.decode()


def test_sendco_sets_what_teachers_see_and_it_is_audited(world: World) -> None:
    response = world.client("sendco").post(
        reverse("pupils:teacher_access"), {"grace_days": "30", "parent_voice": "on"}
    )
    assert response.status_code == 302
    saved = TeacherAccess.objects.get(school=world.school)
    assert (saved.grace_days, saved.parent_voice, saved.contacts) == (30, True, False)
    assert AuditEvent.objects.filter(action="pupils.teacher_access.saved").exists()
    refused = world.client("sendco").post(reverse("pupils:teacher_access"), {"grace_days": "999"})
    assert refused.status_code == 200
    assert TeacherAccess.objects.get(school=world.school).grace_days == 30


def test_teacher_does_not_see_parents_views_in_an_annual_review(world: World) -> None:
    ehcp = EHCP.objects.create(
        school=world.school,
        pupil=world.pupil,
        coordinator=world.users["sendco"],
        local_authority="Testshire",
        issued_on=dt.date(2025, 1, 10),
        next_review_due=dt.date(2026, 1, 10),
    )
    review = AnnualReview.objects.create(
        ehcp=ehcp, meeting_on=dt.date(2026, 1, 5), parent_views="Synthetic: mornings are hard."
    )
    url = reverse("interventions:ehcp_review", args=[review.pk])
    assert b"mornings are hard" in world.client("sendco").get(url).content
    page = world.client("teacher").get(url)
    assert page.status_code == 200 and b"mornings are hard" not in page.content
