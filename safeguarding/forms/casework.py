"""The DSL team's casework: decisions, actions, referrals, shares and neutral flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.forms.concerns import (
    ABOUT_HELP,
    CLOSE_CHOICES,
    _helper,
    _text,
    children_field,
    subject_link_ids,
)
from safeguarding.models import (
    Action,
    Agency,
    Concern,
    ConcernPupil,
    Risk,
    Status,
)
from safeguarding.services import ActionClosing
from send_hub.lib.forms import form_field
from send_hub.lib.widgets import DateInput
from staff.models import User


class DecisionForm(forms.Form):
    """A decision, the children it is about and, per child, any decision not to refer. Closing
    a concern asks, for each open action, whether it is complete or carried over."""

    status = forms.ChoiceField(
        label="Status from now on",
        choices=[(k, label) for k, label in Status.choices if k != Status.NEW],
    )
    risk = forms.ChoiceField(
        label="Risk level", choices=[("", "Not assessed"), *Risk.choices], required=False
    )
    rationale = forms.CharField(
        label="Rationale",
        help_text="Why you decided this, including why not to refer if you did not.",
        widget=_text(3),
    )
    seen_decision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, concern: Concern, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)
        self.fields["children"] = children_field(
            concern, label="Which children this decision is about", help_text=ABOUT_HELP
        )
        self.fields["children"].initial = subject_link_ids(concern)
        self.fields["not_referred_children"] = children_field(
            concern,
            label="I have decided not to refer",
            help_text="Tick each child you decided not to refer; say why in the rationale.",
            required=False,
        )
        self.open_actions = list(
            Action.objects.filter(concern=concern).open().select_related("owner").order_by("pk")
        )
        for action in self.open_actions:
            self.fields[f"close_{action.pk}"] = forms.ChoiceField(
                label=f"{action.description} ({action.owner.full_name})",
                choices=CLOSE_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"close_{action.pk}_outcome"] = forms.CharField(
                label="Outcome, or why it is carried over",
                required=False,
                widget=_text(2),
            )
        self.action_closings: list[ActionClosing] = []
        self.helper = _helper()
        main = ["status", "risk", "children", "not_referred_children", "rationale", "seen_decision"]
        self.order_fields(main)
        closing = [
            name for a in self.open_actions for name in (f"close_{a.pk}", f"close_{a.pk}_outcome")
        ]
        if closing:
            hint = HTML(
                '<p class="small text-body-secondary">Only if you close the concern: say for '
                "each open action whether it is complete or carried over.</p>"
            )
            self.helper.layout = Layout(
                *main,
                Fieldset(
                    '<span class="fs-6 fw-semibold">Open actions, if you close the concern</span>',
                    hint,
                    *closing,
                ),
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        closing = cleaned.get("status") == Status.CLOSED
        self.action_closings = []
        for action in self.open_actions:
            choice = cleaned.get(f"close_{action.pk}")
            outcome = (cleaned.get(f"close_{action.pk}_outcome") or "").strip()
            if not closing:
                if choice:
                    self.add_error(
                        f"close_{action.pk}",
                        "Only when closing the concern. Choose Closed, or record progress "
                        "on the action itself.",
                    )
                continue
            if not choice:
                self.add_error(
                    f"close_{action.pk}", "Closing: say whether it is complete or carried over."
                )
            elif choice == "complete" and not outcome:
                self.add_error(f"close_{action.pk}_outcome", "Give the outcome to complete it.")
            else:
                self.action_closings.append(
                    ActionClosing(action=action, carry_over=choice == "carry", outcome=outcome)
                )
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """Return the cleaned data as decision_record takes it."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "risk": data["risk"],
            "rationale": data["rationale"],
            "seen_decision_id": data["seen_decision"],
            "children": list(data["children"]),
            "not_referred_children": list(data["not_referred_children"]),
            "action_closings": self.action_closings,
        }


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", widget=_text(2))
    owner = StaffChoiceField(label="Owner", queryset=User.objects.none())
    due_on = forms.DateField(label="Deadline", widget=DateInput())

    def __init__(self, *args: Any, concern: Concern, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "action")
        super().__init__(*args, **kwargs)
        form_field(self, "owner", forms.ModelChoiceField).queryset = User.objects.working_at(
            concern.school_id
        )
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.fields["children"] = children_field(
            concern, label="Which children this action is about", help_text=ABOUT_HELP
        )
        self.fields["children"].initial = subject_link_ids(concern)
        self.helper = _helper()

    def clean_due_on(self) -> dt.date:
        value = self.cleaned_data["due_on"]
        if value < timezone.localdate():
            raise forms.ValidationError("The deadline cannot be in the past.")
        return value

    def clean_children(self) -> list[ConcernPupil]:
        return list(self.cleaned_data["children"])


class ActionUpdateForm(forms.Form):
    outcome = forms.CharField(label="Progress or outcome", widget=_text(2))
    completed = forms.BooleanField(label="This action is complete", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pupil) -> str:
        return obj.display_name


class ReferralForm(forms.Form):
    pupil = PupilChoiceField(label="Pupil referred", queryset=Pupil.objects.none())
    agency = forms.ChoiceField(label="Agency", choices=Agency.choices)
    agency_other = forms.CharField(label="Other agency", max_length=150, required=False)
    referred_on = forms.DateField(label="Date referred", widget=DateInput())
    reference = forms.CharField(label="Agency's reference", max_length=100, required=False)
    rationale = forms.CharField(label="Rationale", help_text="Why you referred.", widget=_text(3))

    def __init__(self, *args: Any, concern: Concern, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "referral")
        kwargs.setdefault("initial", {"referred_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        linked = concern.links.values("pupil_id")
        form_field(self, "pupil", forms.ModelChoiceField).queryset = Pupil.objects.filter(
            pk__in=linked
        )
        self.helper = _helper()


class ReferralUpdateForm(forms.Form):
    outcome = forms.CharField(label="Outcome", widget=_text(2))
    outcome_on = forms.DateField(label="Date of the outcome", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"outcome_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AccountShareForm(forms.Form):
    """Put the full account on (or take it off) the file of a linked child it is not about."""

    on = forms.TypedChoiceField(
        choices=[("1", "Put on"), ("0", "Take off")],
        coerce=lambda v: v == "1",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label="Why (seen by the DSL team only)", widget=_text(2), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class FlagForm(forms.Form):
    on = forms.TypedChoiceField(
        choices=[("1", "Set"), ("0", "Lift")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label="Reason (seen by the DSL team only)", widget=_text(2), max_length=2000
    )
