"""Forms for starting and editing support plans, their targets, and the SENDCo's plan list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from interventions.delivery.forms import InterventionChoiceField, StaffChoiceField
from interventions.delivery.models import Intervention
from interventions.plans.models import PlanKind, SupportPlan
from pupils.models import AREA_OF_NEED, Area, Pupil
from send_hub.lib.form_keys import OneTimeKeyForm
from send_hub.lib.forms import form_field
from send_hub.lib.widgets import DateInput
from staff.models import User

# A new plan's first review: about a term ahead, a suggestion the SENDCo can change.
FIRST_REVIEW_AFTER = dt.timedelta(weeks=12)
# Suggestions for "how gathered" (free text: schools have their own ways).
VOICE_HOW_SUGGESTIONS = [
    "Talk with a key adult",
    "All about me sheet",
    "Drawing and talk",
    "Pupil questionnaire",
    "Parents' meeting",
    "Phone call",
    "Email or letter",
]


def _helper(*layout: Any) -> FormHelper:
    # The template owns the <form> tag, its CSRF token and its buttons.
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pupil) -> str:
        year = f", Year {obj.nc_year}" if obj.nc_year and obj.nc_year > 0 else ""
        group = f" {obj.registration_group}" if obj.registration_group else ""
        return f"{obj.surname}, {obj.forename}{year}{group}"


class PlanStartForm(OneTimeKeyForm):
    pupil = PupilChoiceField(queryset=Pupil.objects.none(), empty_label="Choose a pupil…")
    kind = forms.ModelChoiceField(
        queryset=PlanKind.objects.all(), label="Kind of plan", empty_label="Choose…"
    )
    owner = StaffChoiceField(
        queryset=User.objects.none(), label="Plan owner", help_text="Who keeps the plan up to date."
    )
    next_review_on = forms.DateField(
        label="Next review",
        required=False,
        widget=DateInput(),
        help_text="About a term ahead. Needed before the plan is agreed.",
    )
    needs_summary = forms.CharField(
        label="Summary of needs (assess)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the assessment found: strengths, difficulties, what has been tried.",
    )
    strategies = forms.CharField(
        label="Strategies for staff",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What every adult working with the pupil should do. One per line.",
    )

    def __init__(self, *args: Any, user: User, pupil: Pupil | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "owner", forms.ModelChoiceField).queryset = User.objects.working_at(
            user.current_school_id
        )
        self.fields["owner"].initial = user.pk
        self.fields["next_review_on"].initial = timezone.localdate() + FIRST_REVIEW_AFTER
        self.fixed_pupil = pupil
        if pupil is None:
            form_field(self, "pupil", forms.ModelChoiceField).queryset = Pupil.objects.visible_to(
                user
            ).on_roll()
        else:
            del self.fields["pupil"]
        self.helper = _helper(
            "form_key",
            *([] if pupil else ["pupil"]),
            "kind",
            "owner",
            "next_review_on",
            "needs_summary",
            "strategies",
        )


class PlanEditForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)
    owner = StaffChoiceField(
        queryset=User.objects.none(), label="Plan owner", help_text="Who keeps the plan up to date."
    )
    next_review_on = forms.DateField(label="Next review", required=False, widget=DateInput())
    needs_summary = forms.CharField(
        label="Summary of needs (assess)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    strategies = forms.CharField(
        label="Strategies for staff",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What every adult working with the pupil should do. One per line.",
    )
    pupil_voice = forms.CharField(
        label="What the pupil said",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In the pupil's own words where you can.",
    )
    pupil_voice_on = forms.DateField(label="Date gathered", required=False, widget=DateInput())
    pupil_voice_how = forms.CharField(
        label="How gathered",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "voice-how-options"}),
    )
    parent_voice = forms.CharField(
        label="What parents or carers said",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent_voice_on = forms.DateField(label="Date gathered", required=False, widget=DateInput())
    parent_voice_how = forms.CharField(
        label="How gathered",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "voice-how-options"}),
    )

    def __init__(self, *args: Any, user: User, plan: SupportPlan, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            **{name: getattr(plan, name) for name in self.base_fields if name != "seen"},
            "owner": plan.owner_id,
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        form_field(self, "owner", forms.ModelChoiceField).queryset = User.objects.working_at(
            user.current_school_id
        )
        self.helper = _helper(
            "seen",
            Fieldset("The plan", "owner", "next_review_on", "needs_summary", "strategies"),
            Fieldset("Pupil voice", "pupil_voice", "pupil_voice_on", "pupil_voice_how"),
            Fieldset("Parent voice", "parent_voice", "parent_voice_on", "parent_voice_how"),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for who in ("pupil", "parent"):
            if data.get(f"{who}_voice_on") and not data.get(f"{who}_voice"):
                self.add_error(f"{who}_voice", "Write down what was said, or clear the date.")
        return data


def _primary_area(pupil: Pupil) -> str:
    status = pupil.current_status
    if status is None:
        return ""
    primary = next((n for n in status.needs.all() if n.rank == 1), None)
    return (AREA_OF_NEED.get(primary.need) or "") if primary else ""


class TargetForm(OneTimeKeyForm):
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    wording = forms.CharField(
        label="Target (SMART)",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Specific, measurable and with a time: “By half term, reads ten Year 2 "
        "common exception words on sight.”",
    )
    area = forms.ChoiceField(label="Area of need", choices=[("", "Choose…"), *Area.choices])
    success_criteria = forms.CharField(
        label="Success looks like",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What you will see when it is achieved.",
    )
    baseline = forms.CharField(
        label="Starting point (baseline)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    interventions = InterventionChoiceField(
        queryset=Intervention.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Delivered by",
        help_text="The pupil's interventions that work towards this target.",
    )
    responsible = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Responsible",
        empty_label="Nobody named",
    )
    due_on = forms.DateField(label="Due by", required=False, widget=DateInput())

    def __init__(
        self, *args: Any, user: User, plan: SupportPlan, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        interventions = form_field(self, "interventions", forms.ModelMultipleChoiceField)
        interventions.queryset = (
            Intervention.objects.visible_to(user)
            .filter(school_id=plan.school_id, enrolments__pupil_id=plan.pupil_id)
            .distinct()
            .order_by("name")
        )
        form_field(self, "responsible", forms.ModelChoiceField).queryset = User.objects.working_at(
            user.current_school_id
        )
        # A pupil in no interventions yet gets a note instead of an empty list of boxes.
        self.no_interventions = not interventions.queryset.exists()
        if self.no_interventions:
            del self.fields["interventions"]
        if editing:
            del self.fields["form_key"]
            self.fields["seen"].required = True
        else:
            del self.fields["seen"]
            self.fields["area"].initial = _primary_area(plan.pupil)
            self.fields["due_on"].initial = plan.next_review_on
        self.helper = _helper(
            "seen" if editing else "form_key",
            "wording",
            "area",
            "success_criteria",
            "baseline",
            *([] if self.no_interventions else ["interventions"]),
            "responsible",
            "due_on",
        )


class PlanListFilterForm(forms.Form):
    """The plan list's query string: status and kind (bad values fall back to the defaults)."""

    OPEN, ALL = "", "all"
    status = forms.ChoiceField(
        required=False,
        choices=[
            (OPEN, "Open plans"),
            *SupportPlan.Status.choices,
            (ALL, "All, including closed"),
        ],
    )
    kind = forms.ModelChoiceField(
        queryset=PlanKind.objects.all(), required=False, empty_label="All kinds"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
