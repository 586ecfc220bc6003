"""The provision ledger's pages: the school's lines at a glance, and one pupil's week by week.

The SENDCo and leaders open them (``interventions.view_provision``, as the provision map).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from interventions.evidence import ledger, pack, reports, services
from interventions.evidence.forms import CostForm, SettingsForm, SupportForm, TopUpForm
from interventions.evidence.models import (
    InClassSupport,
    ProvisionCost,
    ProvisionSettings,
    TopUpFunding,
)
from pupils.models import Pupil
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors, form_field
from staff import terms
from staff.audit import log_action
from staff.permissions import get_object_for, requires

CAPABILITY = "interventions.view_provision"


@dataclass
class LedgerRow:
    pupil: Pupil
    lines: list[ledger.Line]
    below: list[ledger.Line]


@requires(CAPABILITY)
@require_safe
def ledger_school(request: SchoolHttpRequest) -> HttpResponse:
    """List every pupil's provision lines this year: delivered against planned, the last four
    school weeks, and the lines under the school's threshold first."""
    school_id, today = request.school.pk, timezone.localdate()
    start, end = ledger.pupil_ledger_window(school_id, today)
    lines = ledger.ledger(school_id, start, end)
    threshold = ledger.threshold_of(school_id)
    pupils = {
        p.pk: p
        for p in Pupil.objects.visible_to(request.user).filter(
            pk__in={line.pupil_id for line in lines}
        )
    }
    by_pupil: dict[int, list[ledger.Line]] = defaultdict(list)
    for line in lines:
        if line.pupil_id in pupils:
            by_pupil[line.pupil_id].append(line)
    rows = [
        LedgerRow(pupils[pk], found, [line for line in found if line.below(threshold)])
        for pk, found in by_pupil.items()
    ]
    rows.sort(key=lambda r: (not r.below, r.pupil.legal_surname, r.pupil.pk))
    context = {
        "rows": rows,
        "threshold": threshold,
        "start": start,
        "end": end,
        "below_count": sum(1 for r in rows if r.below),
    }
    return render(request, "interventions/evidence/ledger.html", context)


def pupil_lines(pupil: Pupil, today: dt.date) -> dict[str, Any]:
    """Return one pupil's ledger this year with the school's threshold (the page and the pack)."""
    lines = ledger.lines_for_pupils(pupil.school_id, [pupil.pk], today)
    threshold = ledger.threshold_of(pupil.school_id)
    start, end = ledger.pupil_ledger_window(pupil.school_id, today)
    return {"lines": lines, "threshold": threshold, "start": start, "end": end}


@requires(CAPABILITY)
@require_safe
def ledger_pupil(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show one pupil's provision lines week by week, each shortfall with its reasons."""
    pupil = get_object_for(request, Pupil.objects.all(), pk, CAPABILITY)
    context = {"pupil": pupil, **pupil_lines(pupil, timezone.localdate())}
    return render(request, "interventions/evidence/ledger_pupil.html", context)


# --- What the provision map counts beside sessions ---------------------------------------------

MANAGE = "interventions.manage"
ENTRY_FORMS = {"support": SupportForm, "cost": CostForm, "topup": TopUpForm}
ENTRY_WORDS = {
    "support": "In-class support",
    "cost": "The resource or service",
    "topup": "The top-up funding",
}


def _forms(request: SchoolHttpRequest, bound: str = "") -> dict[str, Any]:
    school, user = request.school, request.user
    data = request.POST if request.method == "POST" else None
    settings = ProvisionSettings.objects.filter(school=school).first() or ProvisionSettings(
        school=school
    )
    built: dict[str, Any] = {
        "settings": SettingsForm(data if bound == "settings" else None, instance=settings)
    }
    for kind, form_class in ENTRY_FORMS.items():
        extra: dict[str, Any] = {"user": user}
        if kind == "support":
            extra["school"] = school
        built[kind] = form_class(data if bound == kind else None, **extra)
    return built


@requires(MANAGE)
def provision_costs(request: SchoolHttpRequest) -> HttpResponse:
    """Enter in-class support, resources and services, top-up funding and the school's rates;
    list what this term holds, each with a way to remove an entry made in error."""
    school = request.school
    chosen = request.POST.get("form", "") if request.method == "POST" else ""
    forms_ = _forms(request, chosen)
    if request.method == "POST":
        form = forms_.get(chosen)
        if form is None:
            messages.error(request, "Choose which form to save, then save again.")
        elif form.is_valid():
            try:
                if chosen == "settings":
                    services.provision_settings_save(
                        school=school, by=request.user, **form.cleaned_data
                    )
                    messages.success(request, "The school's provision settings are saved.")
                else:
                    services.provision_entry_add(
                        entry=chosen, school=school, by=request.user, **form.cleaned_data
                    )
                    messages.success(request, f"{ENTRY_WORDS[chosen]} is saved.")
                return redirect("interventions:provision_costs")
            except ValidationError as exc:
                add_service_errors(form, exc)
    term = terms.current_term(school.pk, timezone.localdate())
    scoped = {
        "support": InClassSupport.objects.visible_to(request.user)
        .filter(start_date__lte=term.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=term.start))
        .select_related("staff", "pupil"),
        "cost": ProvisionCost.objects.visible_to(request.user)
        .filter(incurred_on__gte=term.start, incurred_on__lte=term.end)
        .select_related("pupil"),
        "topup": TopUpFunding.objects.visible_to(request.user)
        .filter(received_on__gte=term.start, received_on__lte=term.end)
        .select_related("pupil"),
    }
    context = {"forms": forms_, "chosen": chosen, "term": term, "entries": scoped}
    return render(request, "interventions/evidence/provision_costs.html", context)


