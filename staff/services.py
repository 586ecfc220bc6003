"""Writes for the staff app: invitations and memberships."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from send_hub.lib.tasks import enqueue_on_commit
from staff.audit import log_action
from staff.models import Invitation, Membership, MembershipRole, Role, School, User

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
