"""Outcome measures per pupil, and the intervention's impact report (page, PDF, build).

Access: the SENDCo sees every intervention in the school; the staff who lead or assist one see
theirs. Teachers and the DSL may see that a pupil attends (the intervention page) but not its
measures or impact: 403 where the intervention is visible to them, 404 where it is not.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from interventions.delivery.models import Enrolment, Intervention
from interventions.outcomes import impact as figures_of
from interventions.outcomes import measures as scoring
from interventions.outcomes import reports
from interventions.outcomes import services as outcome_services
from interventions.outcomes.forms import FORMS, MeasureChoiceForm, MeasureForm
from interventions.outcomes.models import ImpactReport, MeasureRecord
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors
from staff.audit import log_action
from staff.permissions import can, get_object_for, requires


def _intervention_for(request: SchoolHttpRequest, pk: int, capability: str) -> Intervention:
    """Fetch the intervention for someone who runs or delivers it (404 out of scope, else 403)."""
    intervention = get_object_for(
        request, Intervention.objects.select_related("programme"), pk, capability
    )
    if not (
        figures_of.oversees(request.user, intervention)
        or figures_of.delivers(request.user, intervention)
    ):
        raise PermissionDenied
    return intervention


def _measure_forms(
    request: SchoolHttpRequest,
    enrolment: Enrolment,
    kinds: list[str],
    records: dict[str, dict[str, MeasureRecord]],
    targets: list,
) -> dict[str, MeasureForm]:
    """Return an unbound form per measure, opening a correction if the query string asks."""
    query = MeasureChoiceForm(request.GET) if "kind" in request.GET else None
    edit = query.cleaned_data if query is not None and query.is_valid() else {}
    return {
        kind: FORMS[kind](
            enrolment=enrolment,
            records=records.get(kind, {}),
            targets=targets,
            edit_point=edit.get("point", "") if edit.get("kind") == kind else "",
        )
        for kind in kinds
    }


@requires("interventions.record_measures")
@require_http_methods(["GET", "POST"])
def measures(request: SchoolHttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """Record a pupil's outcome measures at baseline, mid-point and exit."""
    intervention = _intervention_for(request, pk, "interventions.record_measures")
    enrolment = get_object_or_404(
        Enrolment.objects.filter(intervention=intervention).select_related("pupil"),
        pk=enrolment_pk,
    )
    enrolment.intervention = intervention
    programme = intervention.programme
    records: dict[str, dict[str, MeasureRecord]] = {}
    all_records = list(enrolment.measures.select_related("recorded_by"))
    for record in all_records:
        records.setdefault(record.kind, {})[record.point] = record
    targets = list(enrolment.targets.all())
    kinds = [k for k in programme.measures if k in FORMS]
    forms = _measure_forms(request, enrolment, kinds, records, targets)

    if request.method == "POST":
        choice = MeasureChoiceForm(request.POST)
        kind = choice.cleaned_data["kind"] if choice.is_valid() else ""
        if kind not in kinds:
            messages.error(
                request,
                f"{programme} does not use that measure. Choose one of the forms below, or ask "
                "the SENDCo to add the measure to the programme.",
            )
        else:
            form = FORMS[kind](
                request.POST, enrolment=enrolment, records=records.get(kind, {}), targets=targets
            )
            forms[kind] = form
            if form.is_valid():
                try:
                    record = scoring.measure_record(
                        enrolment=enrolment, by=request.user, **form.measure_kwargs()
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                    form.refresh_versions()
                else:
                    messages.success(
                        request,
                        f"{record.get_kind_display()} {record.get_point_display().lower()} "
                        f"saved for {enrolment.pupil.display_name}.",
                    )
                    url = reverse("interventions:measures", args=[intervention.pk, enrolment.pk])
                    return redirect(f"{url}#{kind.lower()}")

    summary = scoring.enrolment_measures(all_records, targets, programme.numeric_measure_label)
    sections = [
        {
            "kind": kind,
            "slug": kind.lower(),
            "label": dict(MeasureRecord.Kind.choices)[kind],
            "form": forms[kind],
            "recorded": records.get(kind, {}),
            "summary": summary.get(kind.lower()),
        }
        for kind in kinds
    ]
    return render(
        request,
        "interventions/outcomes/measures.html",
        {
            "intervention": intervention,
            "enrolment": enrolment,
            "pupil": enrolment.pupil,
            "targets": targets,
            "sections": sections,
            "threshold": scoring.gbo_reliable_change(),
            "may_manage": can(request.user, "interventions.manage", intervention),
        },
    )


@requires("interventions.view")
@require_safe
def impact(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show the intervention's impact: dosage, attendance, measures, comments and cost."""
    intervention = _intervention_for(request, pk, "interventions.view_impact")
    figures = figures_of.impact_figures(intervention)
    report = ImpactReport.objects.filter(intervention=intervention).first()
    has_pdf = bool(report and report.pdf)
    pending = bool(
        report
        and report.requested_at
        and (report.built_at is None or report.requested_at > report.built_at)
    )
    return render(
        request,
        "interventions/outcomes/impact.html",
        {
            "intervention": intervention,
            "figures": figures,
            "charts": reports.impact_charts(figures),
            "report": report,
            "has_pdf": has_pdf,
            "pdf_current": report is not None
            and has_pdf
            and report.figures_hash == figures_of.figures_hash(figures),
            "pending": pending,
            "may_record": can(request.user, "interventions.record_measures", intervention),
        },
    )


@requires("interventions.view")
@require_safe
def impact_pdf(request: SchoolHttpRequest, pk: int) -> HttpResponseBase:
    """Send the stored impact report PDF, after auditing who took it."""
    intervention = _intervention_for(request, pk, "interventions.view_impact")
    back = reverse("interventions:impact", args=[intervention.pk])
    report = ImpactReport.objects.filter(intervention=intervention).first()
    if report is None or not report.pdf.name:
        messages.info(request, "The PDF has not been built yet. Build it now, then download it.")
        return redirect(back)
    try:
        handle = report.pdf.storage.open(report.pdf.name, "rb")
    except OSError:
        messages.error(
            request,
            "The PDF is missing from SEND Hub's storage. Build it again with “Build now”.",
        )
        return redirect(back)
    try:
        # Audited before a byte is sent: if this write fails, nothing is sent.
        with transaction.atomic():
            log_action(
                report,
                "interventions.impact_report.downloaded",
                actor=request.user,
                school=intervention.school_id,
                data={"intervention": intervention.pk, "figures_hash": report.figures_hash[:12]},
                request=request,
            )
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"impact-report-{slugify(intervention.name) or intervention.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires("interventions.view")
def impact_build(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Ask for the impact report to be built now (the PDF follows in the background)."""
    intervention = _intervention_for(request, pk, "interventions.view_impact")
    # Checked after access, so the access matrix (GET) proves who may post here.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with transaction.atomic():
        outcome_services.request_impact_report(intervention)
        log_action(
            intervention,
            "interventions.impact_report.requested",
            actor=request.user,
            request=request,
        )
    messages.success(
        request,
        "The impact report is being built. Refresh this page in a moment to download the PDF.",
    )
    return redirect("interventions:impact", pk=intervention.pk)
