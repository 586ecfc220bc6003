"""Start and edit support plans and their targets, agree versions, and list a school's plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Count, F, Q, Value, When
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from interventions.errors import PlanError
from interventions.plans import services as plan_services
from interventions.plans.forms import (
    VOICE_HOW_SUGGESTIONS,
    PlanEditForm,
    PlanListFilterForm,
    PlanStartForm,
    TargetForm,
)
from interventions.plans.models import PlanTarget, SupportPlan, SupportPlanQuerySet
from pupils.models import Area, Pupil
from send_hub.http import SchoolHttpRequest
from staff.models import User
from staff.permissions import get_object_for, requires

PER_PAGE = 50


def _plans() -> SupportPlanQuerySet:
    return SupportPlan.objects.select_related("pupil", "kind", "owner")


def _show_errors(form: Form, exc: Exception) -> None:
    """Put a service's refusal on the form: on the field it names, or above the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc))


def _refuse_if_locked(request: SchoolHttpRequest, plan: SupportPlan) -> HttpResponse | None:
    """Send the person back to the plan, saying why, when it cannot be changed."""
    reason = plan_services.plan_locked_reason(plan)
    if not reason:
        return None
    messages.error(request, reason)
    return redirect("interventions:plan", pk=plan.pk)


# --- The list -----------------------------------------------------------------------------------


