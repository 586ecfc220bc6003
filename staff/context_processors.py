"""What the layout needs on every page: navigation for the person's roles, their school."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from staff.permissions import TRUST_ROLE_SESSION_KEY, can

# (label, url name, capability). Each later feature adds its entry here: the work in the top
# bar, the person's own things in the menu under their name (the bar must fit a laptop).
NAVIGATION = [
    ("Today", "core:today", "core.today"),
    ("My classes", "interventions:my_classes", "interventions.my_classes"),
    ("Safeguarding", "safeguarding:queue", "safeguarding.triage"),
    ("SEN register", "pupils:register", "pupils.view_register"),
    ("SENDCo", "interventions:sendco", "interventions.view_provision"),
    ("Interventions", "interventions:list", "interventions.view"),
    ("Connect", "interventions:connect_rooms", "interventions.connect_view"),
    ("Behaviour", "interventions:behaviour", "interventions.behaviour_view"),
    ("Staff", "staff:members", "staff.view_members"),
]
ACCOUNT_MENU = [
    ("My record and training", "staff:my_record", "staff.view_own"),
    ("My safeguarding concerns", "safeguarding:mine", "safeguarding.raise"),
    ("Organisation chart", "staff:org_chart", "staff.view_org_chart"),
    ("Deployment", "staff:deployment", "staff.view_deployment"),
    ("Records management", "records:home", "records.manage"),
    ("Classes", "pupils:class_list", "pupils.view_classes"),
    ("Attendance", "interventions:attendance", "interventions.attendance_monitor"),
    ("Early warnings", "interventions:early_warnings", "interventions.attendance_view"),
    ("Off site today", "interventions:offsite_today", "interventions.attendance_offsite_today"),
]


def layout(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    nav, account = [], []
    if user is not None and user.is_authenticated and getattr(request, "school", None):
        nav = [(label, name) for label, name, cap in NAVIGATION if can(user, cap)]
        account = [(label, name) for label, name, cap in ACCOUNT_MENU if can(user, cap)]
    session = getattr(request, "session", {})
    if user is not None and user.is_authenticated and session.get(TRUST_ROLE_SESSION_KEY):
        # A trust role holds no school capability: it is shown wherever the person works.
        account.append(("Across the trust", "interventions:trust"))
    return {
        "nav_items": nav,
        "account_items": account,
        "current_school": getattr(request, "school", None),
        "current_membership": getattr(request, "membership", None),
        "my_memberships": getattr(request, "memberships", []),
        "mfa_relaxed": not settings.SEND_HUB_MFA_REQUIRED,
    }
