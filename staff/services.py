"""Writes for the staff app: invitations, memberships, role profiles and training records."""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from send_hub.lib.tasks import enqueue_on_commit
from staff.audit import log_action
from staff.models import Invitation, Membership, MembershipRole, Role, School, Trust, User
from staff.models_profiles import RoleProfile, time_share_problem
from staff.models_records import TrainingRecord, expiry_from
from staff.profile_io import PARTS, ParsedProfile

logger = logging.getLogger(__name__)

# Senior roles only a head may hand out.
HEAD_ONLY_ROLES = frozenset({Role.HEAD, Role.DSL})


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
    link = settings.BASE_URL + reverse("staff:accept_invitation", args=[invitation.make_token()])
    context = {"invitation": invitation, "link": link, "days": settings.SEND_HUB_INVITATION_DAYS}
    try:
        send_mail(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You are invited to SEND Hub",
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
    membership, _ = Membership.objects.update_or_create(
        user=user,
        school=invitation.school,
        defaults={"active": True, "job_title": invitation.job_title},
    )
    _grant_roles(membership, invitation.roles)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    log_action(invitation, "staff.invitation.accepted", actor=user)
    return user


def grantable_roles(*, by: User, school: School) -> list[tuple[str, str]]:
    """Return the roles ``by`` may hand out in ``school`` (only a head grants head and DSL)."""
    from staff.permissions import roles_for

    is_head = Role.HEAD in roles_for(by, school.pk)
    return [(v, label) for v, label in Role.choices if is_head or v not in HEAD_ONLY_ROLES]


def membership_grant(
    *, user: User, school: School, roles: list[str], job_title: str = ""
) -> Membership:
    """Give ``user`` ``roles`` in ``school`` (used by the demo loader and the admin)."""
    membership, _ = Membership.objects.get_or_create(
        user=user, school=school, defaults={"job_title": job_title}
    )
    _grant_roles(membership, roles)
    return membership


def _grant_roles(membership: Membership, roles: list[str]) -> None:
    for role in roles:
        MembershipRole.objects.get_or_create(membership=membership, role=role)
    # The admin is reachable only by HR admins (staff.admin checks the role as well).
    if Role.HR_ADMIN in roles and not membership.user.is_staff:
        membership.user.is_staff = True
        membership.user.save(update_fields=["is_staff"])


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
