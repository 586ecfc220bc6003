"""The SENDCo's dashboard, its flag lists, the provision map (page, CSV, PDF) and one pupil's
provision over a year. The figures come from interventions.insight; these views check access,
read the filters and render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from interventions.insight import dashboard as board
from interventions.insight import flags as flag_lists
from interventions.insight.provision import (
    AREA_LABELS,
    ProvisionMap,
    pounds,
    provision_map,
    pupil_provision,
)
from interventions.insight.provision_all import all_provision
from interventions.insight.report_cache import without_refresh, worked_out
from pupils.forms import NO_SUCH_YEAR, school_year_choices
from pupils.models import NC_YEAR_CHOICES, Area, Pupil
from send_hub.http import SchoolHttpRequest
from send_hub.lib.csv import csv_download
from send_hub.lib.forms import form_field
from send_hub.lib.replica import reads_from_replica
from staff import terms
from staff.audit import log_action
from staff.models import School
from staff.permissions import can, get_object_for, requires

# Who sees these pages: the SEN register's readers (the SENDCo and the head).
CAPABILITY = "interventions.view_provision"
FLAG_PAGE_SIZE = 50
TERMS_OFFERED = 6
ANY = [("", "Any")]


@requires(CAPABILITY)
@require_safe
def dashboard(request: SchoolHttpRequest) -> HttpResponse:
    """Show the register's counts, the flags with their pupil counts, and staff caseloads.

    The figures add up the whole school (a flag's count is a filter over every pupil), so they
    are kept a few minutes like the other reports (report_cache), and the page says when they
    were worked out; each flag's list of pupils, where the SENDCo acts, is always worked out
    afresh. The safeguarding tile is the viewer's own and is never kept.
    """
    user, today = request.user, timezone.localdate()
    monday, sunday = board.week_of(today)

    def body() -> str:
        context = {
            "register": board.register_counts(user),
            "flags": flag_lists.flag_counts(user, today),
            "staff": board.staff_caseloads(request.school.pk, today),
            "monday": monday,
            "sunday": sunday,
            "may_open_staff": can(user, "staff.view_records"),
        }
        return render_to_string("interventions/insight/_dashboard_body.html", context, request)

    worked = worked_out(request, "dashboard", (user.pk,), body)
    context = {
        "today": today,
        "worked": worked,
        "query": without_refresh(request),
        "body": mark_safe(worked.value),  # the output of our own template, escaped there
    }
    return render(request, "interventions/insight/dashboard.html", context)


@requires(CAPABILITY)
@require_safe
def flag_pupils(request: SchoolHttpRequest, flag: str) -> HttpResponse:
    """List the pupils behind one flag, with why each is on it and where to act."""
    found = flag_lists.flag_by_slug(flag)
    if found is None:
        raise Http404
    today = timezone.localdate()
    pupils = (
        found.select(board.base_pupils(request.user), today)
        .with_register_fields()
        .order_by("legal_surname", "legal_forename", "pk")
    )
    page = Paginator(pupils, FLAG_PAGE_SIZE).get_page(request.GET.get("page"))
    why = found.why([p.pk for p in page], today)
    context = {
        "flag": found,
        "page": page,
        "rows": [(p, why.get(p.pk, [])) for p in page],
        "today": today,
    }
    return render(request, "interventions/insight/flag.html", context)


# --- The provision map ---------------------------------------------------------------------


class ProvisionFilterForm(forms.Form):
    """The provision map's filters, read from the query string."""

    term = forms.ChoiceField(required=False)
    year = forms.TypedChoiceField(
        label="Year group",
        choices=[*ANY, *NC_YEAR_CHOICES],  # narrowed to the school's own years in __init__
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": NO_SUCH_YEAR},
    )
    area = forms.ChoiceField(label="Area of need", choices=[*ANY, *Area.choices], required=False)

    def __init__(
        self, *args: Any, offered: list[terms.Term], school: School, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "term", forms.ChoiceField).choices = [(t.key, t.name) for t in offered]
        form_field(self, "year", forms.TypedChoiceField).choices = [
            *ANY,
            *school_year_choices(school),
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


def _map_filters(
    request: SchoolHttpRequest,
) -> tuple[ProvisionFilterForm, terms.Term, dict[str, Any]]:
    """Read the filters; anything invalid falls back to this term and no filter, with errors
    shown on the form."""
    school_id = request.school.pk
    offered = terms.recent_terms(school_id, timezone.localdate(), TERMS_OFFERED)
    form = ProvisionFilterForm(request.GET or None, offered=offered, school=request.school)
    term, filters = offered[0], {"year": None, "area": None}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["term"]:
            term = terms.term_from_key(school_id, data["term"]) or term
        filters = {"year": data["year"], "area": data["area"] or None}
    return form, term, filters


def _year_label(filters: dict[str, Any]) -> str:
    year = filters["year"]
    return dict(NC_YEAR_CHOICES).get(year, "") if year is not None else ""


def _map_context(request: SchoolHttpRequest) -> dict[str, Any]:
    form, term, filters = _map_filters(request)
    the_map = provision_map(request.user, term, **filters)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "map": the_map,
        "term": term,
        "filters": filters,
        "year_label": _year_label(filters),
        "area_label": AREA_LABELS.get(filters["area"] or "", ""),
        "query": query.urlencode(),
        "generated": timezone.localtime(),
    }


@requires(CAPABILITY)
@require_safe
@reads_from_replica
def provision(request: SchoolHttpRequest) -> HttpResponse:
    """Show every intervention that ran in a term with pupils, dosage, staff time and cost,
    and all provision in the term (in-class support, EHCP 1:1s, resources, services, top-up)."""
    form, term, filters = _map_filters(request)

    def body() -> str:
        context = _map_context(request)
        the_map: ProvisionMap = context["map"]
        filtered = any(v is not None for v in context["filters"].values())
        context["all"] = all_provision(
            request.school.pk,
            context["term"],
            sessions_total=None if filtered else the_map.totals["cost"],
        )
        context["may_enter_costs"] = can(request.user, "interventions.manage")
        return render_to_string("interventions/insight/_provision_body.html", context, request)

    # A term of a whole school's provision, added up: kept a few minutes (report_cache).
    worked = worked_out(request, "provision_map", (term.key, tuple(filters.items())), body)
    query = without_refresh(request)
    context = {
        "form": form,
        "term": term,
        "year_label": _year_label(filters),
        "area_label": AREA_LABELS.get(filters["area"] or "", ""),
        "query": query,
        "worked": worked,
        "body": mark_safe(worked.value),  # the output of our own template, escaped there
    }
    return render(request, "interventions/insight/provision.html", context)


def _audit_export(request: SchoolHttpRequest, kind: str, the_map: ProvisionMap) -> None:
    log_action(
        None,
        "interventions.provision_map.exported",
        actor=request.user,
        school=request.school,
        data={
            "format": kind,
            "term": the_map.term.key,
            "rows": len(the_map.rows),
            "filters": {k: v for k, v in request.GET.items() if k in ("year", "area")},
        },
        request=request,
    )


CSV_HEADER = [
    "Term",
    "Area of need",
    "Intervention",
    "Programme",
    "Lead",
    "Status",
    "Year groups",
    "Pupils",
    "Sessions delivered",
    "Sessions planned",
    "Sessions cancelled",
    "Staff minutes",
    "Staff cost (GBP)",
    "Fixed costs (GBP)",
    "Total cost (GBP)",
    "Cost per pupil (GBP)",
    "Pupil names",
]


@requires(CAPABILITY)
@require_safe
@reads_from_replica
def provision_csv(request: SchoolHttpRequest) -> HttpResponse:
    """Download the provision map as CSV, one row per intervention (audited: it names pupils)."""
    context = _map_context(request)
    the_map: ProvisionMap = context["map"]
    response, writer = csv_download(f"provision-map-{the_map.term.key.lower()}.csv")
    writer.writerow(CSV_HEADER)
    for row in the_map.rows:
        i = row.intervention
        writer.writerow(
            [
                the_map.term.name,
                AREA_LABELS.get(i.programme.area, i.programme.area),
                i.name,
                i.programme.name,
                i.lead.full_name or i.lead.email,
                i.get_status_display(),
                "; ".join(row.years),
                i.pupil_count,
                i.delivered_sessions,
                i.planned_in_term,
                i.cancelled_sessions,
                i.staff_minutes,
                pounds(i.staff_cost),
                pounds(i.fixed_cost),
                pounds(i.total_cost),
                pounds(i.cost_per_pupil) if i.cost_per_pupil is not None else "",
                "; ".join(p["name"] for p in row.pupils),
            ]
        )
    _audit_export(request, "csv", the_map)
    return response


@requires(CAPABILITY)
@require_safe
@reads_from_replica
def provision_pdf(request: SchoolHttpRequest) -> HttpResponse:
    """Download the provision map as an A4 PDF (audited: it names pupils)."""
    from weasyprint import HTML  # slow to import: only when a PDF is asked for

    context = {**_map_context(request), "school": request.school}
    html = render_to_string("interventions/insight/provision_pdf.html", context, request=request)
    pdf = HTML(string=html, url_fetcher=_refuse).write_pdf()
    the_map: ProvisionMap = context["map"]
    _audit_export(request, "pdf", the_map)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="provision-map-{the_map.term.key.lower()}.pdf"'
    )
    return response


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The PDF needs nothing from outside: typed text must never make the server fetch a URL.
    raise ValueError(f"PDFs do not load {url}")


# --- One pupil's provision ------------------------------------------------------------------


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)


@requires(CAPABILITY)
@require_safe
def pupil_provision_page(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show everything one pupil received in an academic year, with its cost (section F)."""
    pupil = get_object_for(request, Pupil.objects.with_register_fields(), pk, CAPABILITY)
    today = timezone.localdate()
    this_year = terms.academic_year_of(today)
    form = YearForm(request.GET or None)
    year = this_year
    if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
        year = min(form.cleaned_data["year"], this_year)
    halves = terms.half_terms(pupil.school_id, year)
    received = pupil_provision(pupil, halves[0].start, halves[-1].end, today)
    context = {
        "pupil": pupil,
        "received": received,
        "year": year,
        "year_name": f"{year}/{(year + 1) % 100:02d}",
        "previous_year": year - 1,
        "next_year": year + 1 if year < this_year else None,
        "recorded": all(h.recorded for h in halves),
        "today": today,
    }
    return render(request, "interventions/insight/pupil_provision.html", context)
