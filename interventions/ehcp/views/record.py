"""A pupil's EHCP: sections E and F with evidence of delivery (annual reviews are in
``reviews.py``).

Access: whoever sees the pupil's support plans sees the EHCP (``interventions.plans_view``, scoped
by ``EHCP.objects.visible_to``); only the SENDCo changes it (``interventions.plans_manage``);
leaders download the review report (``interventions.ehcp_report``). Outside the person's
school or caseload the answer is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from interventions.ehcp import report as ehcp_report
from interventions.ehcp import services as ehcp_services
from interventions.ehcp.forms import (
    EHCPCreateForm,
    EHCPEditForm,
    OutcomeAddForm,
    OutcomeEditForm,
    ProvisionAddForm,
    ProvisionEditForm,
    provision_initial,
)
from interventions.ehcp.models import (
    EHCP,
    AnnualReview,
    AnnualReviewQuerySet,
    EHCPOutcome,
    EHCPProvision,
    EHCPQuerySet,
)
from interventions.errors import PlanError
from pupils.models import Pupil
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors, form_field
from staff.permissions import can, get_object_for, requires

F = TypeVar("F", bound=forms.BaseForm)

VIEW, MANAGE, REPORT = (
    "interventions.plans_view",
    "interventions.plans_manage",
    "interventions.ehcp_report",
)


def _ehcps() -> EHCPQuerySet:
    return EHCP.objects.select_related("pupil", "coordinator")


def _reviews() -> AnnualReviewQuerySet:
    return AnnualReview.objects.select_related("ehcp__pupil", "ehcp__coordinator")


def _service_error(form: forms.BaseForm, exc: Exception) -> None:
    """Show a service's refusal on the form, by field where the form has that field."""
    if isinstance(exc, ValidationError):
        add_service_errors(form, exc)
    else:
        form.add_error(None, str(exc))


def _save_edit(
    request: SchoolHttpRequest,
    form: F,
    *,
    save: Callable[[dict[str, Any]], object],
    record: Model,
    current: Callable[[], F],
) -> tuple[F, str, bool]:
    """Save a valid edit form through ``save``; return (form to show, stale message, saved).

    If someone else saved ``record`` since the form was opened, nothing is saved and the form
    is rebuilt (``current``) from their version, with the message saying so.
    """
    if request.method != "POST" or not form.is_valid():
        return form, "", False
    try:
        save(form.cleaned_data)
    except ehcp_services.StaleEdit as exc:
        record.refresh_from_db()
        return current(), str(exc), False
    except (PlanError, ValidationError) as exc:
        _service_error(form, exc)
        return form, "", False
    return form, "", True


def _back(ehcp: EHCP, anchor: str = "") -> str:
    return reverse("interventions:ehcp", args=[ehcp.pk]) + (f"#{anchor}" if anchor else "")