@requires(MANAGE)
@require_POST
def provision_entry_remove(request: SchoolHttpRequest, kind: str, pk: int) -> HttpResponse:
    """Remove an in-class support, cost or top-up entry made in error."""
    model = services.ENTRIES.get(kind)
    if model is None:
        raise Http404
    entry = get_object_for(request, model.objects, pk, MANAGE)  # type: ignore[attr-defined]
    services.provision_entry_remove(entry=entry, school=request.school, by=request.user)
    messages.success(request, f"{ENTRY_WORDS[kind]} is removed.")
    return redirect("interventions:provision_costs")


# --- Evidence packs -----------------------------------------------------------------------------


@requires(CAPABILITY)
@require_safe
def evidence_pack_page(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show one pupil's evidence pack: need to outcome, every line dated and linked."""
    pupil = get_object_for(request, Pupil.objects.all(), pk, CAPABILITY)
    built = pack.evidence_pack(pupil, timezone.localdate())
    return render(request, "interventions/evidence/pack.html", {"pack": built, "pupil": pupil})


def _audit_packs(request: SchoolHttpRequest, kind: str, pupils: list[Pupil]) -> None:
    log_action(
        None,
        "interventions.evidence_pack.exported",
        actor=request.user,
        school=request.school,
        data={"format": kind, "pupils": [p.pk for p in pupils]},
        request=request,
    )


@reauthentication_required
def _pack_pdf(request: SchoolHttpRequest, pupil: Pupil) -> HttpResponse:
    built = pack.evidence_pack(pupil, timezone.localdate())
    pdf = reports.pack_pdf(built, reports.site_base(request))
    _audit_packs(request, "pdf", [pupil])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reports.pack_file_name(pupil)}"'
    return response


@requires(CAPABILITY)
@require_safe
def evidence_pack_pdf(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Download one pupil's evidence pack as a PDF, after the person re-enters their password
    or a code (audited)."""
    pupil = get_object_for(request, Pupil.objects.all(), pk, CAPABILITY)
    return _pack_pdf(request, pupil)


class SampleForm(forms.Form):
    """The pupils of a sample, read from the query string (so sign-in again can return here)."""

    pupil = forms.TypedMultipleChoiceField(
        label="Pupils", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[Pupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "pupil", forms.TypedMultipleChoiceField).choices = [
            (p.pk, f"{p} ({p.get_nc_year_display() if p.nc_year is not None else 'no year'})")
            for p in choices
        ]
        self.fields["pupil"].error_messages["required"] = "Choose at least one pupil."

    def clean_pupil(self) -> list[int]:
        chosen: list[int] = self.cleaned_data["pupil"]
        if len(chosen) > MAX_SAMPLE:
            raise forms.ValidationError(f"Choose at most {MAX_SAMPLE} pupils for one download.")
        return chosen


MAX_SAMPLE = 12


@requires(CAPABILITY)
@require_safe
def evidence_sample(request: SchoolHttpRequest) -> HttpResponse:
    """Choose a sample of pupils on the SEN register; download one evidence pack each, in a
    zip, after signing in again (audited)."""
    choices = pack.sample_choices(request.school.pk)
    form = SampleForm(request.GET or None, choices=choices)
    if form.is_bound and form.is_valid():
        chosen = set(form.cleaned_data["pupil"])
        return _sample_zip(request, [p for p in choices if p.pk in chosen])
    return render(request, "interventions/evidence/sample.html", {"form": form})


@reauthentication_required
def _sample_zip(request: SchoolHttpRequest, pupils: list[Pupil]) -> HttpResponse:
    today = timezone.localdate()
    data = reports.sample_zip(pupils, today, reports.site_base(request))
    _audit_packs(request, "zip", pupils)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="evidence-packs-{today}.zip"'
    return response
