"""Annual review pages: scheduling, the deadlines page, recording steps and the report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from interventions.ehcp import report as ehcp_report
from interventions.ehcp import services as ehcp_services
from interventions.ehcp.forms import (
    ScheduleReviewForm,
    StepForm,
)
from interventions.ehcp.models import (
    AnnualReview,
    AnnualReviewStep,
)
from interventions.ehcp.review_record import review_record, review_report
from interventions.ehcp.views.record import MANAGE, REPORT, VIEW, _ehcps, _reviews, _service_error
from interventions.errors import PlanError
from send_hub.http import SchoolHttpRequest
from send_hub.lib.text import mid_sentence
from staff.audit import log_action
from staff.permissions import can, get_object_for, requires


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def review_schedule(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Fix the annual review meeting date; the statutory deadlines follow from it."""
    ehcp = get_object_for(request, _ehcps(), pk, MANAGE)
    form = ScheduleReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting_on = form.cleaned_data["meeting_on"]
        try:
            review = ehcp_services.annual_review_schedule(
                ehcp=ehcp, meeting_on=meeting_on, by=request.user
            )
        except PlanError as exc:
            open_review = ehcp.annual_reviews.open().first()
            if open_review is not None and open_review.meeting_on == meeting_on:
                return redirect("interventions:ehcp_review", pk=open_review.pk)  # a double tap
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Annual review scheduled. Its deadlines are below.")
            return redirect("interventions:ehcp_review", pk=review.pk)
    return render(
        request,
        "interventions/ehcp/schedule.html",
        {"ehcp": ehcp, "form": form, "open_review": ehcp.annual_reviews.open().first()},
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def review_reschedule(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Move an annual review's meeting (before it is held); the deadlines follow."""
    review = get_object_for(request, _reviews(), pk, MANAGE)
    ehcp = review.ehcp
    form = ScheduleReviewForm(request.POST or None, initial={"meeting_on": review.meeting_on})
    if request.method == "POST" and form.is_valid():
        try:
            ehcp_services.annual_review_reschedule(
                review=review, meeting_on=form.cleaned_data["meeting_on"], by=request.user
            )
        except PlanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Meeting moved. The deadlines below follow the new date.")
            return redirect("interventions:ehcp_review", pk=review.pk)
    return render(
        request,
        "interventions/ehcp/schedule.html",
        {"ehcp": ehcp, "form": form, "review": review},
    )


def _review_page(
    request: SchoolHttpRequest, review: AnnualReview, bound: StepForm | None = None
) -> HttpResponse:
    ehcp = review.ehcp
    today = timezone.localdate()
    reviews = list(ehcp_report.reviews_with_steps(ehcp))
    review = next(r for r in reviews if r.pk == review.pk)
    review.ehcp = ehcp
    rows = ehcp_report.milestone_rows(review, today=today)
    may_manage = can(request.user, MANAGE, ehcp)
    held = any(r.code == "MEETING" and r.done for r in rows)
    refused = ""
    met = any(r.code == "MEETING" and r.done for r in rows)
    for row in rows:
        if row.state in ("done", "not_needed"):
            pass
        elif row.code in ("REPORT", "LA_DECISION", "FINAL_PLAN") and not met:
            row.waiting = "Recorded once the meeting has been held."
        elif row.code == "FINAL_PLAN" and review.la_decision != AnnualReview.Decision.AMEND:
            row.waiting = "Needed only if the LA decides to amend the plan."
        if may_manage and row.state not in ("done", "not_needed") and not row.waiting:
            if bound is not None and bound.step_code == row.code:
                row.form = bound
            else:
                row.form = StepForm(step=row.code)
        elif bound is not None and bound.step_code == row.code:
            # That step has no form any more (already done): say why it was refused.
            refused = " ".join(str(e) for errors in bound.errors.values() for e in errors)
    return render(
        request,
        "interventions/ehcp/review.html",
        {
            "review": review,
            "ehcp": ehcp,
            "pupil": ehcp.pupil,
            "rows": rows,
            "history": [r for r in reviews if r.pk != review.pk],
            "refused": refused,
            "pfa": ehcp_report.needs_preparing_for_adulthood(review, ehcp),
            "today": today,
            "may_manage": may_manage,
            "may_move": may_manage and not held and review.completed_on is None,
            "may_report": can(request.user, REPORT, ehcp),
            "may_edit": may_manage and review.completed_on is None,
            **review_record(review),
        },
    )


@requires(VIEW)
@require_safe
def review_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show an annual review's deadlines, what was done and by whom, and what is overdue."""
    review = get_object_for(request, _reviews(), pk, VIEW)
    return _review_page(request, review)


@requires(MANAGE)
def review_step(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Record one statutory step of the review as done today (or on the day given), by me."""
    review = get_object_for(request, _reviews(), pk, MANAGE)
    # Checked after access, so the access matrix (GET) proves who may post here.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    code = request.POST.get("step", "")
    if code not in AnnualReviewStep.Step.values:
        messages.error(request, "Choose a step of the annual review to record.")
        return redirect("interventions:ehcp_review", pk=review.pk)
    form = StepForm(request.POST, step=code)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ehcp_services.annual_review_step_add(
                review=review,
                step=code,
                by=request.user,
                on=data["done_on"],
                la_decision=data.get("la_decision", ""),
            )
        except (PlanError, ValidationError, IntegrityError) as exc:
            same = review.steps.filter(step=code, done_by=request.user, done_on=data["done_on"])
            if same.exists():  # the same form sent twice: it is recorded once
                messages.info(request, "That step was already recorded.")
                return redirect("interventions:ehcp_review", pk=review.pk)
            if isinstance(exc, IntegrityError):
                form.add_error(None, "That step is already recorded for this review.")
            else:
                _service_error(form, exc)
        else:
            label = AnnualReviewStep.Step(code).label
            messages.success(request, f"Recorded: {mid_sentence(label)}.")
            return redirect("interventions:ehcp_review", pk=review.pk)
    return _review_page(request, review, bound=form)


@requires(REPORT)
@require_safe
def review_pdf(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Send the annual review report, built now from the record, after auditing who took it."""
    review = get_object_for(request, _reviews(), pk, REPORT)
    pdf = ehcp_report.render_review_pdf(review_report(review, built_by=request.user))
    # Audited before a byte is sent: if this write fails, nothing is sent.
    with transaction.atomic():
        log_action(
            review,
            "interventions.annual_review.report_downloaded",
            actor=request.user,
            school=review.ehcp.school_id,
            data={"ehcp": review.ehcp_id},
            request=request,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    # Only the pupil's id in the name: a downloaded file's name is seen in many places.
    name = f"annual-review-pupil-{review.ehcp.pupil_id}-{review.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
