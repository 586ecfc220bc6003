"""A support plan's page and recording its review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from interventions.delivery.models import Session, SessionAttendance
from interventions.errors import PlanError
from interventions.plans import services as plan_services
from interventions.plans.models import PlanTarget, SupportPlan, SupportPlanQuerySet
from send_hub.http import SchoolHttpRequest
from send_hub.lib.widgets import DateInput
from staff.permissions import get_object_for, requires


def _plans() -> SupportPlanQuerySet:
    return SupportPlan.objects.select_related("pupil", "kind", "owner")


@requires("interventions.plans_view")
@require_GET
def plan_detail(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show a plan's current cycle, its reviews and the versions agreed."""
    plan = get_object_for(request, _plans(), pk, "interventions.plans_view")
    targets = plan.targets.filter(cycle=plan.cycle).prefetch_related("interventions")
    reviews = plan.reviews.all()
    versions = plan.versions.select_related("agreed_by")
    return render(
        request,
        "interventions/plans/detail.html",
        {
            "plan": plan,
            "targets": targets,
            "reviews": reviews,
            "versions": versions,
            "today": timezone.localdate(),
            "parent_meetings": plan_services.parent_meetings(plan.pupil),
        },
    )


class ReviewForm(forms.Form):
    held_on = forms.DateField(widget=DateInput())
    attendees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: staff, parent, pupil, agencies.",
    )
    parent_attended = forms.BooleanField(required=False, label="A parent or carer attended")
    pupil_view = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    parent_view = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    close = forms.BooleanField(required=False, label="Close the plan (no next cycle)")
    next_review_on = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Next review",
    )

    def __init__(
        self,
        *args: Any,
        targets: list[PlanTarget],
        sessions: dict[int, list[Session]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets
        choices = [("", "Choose…"), *PlanTarget.Outcome.choices]
        for t in targets:
            self.fields[f"sessions_{t.pk}"] = forms.TypedMultipleChoiceField(
                choices=[
                    (s.pk, f"{s.date:%a %-d %b} · {s.intervention.name}")
                    for s in (sessions or {}).get(t.pk, [])
                ],
                coerce=int,
                required=False,
                label="Sessions that show it",
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"outcome_{t.pk}"] = forms.ChoiceField(
                choices=choices, required=False, label=f"Outcome: {t.wording}"
            )
            self.fields[f"evidence_{t.pk}"] = forms.CharField(
                required=False, label="Evidence", widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"carry_{t.pk}"] = forms.BooleanField(
                required=False, label="Carry forward to the next cycle"
            )
            self.fields[f"rewrite_{t.pk}"] = forms.CharField(
                required=False, label="Rewritten target (blank keeps the wording)"
            )
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
                continue
            css = {"checkbox": "form-check-input", "select": "form-select"}.get(
                getattr(widget, "input_type", ""), "form-control"
            )
            widget.attrs.setdefault("class", css)

    def target_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "target": t,
                "outcome": self[f"outcome_{t.pk}"],
                "evidence": self[f"evidence_{t.pk}"],
                "carry": self[f"carry_{t.pk}"],
                "sessions": self[f"sessions_{t.pk}"],
                "rewrite": self[f"rewrite_{t.pk}"],
            }
            for t in self.targets
        ]


@requires("interventions.plans_manage")
@require_http_methods(["GET", "POST"])
def plan_review(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Review a plan: score each target, record views and decisions, open the next cycle."""
    plan = get_object_for(request, _plans(), pk, "interventions.plans_manage")
    targets = list(plan.targets.filter(cycle=plan.cycle).prefetch_related("interventions"))
    form = ReviewForm(
        request.POST or None,
        targets=targets,
        sessions=_evidence_sessions(plan, targets),
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_services.plan_review_complete(
                plan=plan,
                by=request.user,
                held_on=data["held_on"],
                attendees=data["attendees"].splitlines(),
                parent_attended=data["parent_attended"],
                scores={t.pk: (data[f"outcome_{t.pk}"], data[f"evidence_{t.pk}"]) for t in targets},
                evidence_sessions={t.pk: data[f"sessions_{t.pk}"] for t in targets},
                pupil_view=data["pupil_view"],
                parent_view=data["parent_view"],
                decisions=data["decisions"],
                carry_forward={
                    t.pk: data[f"rewrite_{t.pk}"] for t in targets if data[f"carry_{t.pk}"]
                },
                next_review_on=data["next_review_on"],
                close=data["close"],
            )
        except (PlanError, ValidationError) as exc:
            form.add_error(None, exc.messages[0] if hasattr(exc, "messages") else str(exc))
        else:
            messages.success(request, "Review saved.")
            return redirect("interventions:plan", pk=plan.pk)
    context = {"plan": plan, "form": form, "pupil": plan.pupil}
    return render(request, "interventions/plans/review.html", context)


EVIDENCE_SESSIONS_SHOWN = 8  # per target: the latest sessions the pupil attended this cycle


def _evidence_sessions(plan: SupportPlan, targets: list[PlanTarget]) -> dict[int, list[Session]]:
    """Return, per target, the latest delivered sessions of its interventions that the pupil
    attended since the cycle began: what a review can point to as evidence (one query)."""
    by_target = {t.pk: {i.pk for i in t.interventions.all()} for t in targets}
    wanted = set().union(*by_target.values()) if by_target else set()
    if not wanted:
        return {}
    since = (
        plan.versions.order_by("-number").values_list("agreed_on", flat=True).first()
        or plan.created_at.date()
    )
    sessions = list(
        Session.objects.delivered()
        .filter(
            intervention_id__in=wanted,
            date__gte=since,
            attendance__pupil=plan.pupil,
            attendance__attendance__in=SessionAttendance.ATTENDED,
        )
        .select_related("intervention")
        .order_by("-date", "-pk")[: EVIDENCE_SESSIONS_SHOWN * len(wanted)]
    )
    return {
        pk: [s for s in sessions if s.intervention_id in ids][:EVIDENCE_SESSIONS_SHOWN]
        for pk, ids in by_target.items()
    }
