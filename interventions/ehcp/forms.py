"""Forms for the EHCP record (sections E and F) and its annual review steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils import timezone

from interventions.delivery.forms import InterventionChoiceField, StaffChoiceField
from interventions.delivery.models import Intervention
from interventions.ehcp.models import (
    EHCP,
    AnnualReview,
    AnnualReviewAmendment,
    AnnualReviewInvitee,
    AnnualReviewProgress,
    AnnualReviewProvisionCheck,
    AnnualReviewStep,
    EHCPOutcome,
    EHCPProvision,
)
from pupils.models import Area
from send_hub.lib.form_keys import OneTimeKeyForm
from send_hub.lib.forms import form_field
from send_hub.lib.widgets import DateInput
from staff.models import School, User


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class _KeyedForm(OneTimeKeyForm):
    """An add form: its one-time key makes a double submission save once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class _VersionedForm(forms.Form):
    """An edit form that remembers which version of the record it was opened on."""

    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class EHCPForm(forms.Form):
    local_authority = forms.CharField(max_length=100, label="Local authority")
    issued_on = forms.DateField(widget=DateInput(), label="Date the plan was issued")
    coordinator = StaffChoiceField(
        queryset=User.objects.none(),
        help_text="The member of staff who keeps this EHCP and its reviews.",
    )
    phase_transfer = forms.ChoiceField(
        choices=[
            ("", "No phase transfer"),
            (EHCP.Transfer.SCHOOL, "School move"),
            (EHCP.Transfer.POST16, "Move to post-16"),
        ],
        required=False,
        label="Phase transfer",
    )
    transfer_year = forms.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        label="Year of the move",
        help_text="The calendar year the pupil moves, in September.",
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "coordinator", forms.ModelChoiceField).queryset = User.objects.working_at(
            school
        )
        school_move, post16 = (
            dt.date(2000, *(int(p) for p in value.split("-")))
            for value in (
                settings.SEND_HUB_PHASE_TRANSFER_SCHOOL,
                settings.SEND_HUB_PHASE_TRANSFER_POST16,
            )
        )
        self.fields["phase_transfer"].help_text = (
            f"The amended plan is due by {school_move:%-d %b} for a school move, or "
            f"{post16:%-d %b} for a move to post-16, in the year of the move."
        )
        self.helper = _helper()

    def clean_issued_on(self) -> dt.date:
        issued = self.cleaned_data["issued_on"]
        if issued > timezone.localdate():
            raise forms.ValidationError("The issue date cannot be in the future.")
        return issued


class EHCPCreateForm(_KeyedForm, EHCPForm):
    pass


class EHCPEditForm(_VersionedForm, EHCPForm):
    ceased_on = forms.DateField(
        widget=DateInput(),
        required=False,
        label="Ceased on",
        help_text="Only when the plan has ended (after the LA's decision to cease).",
    )


class OutcomeForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Outcome (section E)",
        help_text="As the plan words it.",
    )
    area = forms.ChoiceField(
        choices=[("", "Not stated"), *Area.choices], required=False, label="Area of need"
    )


class OutcomeAddForm(_KeyedForm, OutcomeForm):
    pass


class OutcomeEditForm(_VersionedForm, OutcomeForm):
    pass


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: EHCPOutcome) -> str:
        return obj.text[:90]


