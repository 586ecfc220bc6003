"""The SEN register: filter, search, sort, count and export the school's pupils."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pupils.forms import RegisterFilterForm, RegisterSearchForm
from pupils.models import AREA_OF_NEED, Provision, Pupil, PupilQuerySet, needs_in_area
from pupils.services.census import census_figures
from send_hub.http import SchoolHttpRequest
from send_hub.lib.csv import csv_download
from send_hub.lib.replica import reads_from_replica
from staff.audit import log_action
from staff.permissions import requires

if TYPE_CHECKING:
    from pupils.models.register import RegisterRow

PAGE_SIZE = 50
SEARCH_SESSION_KEY = "pupils_register_searches"
SORTS = {
    "name": ("legal_surname", "legal_forename", "pk"),
    "year": ("nc_year", "legal_surname", "legal_forename", "pk"),
    "status": ("provision", "legal_surname", "legal_forename", "pk"),
    "need": ("primary_need", "legal_surname", "legal_forename", "pk"),
}


def _search_text(request: SchoolHttpRequest, token: str) -> str:
    """Return the search a token stands for (names stay in the session, never in the URL)."""
    return request.session.get(SEARCH_SESSION_KEY, {}).get(token, "") if token else ""


def _filtered(
    request: SchoolHttpRequest, form: RegisterFilterForm
) -> tuple[PupilQuerySet[RegisterRow, RegisterRow], str]:
    pupils = Pupil.objects.visible_to(request.user).on_roll().with_register_fields()
    # A stale filter (a year group no longer taught) drops alone, shown on the form; the
    # filters still valid keep applying.
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    status = data.get("status") or "SEN"
    if status == "SEN":
        pupils = pupils.filter(provision__in=[Provision.SEN_SUPPORT, Provision.EHCP])
    elif status in Provision.values:
        pupils = pupils.filter(provision=status)
    if data.get("need"):
        pupils = pupils.filter(primary_need=data["need"])
    if data.get("area"):
        pupils = pupils.filter(primary_need__in=needs_in_area(data["area"]))
    if data.get("year") is not None:
        pupils = pupils.filter(nc_year=data["year"])
    if data.get("key_adult"):
        pupils = pupils.filter(
            key_adults__staff_id=data["key_adult"], key_adults__end_date__isnull=True
        ).distinct()
    if data.get("pupil_premium"):
        pupils = pupils.filter(pupil_premium=data["pupil_premium"] == "yes")
    search = _search_text(request, data.get("s", ""))
    for word in search.split():
        pupils = pupils.filter(
            Q(legal_forename__icontains=word)
            | Q(legal_surname__icontains=word)
            | Q(preferred_forename__icontains=word)
            | Q(preferred_surname__icontains=word)
            | Q(upn__iexact=word)
        )
    return pupils.order_by(*SORTS.get(data.get("sort") or "name", SORTS["name"])), search


@requires("pupils.view_register")
@require_http_methods(["GET", "POST"])
def register(request: SchoolHttpRequest) -> HttpResponse:
    """List the school's SEN register with census counts; POST turns a search into a token."""
    if request.method == "POST":
        search_form = RegisterSearchForm(request.POST)
        params = QueryDict(mutable=True)
        if search_form.is_valid():
            token = secrets.token_urlsafe(8)
            searches = request.session.get(SEARCH_SESSION_KEY, {})
            # Keep the last few searches only: the session is not a store.
            searches = dict(list(searches.items())[-9:])
            searches[token] = search_form.cleaned_data["q"]
            request.session[SEARCH_SESSION_KEY] = searches
            params["s"] = token
            params["status"] = "ALL"
        return redirect(f"{reverse('pupils:register')}?{params.urlencode()}")

    form = RegisterFilterForm(request.GET or None, school=request.school)
    pupils, search = _filtered(request, form)
    page = Paginator(pupils.with_current_key_adults(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "search": search,
        "search_form": RegisterSearchForm(initial={"q": search}),
        # The census's own counting rule (pupils.services.census), over every pupil on roll: the
        # filters narrow the list below, never these figures. Largest needs first.
        "counts": census_figures(Pupil.objects.visible_to(request.user), largest_first=True),
        "query": query.urlencode(),
        "areas": AREA_OF_NEED,
    }
    template = "pupils/register.html#results" if request.htmx else "pupils/register.html"
    return render(request, template, context)


@requires("pupils.view_register")
@require_GET
@reads_from_replica
def register_export(request: SchoolHttpRequest) -> HttpResponse:
    """Download the filtered register as CSV (audited: it carries names and needs)."""
    form = RegisterFilterForm(request.GET or None, school=request.school)
    pupils, _search = _filtered(request, form)
    stamp = timezone.localdate().isoformat()
    response, writer = csv_download(f"sen-register-{stamp}.csv")
    writer.writerow(
        [
            "UPN",
            "Surname",
            "Forename",
            "Date of birth",
            "NC year",
            "Reg group",
            "SEN provision",
            "Since",
            "Primary need",
            "Secondary need",
            "Pupil premium",
        ]
    )
    count = 0
    for p in pupils.iterator(chunk_size=500):
        count += 1
        writer.writerow(
            [
                p.upn,
                p.legal_surname,
                p.legal_forename,
                p.date_of_birth.isoformat(),
                p.get_nc_year_display() or "",
                p.registration_group,
                p.provision,
                p.provision_since.isoformat() if p.provision_since else "",
                p.primary_need or "",
                p.secondary_need or "",
                "Y" if p.pupil_premium else "N",
            ]
        )
    log_action(
        None,
        "pupils.register.exported",
        actor=request.user,
        school=request.school,
        data={"rows": count, "filters": {k: v for k, v in request.GET.items() if k != "s"}},
        request=request,
    )
    return response
