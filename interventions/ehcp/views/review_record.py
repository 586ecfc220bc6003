"""The annual review's record: invitees, views, progress per outcome, delivery per provision
line, amendments, preparing for adulthood, the recommendation; and the report as Word.

Access as for the review itself: the SENDCo writes the record (``interventions.plans_manage``),
leaders download the report (``interventions.ehcp_report``); outside the school or the pupil's
scope the answer is 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from interventions.ehcp import review_docx
from interventions.ehcp import review_services as services
from interventions.ehcp.forms import (
    AdulthoodForm,
    AmendmentForm,
    InviteeAddForm,
    InviteeForm,
    ProgressForm,
    ProvisionCheckForm,
    RecommendationForm,
    ViewsForm,
    invitee_initial,
)
from interventions.ehcp.models import (
    AnnualReview,
    AnnualReviewAmendment,
    AnnualReviewInvitee,
    EHCPOutcome,
    EHCPProvision,
)
from interventions.ehcp.review_record import (
    SECTIONS,
    OutcomeRow,
    ProvisionRow,
    review_record,
    review_report,
)
from interventions.ehcp.views.record import MANAGE, REPORT, _reviews, _service_error
from interventions.errors import PlanError
from send_hub.http import SchoolHttpRequest
from staff.audit import log_action
from staff.permissions import get_object_for, requires

PART_FORMS: dict[str, type[forms.Form]] = {
    "views": ViewsForm,
    "adulthood": AdulthoodForm,
    "recommendation": RecommendationForm,
}
PART_TITLES = {
    "views": "Views of the child and the parents",
    "adulthood": SECTIONS["adulthood"],
    "recommendation": SECTIONS["recommendation"],
}


def _back(review: AnnualReview, anchor: str = "") -> str:
    url = reverse("interventions:ehcp_review", args=[review.pk])
    return url + (f"#{anchor}" if anchor else "")


def _form_page(
    request: SchoolHttpRequest,
    review: AnnualReview,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    anchor: str,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        "interventions/ehcp/review_record_form.html",
        {
            "review": review,
            "ehcp": review.ehcp,
            "pupil": review.ehcp.pupil,
            "form": form,
            "title": title,
            "submit": submit,
            "back": _back(review, anchor),
            "concluded": review.completed_on is not None,
            **extra,
        },
    )


def _refuse_concluded(request: SchoolHttpRequest, review: AnnualReview) -> HttpResponse | None:
    """Send a change to a concluded review back to the review page, saying why."""
    if review.completed_on is None:
        return None
    messages.info(request, "This annual review has concluded: its record is kept as it was.")
    return redirect(_back(review))


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def review_part(request: SchoolHttpRequest, pk: int, part: str) -> HttpResponse:
    """Write one free-text part of the record: the views, preparing for adulthood, or the
    recommendation with its reasons."""
    review = get_object_for(request, _reviews(), pk, MANAGE)
    if part not in PART_FORMS:
        raise Http404("No such part of the review")
    refused = _refuse_concluded(request, review)
    if refused is not None:
        return refused
    form_class = PART_FORMS[part]
    fields = services.PARTS[part]

    def current() -> forms.Form:
        initial = {name: getattr(review, name) for name in fields}
        return form_class(initial={**initial, "version": services.part_version(review, part)})

    form = form_class(request.POST) if request.method == "POST" else current()
    stale = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_part_save(
                review=review,
                part=part,
                by=request.user,
                version=data["version"],
                **{name: data[name] for name in fields},
            )
        except services.StaleEdit as exc:
            review.refresh_from_db()
            form, stale = current(), str(exc)
        except (PlanError, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "Saved to the review record.")
            return redirect(_back(review, f"record-{part}"))
    return _form_page(
        request,
        review,
        form,
        title=PART_TITLES[part],
        submit="Save",
        anchor=f"record-{part}",
        stale=stale,
        part=part,
    )


def _invitee_data(form: forms.Form) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        name: data[name]
        for name in ("name", "role", "invited_on", "advice_received_on", "attended")
    }


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def invitee_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record someone invited to the review, with the date of the invitation."""
    review = get_object_for(request, _reviews(), pk, MANAGE)
    refused = _refuse_concluded(request, review)
    if refused is not None:
        return refused
    form = InviteeAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitee_add(review=review, by=request.user, **_invitee_data(form))
        except (PlanError, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "Invitation recorded.")
            return redirect(_back(review, "record-invitees"))
    return _form_page(
        request,
        review,
        form,
        title="Record an invitation",
        submit="Add to the invitations",
        anchor="record-invitees",
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def invitee_edit(request: SchoolHttpRequest, pk: int, invitee_pk: int) -> HttpResponse:
    """Record an invitee's advice arriving and whether they attended, or correct the entry."""
    review = get_object_for(request, _reviews(), pk, MANAGE)
    invitee = get_object_or_404(AnnualReviewInvitee.objects.filter(review=review), pk=invitee_pk)
    refused = _refuse_concluded(request, review)
    if refused is not None:
        return refused
    if request.method == "POST":
        form = InviteeForm(request.POST)
    else:
        form = InviteeForm(initial=invitee_initial(invitee))
    if request.method == "POST" and form.is_valid():
        try:
            services.invitee_update(invitee=invitee, by=request.user, **_invitee_data(form))
        except (PlanError, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "Invitation saved.")
            return redirect(_back(review, "record-invitees"))
    return _form_page(
        request,
        review,
        form,
        title=f"Invitation: {invitee.name}",
        submit="Save",
        anchor="record-invitees",
        remove_url=reverse(
            "interventions:ehcp_review_invitee_remove", args=[review.pk, invitee.pk]
        ),
        remove_label="Remove this invitation",
    )


@requires(MANAGE)
def invitee_remove(request: SchoolHttpRequest, pk: int, invitee_pk: int) -> HttpResponse:
    """Remove an invitation recorded by mistake."""
    review = get_object_for(request, _reviews(), pk, MANAGE)
    # Checked after access, so the access matrix (GET) proves who may post here.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    invitee = AnnualReviewInvitee.objects.filter(review=review, pk=invitee_pk).first()
    if invitee is None:
        messages.info(request, "That invitation was already removed.")
        return redirect(_back(review, "record-invitees"))
    try:
        services.invitee_remove(invitee=invitee, by=request.user)
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Invitation removed.")
    return redirect(_back(review, "record-invitees"))


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def progress_edit(request: SchoolHttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    """Record progress towards one section E outcome, beside the evidence for it."""
    review = get_object_for(request, _reviews(), pk, MANAGE)
    outcome = get_object_or_404(EHCPOutcome.objects.filter(ehcp=review.ehcp), pk=outcome_pk)
    refused = _refuse_concluded(request, review)
    if refused is not None:
        return refused
    record = review_record(review)
    row: OutcomeRow = next(r for r in record["outcome_rows"] if r.outcome == outcome)
    if request.method == "POST":
        form = ProgressForm(request.POST)
    elif row.judged is not None:
        form = ProgressForm(
            initial={"progress": row.judged.progress, "commentary": row.judged.commentary}
        )
    else:
        form = ProgressForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_record(
                review=review, outcome=outcome, by=request.user, **form.cleaned_data
            )
        except (PlanError, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "Progress recorded.")
            return redirect(_back(review, f"progress-{outcome.pk}"))
    number = [r.outcome for r in record["outcome_rows"]].index(outcome) + 1
    return _form_page(
        request,
        review,
        form,
        title=f"Progress towards outcome {number}",
        submit="Save the progress",
        anchor=f"progress-{outcome.pk}",
        outcome_row=row,
        **{k: record[k] for k in ("period_from", "period_to")},
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def provision_check_edit(request: SchoolHttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """Record whether one section F line was delivered as specified, beside what was delivered."""
    review = get_object_for(request, _reviews(), pk, MANAGE)
    line = get_object_or_404(EHCPProvision.objects.filter(ehcp=review.ehcp), pk=line_pk)
    refused = _refuse_concluded(request, review)
    if refused is not None:
        return refused
    record = review_record(review)
    row: ProvisionRow = next(r for r in record["provision_rows"] if r.line == line)
    if request.method == "POST":
        form = ProvisionCheckForm(request.POST)
    elif row.checked is not None:
        form = ProvisionCheckForm(
            initial={
                "delivered": row.checked.delivered,
                "shortfall_reason": row.checked.shortfall_reason,
            }
        )
    else:
        form = ProvisionCheckForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.provision_check_record(
                review=review, provision=line, by=request.user, **form.cleaned_data
            )
        except (PlanError, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "Delivery recorded.")
            return redirect(_back(review, f"provision-{line.pk}"))
    return _form_page(
        request,
        review,
        form,
        title="Was this provision delivered as specified?",
        submit="Save",
        anchor=f"provision-{line.pk}",
        provision_row=row,
        **{k: record[k] for k in ("period_from", "period_to")},
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def amendment_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record one amendment the review recommends, under the section of the plan it changes."""
    review = get_object_for(request, _reviews(), pk, MANAGE)
    refused = _refuse_concluded(request, review)
    if refused is not None:
        return refused
    initial = {}
    if request.method == "GET" and request.GET.get("section") in AnnualReviewAmendment.Section:
        initial["section"] = request.GET["section"]
    form = AmendmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.amendment_add(
                review=review, by=request.user, section=data["section"], text=data["text"]
            )
        except (PlanError, ValidationError) as exc:
            _service_error(form, exc)
        else:
            messages.success(request, "Amendment recorded.")
            return redirect(_back(review, "record-amendments"))
    return _form_page(
        request,
        review,
        form,
        title="Recommend an amendment",
        submit="Add the amendment",
        anchor="record-amendments",
    )


@requires(MANAGE)
def amendment_remove(request: SchoolHttpRequest, pk: int, amendment_pk: int) -> HttpResponse:
    """Withdraw a recommended amendment."""
    review = get_object_for(request, _reviews(), pk, MANAGE)
    # Checked after access, so the access matrix (GET) proves who may post here.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    amendment = AnnualReviewAmendment.objects.filter(review=review, pk=amendment_pk).first()
    if amendment is None:
        messages.info(request, "That amendment was already withdrawn.")
        return redirect(_back(review, "record-amendments"))
    try:
        services.amendment_remove(amendment=amendment, by=request.user)
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Amendment withdrawn.")
    return redirect(_back(review, "record-amendments"))


@requires(REPORT)
@require_safe
def review_docx_download(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Send the annual review report as a Word document, after auditing who took it."""
    review = get_object_for(request, _reviews(), pk, REPORT)
    data = review_docx.render_review_docx(review_report(review, built_by=request.user))
    # Audited before a byte is sent, as the PDF is: if this write fails, nothing is sent.
    with transaction.atomic():
        log_action(
            review,
            "interventions.annual_review.report_downloaded",
            actor=request.user,
            school=review.ehcp.school_id,
            data={"ehcp": review.ehcp_id, "format": "docx"},
            request=request,
        )
    response = HttpResponse(data, content_type=review_docx.CONTENT_TYPE)
    name = f"annual-review-pupil-{review.ehcp.pupil_id}-{review.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
