"""Reports: the DSL's (with names) and the governors' (counts only, small numbers hidden)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguarding import reports
from safeguarding.forms import ReportPeriodForm
from send_hub.http import SchoolHttpRequest
from staff.permissions import requires


def _period(request: SchoolHttpRequest) -> tuple[ReportPeriodForm, dt.date, dt.date]:
    start, end = reports.default_period()
    form = ReportPeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


@requires("safeguarding.triage")
@require_GET
def report(request: SchoolHttpRequest) -> HttpResponse:
    """Concerns by category, month, year group and SEN status, with open actions and referrals."""
    form, start, end = _period(request)
    data = reports.build(request.school, start=start, end=end, governors=False)
    return render(request, "safeguarding/report.html", {"form": form, "report": data})


@requires("safeguarding.report_governors")
@require_GET
def report_governors(request: SchoolHttpRequest) -> HttpResponse:
    """The same counts for governors: no names, and counts under five suppressed."""
    form, start, end = _period(request)
    data = reports.build(request.school, start=start, end=end, governors=True)
    return render(request, "safeguarding/report.html", {"form": form, "report": data})