class ProvisionForm(forms.Form):
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Provision (section F)",
        help_text="As the plan states it: what, how often, by whom.",
    )
    hours_per_week = forms.DecimalField(
        required=False,
        min_value=Decimal("0.05"),
        max_value=Decimal("40"),
        decimal_places=2,
        label="Hours a week",
        help_text="Only where section F states them.",
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
    outcome = OutcomeChoiceField(
        queryset=EHCPOutcome.objects.none(),
        required=False,
        label="Outcome it serves",
        empty_label="None named",
    )
    interventions = InterventionChoiceField(
        queryset=Intervention.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Delivered by",
        help_text="Interventions this pupil is or was in: their sessions are the evidence.",
    )

    def __init__(self, *args: Any, ehcp: EHCP, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "outcome", forms.ModelChoiceField).queryset = EHCPOutcome.objects.filter(
            ehcp=ehcp
        ).order_by("pk")
        form_field(self, "interventions", forms.ModelMultipleChoiceField).queryset = (
            Intervention.objects.visible_to(user)
            .filter(school_id=ehcp.school_id, enrolments__pupil_id=ehcp.pupil_id)
            .distinct()
            .order_by("-start_date", "name")
        )


class ProvisionAddForm(_KeyedForm, ProvisionForm):
    pass


class ProvisionEditForm(_VersionedForm, ProvisionForm):
    pass


def provision_initial(line: EHCPProvision) -> dict[str, Any]:
    return {
        "description": line.description,
        "hours_per_week": line.hours_per_week,
        "outcome": line.outcome_id,
        "interventions": list(line.interventions.values_list("pk", flat=True)),
    }


class ScheduleReviewForm(forms.Form):
    meeting_on = forms.DateField(
        widget=DateInput(),
        label="Date of the annual review meeting",
        help_text="Invitations and advice must go out at least two weeks before.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_meeting_on(self) -> dt.date:
        day = self.cleaned_data["meeting_on"]
        today = timezone.localdate()
        if not today - dt.timedelta(days=366) <= day <= today + dt.timedelta(days=366):
            raise forms.ValidationError("Choose a date within a year of today.")
        return day


class StepForm(forms.Form):
    """Record one statutory step; who did it is the signed-in person.

    The step itself travels as a plain ``step`` field beside the form (its fields are prefixed
    by the step, so each step's form on the page has its own ids).
    """

    done_on = forms.DateField(widget=DateInput(), label="Date done")
    la_decision = forms.ChoiceField(
        choices=[("", "Choose…"), *AnnualReview.Decision.choices],
        required=False,
        label="The LA's decision",
    )

    def __init__(self, *args: Any, step: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", step.lower())
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.step_code = step
        if step != AnnualReviewStep.Step.LA_DECISION:
            del self.fields["la_decision"]
        else:
            self.fields["la_decision"].required = True
            self.fields["la_decision"].widget.attrs["class"] = "form-select"
        self.fields["done_on"].widget.attrs["class"] = "form-control"
        self.helper = _helper()

    def clean_done_on(self) -> dt.date:
        day = self.cleaned_data["done_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("That day has not happened yet.")
        return day


# --- The annual review's record ------------------------------------------------------------


def _text(label: str, *, rows: int = 4, required: bool = False, help_text: str = "") -> Any:
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=5000,
        required=required,
        label=label,
        help_text=help_text,
    )


def _attended(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class InviteeForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name")
    role = forms.ChoiceField(choices=AnnualReviewInvitee.Role.choices, label="Role")
    invited_on = forms.DateField(widget=DateInput(), label="Invited on")
    advice_received_on = forms.DateField(
        widget=DateInput(),
        required=False,
        label="Advice or views received on",
        help_text="Leave blank until their written advice or views arrive.",
    )
    attended = forms.TypedChoiceField(
        choices=[("", "Not known yet"), ("yes", "Attended"), ("no", "Did not attend")],
        coerce=_attended,
        empty_value=None,
        required=False,
        label="At the meeting",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class InviteeAddForm(_KeyedForm, InviteeForm):
    pass


def invitee_initial(invitee: AnnualReviewInvitee) -> dict[str, Any]:
    attended = "" if invitee.attended is None else ("yes" if invitee.attended else "no")
    return {
        "name": invitee.name,
        "role": invitee.role,
        "invited_on": invitee.invited_on,
        "advice_received_on": invitee.advice_received_on,
        "attended": attended,
    }


class ViewsForm(_VersionedForm):
    child_views = _text(
        "The child's or young person's views",
        rows=6,
        help_text="In their own words, as they gave them: quote rather than summarise.",
    )
    child_views_how = forms.CharField(
        max_length=200,
        required=False,
        label="How their views were gathered",
        help_text="For example: talked with their key adult using a pupil views sheet.",
    )
    parent_views = _text(
        "The parents' or carers' views",
        rows=6,
        help_text="In their own words, as they gave them.",
    )
    parent_views_how = forms.CharField(
        max_length=200,
        required=False,
        label="How their views were gathered",
        help_text="For example: written contribution returned before the meeting.",
    )


class AdulthoodForm(_VersionedForm):
    pfa_employment = _text(
        "Higher education and/or employment",
        help_text="Hopes for further study, training and work, and the steps towards them.",
    )
    pfa_independent_living = _text(
        "Independent living",
        help_text="Travel, money, looking after themselves, where they want to live.",
    )
    pfa_community = _text(
        "Friends, relationships and community",
        help_text="Friendships, relationships, and being part of their community.",
    )
    pfa_health = _text(
        "Good health",
        help_text="Staying healthy in adult life, and health services that will change.",
    )


class RecommendationForm(_VersionedForm):
    recommendation = forms.ChoiceField(
        choices=AnnualReview.Decision.choices,
        widget=forms.RadioSelect,
        label="The review recommends that the local authority",
    )
    recommendation_reasons = _text(
        "Reasons",
        rows=5,
        required=True,
        help_text="What the meeting agreed and why, drawing on the progress and provision above.",
    )


class ProgressForm(forms.Form):
    progress = forms.ChoiceField(
        choices=AnnualReviewProgress.Progress.choices,
        widget=forms.RadioSelect,
        label="Progress towards this outcome",
    )
    commentary = _text(
        "What the evidence shows",
        rows=5,
        required=True,
        help_text="Sessions, measures, plan reviews and what staff and family have seen.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ProvisionCheckForm(forms.Form):
    delivered = forms.ChoiceField(
        choices=AnnualReviewProvisionCheck.Delivered.choices,
        widget=forms.RadioSelect,
        label="Was this provision delivered as specified?",
    )
    shortfall_reason = _text(
        "Reasons for any shortfall",
        rows=3,
        help_text="Needed unless delivered as specified: staff absence, pupil absence, "
        "sessions cancelled or not timetabled.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AmendmentForm(_KeyedForm):
    section = forms.ChoiceField(
        choices=AnnualReviewAmendment.Section.choices, label="Section of the plan"
    )
    text = _text(
        "Recommended amendment",
        rows=4,
        required=True,
        help_text="As the plan should read, or what should change and why.",
    )
