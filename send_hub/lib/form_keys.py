"""One-time form keys: a form sent twice (a double tap, a resent request) saves once.

Every POST form carries a ``form_key``: forms built on ``OneTimeKeyForm`` or holding
``{% form_key %}`` render one, and ``static/js/app.js`` adds one to any other POST form when it
is first submitted (htmx forms too). ``FormKeyMiddleware`` runs the view of a POST that carries
a key inside one transaction that first claims the key in ``staff.FormSubmission``:

- the first request claims the key, runs the view, and keeps where its answer redirected;
- a twin sent meanwhile waits on the key's unique index until the first commits, then gets the
  same redirect without the view running again (nothing is written twice);
- the same key with different answers, or from another person, is refused with a message;
- an answer that is not a redirect (a form shown again with its errors) releases the key, so the
  person can correct the form and send it again.

Create views therefore follow POST/redirect/GET, as they all do. A view that fails with a server
error keeps nothing of what it wrote. Session logs (``Session.client_key``) and safeguarding
concerns (``Concern.idempotency_key``) also keep their own key on the record itself, because
their forms may be resent from a phone's offline copy after the page has gone.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from staff.models import FormSubmission, User

FIELD = "form_key"
# Fields that differ between two sends of one form without changing what it says.
NOT_ANSWERS = frozenset({FIELD, "csrfmiddlewaretoken"})
FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

SENT_TWICE = "This form was sent twice; it was saved once."
REFUSED = (
    "Nothing new was saved: this form was sent already with different answers (perhaps after "
    "going back a page). This page shows what is saved now; make your change again if it is "
    "still needed."
)


def new_key() -> str:
    """Return a fresh one-time form key."""
    return str(uuid.uuid4())


class OneTimeKeyForm(forms.Form):
    """A form that renders a fresh one-time key; the key never reaches ``cleaned_data``."""

    form_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if FIELD in self.fields:
            self.fields[FIELD].initial = new_key()

    def clean(self) -> dict[str, Any]:
        super().clean()
        # The middleware has dealt with the key: services never see it.
        self.cleaned_data.pop(FIELD, None)
        return self.cleaned_data


def fingerprint(request: HttpRequest) -> str:
    """Return a hash of where a form was sent and what it said (not its key or CSRF token)."""
    answers = sorted((k, v) for k, v in request.POST.lists() if k not in NOT_ANSWERS)
    files = sorted((k, [(f.name, f.size) for f in fs]) for k, fs in request.FILES.lists())
    text = json.dumps([request.path, sorted(request.GET.lists()), answers, files], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _key(request: HttpRequest) -> uuid.UUID | None:
    if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
        return None
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None  # no key (or a mangled one): the view runs as it would without keys


def _redirect_of(response: HttpResponse) -> str | None:
    """Return where the answer sends the person, when it is a redirect (plain or htmx)."""
    if 300 <= response.status_code < 400 and response.has_header("Location"):
        return response["Location"]
    if response.status_code < 300 and response.has_header("HX-Redirect"):
        return response["HX-Redirect"]
    return None


def _go(request: HttpRequest, location: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return HttpResponse(headers={"HX-Redirect": location})
    return HttpResponseRedirect(location)


def _claim(key: uuid.UUID, user: User, print_: str) -> FormSubmission | None:
    """Claim the key for this request; return the earlier claim instead if there is one."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                FormSubmission.objects.create(key=key, user=user, fingerprint=print_)
            return None
        except IntegrityError:
            # A twin holds the key: the insert waited for its transaction, which kept the key.
            earlier = FormSubmission.objects.filter(key=key).first()
            if earlier is not None:
                return earlier
    raise RuntimeError("A one-time form key could not be claimed.")  # pragma: no cover


def _answer_again(request: HttpRequest, earlier: FormSubmission, print_: str) -> HttpResponse:
    if earlier.user_id != request.user.pk or earlier.fingerprint != print_:
        messages.error(request, REFUSED)
        back = request.headers.get("Referer", "")
        safe = url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return _go(request, back if safe and back else "/")
    messages.info(request, SENT_TWICE)
    return _go(request, earlier.location)


class FormKeyMiddleware:
    """Save a POST carrying a one-time form key once, however many times it arrives."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _key(request)
        # A claim names who sent the form, so only signed-in people's forms are claimed
        # (AuthenticationMiddleware runs first and sets request.user).
        if key is None or not request.user.is_authenticated:
            return self.get_response(request)
        print_ = fingerprint(request)
        with transaction.atomic():
            earlier = _claim(key, request.user, print_)
            if earlier is not None:
                return _answer_again(request, earlier, print_)
            response = self.get_response(request)
            if response.status_code >= 500:
                # Django turned an error into this page: keep nothing the view half wrote.
                transaction.set_rollback(True)
                return response
            location = _redirect_of(response)
            if location is None:
                FormSubmission.objects.filter(key=key).delete()
            else:
                FormSubmission.objects.filter(key=key).update(location=location)
        return response
