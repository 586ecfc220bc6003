"""One-time form keys: which form was sent, by whom, and where its first answer sent them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """The first use of a one-time form key (see ``send_hub.lib.form_keys``).

    The unique key is the lock: a second, concurrent use of the key waits on it until the first
    request's transaction ends, then finds this row and replays ``location`` instead of saving
    again. Only ids, a hash and a URL are kept: never what the form said.
    """

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64, help_text="Hash of the address and answers.")
    location = models.TextField(blank=True, help_text="Where the first answer redirected.")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key} ({self.at:%Y-%m-%d %H:%M})"
