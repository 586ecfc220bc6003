"""Who holds which role: every grant, removal and re-opened membership goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from staff.audit import log_action
from staff.models import Membership, MembershipRole, Role, School, User
from staff.notices import dsls_notify
from staff.permissions import PROTECTED_ROLE_NAMES, PROTECTED_ROLES, role_grant_refusal


def grantable_roles(*, by: User, school: School) -> list[tuple[str, str]]:
    """Return the roles ``by`` may hand out in ``school`` (staff.permissions.role_grant_refusal)."""
    return [
        (v, label)
        for v, label in Role.choices
        if role_grant_refusal(by, v, school_id=school.pk, target_user_id=None) is None
    ]


def membership_grant(
    *, user: User, school: School, roles: Iterable[str], job_title: str = ""
) -> Membership:
    """Give ``user`` ``roles`` in ``school`` as the system: the demo loader and tests only.

    Nothing a person does reaches this: people's grants go through membership_roles_change.
    """
    membership, _ = Membership.objects.get_or_create(
        user=user, school=school, defaults={"job_title": job_title}
    )
    _grant_roles(membership, roles)
    return membership


def _grant_roles(membership: Membership, roles: Iterable[str]) -> None:
    for role in roles:
        MembershipRole.objects.get_or_create(membership=membership, role=role)
    # The admin is reachable only by HR admins (staff.admin checks the role as well).
    if Role.HR_ADMIN in roles and not membership.user.is_staff:
        membership.user.is_staff = True
        membership.user.save(update_fields=["is_staff"])


class RoleGrantRefused(ValidationError):
    """Someone tried to grant or remove a head or DSL role that the rule does not let them."""


def grant_refusals(
    *,
    by: User | None,
    school_id: int,
    target_user_id: int | None,
    added: AbstractSet[str],
    removed: AbstractSet[str] = frozenset(),
) -> list[str]:
    """Return why ``by`` may not add and remove these roles for the person (empty if they may)."""
    if by is None:
        # Only the system (demo loader, tests) changes roles with nobody signed in.
        return [] if not (added | removed) & PROTECTED_ROLES else ["Sign in to change roles."]
    found = []
    for role, adding in [*((r, True) for r in sorted(added)), *((r, False) for r in removed)]:
        problem = role_grant_refusal(
            by, role, school_id=school_id, target_user_id=target_user_id, adding=adding
        )
        if problem and problem not in found:
            found.append(problem)
    return found


def role_change_refusals(
    *, membership: Membership, roles: Iterable[str], by: User, active: bool | None = None
) -> list[str]:
    """Return why ``by`` may not give ``membership`` these roles (empty when they may).

    Forms call this to show the reason beside the field; membership_roles_change asks it again.
    """
    old = membership.role_codes if membership.pk else frozenset()
    was_active = membership.active if membership.pk else False
    roles = set(roles)
    reopened = bool(active) and not was_active
    return grant_refusals(
        by=by,
        school_id=membership.school_id,
        target_user_id=membership.user_id,
        added=(roles - old) | (roles if reopened else set()),
        removed=old - roles,
    )


def _names(roles: Iterable[str]) -> str:
    words = [PROTECTED_ROLE_NAMES[r] for r in sorted(roles)]
    return " and ".join(words) + (" roles" if len(words) > 1 else " role")


@transaction.atomic
def membership_roles_change(
    *,
    membership: Membership,
    roles: Iterable[str],
    by: User | None,
    active: bool | None = None,
    via: str = "app",
    request: HttpRequest | None = None,
) -> Membership:
    """Set the roles ``membership`` holds (and, if given, whether it is active).

    The one way a person's roles change: the in-app roles page, the Django admin, invitations.
    Granting or removing the head or DSL role, or re-opening a membership that holds one, follows
    staff.permissions.role_grant_refusal (superusers excepted); every change is audited, and a
    change to who holds head or DSL is told to the school's DSLs.
    """
    locked = (
        Membership.objects.select_for_update()
        .select_related("user", "school")
        .get(pk=membership.pk)
    )
    roles = set(roles)
    if roles - set(Role.values):
        raise ValidationError("Choose roles from the list.")
    old = set(locked.roles.values_list("role", flat=True))
    new_active = locked.active if active is None else active
    refusals = grant_refusals(
        by=by,
        school_id=locked.school_id,
        target_user_id=locked.user_id,
        added=(roles - old) | (roles if new_active and not locked.active else set()),
        removed=old - roles,
    )
    if refusals:
        raise RoleGrantRefused(refusals)
    added, removed = roles - old, old - roles
    if not (added or removed or new_active != locked.active):
        return locked
    held_before = old if locked.active else set()
    held_after = roles if new_active else set()
    opened = (held_after - held_before) & PROTECTED_ROLES
    closed = (held_before - held_after) & PROTECTED_ROLES
    MembershipRole.objects.filter(membership=locked, role__in=removed).delete()
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=locked, role=r) for r in sorted(added)]
    )
    if new_active != locked.active:
        locked.active = new_active
        locked.save(update_fields=["active"])
    _grant_roles(locked, roles & {Role.HR_ADMIN})
    log_action(
        locked,
        "staff.membership.roles_changed",
        actor=by,
        request=request,
        data={
            "user": locked.user_id,
            "added": sorted(added),
            "removed": sorted(removed),
            "active": new_active,
            "protected_granted": sorted(opened),
            "protected_removed": sorted(closed),
            "via": via,
            "superuser": bool(getattr(by, "is_superuser", False)),
        },
    )
    if opened or closed:
        actor = (by.full_name or by.email) if by is not None else "SEND Hub"
        if getattr(by, "is_superuser", False):
            actor = f"{actor} (IT administrator)"
        person = locked.user.full_name or locked.user.email
        sentences = []
        if opened:
            sentences.append(f"{actor} gave {person} the {_names(opened)}.")
        if closed and not new_active:
            sentences.append(
                f"{person} no longer works here ({actor}), so loses the {_names(closed)}."
            )
        elif closed:
            sentences.append(f"{actor} removed the {_names(closed)} from {person}.")
        dsls_notify(
            school_id=locked.school_id,
            kind="staff.membership.roles_changed",
            text=" ".join(sentences),
            also=[locked.user_id] if Role.DSL in closed else [],
        )
    return locked
