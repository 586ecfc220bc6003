"""Writes for the staff app: invitations, memberships, role profiles and training records."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from send_hub.lib.site import email_subject, site_name, site_url
from send_hub.lib.tasks import enqueue_on_commit
from staff.audit import log_action
from staff.models import Invitation, Membership, MembershipRole, Role, School, Trust, User
from staff.models_profiles import RoleProfile, time_share_problem
from staff.models_records import TrainingRecord, expiry_from
from staff.notices import dsls_notify
from staff.permissions import PROTECTED_ROLE_NAMES, PROTECTED_ROLES, role_grant_refusal
from staff.profile_io import PARTS, ParsedProfile

logger = logging.getLogger(__name__)


@transaction.atomic
def invitation_create(
    *, school: School, email: str, full_name: str, job_title: str, roles: list[str], by: User
) -> Invitation:
    """Invite someone to ``school``; sending an identical request twice yields one invitation.

    A still-open invitation for the same address is returned unchanged (a double click must not
    send two links). An expired one is renewed with a fresh link.
    """
    email = email.strip().lower()
    unknown = set(roles) - set(Role.values)
    if unknown or not roles:
        raise ValidationError("Choose at least one role from the list.")
    invitee = User.objects.filter(email__iexact=email).values_list("pk", flat=True).first()
    refusals = _refusals(by=by, school_id=school.pk, target_user_id=invitee, added=set(roles))
    if refusals:
        raise RoleGrantRefused(refusals)
    if Membership.objects.filter(school=school, user__email__iexact=email, active=True).exists():
        raise ValidationError(f"{email} already works in {school}.")
    existing = (
        Invitation.objects.select_for_update()
        .filter(school=school, email=email, accepted_at__isnull=True)
        .first()
    )
    if existing is not None and existing.is_usable:
        return existing
    if existing is not None:
        existing.nonce = Invitation._meta.get_field("nonce").default()
        existing.expires_at = Invitation.default_expiry()
        existing.sent_at = None
        existing.full_name, existing.job_title, existing.roles = full_name, job_title, sorted(roles)
        existing.invited_by = by
        existing.save()
        invitation = existing
    else:
        invitation = Invitation(
            school=school,
            email=email,
            full_name=full_name,
            job_title=job_title,
            roles=sorted(roles),
            invited_by=by,
            expires_at=Invitation.default_expiry(),
        )
        invitation.full_clean()
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:
            # A simultaneous identical request won the race: it is the same invitation.
            return Invitation.objects.get(school=school, email=email, accepted_at__isnull=True)
    log_action(invitation, "staff.invitation.created", actor=by, data={"roles": invitation.roles})
    from staff.tasks import invitation_send_task

    enqueue_on_commit(invitation_send_task, invitation.pk)
    return invitation


def invitation_send(*, invitation_id: int) -> bool:
    """E-mail the invitation link once; return whether this call sent it.

    The row is claimed with a conditional UPDATE so two workers running the same task send one
    e-mail. If the mail server fails, the claim is released for the next sweep.
    """
    now = timezone.now()
    claimed = Invitation.objects.pending_send().filter(pk=invitation_id).update(sent_at=now)
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("school").get(pk=invitation_id)
    link = site_url(reverse("staff:accept_invitation", args=[invitation.make_token()]))
    context = {
        "invitation": invitation,
        "link": link,
        "days": settings.SEND_HUB_INVITATION_DAYS,
        "site_name": site_name(),
    }
    try:
        send_mail(
            subject=email_subject(f"You are invited to {site_name()}"),
            message=render_to_string("staff/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except Exception:
        Invitation.objects.filter(pk=invitation_id, sent_at=now).update(sent_at=None)
        raise
    return True


def invitations_pending_ids() -> list[int]:
    """Return the ids of invitations still waiting to be e-mailed."""
    return list(Invitation.objects.pending_send().values_list("pk", flat=True))


@transaction.atomic
def invitation_accept(
    *, invitation_id: int, password: str | None, full_name: str, user: User | None = None
) -> User:
    """Turn a usable invitation into a membership (and an account, for someone new)."""
    invitation = (
        Invitation.objects.select_for_update().select_related("school").get(pk=invitation_id)
    )
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used. Sign in instead.")
    if invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has expired. Ask your school to send a new one.")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                "You already have an account: sign in first, then open the link again."
            )
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name,
            job_title=invitation.job_title,
        )
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError("This invitation was sent to a different e-mail address.")
    # The membership starts inactive so that membership_roles_change sees it open, and applies
    # the grant rule to the inviter, audits and tells the DSLs as for any other grant.
    membership, created = Membership.objects.get_or_create(
        user=user,
        school=invitation.school,
        defaults={"active": False, "job_title": invitation.job_title},
    )
    if not created:
        membership.job_title = invitation.job_title
        membership.save(update_fields=["job_title"])
    try:
        membership_roles_change(
            membership=membership,
            roles=membership.role_codes | set(invitation.roles),
            active=True,
            by=invitation.invited_by,
            via="invitation",
        )
    except RoleGrantRefused:
        raise ValidationError(
            "This invitation gives a role its sender may no longer grant. "
            "Ask your school to send a new one."
        ) from None
    user.refresh_from_db(fields=["is_staff"])  # the HR admin role opens the admin
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    log_action(invitation, "staff.invitation.accepted", actor=user)
    return user


def grantable_roles(*, by: User, school: School) -> list[tuple[str, str]]:
    """Return the roles ``by`` may hand out in ``school`` (staff.permissions.role_grant_refusal)."""
    return [
        (v, label)
        for v, label in Role.choices
        if role_grant_refusal(by, v, school_id=school.pk, target_user_id=None) is None
    ]


def membership_grant(
    *, user: User, school: School, roles: list[str], job_title: str = ""
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


def _refusals(
    *,
    by: User | None,
    school_id: int,
    target_user_id: int | None,
    added: set[str],
    removed: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[str]:
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
    return _refusals(
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
    refusals = _refusals(
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


# --- Role profiles -------------------------------------------------------------------------


def _copy_profile(source: RoleProfile, *, by: User | None, **changes: Any) -> RoleProfile:
    """Save a copy of ``source`` and all its rows, with ``changes`` applied to the copy."""
    copy = RoleProfile.objects.get(pk=source.pk)
    copy.pk = None
    copy._state.adding = True
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.full_clean(validate_unique=False)
    copy.save()
    for key, model, _names in PARTS:
        rows = list(getattr(source, key).all())
        for row in rows:
            row.pk = None
            row._state.adding = True
            row.profile = copy
        if rows:
            bulk_create_with_history(rows, model, default_user=by)
    return copy


@transaction.atomic
def role_profile_new_version(*, profile: RoleProfile, by: User) -> RoleProfile:
    """Keep ``profile`` read-only and return an editable copy as the next version.

    People and the roles that report to it move to the new version, so the organisation chart
    and deployment follow the live profile. Two people duplicating at once get one new version:
    the second is told which version replaced it.
    """
    old = RoleProfile.objects.select_for_update().get(pk=profile.pk)
    if not old.is_current:
        newer = RoleProfile.objects.current().filter(lineage=old.lineage).first()
        where = f"version {newer.version}" if newer else "a newer version"
        raise ValidationError(
            f"Version {old.version} of {old.title} has already been replaced by {where}. "
            "Open the latest version to change it."
        )
    old.status = RoleProfile.Status.SUPERSEDED
    old.superseded_at = timezone.now()
    old.save(update_fields=["status", "superseded_at", "updated_at"])
    new = _copy_profile(
        old,
        by=by,
        version=old.version + 1,
        status=RoleProfile.Status.CURRENT,
        supersedes=old,
        superseded_at=None,
    )
    for report in RoleProfile.objects.current().filter(reports_to=old):
        report.reports_to = new
        report.save(update_fields=["reports_to", "updated_at"])
    moved = Membership.objects.filter(role_profile=old).update(role_profile=new)
    log_action(
        new,
        "staff.role_profile.versioned",
        actor=by,
        data={"from": old.pk, "version": new.version, "people_moved": moved},
    )
    return new


@transaction.atomic
def role_profile_adopt(*, profile: RoleProfile, school: School, by: User | None) -> RoleProfile:
    """Give ``school`` its own copy of a trust-wide standard, ready for local duties."""
    standard = RoleProfile.objects.select_related("trust").get(pk=profile.pk)
    if standard.school_id is not None or not standard.is_current:
        raise ValidationError("Only the current version of a trust-wide profile can be adopted.")
    if school.trust_id != standard.trust_id:
        raise ValidationError(f"{school} is not in {standard.trust}.")
    local = _copy_profile(
        standard,
        by=by,
        school=school,
        trust=None,
        based_on=standard,
        lineage=uuid.uuid4(),
        version=1,
        supersedes=None,
        reports_to=None,
    )
    log_action(local, "staff.role_profile.adopted", actor=by, data={"standard": standard.pk})
    return local


def _find_boss(wanted: dict[str, str], candidates: list[RoleProfile]) -> RoleProfile | None:
    reference, title = wanted.get("reference", ""), wanted.get("title", "").casefold()
    for p in candidates:
        if reference and p.reference == reference and (not title or p.title.casefold() == title):
            return p
    return next((p for p in candidates if title and p.title.casefold() == title), None)


@transaction.atomic
def role_profiles_import(
    *,
    parsed: list[ParsedProfile],
    by: User | None,
    school: School | None = None,
    trust: Trust | None = None,
) -> tuple[list[RoleProfile], list[str]]:
    """Create the profiles read from an export file; all of them or, on any error, none.

    Return the new profiles and notes for the person importing (a "reports to" not found).
    """
    if (school is None) == (trust is None):
        raise ValidationError("Choose the school (or the trust) the profiles are for.")
    created: list[RoleProfile] = []
    for item in parsed:
        profile = item.profile
        profile.school, profile.trust = school, trust
        accountabilities = item.parts.get("accountabilities", [])
        problem = time_share_problem(a.time_share for a in accountabilities)
        if problem:
            raise ValidationError(f"{profile.title}: {problem}")
        try:
            profile.full_clean()
        except ValidationError as exc:
            raise ValidationError(f"{profile.title or 'A profile'}: {_flat(exc)}") from None
        profile.save()
        for key, model, _names in PARTS:
            rows = item.parts.get(key, [])
            for row in rows:
                row.profile = profile
                try:
                    row.full_clean()
                except ValidationError as exc:
                    raise ValidationError(f"{profile.title}, {key}: {_flat(exc)}") from None
            if rows:
                bulk_create_with_history(rows, model, default_user=by)
        created.append(profile)
    existing = list(
        RoleProfile.objects.current().for_schools([school.pk])
        if school
        else RoleProfile.objects.current().filter(trust=trust)
    )
    notes = []
    for item, profile in zip(parsed, created, strict=True):
        if item.reports_to is None:
            continue
        boss = _find_boss(item.reports_to, created) or _find_boss(item.reports_to, existing)
        if boss is None or boss.pk == profile.pk:
            notes.append(
                f"{profile.title}: no profile called {item.reports_to['title']!r} here, so "
                "“reports to” is empty. Choose it in the profile."
            )
            continue
        profile.reports_to = boss
        profile.save(update_fields=["reports_to", "updated_at"])
    for profile in created:
        log_action(profile, "staff.role_profile.imported", actor=by, school=school)
    return created, notes


def _flat(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


# --- Training and checks -------------------------------------------------------------------


@transaction.atomic
def training_record_save(*, record: TrainingRecord, by: User | None) -> TrainingRecord:
    """Save a training record, working out its expiry from the training type when left empty."""
    adding = record.pk is None
    if record.expires_on is None and record.completed_on:
        record.expires_on = expiry_from(record.completed_on, record.training_type.validity_months)
    if adding:
        record.recorded_by = by
    record.full_clean()
    record.save()
    log_action(
        record,
        "staff.training.recorded" if adding else "staff.training.changed",
        actor=by,
        data={"type": record.training_type.code, "user": record.user_id},
    )
    return record


def training_expiring(
    school: School, within_days: int = 60, *, on: date | None = None
) -> list[TrainingRecord]:
    """Return each person's latest training or check that has run out or will within the days.

    The hook for the reminder engine: it asks this once a day per school and tells the people
    concerned (and HR). Renewed training is not returned: only the newest record of a type
    counts, so a renewal silences the reminder.
    """
    today = on or timezone.localdate()
    return list(
        TrainingRecord.objects.of_school(school)
        .latest_per_type()
        .expiring(until=today + timedelta(days=within_days))
        .filter(training_type__active=True)
        .select_related("user", "training_type")
        .order_by("expires_on", "user__full_name")
    )
