"""The policy module: capabilities by role; 404 outside scope, 403 inside without the capability."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from pupils.models import Pupil
from staff.models import AuditEvent, Role
from staff.permissions import CAPABILITIES, can, get_object_for
from tests.factories import member

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    user.current_school_id = user.memberships.first().school_id
    return request


def test_every_capability_is_granted_to_some_role() -> None:
    for capability, roles in CAPABILITIES.items():
        assert roles, capability
        assert roles <= set(Role.values), capability


def test_unknown_capability_is_a_programming_error(world) -> None:
    with pytest.raises(KeyError):
        can(world.users["sendco"], "pupils.teleport")


def test_roles_do_not_cross_schools(world) -> None:
    sendco = world.users["sendco"]
    sendco.current_school_id = world.school.pk
    assert can(sendco, "pupils.view_register")
    assert can(sendco, "pupils.view", world.pupil)
    assert not can(sendco, "pupils.view", world.other_pupil)


def test_get_object_for_answers_404_outside_scope(world) -> None:
    request = _request(world.users["lsa_no_caseload"])
    with pytest.raises(Http404):
        get_object_for(request, Pupil.objects, world.pupil.pk, "pupils.view")
    request = _request(world.users["sendco"])
    with pytest.raises(Http404):
        get_object_for(request, Pupil.objects, world.other_pupil.pk, "pupils.view")
    with pytest.raises(Http404):
        get_object_for(request, Pupil.objects, "not-a-number", "pupils.view")


def test_get_object_for_answers_403_inside_scope_without_capability(world) -> None:
    request = _request(world.users["teacher"])
    assert get_object_for(request, Pupil.objects, world.pupil.pk, "pupils.view") == world.pupil
    with pytest.raises(PermissionDenied):
        get_object_for(request, Pupil.objects, world.pupil.pk, "pupils.edit")


def test_caseload_ends_when_the_link_ends(world) -> None:
    lsa = world.users["lsa_caseload"]
    lsa.current_school_id = world.school.pk
    assert list(Pupil.objects.visible_to(lsa)) == [world.pupil]
    world.pupil.key_adults.update(end_date="2026-01-01")
    assert list(Pupil.objects.visible_to(lsa)) == []


def test_inactive_membership_grants_nothing(world) -> None:
    user = member(world.school, Role.SENDCO)
    user.memberships.update(active=False)
    user.current_school_id = world.school.pk
    assert not can(user, "pupils.view_register")


def test_audit_events_are_append_only(world) -> None:
    from staff.audit import log_action

    event = log_action(world.pupil, "pupils.pupil.viewed", actor=world.users["sendco"])
    assert event.school_id == world.school.pk
    event.action = "pupils.pupil.changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
