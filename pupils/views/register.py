"""The SEN register: filter, search, sort, count and export the school's pupils."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pupils.forms import RegisterFilterForm, RegisterSearchForm
from pupils.models import (
    AREA_OF_NEED,
    KeyAdult,
    Provision,
    Pupil,
    PupilQuerySet,
    needs_in_area,
)
from pupils.services.census import census_figures
from pupils.services.register_figures import (
    RegisterFigures,
    kept,
    key_adult_choices,
    register_figures,
)
from send_hub.http import SchoolHttpRequest
from send_hub.lib.csv import csv_download
from send_hub.lib.paging import CountedPaginator, page_number, page_with_totals
from send_hub.lib.replica import reads_from_replica
from staff.audit import log_action
from staff.permissions import WHOLE_SCHOOL_PUPIL_ROLES, requires, roles_for

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


# What a register row shows of the pupil's own record (``with_register_fields`` adds the rest).
ROW_FIELDS = (
    "legal_forename",
    "legal_surname",
    "preferred_forename",
    "preferred_surname",
    "upn",
    "nc_year",
    "pupil_premium",
)
BADGES = {Provision.EHCP: "text-bg-primary", Provision.SEN_SUPPORT: "text-bg-info"}
OTHER_BADGE = "text-bg-light border"
DASH = "\N{EN DASH}"  # an empty year or primary need
# A pupil id no pupil has, to read the profile URL's shape once per page rather than per row.
_PK_MARK = 9_876_543_210


@dataclass(frozen=True)
class Listed:
    """A page of the register as shown: how many pupils the list has, which page, its rows."""

    count: int
    number: int
    rows: list[dict[str, Any]]

    def page(self) -> Page:
        """The page for the template's count and links to other pages."""
        return CountedPaginator(range(self.count), PAGE_SIZE, count=self.count).page(self.number)


def _register_page(pupils: PupilQuerySet[RegisterRow, RegisterRow], raw: str | None) -> Listed:
    """The page of the register asked for, and its pupils as the rows the template shows.

    The page's query counts the whole list too (``send_hub.lib.paging``), so the paginator
    needs no COUNT of its own.
    """
    pupils = pupils.only(*ROW_FIELDS)
    counted = page_with_totals(pupils, raw, PAGE_SIZE, {"total": Count("*")})
    page = counted[0] if counted else Paginator(pupils, PAGE_SIZE).get_page(raw)
    rows = list(page.object_list)
    key_adults: dict[int, list[str]] = {}
    if rows:
        links = (
            KeyAdult.objects.filter(pupil_id__in=[p.pk for p in rows], end_date__isnull=True)
            .order_by("start_date", "pk")
            .values_list("pupil_id", "staff__full_name")
        )
        for pupil_id, name in links:
            key_adults.setdefault(pupil_id, []).append(name)
    before, _mark, after = reverse("pupils:detail", args=[_PK_MARK]).rpartition(str(_PK_MARK))
    return Listed(
        page.paginator.count,
        page.number,
        [
            {
                "pk": p.pk,
                "url": f"{before}{p.pk}{after}",
                "name": p.display_name,
                "upn": p.upn,
                "year": p.get_nc_year_display() or DASH,
                "provision": p.provision,
                "badge": BADGES.get(p.provision, OTHER_BADGE),
                "primary_need": p.primary_need or DASH,
                "secondary_need": p.secondary_need or "",
                "key_adults": ", ".join(key_adults.get(p.pk, ())),
                "pupil_premium": p.pupil_premium,
            }
            for p in rows
        ],
    )


def _sees_whole_school(request: SchoolHttpRequest) -> bool:
    """Whether this person sees every pupil in the school (as everyone who opens the register
    does): then what they are shown of it is what anyone else is, and may be kept."""
    return bool(roles_for(request.user, request.school.pk) & WHOLE_SCHOOL_PUPIL_ROLES)


def _school_figures(request: SchoolHttpRequest) -> RegisterFigures:
    """The school's census figures and key adults: kept between looks for someone who sees
    every pupil in the school, else counted afresh over the pupils this person sees."""
    if _sees_whole_school(request):
        return register_figures(request.school.pk)
    pupils = Pupil.objects.visible_to(request.user)
    return RegisterFigures(
        census=census_figures(pupils, largest_first=True),
        key_adults=key_adult_choices(request.school.pk),
    )


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
    # K and E are filtered on the open status's own provision (the same pupils as ``provision``,
    # which is N without one): not wrapped in COALESCE, PostgreSQL joins only the pupils with one.
    if status == "SEN":
        pupils = pupils.alias(open_provision=F("open_status__provision")).filter(
            open_provision__in=[Provision.SEN_SUPPORT, Provision.EHCP]
        )
    elif status == Provision.NONE:
        pupils = pupils.filter(provision=status)
    elif status in Provision.values:
        pupils = pupils.alias(open_provision=F("open_status__provision")).filter(
            open_provision=status
        )
    if data.get("need"):
        pupils = pupils.filter(primary_need=data["need"])
    if data.get("area"):
        pupils = pupils.filter(primary_need__in=needs_in_area(data["area"]))
    if data.get("year") is not None:
        pupils = pupils.filter(nc_year=data["year"])
    if data.get("key_adult"):
        # EXISTS rather than a join and DISTINCT: one row per pupil, whatever their links.
        current = KeyAdult.objects.filter(
            pupil=OuterRef("pk"), staff_id=data["key_adult"], end_date__isnull=True
        )
        pupils = pupils.filter(Exists(current))
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

    # The census's own counting rule (pupils.services.census), over every pupil on roll: the
    # filters narrow the list below, never these figures. Its year groups are the filter's.
    figures = _school_figures(request)
    counts = figures.census
    form = RegisterFilterForm(
        request.GET or None,
        school=request.school,
        years_on_roll=counts.years_on_roll,
        key_adults=figures.key_adults,
    )
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    search = _search_text(request, data.get("s", ""))
    raw = request.GET.get("page")

    def listed() -> Listed:
        return _register_page(_filtered(request, form)[0], raw)

    number = page_number(raw)
    if search or number is None or not _sees_whole_school(request):
        shown = listed()
    else:
        # The list as filtered and sorted, kept like the figures; a search, or a page asked for
        # by anything but its number, is read afresh.
        wanted = tuple(sorted((name, value) for name, value in data.items() if name != "s"))
        shown = kept(request.school.pk, ("list", wanted, number), listed)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": shown.page(),
        "rows": shown.rows,
        "search": search,
        "search_form": RegisterSearchForm(initial={"q": search}),
        "counts": counts,  # largest needs first
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
    form = RegisterFilterForm(
        request.GET or None, school=request.school, key_adults=key_adult_choices(request.school.pk)
    )
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
