"""Template tags that let other apps' pages show safeguarding's little without knowing it.

The pupil page gets only the neutral flag; Today gets the DSL team's queue summary and alerts,
and everyone's Today and menu get a count of the safeguarding actions they own.
Each tag does its own query so the views that include them need not import this app.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from safeguarding.models import Action, Alert, Concern, Risk, Status
from safeguarding.services.actions import owner_summary
from staff.models import User
from staff.permissions import can

register = template.Library()

# Each request's counts of its person's own actions, asked once however often a page shows them.
_my_actions_asked: WeakKeyDictionary[HttpRequest, dict[str, int]] = WeakKeyDictionary()


def _school_user(context: template.Context) -> tuple[HttpRequest, User] | None:
    """Return the page's request and its signed-in person, when they work in a school now."""
    request = context.get("request")
    if not isinstance(request, HttpRequest) or not hasattr(request, "user"):
        return None
    user = request.user
    if not user.is_authenticated or getattr(user, "current_school_id", None) is None:
        return None
    return request, user


@register.inclusion_tag("safeguarding/alert_list.html")
def alert_list(
    alerts: list[Alert], *, may_open_concerns: bool, may_open_transfers: bool, flush: bool = False
) -> dict[str, Any]:
    """Render a list of alerts. Alerts name no child: each links to its record, where access is
    checked and recorded; an alert the person may not open says whom to speak to instead.

    The rows are written here, once for the list, rather than a template include per alert.
    """
    concern_url = reverse("safeguarding:concern", args=[0]).removesuffix("0/")
    transfer_url = reverse("safeguarding:transfer", args=[0]).removesuffix("0/")
    transfers_url = reverse("safeguarding:transfers")
    rows = []
    for alert in alerts:
        href, opens = "", ""
        if alert.concern_id and may_open_concerns:
            href, opens = f"{concern_url}{alert.concern_id}/", "concern"
        elif alert.transfer_id and may_open_transfers:
            href, opens = f"{transfer_url}{alert.transfer_id}/", "transfer"
        elif alert.pupil_id and may_open_transfers:
            href, opens = transfers_url, "transfers"
        rows.append(
            {
                "urgent": alert.urgent,
                "kind": alert.get_kind_display(),
                "when": date_format(timezone.localtime(alert.created_at), "j M Y, H:i"),
                "href": href,
                "opens": opens,
            }
        )
    return {"rows": rows, "flush": flush}


@register.simple_tag(takes_context=True)
def safeguarding_today(context: template.Context) -> dict[str, Any] | None:
    """Return the DSL's queue summary and unread alerts; None for anyone not on the DSL team."""
    found = _school_user(context)
    # Everyone else's Today costs no query here: the check below uses cached roles.
    if found is None or not can(found[1], "safeguarding.triage"):
        return None
    user = found[1]
    concerns = Concern.objects.visible_to(user)
    return {
        "alerts": list(Alert.objects.for_user(user).unread()[:5]),
        "untriaged": concerns.untriaged().count(),
        "urgent": concerns.filter(urgent=True).open().count(),
        "overdue_actions": Action.objects.overdue().filter(concern__in=concerns).count(),
    }


def _my_actions(context: template.Context) -> dict[str, int] | None:
    found = _school_user(context)
    if found is None or not can(found[1], "safeguarding.raise"):
        return None
    request, user = found
    # Today asks twice (its panel and the menu): one query per page.
    cached = _my_actions_asked.get(request)
    if cached is None:
        cached = _my_actions_asked[request] = owner_summary(user)
    return cached


@register.simple_tag(takes_context=True)
def safeguarding_my_actions(context: template.Context) -> dict[str, int] | None:
    """Return how many safeguarding actions the signed-in person owns: open, overdue, new."""
    return _my_actions(context)


@register.inclusion_tag("safeguarding/my_actions_menu.html", takes_context=True)
def safeguarding_actions_menu(context: template.Context) -> dict[str, Any]:
    """Render the menu entry for the person's own actions.

    Every page has the menu, so it links without counting (no query); the count is on Today,
    where the person looks first, and the bell-style alert tells them of each new action.
    """
    found = _school_user(context)
    return {"shown": found is not None and can(found[1], "safeguarding.raise")}


@register.filter
def status_label(code: str) -> str:
    """Return the words for a concern status code."""
    return Status(code).label if code in Status.values else code


@register.filter
def risk_label(code: str) -> str:
    """Return the words for a risk level code."""
    return Risk(code).label if code in Risk.values else code
