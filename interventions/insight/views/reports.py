"""What works, the termly impact report (leaders and governors) and the trust view.

What works and the termly reports are the school's leaders' (``interventions.view_provision``: the
SENDCo and the head). The trust view is for people with an active trust-wide role
(staff.TrustRole): each school's figures side by side, and a way into a school's own pages only
where the person also holds a role in that school.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from interventions.insight import outcomes, termly
from interventions.insight.models import TermlyReport
from interventions.insight.report_cache import without_refresh, worked_out
from send_hub.http import AuthenticatedHttpRequest, SchoolHttpRequest
from send_hub.lib.replica import reads_from_replica
from staff import terms
from staff.audit import log_action
from staff.models import School
from staff.permissions import CAPABILITIES, get_object_for, requires, roles_for, trust_ids_for

TERMS_LISTED = 6  # the term selector and the reports page: this term and the five before
TERMS_COMPARED = 3  # what works: the chosen term and the two before it, side by side


class TermForm(forms.Form):
    """The term a page shows: one offered (this one and those before it), or any earlier term
    named by its key ("2024-SPRING"), so older terms stay comparable."""

    term = forms.CharField(required=False, max_length=12)

    def __init__(
        self, *args: Any, offered: list[terms.Term], school_id: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered
        self.school_id = school_id
        self.choices = [(t.key, t.name) for t in offered]

    def clean_term(self) -> terms.Term | None:
        key = self.cleaned_data["term"]
        if not key:
            return None
        found = next((t for t in self.offered if t.key == key), None)
        if found is None and outcomes.term_key_valid(key):
            found = terms.term_from_key(self.school_id, key)
            if found is not None and found.start > timezone.localdate():
                found = None
        if found is None:
            raise forms.ValidationError("Choose a term from the list.")
        return found


def _chosen_term(
    request: HttpRequest, offered: list[terms.Term], school_id: int
) -> tuple[TermForm, terms.Term]:
    """Return the term the query string asks for (this term when none, or a bad one)."""
    form = TermForm(request.GET or None, offered=offered, school_id=school_id)
    chosen = offered[0]
    if form.is_bound and form.is_valid() and form.cleaned_data["term"]:
        chosen = form.cleaned_data["term"]
    if chosen.key not in dict(form.choices):
        form.choices.append((chosen.key, chosen.name))
    return form, chosen


def _terms_before(school_id: int, term: terms.Term, count: int) -> list[terms.Term]:
    """Return ``term`` and the ``count - 1`` terms before it, newest first."""
    codes = list(terms.TERM_NAMES)
    found = [term]
    year, index = term.academic_year, codes.index(term.code)
    while len(found) < count:
        index -= 1
        if index < 0:
            year, index = year - 1, len(codes) - 1
        before = terms.term_from_key(school_id, f"{year}-{codes[index]}")
        if before is None:
            break
        found.append(before)
    return found


# --- What works ------------------------------------------------------------------------------


@requires("interventions.view_provision")
@require_safe
@reads_from_replica
def what_works(request: SchoolHttpRequest) -> HttpResponse:
    """Each programme's completions, change, reliable change, attendance and cost in a term."""
    school = request.school
    today = timezone.localdate()
    offered = terms.recent_terms(school.pk, today, TERMS_LISTED)
    form, term = _chosen_term(request, offered, school.pk)
    # The chosen term and the ones before it, side by side (a fixed few queries per term),
    # added up once and kept a few minutes (report_cache).
    compared = _terms_before(school.pk, term, TERMS_COMPARED)
    worked = worked_out(
        request,
        "what_works",
        (term.key,),
        lambda: {t.key: outcomes.what_works(school.pk, t, upto=today) for t in compared},
    )
    by_term = worked.value
    figures = by_term[term.key]
    rows = [termly.present_outcome(f, governors=False) for f in figures["programmes"]]
    total = termly.present_outcome(figures["total"], governors=False)
    names = sorted({p["name"] for f in by_term.values() for p in f["programmes"]}, key=str.lower)
    comparison = [
        {
            "name": name,
            "cells": [
                next((p for p in by_term[t.key]["programmes"] if p["name"] == name), None)
                for t in compared
            ],
        }
        for name in names
    ]
    return render(
        request,
        "interventions/insight/what_works.html",
        {
            "form": form,
            "term": term,
            "figures": figures,
            "rows": rows,
            "total": total,
            "charts": termly.outcome_charts(rows),
            "compared": compared,
            "comparison": comparison,
            "running": term.end >= today,
            "small_label": outcomes.SMALL_LABEL,
            "has_trust_view": bool(trust_ids_for(request.user)),
            "worked": worked,
            "query": without_refresh(request),
        },
    )


# --- Termly reports --------------------------------------------------------------------------


class BuildForm(forms.Form):
    term = forms.CharField(max_length=12)
    version = forms.ChoiceField(choices=TermlyReport.Version.choices)


@requires("interventions.view_provision")
@require_safe
def termly_reports(request: SchoolHttpRequest) -> HttpResponse:
    """List this term and the five before it, each with its leaders' and governors' report."""
    school = request.school
    offered = terms.recent_terms(school.pk, timezone.localdate(), TERMS_LISTED)
    found = {
        (r.term_key, r.version): r
        for r in TermlyReport.objects.visible_to(request.user)
        .filter(term_key__in=[t.key for t in offered])
        .select_related("requested_by")
    }
    rows = [
        {
            "term": t,
            "reports": [
                {"version": code, "label": label, "report": found.get((t.key, code))}
                for code, label in TermlyReport.Version.choices
            ],
        }
        for t in offered
    ]
    building = any(r.in_progress for r in found.values())
    template = "interventions/insight/termly_reports.html"
    return render(
        request,
        f"{template}#reports" if request.htmx else template,
        {"rows": rows, "building": building},
    )


