"""Granting the head and DSL roles, and the head-sees-concerns setting, follow one rule everywhere.

Only a head grants the head role, a head or a DSL grants the DSL role, nobody grants themselves
(superusers excepted), every change is audited and the school's DSLs are told in the app.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from interventions.models import Notification
from safeguarding.models import SafeguardingSettings
from safeguarding.services.common import RuleError
from safeguarding.services.settings import safeguarding_settings_change
from staff import services
from staff.models import AuditEvent, Invitation, Membership, MembershipRole, Role, User
from tests.factories import UserFactory, member
from tests.staff.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

ROLES_CHANGED = "staff.membership.roles_changed"


def _membership(user: User, world: Any) -> Membership:
    return Membership.objects.get(user=user, school=world.school)


def _holds(user: User, world: Any, role: str) -> bool:
    return MembershipRole.objects.filter(membership=_membership(user, world), role=role).exists()


def _told(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The Django admin ----------------------------------------------------------------------


def test_hr_admin_cannot_give_themself_dsl_in_the_membership_form(world) -> None:
    hr = world.users["hr_admin"]
    client = world.client("hr_admin")
    url = reverse("admin:staff_membership_change", args=[_membership(hr, world).pk])
    data = change_form_data(client.get(url))
    data["roles"] = [Role.HR_ADMIN, Role.DSL]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Nobody can give themselves the DSL role" in response.content.decode()
    assert not _holds(hr, world, Role.DSL)
    assert not AuditEvent.objects.filter(action=ROLES_CHANGED).exists()
    assert not Notification.objects.exists()


def test_hr_admin_cannot_give_a_colleague_head_or_dsl_in_the_admin(world) -> None:
    lsa = world.users["lsa_caseload"]
    client = world.client("hr_admin")
    url = reverse("admin:staff_membership_change", args=[_membership(lsa, world).pk])
    data = change_form_data(client.get(url))
    data["roles"] = [Role.LSA, Role.HEAD]
    page = client.post(url, data).content.decode()
    assert "Only the headteacher can grant the head role" in page
    assert not _holds(lsa, world, Role.HEAD)


def test_the_role_rows_cannot_be_posted_as_an_inline(world) -> None:
    """The old inline of role rows is gone: rows posted for it are ignored, not saved."""
    hr = world.users["hr_admin"]
    client = world.client("hr_admin")
    url = reverse("admin:staff_membership_change", args=[_membership(hr, world).pk])
    data = change_form_data(client.get(url))
    data.update(
        {
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-role": Role.DSL,
            "roles-0-membership": str(_membership(hr, world).pk),
        }
    )
    client.post(url, data)
    assert not _holds(hr, world, Role.DSL)
    assert MembershipRole not in admin.site._registry


def test_no_bulk_action_changes_memberships(world) -> None:
    request = RequestFactory().get("/admin/")
    request.user = world.users["hr_admin"]
    assert admin.site._registry[Membership].get_actions(request) == {}
    client = world.client("hr_admin")
    hr_membership = _membership(world.users["hr_admin"], world)
    client.post(
        reverse("admin:staff_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [hr_membership.pk]},
    )
    assert Membership.objects.filter(pk=hr_membership.pk).exists()


def test_hr_admin_cannot_reopen_a_dsl_membership_from_the_person_page(world) -> None:
    dsl = world.users["dsl"]
    membership = _membership(dsl, world)
    Membership.objects.filter(pk=membership.pk).update(active=False)
    client = world.client("hr_admin")
    url = reverse("admin:staff_user_change", args=[dsl.pk])
    data = change_form_data(client.get(url))
    prefix = next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and str(value) == str(membership.pk)
    )
    data[f"{prefix}-active"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Only the headteacher or a DSL can grant the DSL role" in response.content.decode()
    membership.refresh_from_db()
    assert not membership.active


def test_hr_admin_changes_ordinary_roles_in_the_admin_audited(world) -> None:
    lsa = world.users["lsa_caseload"]
    client = world.client("hr_admin")
    url = reverse("admin:staff_membership_change", args=[_membership(lsa, world).pk])
    data = change_form_data(client.get(url))
    data["roles"] = [Role.LSA, Role.ELSA]
    assert client.post(url, data).status_code == 302
    assert _holds(lsa, world, Role.ELSA)
    event = AuditEvent.objects.get(action=ROLES_CHANGED)
    assert event.actor == world.users["hr_admin"]
    assert event.data["added"] == [Role.ELSA]
    assert event.data["via"] == "admin"
    assert not Notification.objects.exists()  # no head or DSL role changed hands


def test_hr_admin_offboarding_a_dsl_is_allowed_and_the_dsls_are_told(world) -> None:
    leaving = member(world.school, Role.DSL, full_name="Dana Leaver")
    client = world.client("hr_admin")
    url = reverse("admin:staff_membership_change", args=[_membership(leaving, world).pk])
    data = change_form_data(client.get(url))
    data.pop("active")
    assert client.post(url, data).status_code == 302
    assert not _membership(leaving, world).active
    assert any("Dana Leaver no longer works here" in t for t in _told(world.users["dsl"]))


def test_a_superuser_may_grant_dsl_and_is_audited(world) -> None:
    it = UserFactory(is_staff=True, is_superuser=True, full_name="Ivy Itadmin")
    lsa = world.users["lsa_caseload"]
    client = _client(it)
    url = reverse("admin:staff_membership_change", args=[_membership(lsa, world).pk])
    data = change_form_data(client.get(url))
    data["roles"] = [Role.LSA, Role.DSL]
    assert client.post(url, data).status_code == 302
    assert _holds(lsa, world, Role.DSL)
    event = AuditEvent.objects.get(action=ROLES_CHANGED)
    assert event.data["superuser"] is True
    assert event.data["protected_granted"] == [Role.DSL]
    assert any("Ivy Itadmin (IT administrator) gave" in t for t in _told(world.users["dsl"]))


# --- In the app ---------------------------------------------------------------------------


def test_a_head_grants_dsl_in_the_app_audited_and_the_dsls_told(world) -> None:
    head = member(world.school, Role.HEAD, full_name="Hana Head")
    lsa = world.users["lsa_caseload"]
    url = reverse("staff:member_roles", args=[_membership(lsa, world).pk])
    client = _client(head)
    assert client.get(url).status_code == 200
    response = client.post(url, {"roles": [Role.LSA, Role.DSL]})
    assert response.status_code == 302
    assert _holds(lsa, world, Role.DSL)
    event = AuditEvent.objects.get(action=ROLES_CHANGED)
    assert event.actor == head
    assert event.school_id == world.school.pk
    assert event.data["protected_granted"] == [Role.DSL]
    text = f"Hana Head gave {lsa.full_name} the DSL role."
    assert _told(world.users["dsl"]) == [text]
    assert _told(lsa) == [text]  # the new DSL is one of the school's DSLs now
    assert _told(head) == []


def test_nobody_gives_themself_a_protected_role_even_a_head(world) -> None:
    head = member(world.school, Role.HEAD)
    with pytest.raises(services.RoleGrantRefused, match="Nobody can give themselves"):
        services.membership_roles_change(
            membership=_membership(head, world), roles=[Role.HEAD, Role.DSL], by=head
        )
    url = reverse("staff:member_roles", args=[_membership(head, world).pk])
    page = _client(head).post(url, {"roles": [Role.HEAD, Role.DSL]}).content.decode()
    assert "Nobody can give themselves the DSL role" in page
    assert not _holds(head, world, Role.DSL)
    assert not AuditEvent.objects.filter(action=ROLES_CHANGED).exists()


def test_hr_admin_cannot_grant_dsl_on_the_roles_page(world) -> None:
    lsa = world.users["lsa_caseload"]
    url = reverse("staff:member_roles", args=[_membership(lsa, world).pk])
    response = world.client("hr_admin").post(url, {"roles": [Role.LSA, Role.DSL]})
    assert response.status_code == 200
    assert "Only the headteacher or a DSL can grant the DSL role" in response.content.decode()
    assert not _holds(lsa, world, Role.DSL)


def test_hr_admin_cannot_make_themself_or_a_colleague_the_dpo(world) -> None:
    """The DPO approves disposals and releases subject access bundles: only a head grants it."""
    hr = world.users["hr_admin"]
    lsa = world.users["lsa_caseload"]
    for person in (hr, lsa):
        url = reverse("staff:member_roles", args=[_membership(person, world).pk])
        response = world.client("hr_admin").post(url, {"roles": [Role.LSA, Role.DPO]})
        assert response.status_code == 200
        assert not _holds(person, world, Role.DPO)
    assert "Only the headteacher can grant the DPO role" in response.content.decode()


def test_a_dsl_grants_a_deputy_but_not_the_head_role(world) -> None:
    dsl = world.users["dsl"]
    lsa = world.users["lsa_caseload"]
    services.membership_roles_change(
        membership=_membership(lsa, world), roles=[Role.LSA, Role.DSL], by=dsl
    )
    assert _holds(lsa, world, Role.DSL)
    with pytest.raises(services.RoleGrantRefused, match="Only the headteacher can grant"):
        services.membership_roles_change(
            membership=_membership(lsa, world), roles=[Role.LSA, Role.HEAD], by=dsl
        )


def test_hr_admin_cannot_remove_the_dsl_role(world) -> None:
    dsl = world.users["dsl"]
    with pytest.raises(services.RoleGrantRefused, match="can remove the DSL role"):
        services.membership_roles_change(
            membership=_membership(dsl, world), roles=[Role.TEACHER], by=world.users["hr_admin"]
        )
    assert _holds(dsl, world, Role.DSL)


# --- Invitations --------------------------------------------------------------------------


def test_the_invitation_service_refuses_dsl_from_an_hr_admin(world) -> None:
    with pytest.raises(services.RoleGrantRefused):
        services.invitation_create(
            school=world.school,
            email="new.dsl@school.example",
            full_name="New Dsl",
            job_title="",
            roles=[Role.DSL],
            by=world.users["hr_admin"],
        )
    assert not Invitation.objects.exists()


def test_accepting_a_dsl_invitation_is_audited_and_the_dsls_told(world) -> None:
    head = member(world.school, Role.HEAD, full_name="Hana Head")
    invitation = services.invitation_create(
        school=world.school,
        email="deputy.dsl@school.example",
        full_name="Dee Deputy",
        job_title="Deputy DSL",
        roles=[Role.TEACHER, Role.DSL],
        by=head,
    )
    user = services.invitation_accept(
        invitation_id=invitation.pk, password="p" * 16, full_name="Dee Deputy"
    )
    assert _holds(user, world, Role.DSL)
    event = AuditEvent.objects.get(action=ROLES_CHANGED)
    assert event.actor == head
    assert event.data["via"] == "invitation"
    assert _told(world.users["dsl"]) == ["Hana Head gave Dee Deputy the DSL role."]


# --- Head sees concerns -------------------------------------------------------------------


def test_hr_admin_cannot_change_head_sees_concerns(world) -> None:
    hr = world.users["hr_admin"]
    settings = SafeguardingSettings.objects.create(school=world.school)
    client = world.client("hr_admin")
    url = reverse("admin:safeguarding_safeguardingsettings_change", args=[settings.pk])
    assert client.post(url, {"head_sees_concerns": "on"}).status_code == 403
    assert client.post(
        reverse("admin:safeguarding_safeguardingsettings_add"),
        {"school": world.school.pk, "head_sees_concerns": "on"},
    ).status_code in {403, 200}
    settings.refresh_from_db()
    assert not settings.head_sees_concerns
    with pytest.raises(RuleError, match="Only the headteacher or a DSL"):
        safeguarding_settings_change(school=world.school, head_sees_concerns=True, by=hr)
    assert not AuditEvent.objects.filter(action="safeguarding.settings.changed").exists()


def test_a_head_with_the_admin_switches_head_sees_concerns_audited_and_dsls_told(world) -> None:
    head = member(world.school, Role.HEAD, Role.HR_ADMIN, full_name="Hana Head")
    settings = SafeguardingSettings.objects.create(school=world.school)
    url = reverse("admin:safeguarding_safeguardingsettings_change", args=[settings.pk])
    assert _client(head).post(url, {"head_sees_concerns": "on"}).status_code == 302
    settings.refresh_from_db()
    assert settings.head_sees_concerns
    event = AuditEvent.objects.get(action="safeguarding.settings.changed")
    assert event.actor == head
    assert event.data == {"head_sees_concerns": True, "superuser": False}
    assert _told(world.users["dsl"]) == [
        "Hana Head switched on the safeguarding setting: the headteacher reads every concern."
    ]
