"""Teachers' pages: My classes (page and A4 summary), answering a review input request, marking
a strategy; the SENDCo's asking for input and seeing which strategies work across teachers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from interventions.ehcp.models import AnnualReview
from interventions.plans.models import SupportPlan
from interventions.teaching import services
from interventions.teaching.forms import AskForInputForm, ReviewInputForm, StrategyFeedbackForm
from interventions.teaching.models import ReviewInputRequest, StrategyFeedback
from interventions.teaching.summary import class_summaries, render_class_summary_pdf
from pupils.models import Pupil, TeachingClass
from send_hub.http import SchoolHttpRequest
from send_hub.lib.forms import add_service_errors
from staff.audit import log_action
from staff.permissions import get_object_for, requires


@requires("interventions.my_classes")
@require_safe
def my_classes(request: SchoolHttpRequest) -> HttpResponse:
    """A teacher's classes now, each with its SEN pupils at a glance (phone first)."""
    classes = TeachingClass.objects.visible_to(request.user).taught_by(request.user)
    summaries = class_summaries(classes.order_by("code"), teacher=request.user)
    waiting = (
        ReviewInputRequest.objects.visible_to(request.user)
        .waiting()
        .select_related("pupil")
        .order_by("due_on")
    )
    return render(
        request,
        "interventions/teaching/my_classes.html",
        {"summaries": summaries, "waiting": waiting},
    )


@requires("interventions.class_summary")
@require_safe
def class_summary_pdf(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """The class's one-page A4 summary for a cover teacher; audited before it is sent."""
    teaching_class = get_object_for(
        request, TeachingClass.objects, pk, "interventions.class_summary"
    )
    qs = TeachingClass.objects.filter(pk=teaching_class.pk)
    summary = class_summaries(qs, teacher=request.user)[0]
    pdf = render_class_summary_pdf(summary, built_by=request.user)
    with transaction.atomic():
        log_action(
            teaching_class,
            "interventions.class_summary.downloaded",
            actor=request.user,
            data={"pupils": len(summary.rows)},
            request=request,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="class-summary-{teaching_class.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires("interventions.review_input_answer")
@require_http_methods(["GET", "POST"])
def review_input(request: SchoolHttpRequest, token: str) -> HttpResponse:
    """The teacher asked (only them) answers a review input request, once."""
    asked = get_object_for(
        request,
        ReviewInputRequest.objects.select_related("pupil", "plan", "annual_review__ehcp"),
        ReviewInputRequest.objects.filter(token=token).values_list("pk", flat=True).first(),
        "interventions.review_input_answer",
    )
    items = services.review_items(asked)
    form = ReviewInputForm(request.POST or None, items=items)
    if request.method == "POST" and asked.answered_at is None and form.is_valid():
        try:
            services.review_input_answer(
                request=asked,
                by=request.user,
                progress=form.progress(),
                what_works=form.cleaned_data["what_works"],
                concerns=form.cleaned_data["concerns"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Thank you: the SENDCo has your input for the review.")
            return redirect("interventions:my_classes")
    return render(
        request, "interventions/teaching/review_input.html", {"asked": asked, "form": form}
    )


def _ask(
    request: SchoolHttpRequest,
    *,
    back: str,
    default_due: dt.date,
    plan: SupportPlan | None = None,
    annual_review: AnnualReview | None = None,
) -> HttpResponse:
    form = AskForInputForm(request.POST, default_due=default_due)
    if not form.is_valid():
        messages.error(request, "Choose the day the answers are needed by.")
        return redirect(back)
    try:
        made = services.review_inputs_request(
            by=request.user,
            due_on=form.cleaned_data["due_on"],
            plan=plan,
            annual_review=annual_review,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if made:
            names = ", ".join(r.teacher.full_name for r in made)
            messages.success(request, f"Asked {len(made)} teacher(s) for input: {names}.")
        else:
            messages.info(request, "Every teacher of this pupil has already been asked.")
    return redirect(back)


@requires("interventions.plans_manage")
@require_POST
def plan_ask_teachers(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """SENDCo: ask every teacher of the pupil for input before the plan's review, in one step."""
    plan = get_object_for(
        request, SupportPlan.objects.select_related("pupil"), pk, "interventions.plans_manage"
    )
    back = reverse("interventions:plan", args=[plan.pk]) + "#teacher-input"
    return _ask(
        request, back=back, default_due=services.default_due(plan.next_review_on), plan=plan
    )


@requires("interventions.plans_manage")
@require_POST
def review_ask_teachers(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """SENDCo: ask every teacher of the pupil for input before an EHCP annual review."""
    review = get_object_for(
        request,
        AnnualReview.objects.select_related("ehcp__pupil"),
        pk,
        "interventions.plans_manage",
    )
    back = reverse("interventions:ehcp_review", args=[review.pk]) + "#teacher-input"
    return _ask(
        request,
        back=back,
        default_due=services.default_due(review.meeting_on),
        annual_review=review,
    )


@requires("interventions.strategy_feedback")
@require_POST
def strategy_feedback(request: SchoolHttpRequest, pupil_pk: int) -> HttpResponse:
    """A teacher marks a strategy for a pupil they teach: tried, and it helped or did not."""
    pupil = get_object_for(request, Pupil.objects, pupil_pk, "interventions.strategy_feedback")
    form = StrategyFeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.strategy_feedback_record(
                pupil=pupil,
                teacher=request.user,
                strategy=form.cleaned_data["strategy"],
                helped=form.cleaned_data["helped"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Noted for {pupil.display_name}.")
    else:
        messages.error(request, "Choose a strategy and whether it helped.")
    return redirect(reverse("interventions:my_classes") + f"#pupil-{pupil.pk}")


@requires("interventions.strategy_feedback_view")
@require_safe
def strategies_across_teachers(request: SchoolHttpRequest) -> HttpResponse:
    """SENDCo: for each pupil, which strategies teachers found helped, and which did not."""
    rows = (
        StrategyFeedback.objects.filter(
            school=request.school, pupil__in=Pupil.objects.visible_to(request.user).values("pk")
        )
        .values("pupil_id", "strategy")
        .annotate(
            n_helped=Count("pk", filter=Q(helped=True)),
            n_not_helped=Count("pk", filter=Q(helped=False)),
        )
        .order_by("pupil_id", "-n_helped", "strategy")
    )
    by_pupil: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_pupil[row["pupil_id"]].append(row)
    pupils = Pupil.objects.filter(pk__in=by_pupil).order_by("legal_surname", "legal_forename")
    return render(
        request,
        "interventions/teaching/strategies.html",
        {"pupils": [(p, by_pupil[p.pk]) for p in pupils]},
    )