@requires(VIEW)
@require_safe
def pupil_ehcp(request: SchoolHttpRequest, pupil_pk: int) -> HttpResponse:
    """Open the pupil's live EHCP, or say there is none (and offer the SENDCo to record it)."""
    pupil = get_object_for(request, Pupil.objects, pupil_pk, VIEW)
    ehcps = list(EHCP.objects.filter(pupil=pupil).order_by("-issued_on"))
    live = next((e for e in ehcps if e.ceased_on is None), None)
    if live is not None:
        return redirect("interventions:ehcp", pk=live.pk)
    return render(
        request,
        "interventions/ehcp/none.html",
        {"pupil": pupil, "ceased": ehcps, "may_manage": can(request.user, MANAGE, pupil)},
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def ehcp_create(request: SchoolHttpRequest, pupil_pk: int) -> HttpResponse:
    """Record a pupil's EHCP: local authority, issue date, coordinator and any phase transfer."""
    pupil = get_object_for(request, Pupil.objects, pupil_pk, MANAGE)
    form = EHCPCreateForm(
        request.POST or None,
        school=pupil.school,
        initial={"coordinator": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ehcp = ehcp_services.ehcp_create(
                pupil=pupil,
                by=request.user,
                local_authority=data["local_authority"],
                issued_on=data["issued_on"],
                coordinator=data["coordinator"],
                phase_transfer=data["phase_transfer"],
                transfer_year=data["transfer_year"],
            )
        except (PlanError, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "EHCP recorded. Add its outcomes and provision next.")
            return redirect("interventions:ehcp", pk=ehcp.pk)
    return render(request, "interventions/ehcp/ehcp_form.html", {"pupil": pupil, "form": form})


@requires(VIEW)
@require_safe
def detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show the EHCP: details, section E outcomes with their section F provision and delivery."""
    ehcp = get_object_for(request, _ehcps(), pk, VIEW)
    today = timezone.localdate()
    lines = ehcp_report.provision_with_delivery(ehcp, as_of=today)
    outcomes, unlinked = ehcp_report.outcomes_with_provision(ehcp, lines)
    reviews = list(ehcp_report.reviews_with_steps(ehcp))
    open_review = next((r for r in reviews if r.completed_on is None), None)
    # The LA decided to cease: the plan stays live until the date it actually ceases.
    cease_decided = next((r for r in reviews if r.la_decision == AnnualReview.Decision.CEASE), None)
    return render(
        request,
        "interventions/ehcp/detail.html",
        {
            "ehcp": ehcp,
            "pupil": ehcp.pupil,
            "outcomes": outcomes,
            "unlinked": unlinked,
            "line_count": len(lines),
            "reviews": reviews,
            "open_review": open_review,
            "cease_decided": cease_decided if ehcp.ceased_on is None else None,
            "transfer_deadline": ehcp_report.phase_transfer_deadline(ehcp),
            "transfer_label": ehcp_report.transfer_label(ehcp),
            "year_from": ehcp_report.school_year_start(today),
            "today": today,
            "may_manage": can(request.user, MANAGE, ehcp),
            "may_report": can(request.user, REPORT, ehcp),
        },
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def ehcp_edit(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Change the EHCP's local authority, dates, coordinator and phase transfer."""
    ehcp = get_object_for(request, _ehcps(), pk, MANAGE)

    def current() -> EHCPEditForm:
        return EHCPEditForm(
            school=ehcp.school,
            initial={
                "local_authority": ehcp.local_authority,
                "issued_on": ehcp.issued_on,
                "coordinator": ehcp.coordinator_id,
                "phase_transfer": ehcp.phase_transfer,
                "transfer_year": ehcp.transfer_year,
                "ceased_on": ehcp.ceased_on,
                "version": ehcp_services.ehcp_version(ehcp),
            },
        )

    form = EHCPEditForm(request.POST, school=ehcp.school) if request.method == "POST" else current()
    form, stale, saved = _save_edit(
        request,
        form,
        save=lambda data: ehcp_services.ehcp_update(ehcp=ehcp, by=request.user, **data),
        record=ehcp,
        current=current,
    )
    if saved:
        messages.success(request, "EHCP details saved.")
        return redirect("interventions:ehcp", pk=ehcp.pk)
    return render(
        request,
        "interventions/ehcp/ehcp_form.html",
        {"pupil": ehcp.pupil, "ehcp": ehcp, "form": form, "stale": stale},
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def outcome_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Add a section E outcome."""
    ehcp = get_object_for(request, _ehcps(), pk, MANAGE)
    form = OutcomeAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = ehcp_services.ehcp_outcome_add(
                ehcp=ehcp, by=request.user, **form.cleaned_data
            )
        except (PlanError, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "Outcome added.")
            return redirect(_back(ehcp, f"outcome-{outcome.pk}"))
    return render(request, "interventions/ehcp/outcome_form.html", {"ehcp": ehcp, "form": form})


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def outcome_edit(request: SchoolHttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    """Reword a section E outcome (or remove it, from the same page)."""
    ehcp = get_object_for(request, _ehcps(), pk, MANAGE)
    outcome = get_object_or_404(EHCPOutcome.objects.filter(ehcp=ehcp), pk=outcome_pk)

    def current() -> OutcomeEditForm:
        return OutcomeEditForm(
            initial={
                "text": outcome.text,
                "area": outcome.area,
                "version": ehcp_services.ehcp_version(outcome),
            }
        )

    form = OutcomeEditForm(request.POST) if request.method == "POST" else current()
    form, stale, saved = _save_edit(
        request,
        form,
        save=lambda data: ehcp_services.ehcp_outcome_update(
            outcome=outcome, by=request.user, **data
        ),
        record=outcome,
        current=current,
    )
    if saved:
        messages.success(request, "Outcome saved.")
        return redirect(_back(ehcp, f"outcome-{outcome.pk}"))
    return render(
        request,
        "interventions/ehcp/outcome_form.html",
        {
            "ehcp": ehcp,
            "outcome": outcome,
            "form": form,
            "stale": stale,
            "serving": outcome.provision.count(),
        },
    )


@requires(MANAGE)
def outcome_remove(request: SchoolHttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    """Remove a section E outcome; its provision lines stay, naming no outcome."""
    ehcp = get_object_for(request, _ehcps(), pk, MANAGE)
    # Checked after access, so the access matrix (GET) proves who may post here.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    outcome = EHCPOutcome.objects.filter(ehcp=ehcp, pk=outcome_pk).first()
    if outcome is None:
        messages.info(request, "That outcome was already removed.")
        return redirect(_back(ehcp))
    try:
        orphaned = ehcp_services.ehcp_outcome_remove(outcome=outcome, by=request.user)
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        note = ""
        if orphaned == 1:
            note = " One provision line now names no outcome."
        elif orphaned:
            note = f" {orphaned} provision lines now name no outcome."
        messages.success(request, f"Outcome removed.{note}")
    return redirect(_back(ehcp))


def _no_interventions(form: ProvisionAddForm | ProvisionEditForm) -> bool:
    offered = form_field(form, "interventions", forms.ModelMultipleChoiceField).queryset
    return offered is None or not offered.exists()


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def provision_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Add a section F provision line linked to the outcome it serves and what delivers it."""
    ehcp = get_object_for(request, _ehcps(), pk, MANAGE)
    initial = {}
    if request.method == "GET" and request.GET.get("outcome", "").isdigit():
        initial["outcome"] = int(request.GET["outcome"])
    form = ProvisionAddForm(request.POST or None, ehcp=ehcp, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line = ehcp_services.ehcp_provision_add(
                ehcp=ehcp,
                by=request.user,
                description=data["description"],
                hours_per_week=data["hours_per_week"],
                outcome=data["outcome"],
                interventions=list(data["interventions"]),
            )
        except (PlanError, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "Provision line added.")
            return redirect(_back(ehcp, f"provision-{line.pk}"))
    return render(request, "interventions/ehcp/provision_form.html", {"ehcp": ehcp, "form": form})


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def provision_edit(request: SchoolHttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """Change a section F line: wording, hours, outcome and the interventions delivering it."""
    ehcp = get_object_for(request, _ehcps(), pk, MANAGE)
    line = get_object_or_404(EHCPProvision.objects.filter(ehcp=ehcp), pk=line_pk)

    def current() -> ProvisionEditForm:
        return ProvisionEditForm(
            ehcp=ehcp,
            user=request.user,
            initial={**provision_initial(line), "version": ehcp_services.ehcp_version(line)},
        )

    if request.method == "POST":
        form = ProvisionEditForm(request.POST, ehcp=ehcp, user=request.user)
    else:
        form = current()
    form, stale, saved = _save_edit(
        request,
        form,
        save=lambda data: ehcp_services.ehcp_provision_update(
            provision=line,
            by=request.user,
            description=data["description"],
            hours_per_week=data["hours_per_week"],
            outcome=data["outcome"],
            interventions=list(data["interventions"]),
            version=data["version"],
        ),
        record=line,
        current=current,
    )
    if saved:
        messages.success(request, "Provision line saved.")
        return redirect(_back(ehcp, f"provision-{line.pk}"))
    return render(
        request,
        "interventions/ehcp/provision_form.html",
        {
            "ehcp": ehcp,
            "line": line,
            "form": form,
            "stale": stale,
            "no_interventions": _no_interventions(form),
        },
    )


@requires(MANAGE)
def provision_remove(request: SchoolHttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """Remove a section F provision line."""
    ehcp = get_object_for(request, _ehcps(), pk, MANAGE)
    # Checked after access, so the access matrix (GET) proves who may post here.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    line = EHCPProvision.objects.filter(ehcp=ehcp, pk=line_pk).first()
    if line is None:
        messages.info(request, "That provision line was already removed.")
        return redirect(_back(ehcp))
    try:
        ehcp_services.ehcp_provision_remove(provision=line, by=request.user)
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Provision line removed.")
    return redirect(_back(ehcp))
