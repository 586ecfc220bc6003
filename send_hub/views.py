"""Project-wide pages: Today (each feature adds its panel for its roles) and a health check."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from pupils.models import Provision, Pupil, SENStatus
from pupils.services.register_figures import kept, register_figures
from send_hub.http import SchoolHttpRequest
from staff.models import Invitation, Membership, Role, User
from staff.permissions import CASELOAD_ROLES, can, requires, roles_for

logger = logging.getLogger(__name__)


@requires("core.today")
@require_GET
def today(request: SchoolHttpRequest) -> HttpResponse:
    """Show the signed-in person what needs them today, panel by panel for their roles."""
    user, school = request.user, request.school
    # The roles the permission checks already read for this request: no query of its own.
    roles = roles_for(user, school.pk)
    context: dict[str, object] = {
        "roles": roles,
        "role_labels": [label for code, label in Role.choices if code in roles],
    }
    if roles & CASELOAD_ROLES:
        # Read from the register alone: kept until it changes, like the register's figures.
        context["caseload"] = kept(
            school.pk, ("caseload", user.pk), lambda: _caseload(user, school.pk)
        )
    if can(user, "pupils.view_register"):
        # The register's own census figures, kept between looks until the register changes.
        census = register_figures(school.pk).census
        context["register"] = {"k": census.k, "e": census.e, "on_roll": census.total}
    if can(user, "staff.view_members"):
        context["team"] = {
            "people": Membership.objects.active().filter(school=school).count(),
            "invitations": Invitation.objects.filter(school=school).pending_send().count()
            + Invitation.objects.filter(
                school=school, accepted_at__isnull=True, sent_at__isnull=False
            ).count(),
        }
    return render(request, "core/today.html", context)


def _caseload(user: User, school_id: int) -> list[dict[str, str]]:
    """The pupils on roll ``user`` is a key adult to now, as Today's tile lists them: each one's
    name, year and open provision (not the status record itself), in one query."""
    open_provision = SENStatus.objects.filter(pupil=OuterRef("pk"), end_date__isnull=True).values(
        "provision"
    )[:1]
    # A join, not an EXISTS to plan; DISTINCT for a pupil linked to them in two ways.
    caseload = (
        Pupil.objects.on_roll()
        .filter(
            school_id=school_id,
            key_adults__staff=user,
            key_adults__end_date__isnull=True,
        )
        .distinct()
        .only(*Pupil.NAME_FIELDS, "nc_year")
        .annotate(open_provision=Subquery(open_provision))
        .order_by("legal_surname", "legal_forename")
    )
    labels = dict(Provision.choices)
    return [
        {
            "url": reverse("pupils:detail", args=[p.pk]),
            "name": p.display_name,
            "year": p.get_nc_year_display() or "",
            "provision": labels.get(p.open_provision, ""),
        }
        for p in caseload
    ]


def bare(request: HttpRequest) -> HttpResponse:
    """The benchmarks' bare Django page: a fixed answer, no template (send_hub.floor_urls)."""
    return HttpResponse("<!doctype html><title>Bare</title><p>Bare Django page.</p>")


@requires("core.today")
def floor(request: SchoolHttpRequest) -> HttpResponse:
    """The benchmarks' floor: base.html with nothing of its own (send_hub.floor_urls)."""
    return render(request, "core/floor.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer 200 when the app can reach its database, else 503 saying so (for load balancers).

    Only the database decides: without it no page works. Redis is left out on purpose, because
    the web keeps working while the broker is down (work waits for the next periodic sweep), and
    restarting the web would not bring Redis back. The answer names what is down, never why.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "down", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})