@requires("interventions.view_provision")
def termly_report_build(request: SchoolHttpRequest) -> HttpResponse:
    """Ask for a term's report to be built (the PDF follows in the background)."""
    # Checked after access, so the access matrix (GET) proves who may post here.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = reverse("interventions:termly_reports")
    form = BuildForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a term and a version from the list, then build again.")
        return redirect(back)
    term = terms.term_from_key(request.school.pk, form.cleaned_data["term"])
    if term is None:
        messages.error(request, "Choose a term from the list, then build again.")
        return redirect(back)
    try:
        report, queued = termly.termly_report_request(
            school=request.school,
            term=term,
            version=form.cleaned_data["version"],
            by=request.user,
        )
    except termly.TermlyReportError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    version = report.get_version_display().lower()
    if queued:
        messages.success(
            request,
            f"The {version}' report for {term.name} is being built. This page shows it when "
            "it is ready.",
        )
    else:
        messages.info(
            request,
            f"The {version}' report for {term.name} is already being built: it will be ready "
            "in a moment.",
        )
    return redirect(back)


@requires("interventions.view_provision")
@require_safe
def termly_report_download(request: SchoolHttpRequest, pk: int) -> HttpResponse | FileResponse:
    """Send a built termly report PDF, after auditing who took it."""
    report = get_object_for(request, TermlyReport.objects, pk, "interventions.view_provision")
    back = reverse("interventions:termly_reports")
    if report.status != TermlyReport.Status.READY or not report.pdf:
        messages.info(request, "That report is not ready yet. Build it, then download it.")
        return redirect(back)
    try:
        handle = report.pdf.storage.open(report.pdf.name, "rb")
    except OSError:
        messages.error(request, "The PDF is missing from SEND Hub's storage. Build it again.")
        return redirect(back)
    try:
        # Audited before a byte is sent: if this write fails, nothing is sent.
        with transaction.atomic():
            log_action(
                report,
                "interventions.termly_report.downloaded",
                actor=request.user,
                school=report.school_id,
                data={"term": report.term_key, "version": report.version},
                request=request,
            )
    except BaseException:
        handle.close()
        raise
    name = f"{slugify(request.school.name)}-{report.term_key.lower()}-{report.version.lower()}"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"termly-report-{name}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The trust view --------------------------------------------------------------------------


def _school_links(
    request: AuthenticatedHttpRequest, school_ids: list[int]
) -> dict[int, dict[str, Any]]:
    """Return, per school, how the person may open it: only where they hold a role there."""
    leaders = CAPABILITIES["interventions.view_provision"]
    current = getattr(request.user, "current_school_id", None)
    links: dict[int, dict[str, Any]] = {}
    for sid in school_ids:
        roles = roles_for(request.user, sid)
        if not roles:
            continue
        target = reverse("interventions:what_works") if roles & leaders else reverse("core:today")
        links[sid] = {"current": sid == current, "url": target}
    return links


@login_required
@require_safe
@reads_from_replica
def trust(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each school of the person's trust side by side: register, provision, what works."""
    trust_ids = trust_ids_for(request.user)
    if not trust_ids:
        raise PermissionDenied
    schools = list(School.objects.filter(trust_id__in=trust_ids).select_related("trust"))
    today = timezone.localdate()
    ids = [s.pk for s in schools]
    offered = terms.recent_terms(ids[0], today, TERMS_LISTED) if ids else []
    if not offered:
        raise PermissionDenied
    form, term = _chosen_term(request, offered, ids[0])
    windows = outcomes.windows_of(outcomes.terms_for(ids, term.key), upto=today)
    register = termly.register_counts(windows)
    provision = termly.provision_counts(windows)
    rows = outcomes.outcome_tallies(windows)
    connect = termly.connect_counts(windows)
    removals = termly.removal_counts(windows)
    links = _school_links(request, ids)
    side_by_side = []
    for school in schools:
        r, p = register[school.pk], provision[school.pk]
        total = outcomes.total_of(r_ for r_ in rows if r_.school_id == school.pk).tally
        side_by_side.append(
            {
                "school": school,
                "roll": r["roll"],
                "sen_support": r["sen_support"],
                "ehcp": r["ehcp"],
                "register_pct": termly.share_cell(r["sen_support"] + r["ehcp"], r["roll"], False),
                "groups": p["groups"],
                "pupils": p["pupils"],
                "cost": outcomes.money(p["cost"]),
                "what_works": termly.present_outcome(
                    outcomes.ProgrammeOutcome(key=None, name="", kind="", tally=total).figures(),
                    governors=False,
                ),
                "placements": connect[school.pk]["current"],
                "removals": removals[school.pk]["removals"],
                "link": links.get(school.pk),
            }
        )
    kinds = [termly.present_outcome(k.figures(), governors=False) for k in outcomes.by_kind(rows)]
    return render(
        request,
        "interventions/insight/trust.html",
        {
            "form": form,
            "term": term,
            "trusts": sorted({s.trust.name for s in schools}),
            "schools": side_by_side,
            "kinds": kinds,
            "charts": termly.outcome_charts(kinds),
            "small_label": outcomes.SMALL_LABEL,
            "today": today,
        },
    )
