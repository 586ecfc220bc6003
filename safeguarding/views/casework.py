"""The DSL team's casework on a concern: decisions, actions, referrals and their outcomes.

Each form posts here and comes back to the concern page; with errors, the page is shown again
with the form and its errors (status 200), and nothing was written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from safeguarding import services
from safeguarding.forms import (
    AccountShareForm,
    ActionForm,
    ActionUpdateForm,
    DecisionForm,
    ReferralForm,
    ReferralUpdateForm,
)
from safeguarding.models import Concern
from safeguarding.services import actions as action_services
from safeguarding.views.concerns import _concern_queryset, render_concern
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors
from staff.permissions import get_object_for, requires


def _concern(request: SchoolHttpRequest, pk: int) -> Concern:
    return get_object_for(request, _concern_queryset(), pk, "safeguarding.triage")


def _handle(
    request: SchoolHttpRequest,
    concern: Concern,
    form: forms.Form,
    *,
    write: Callable[[dict[str, Any]], Any],
    done: str,
    anchor: str,
    form_name: str,
    **extra: Any,
) -> HttpResponse:
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(reverse("safeguarding:concern", args=[concern.pk]) + f"#{anchor}")
    return render_concern(request, concern, **{form_name: form, **extra})


@requires("safeguarding.triage")
@require_POST
def decision_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record a decision: the status and risk from now on, and the rationale."""
    concern = _concern(request, pk)
    form = DecisionForm(request.POST, concern=concern)

    def write(data: dict[str, Any]) -> Any:
        return services.decision_record(concern=concern, by=request.user, **form.service_data())

    return _handle(
        request,
        concern,
        form,
        write=write,
        done="Decision recorded.",
        anchor="decisions",
        form_name="decision_form",
    )


@requires("safeguarding.triage")
@require_POST
def action_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Set an action with an owner and a deadline."""
    concern = _concern(request, pk)
    form = ActionForm(request.POST, concern=concern)
    return _handle(
        request,
        concern,
        form,
        # The owner is told at once: in the app and by a content-free e-mail.
        write=lambda data: action_services.action_assign(concern=concern, by=request.user, **data),
        done="Action added.",
        anchor="actions",
        form_name="action_form",
    )


@requires("safeguarding.triage")
@require_POST
def action_update(request: SchoolHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Record progress on, or the outcome of, one action."""
    concern = _concern(request, pk)
    action = concern.actions.filter(pk=action_pk).first()
    if action is None:
        raise Http404
    form = ActionUpdateForm(request.POST, auto_id=f"id_action{action.pk}_%s")
    return _handle(
        request,
        concern,
        form,
        write=lambda data: services.action_update_add(action=action, by=request.user, **data),
        done="Outcome recorded.",
        anchor="actions",
        form_name="action_update_form",
        action_update_for=action.pk,
    )


@requires("safeguarding.triage")
@require_POST
def referral_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record a referral to an agency, with the rationale."""
    concern = _concern(request, pk)
    form = ReferralForm(request.POST, concern=concern)
    return _handle(
        request,
        concern,
        form,
        write=lambda data: services.referral_add(concern=concern, by=request.user, **data),
        done="Referral recorded.",
        anchor="referrals",
        form_name="referral_form",
    )


@requires("safeguarding.triage")
@require_POST
def referral_update(request: SchoolHttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    """Record what came back from the agency."""
    concern = _concern(request, pk)
    referral = concern.referrals.filter(pk=referral_pk).first()
    if referral is None:
        raise Http404
    form = ReferralUpdateForm(request.POST, auto_id=f"id_referral{referral.pk}_%s")
    return _handle(
        request,
        concern,
        form,
        write=lambda data: services.referral_update_add(referral=referral, by=request.user, **data),
        done="Outcome recorded.",
        anchor="referrals",
        form_name="referral_update_form",
        referral_update_for=referral.pk,
    )


@requires("safeguarding.triage")
@require_POST
def account_share(request: SchoolHttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """Put (or take off) the concern's full account on a linked child's file it is not about."""
    concern = _concern(request, pk)
    link = next((lk for lk in concern.links.all() if lk.pk == link_pk), None)
    if link is None:
        raise Http404
    form = AccountShareForm(request.POST, auto_id=f"id_share{link.pk}_%s")
    on = form.data.get("on") == "1"
    return _handle(
        request,
        concern,
        form,
        write=lambda data: services.account_share_set(link=link, by=request.user, **data),
        done=(
            f"The full account is now on {link.pupil.display_name}'s file."
            if on
            else f"The full account is off {link.pupil.display_name}'s file."
        ),
        anchor="pupils-h",
        form_name="account_share_form",
        account_share_for=link.pk,
    )
