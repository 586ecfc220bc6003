"""The site's configured name and address, for everything that leaves the app (e-mails).

A link in an e-mail must point where the school's staff actually sign in, whatever Host header
the request that caused it carried, so every e-mail builds its links here from
``SEND_HUB_BASE_URL`` and names the site with ``SEND_HUB_SITE_NAME``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


@dataclass(frozen=True)
class ConfiguredSite:
    """What allauth's e-mail templates read from ``current_site``: a name and a domain."""

    name: str
    domain: str


def site_name() -> str:
    """Return the name people know the site by."""
    return settings.SEND_HUB_SITE_NAME


def site_url(path: str) -> str:
    """Return the absolute address of ``path`` (as reverse() gives it) on the configured site."""
    return settings.BASE_URL + path


def rebase_url(url: str) -> str:
    """Return ``url`` moved onto the configured site, keeping its path, query and fragment."""
    _, _, path, query, fragment = urlsplit(url)
    return site_url(urlunsplit(("", "", path, query, fragment)))


def configured_site() -> ConfiguredSite:
    """Return the site as e-mails should name it."""
    return ConfiguredSite(name=site_name(), domain=urlsplit(settings.BASE_URL).netloc)


def email_subject(text: str) -> str:
    """Return an e-mail subject with the site's prefix, as allauth's own e-mails have."""
    return f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{text}"