@requires("interventions.plans_view")
@require_GET
def plan_list(request: SchoolHttpRequest) -> HttpResponse:
    """List the support plans of the pupils one may see, overdue reviews first."""
    form = PlanListFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    plans = _plans().visible_to(request.user)
    status = chosen.get("status", PlanListFilterForm.OPEN)
    if status == PlanListFilterForm.OPEN:
        plans = plans.open()
    elif status != PlanListFilterForm.ALL:
        plans = plans.filter(status=status)
    if chosen.get("kind"):
        plans = plans.filter(kind=chosen["kind"])
    plans = plans.annotate(
        overdue=Case(
            When(
                ~Q(status=SupportPlan.Status.CLOSED) & Q(next_review_on__lt=today),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        current_targets=Count("targets", filter=Q(targets__cycle=F("cycle"))),
    ).order_by("-overdue", F("next_review_on").asc(nulls_last=True), "pupil__legal_surname", "pk")
    page = Paginator(plans, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "interventions/plans/plan_list.html",
        {
            "form": form,
            "page": page,
            "overdue_count": plans.filter(overdue=True).count(),
            "today": today,
        },
    )


# --- Starting and editing a plan ----------------------------------------------------------------


@requires("interventions.plans_manage")
@require_http_methods(["GET", "POST"])
def plan_start(request: SchoolHttpRequest) -> HttpResponse:
    """Start a plan, choosing the pupil (from the plan list)."""
    return _start(request, pupil=None)


@requires("interventions.plans_manage")
@require_http_methods(["GET", "POST"])
def plan_start_for(request: SchoolHttpRequest, pupil_pk: int) -> HttpResponse:
    """Start a plan for one pupil (from the pupil's page)."""
    pupil = get_object_for(request, Pupil.objects.on_roll(), pupil_pk, "interventions.plans_manage")
    return _start(request, pupil=pupil)


def _start(request: SchoolHttpRequest, *, pupil: Pupil | None) -> HttpResponse:
    form = PlanStartForm(request.POST or None, user=request.user, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = plan_services.plan_start(
                pupil=pupil or data["pupil"],
                kind=data["kind"],
                owner=data["owner"],
                by=request.user,
                next_review_on=data["next_review_on"],
                needs_summary=data["needs_summary"],
                strategies=data["strategies"],
            )
        except (PlanError, ValidationError) as exc:
            _show_errors(form, exc)
        else:
            messages.success(
                request, f"{plan.kind} started as a draft. Add its targets, then agree it."
            )
            return redirect("interventions:plan", pk=plan.pk)
    return render(
        request,
        "interventions/plans/plan_form.html",
        {"form": form, "pupil": pupil, "plan": None},
    )


@requires("interventions.plans_manage")
@require_http_methods(["GET", "POST"])
def plan_edit(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Change the plan's working copy: summary, strategies, owner, review date, voices."""
    plan = get_object_for(request, _plans(), pk, "interventions.plans_manage")
    refused = _refuse_if_locked(request, plan)
    if refused:
        return refused
    form = PlanEditForm(
        request.POST or None,
        user=request.user,
        plan=plan,
        initial={"seen": plan_services.plan_edit_token(plan)},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        seen = data.pop("seen")
        try:
            plan = plan_services.plan_update(plan=plan, by=request.user, seen=seen, **data)
        except (PlanError, ValidationError) as exc:
            _show_errors(form, exc)
        else:
            note = (
                " These changes are not agreed yet: agree this version when they are."
                if plan.versions.exists()
                else ""
            )
            messages.success(request, f"Plan saved.{note}")
            return redirect("interventions:plan", pk=plan.pk)
    return render(
        request,
        "interventions/plans/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "pupil": plan.pupil,
            "latest": plan.versions.order_by("-number").first(),
            "voice_how": VOICE_HOW_SUGGESTIONS,
        },
    )


# --- Agreeing, and the versions agreed ----------------------------------------------------------


def _readable(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Turn a stored snapshot into what a page shows: dates, area names, responsible names."""

    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    targets = snapshot.get("targets", [])
    ids = {t.get("responsible_id") for t in targets} - {None}
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name")) if ids else {}
    areas = dict(Area.choices)
    review = snapshot.get("review")
    return {
        **snapshot,
        "review": {"held_on": day(review.get("held_on"))} if review else None,
        "pupil_voice_on": day(snapshot.get("pupil_voice_on")),
        "parent_voice_on": day(snapshot.get("parent_voice_on")),
        "next_review_on": day(snapshot.get("next_review_on")),
        "targets": [
            {
                **t,
                "area_name": areas.get(t.get("area", ""), t.get("area", "")),
                "due_on": day(t.get("due_on")),
                "responsible": names.get(t.get("responsible_id"), ""),
                "outcome_name": dict(PlanTarget.Outcome.choices).get(t.get("outcome", ""), ""),
            }
            for t in targets
        ],
    }


@requires("interventions.plans_manage")
@require_http_methods(["GET", "POST"])
def plan_agree(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show exactly what would be agreed; on confirming, keep it as the next version."""
    plan = get_object_for(request, _plans(), pk, "interventions.plans_manage")
    refused = _refuse_if_locked(request, plan)
    if refused:
        return refused
    error = ""
    if request.method == "POST":
        try:
            version, created = plan_services.plan_agree_as_seen(
                plan=plan, by=request.user, seen=request.POST.get("seen", "")
            )
        except PlanError as exc:
            error = str(exc)
            plan = get_object_for(request, _plans(), pk, "interventions.plans_manage")
        else:
            if created:
                messages.success(request, f"Version {version.number} agreed.")
            else:
                messages.info(request, f"Nothing changed since version {version.number}.")
            return redirect("interventions:plan_version", pk=plan.pk, number=version.number)
    preview = plan_services.plan_agree_preview(plan)
    problems = []
    if not preview.snapshot["targets"]:
        problems.append("Add at least one target.")
    if not preview.snapshot["next_review_on"]:
        problems.append("Set the next review date.")
    return render(
        request,
        "interventions/plans/version.html",
        {
            "plan": plan,
            "snapshot": _readable(preview.snapshot),
            "agreeing": True,
            "seen": preview.token,
            "unchanged_since": preview.unchanged_since,
            "problems": problems,
            "error": error,
            "next_number": plan.versions.count() + 1,
        },
    )


@requires("interventions.plans_view")
@require_GET
def plan_version(request: SchoolHttpRequest, pk: int, number: int) -> HttpResponse:
    """Show one agreed version exactly as it was agreed (read only)."""
    plan = get_object_for(request, _plans(), pk, "interventions.plans_view")
    version = get_object_or_404(plan.versions.select_related("agreed_by"), number=number)
    return render(
        request,
        "interventions/plans/version.html",
        {
            "plan": plan,
            "version": version,
            "snapshot": _readable(version.snapshot),
            "versions": plan.versions.only("number", "agreed_on", "plan_id"),
        },
    )


# --- Targets of the current cycle ---------------------------------------------------------------


def _current_target(plan: SupportPlan, target_pk: int) -> PlanTarget:
    return get_object_or_404(plan.targets.prefetch_related("interventions"), pk=target_pk)


def _refuse_if_scored(request: SchoolHttpRequest, target: PlanTarget) -> HttpResponse | None:
    if target.cycle == target.plan.cycle and not target.outcome:
        return None
    messages.error(
        request, "That target has been scored at a review, so it stays as it was on the record."
    )
    return redirect("interventions:plan", pk=target.plan_id)


@requires("interventions.plans_manage")
@require_http_methods(["GET", "POST"])
def target_add(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Add a SMART target to the plan's current cycle."""
    plan = get_object_for(request, _plans(), pk, "interventions.plans_manage")
    refused = _refuse_if_locked(request, plan)
    if refused:
        return refused
    form = TargetForm(request.POST or None, user=request.user, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            plan_services.plan_target_create(
                plan=plan,
                by=request.user,
                interventions=list(data.pop("interventions", None) or []),
                **data,
            )
        except (PlanError, ValidationError) as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, "Target added.")
            if "another" in request.POST:
                return redirect("interventions:plan_target_add", pk=plan.pk)
            return redirect("interventions:plan", pk=plan.pk)
    return render(
        request,
        "interventions/plans/target_form.html",
        {"form": form, "plan": plan, "target": None},
    )


@requires("interventions.plans_manage")
@require_http_methods(["GET", "POST"])
def target_edit(request: SchoolHttpRequest, pk: int, target_pk: int) -> HttpResponse:
    """Change a target of the current cycle until a review scores it."""
    plan = get_object_for(request, _plans(), pk, "interventions.plans_manage")
    target = _current_target(plan, target_pk)
    refused = _refuse_if_locked(request, plan) or _refuse_if_scored(request, target)
    if refused:
        return refused
    initial = {
        "seen": plan_services.target_edit_token(target),
        "wording": target.wording,
        "area": target.area,
        "success_criteria": target.success_criteria,
        "baseline": target.baseline,
        "interventions": [i.pk for i in target.interventions.all()],
        "responsible": target.responsible_id,
        "due_on": target.due_on,
    }
    form = TargetForm(
        request.POST or None, user=request.user, plan=plan, editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            plan_services.plan_target_update(
                target=target,
                by=request.user,
                seen=data.pop("seen"),
                interventions=data.pop("interventions", None),
                **data,
            )
        except (PlanError, ValidationError) as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, "Target saved.")
            return redirect("interventions:plan", pk=plan.pk)
    return render(
        request,
        "interventions/plans/target_form.html",
        {"form": form, "plan": plan, "target": target},
    )


@requires("interventions.plans_manage")
@require_http_methods(["GET", "POST"])
def target_remove(request: SchoolHttpRequest, pk: int, target_pk: int) -> HttpResponse:
    """Ask, then remove a target of the current cycle that has no outcome."""
    plan = get_object_for(request, _plans(), pk, "interventions.plans_manage")
    target = plan.targets.filter(pk=target_pk).first()
    if target is None:
        if request.method == "POST":  # a second click after the first removed it
            messages.info(request, "That target was removed already.")
            return redirect("interventions:plan", pk=plan.pk)
        raise Http404
    refused = _refuse_if_locked(request, plan) or _refuse_if_scored(request, target)
    if refused:
        return refused
    error = ""
    if request.method == "POST":
        try:
            plan_services.plan_target_remove(
                target=target, by=request.user, seen=request.POST.get("seen", "")
            )
        except PlanError as exc:
            error = str(exc)
        else:
            messages.success(request, "Target removed.")
            return redirect("interventions:plan", pk=plan.pk)
    return render(
        request,
        "interventions/plans/target_form.html",
        {
            "plan": plan,
            "target": target,
            "removing": True,
            "seen": plan_services.target_edit_token(target),
            "error": error,
        },
    )
