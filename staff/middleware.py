"""Request-wide rules: session limits, the current school, MFA, and no caching of private pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from send_hub.http import AuthenticatedHttpRequest
from staff.models import Membership

AUTH_AT_SESSION_KEY = "send_hub_auth_at"
SCHOOL_SESSION_KEY = "send_hub_school_id"
MFA_OK_SESSION_KEY = "send_hub_mfa_ok"

# Paths a signed-in person can reach before choosing a school or setting up MFA.
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/invitations/", "/favicon.ico")

# The admin spans every school where a person is an HR admin, so it needs no current school
# (it still needs MFA: OPEN_PREFIXES alone decides that).
SCHOOL_OPTIONAL_PREFIXES = (*OPEN_PREFIXES, "/admin/")

Handler = Callable[[HttpRequest], HttpResponse]


class SessionLimitsMiddleware:
    """Sign a person out 10 hours after sign-in, however active (idle expiry is the cookie's)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            raw = request.session.get(AUTH_AT_SESSION_KEY)
            if raw is None:
                request.session[AUTH_AT_SESSION_KEY] = timezone.now().isoformat()
            elif timezone.now() - datetime.fromisoformat(raw) > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                messages.info(
                    request, "For safety you are signed out after 10 hours. Please sign in again."
                )
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class CurrentSchoolMiddleware:
    """Attach the school a person is working in now (``request.school``, ``request.membership``)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # This is where a request gains the attributes send_hub.http's request classes name.
        annotated = cast(AuthenticatedHttpRequest, request)
        annotated.school = None
        annotated.membership = None
        user = request.user
        if user.is_authenticated:
            memberships = list(
                Membership.objects.active().filter(user=user).select_related("school")
            )
            annotated.memberships = memberships
            chosen = request.session.get(SCHOOL_SESSION_KEY)
            current = next((m for m in memberships if m.school_id == chosen), None)
            if current is None and len(memberships) == 1:
                current = memberships[0]
            if current is not None:
                annotated.membership = current
                annotated.school = current.school
            user.current_school_id = annotated.school.pk if annotated.school else None
            if (
                current is None
                and memberships
                and not request.path.startswith(SCHOOL_OPTIONAL_PREFIXES)
                and request.path != reverse("staff:choose_school")
            ):
                return redirect(f"{reverse('staff:choose_school')}?next={request.get_full_path()}")
        else:
            annotated.memberships = []
        return self.get_response(request)


class RequireMFAMiddleware:
    """Send anyone without a second factor to set one up before any other page."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SEND_HUB_MFA_REQUIRED
            and request.user.is_authenticated
            and not request.session.get(MFA_OK_SESSION_KEY)
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if not is_mfa_enabled(request.user):
                messages.info(
                    request,
                    "SEND Hub holds children's records, so every account needs an authenticator "
                    "app. Set one up to continue.",
                )
                return redirect("mfa_activate_totp")
            request.session[MFA_OK_SESSION_KEY] = True
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Stop browsers and proxies keeping copies of any page a signed-in person saw."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
