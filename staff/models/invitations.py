"""Invitations: the single-use, expiring links that are the only way to get an account."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone

from staff.models.people import School, User


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending_send(self) -> InvitationQuerySet:
        """Return live invitations whose e-mail has not gone out yet."""
        return self.filter(
            sent_at__isnull=True, accepted_at__isnull=True, expires_at__gt=timezone.now()
        )


INVITATION_SALT = "staff.invitation"


def _new_nonce() -> str:
    return secrets.token_hex(16)


class Invitation(models.Model):
    """A single-use, expiring link that is the only way to get an account."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    roles = models.JSONField(default=list, help_text="Role codes granted on acceptance.")
    # The link carries this nonce signed with SECRET_KEY: a leaked database alone cannot forge a
    # link, and a new nonce (re-sending) invalidates every earlier link.
    nonce = models.CharField(max_length=32, default=_new_nonce, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per person and school: a double submission cannot make two.
            models.UniqueConstraint(
                fields=["school", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_one_open_per_school",
            ),
        ]
        indexes = [
            # invitations_send_pending: unsent, unaccepted, unexpired
            models.Index(fields=["sent_at", "expires_at"], name="invitation_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.school}"

    def make_token(self) -> str:
        # No timestamp in the link: expiry lives in the row, so the same link is stable.
        return signing.Signer(salt=INVITATION_SALT).sign_object([self.pk, self.nonce])

    @classmethod
    def from_token(cls, token: str) -> Invitation | None:
        """Return the invitation a link points to, or None for a forged or outdated link."""
        try:
            pk, nonce = signing.Signer(salt=INVITATION_SALT).unsign_object(token)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return cls.objects.select_related("school").filter(pk=pk, nonce=nonce).first()

    @staticmethod
    def default_expiry() -> Any:
        return timezone.now() + timedelta(days=settings.SEND_HUB_INVITATION_DAYS)

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
