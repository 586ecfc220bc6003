"""The census pre-flight: the register checked against the census's SEN rules, each problem
linked to the pupil to fix, and the school's census SEN figures as CSV.

Access: whoever sees the register (``pupils.view_register``: the SENDCo and leaders), over the
pupils of their current school.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pupils.models import NC_YEAR_CHOICES, Pupil
from pupils.services.census import RULES, census_figures, census_problems
from send_hub.http import SchoolHttpRequest
from send_hub.lib.csv import csv_download
from staff.audit import log_action
from staff.permissions import requires

YEARS: dict[int | None, str] = {
    year: label if year <= 0 else f"Year {year}" for year, label in NC_YEAR_CHOICES
}


def _year(year: int | None) -> str:
    return YEARS.get(year, "Not following the NC") if year is not None else "Not following the NC"


@requires("pupils.view_register")
@require_GET
def census(request: SchoolHttpRequest) -> HttpResponse:
    """Check the register against the census rules before the January census."""
    pupils = Pupil.objects.visible_to(request.user)
    problems = census_problems(pupils)
    figures = census_figures(pupils)
    groups = [(key, title, [p for p in problems if p.rule == key]) for key, title in RULES.items()]
    return render(
        request,
        "pupils/census.html",
        {
            "groups": groups,
            "problem_count": len(problems),
            "pupils_affected": len({p.pupil_id for p in problems}),
            "figures": figures,
            "years": [{**row, "label": _year(row["year"])} for row in figures.by_year],
        },
    )


@requires("pupils.view_register")
@require_GET
def census_export(request: SchoolHttpRequest) -> HttpResponse:
    """Download the school's census SEN figures as CSV (counts only, no names; audited)."""
    figures = census_figures(Pupil.objects.visible_to(request.user))
    stamp = timezone.localdate().isoformat()
    response, writer = csv_download(f"census-sen-figures-{stamp}.csv")
    writer.writerow(["Table", "Code", "Description", "SEN support (K)", "EHC plan (E)", "Total"])
    writer.writerow(["Pupils on roll", "ALL", "All pupils on roll", "", "", figures.total])
    writer.writerow(["SEN provision", "N", "No SEN", "", "", figures.n])
    writer.writerow(
        ["SEN provision", "K/E", "On the SEN register", figures.k, figures.e, figures.k + figures.e]
    )
    for row in figures.by_need:
        writer.writerow(
            ["Primary need", row["code"] or "", row["label"], row["k"], row["e"], row["total"]]
        )
    for row in figures.by_year:
        writer.writerow(
            [
                "Year group",
                "" if row["year"] is None else row["year"],
                _year(row["year"]),
                row["k"],
                row["e"],
                row["k"] + row["e"],
            ]
        )
    log_action(
        None,
        "pupils.census.exported",
        actor=request.user,
        school=request.school,
        data={"on_roll": figures.total},
        request=request,
    )
    return response
