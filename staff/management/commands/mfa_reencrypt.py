"""Re-encrypt every two-factor secret with the newest key in SEND_HUB_MFA_ENCRYPTION_KEYS.

The key rotation procedure (README, "Rotating the two-factor key"): put a new key first in
SEND_HUB_MFA_ENCRYPTION_KEYS, keeping the old ones after it; restart; run this command; then remove
the old keys and restart again. Secrets stored before encryption was switched on are encrypted too.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from staff.adapters import MFAAdapter, mfa_fernet

# The fields of Authenticator.data that allauth passes through encrypt() (TOTP and recovery codes).
ENCRYPTED_FIELDS = ("secret", "seed")
ENCRYPTED_LISTS = ("migrated_codes",)


class Command(BaseCommand):
    help = "Re-encrypt every two-factor secret with the newest SEND_HUB_MFA_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        if mfa_fernet() is None:
            raise CommandError("SEND_HUB_MFA_ENCRYPTION_KEYS is empty: there is no key to use.")
        adapter = MFAAdapter()
        count = 0
        with transaction.atomic():
            # Locked, so a person setting up or using two-factor meanwhile waits rather than
            # having their change overwritten.
            for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
                data = dict(authenticator.data)
                changed = False
                for name in ENCRYPTED_FIELDS:
                    if isinstance(data.get(name), str):
                        data[name] = adapter.encrypt(adapter.decrypt(data[name]))
                        changed = True
                for name in ENCRYPTED_LISTS:
                    if isinstance(data.get(name), list):
                        data[name] = [adapter.encrypt(adapter.decrypt(v)) for v in data[name]]
                        changed = True
                if changed:
                    authenticator.data = data
                    authenticator.save(update_fields=["data"])
                    count += 1
        self.stdout.write(f"Re-encrypted {count} two-factor secret(s) with the newest key.")
