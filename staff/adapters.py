"""allauth policy for SEND Hub: closed sign-up, audited sign-in limits, encrypted MFA secrets."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import HttpRequest

from send_hub.lib.site import configured_site, rebase_url
from staff import sign_ins

# Every Fernet token starts with these characters (version byte 0x80, then a timestamp whose top
# bytes are zero): a stored value without them is a secret saved before encryption was switched on.
FERNET_TOKEN_START = "gAAAAA"  # noqa: S105 (a format marker, not a secret)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed sign-in attempts. Wait 15 minutes and try again, or reset your "
            "password (Forgot your password?) to sign in straight away."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Refuse self sign-up: accounts come only from invitations (staff.services)."""
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, object]) -> None:
        """Send allauth's e-mails (password reset...) as the configured site, linking to it.

        allauth names the site after the request's Host header and builds its links from it; a
        school's e-mails must point where its staff sign in, whatever reached the server.
        """
        context = {
            key: rebase_url(value)
            if key.endswith("_url") and isinstance(value, str) and "://" in value
            else value
            for key, value in context.items()
        }
        super().send_mail(template_prefix, email, {**context, "current_site": configured_site()})

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Apply allauth's failed sign-in limits, auditing an attempt they refuse."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            sign_ins.sign_in_refused_log(
                request=request,
                account=sign_ins.account_for_login(credentials.get("email")),
                stage=sign_ins.STAGE_PASSWORD,
            )
            raise

    def get_client_ip(self, request: HttpRequest) -> str:
        """Return the client address from the trusted proxy header, else the connecting one.

        allauth reads ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER (set from
        SEND_HUB_CLIENT_IP_HEADER). A request without the header, or with fewer forwarded
        addresses than trusted proxies, did not come through them all: count it against the
        address that connected. At worst that is the proxy's, which shares a limit (stricter),
        never a way round one; allauth itself would answer with a 500 or a 403.
        """
        try:
            return super().get_client_ip(request)
        except (ImproperlyConfigured, PermissionDenied):
            address = request.META.get("REMOTE_ADDR")
            if not address:
                raise PermissionDenied("Unable to determine the client address.") from None
            return address


def mfa_fernet() -> MultiFernet | None:
    """Return the configured MFA keys, newest first (None when the install has none)."""
    keys = settings.SEND_HUB_MFA_ENCRYPTION_KEYS
    if not keys:
        return None
    return MultiFernet([Fernet(key) for key in keys])


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        """Encrypt a TOTP secret or recovery-code seed with the newest key before it is stored."""
        fernet = mfa_fernet()
        if fernet is None:
            # Only where DJANGO_DEBUG=false and two-factor is optional (settings refuse otherwise).
            return text
        return fernet.encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        """Decrypt a stored secret with whichever configured key made it.

        A value stored before encryption was switched on is returned as it is, so nobody's
        authenticator stops working; `manage.py mfa_reencrypt` encrypts those in place.
        """
        if not encrypted_text.startswith(FERNET_TOKEN_START):
            return encrypted_text
        fernet = mfa_fernet()
        if fernet is None:
            raise ImproperlyConfigured(
                "Two-factor secrets are encrypted but SEND_HUB_MFA_ENCRYPTION_KEYS is empty."
            )
        try:
            return fernet.decrypt(encrypted_text.encode()).decode()
        except InvalidToken:
            raise ImproperlyConfigured(
                "A two-factor secret was encrypted with a key that is not in "
                "SEND_HUB_MFA_ENCRYPTION_KEYS: put the old key back (after the new one), run "
                "`manage.py mfa_reencrypt`, and only then remove it."
            ) from None
