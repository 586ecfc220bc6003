"""Invitations: the only way an account comes into being, sent once and accepted once."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from send_hub.lib.site import email_subject, site_name, site_url
from send_hub.lib.tasks import enqueue_on_commit
from staff.audit import log_action
from staff.models import Invitation, Membership, Role, School, User
from staff.services.roles import RoleGrantRefused, grant_refusals, membership_roles_change


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
    refusals = grant_refusals(by=by, school_id=school.pk, target_user_id=invitee, added=set(roles))
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
    enqueue_on_commit("staff.tasks.invitation_send_task", invitation.pk)
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
