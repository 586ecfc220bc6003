"""Forms for Connect rooms, placements, the daily register and check-ins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from interventions.connect.models import DailyRecord, Placement, ReintegrationStage, Zone
from pupils.models import Pupil
from send_hub.lib.forms import form_field
from send_hub.lib.widgets import DateInput
from staff.models import School, User

MAX_STAGES = 4


class RoomForm(forms.Form):
    name = forms.CharField(max_length=80)
    capacity = forms.IntegerField(min_value=1, max_value=60, initial=6)
    leaders = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label="Inclusion leader(s)",
        widget=forms.CheckboxSelectMultiple,
    )
    staff = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.working_at(school)
        form_field(self, "leaders", forms.ModelMultipleChoiceField).queryset = staff
        form_field(self, "staff", forms.ModelMultipleChoiceField).queryset = staff


class RoomEditForm(RoomForm):
    active = forms.BooleanField(
        required=False, label="Open", help_text="Untick to close a room that is no longer used."
    )


class StageAddForm(forms.Form):
    timetable_percent = forms.IntegerField(
        min_value=0, max_value=100, label="Share of timetable in mainstream (%)"
    )
    lessons = forms.CharField(max_length=300, required=False, help_text="e.g. Art, PE, Music.")
    success_criteria = forms.CharField(max_length=300)
    review_date = forms.DateField(required=False, widget=DateInput())


class PlacementForm(forms.Form):
    pupil = forms.ModelChoiceField(queryset=Pupil.objects.none())
    referral_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    referred_by = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Referred by"
    )
    panel_date = forms.DateField(required=False, widget=DateInput(), label="Panel decision date")
    start_date = forms.DateField(widget=DateInput())
    planned_weeks = forms.IntegerField(min_value=1, max_value=52, initial=6)
    next_review_on = forms.DateField(required=False, widget=DateInput(), label="First review")
    key_worker = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    override_reason = forms.CharField(
        required=False,
        max_length=300,
        label="If the room is full: why place over capacity (SENDCo or head)",
    )

    def __init__(self, *args: Any, user: User, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "pupil", forms.ModelChoiceField).queryset = Pupil.objects.visible_to(
            user
        ).on_roll()
        for name in ("referred_by", "key_worker"):
            form_field(self, name, forms.ModelChoiceField).queryset = User.objects.working_at(
                school
            )
        self.initial.setdefault("start_date", timezone.localdate())
        for n in range(1, MAX_STAGES + 1):
            required = n == 1
            self.fields[f"stage{n}_percent"] = forms.IntegerField(
                min_value=0,
                max_value=100,
                required=required,
                label=f"Stage {n}: share of timetable in mainstream (%)",
            )
            self.fields[f"stage{n}_lessons"] = forms.CharField(
                max_length=300, required=False, label=f"Stage {n}: lessons back in mainstream"
            )
            self.fields[f"stage{n}_criteria"] = forms.CharField(
                max_length=300, required=required, label=f"Stage {n}: success criteria"
            )
            self.fields[f"stage{n}_review"] = forms.DateField(
                required=False, widget=DateInput(), label=f"Stage {n}: review date"
            )

    def stage_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"stage{n}_{f}"] for f in ("percent", "lessons", "criteria", "review")]
            for n in range(1, MAX_STAGES + 1)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        stages: list[dict[str, Any]] = []
        for n in range(1, MAX_STAGES + 1):
            percent, criteria = data.get(f"stage{n}_percent"), data.get(f"stage{n}_criteria")
            if percent is None and not criteria:
                continue
            if percent is None or not criteria:
                self.add_error(f"stage{n}_criteria", "Give both a share and success criteria.")
                continue
            stages.append(
                {
                    "timetable_percent": percent,
                    "lessons": data.get(f"stage{n}_lessons", ""),
                    "success_criteria": criteria,
                    "review_date": data.get(f"stage{n}_review"),
                }
            )
        data["stages"] = stages
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = (
            *("pupil", "referral_reason", "referred_by", "panel_date", "start_date"),
            *("planned_weeks", "next_review_on", "key_worker", "override_reason", "stages"),
        )
        return {n: data[n] for n in names}


class StageAdvanceForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=ReintegrationStage.Outcome.choices, widget=forms.RadioSelect, label="How did it go?"
    )
    note = forms.CharField(required=False, max_length=300)


class PlacementEndForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Placement.Status.COMPLETED, "Completed"),
            (Placement.Status.ENDED_EARLY, "Ended early"),
        ]
    )
    exit_outcome = forms.ChoiceField(choices=Placement.Outcome.choices)
    reason = forms.CharField(required=False, max_length=300, label="Why it ended early")


class DailyRowForm(forms.Form):
    """One pupil's line of the room register (rendered by hand as big tap targets)."""

    am = forms.ChoiceField(choices=[("", "-"), *DailyRecord.Attendance.choices], required=False)
    pm = forms.ChoiceField(choices=[("", "-"), *DailyRecord.Attendance.choices], required=False)
    checkin_zone = forms.ChoiceField(choices=[("", "-"), *Zone.choices], required=False)
    checkin_word = forms.CharField(max_length=40, required=False)
    checkout_zone = forms.ChoiceField(choices=[("", "-"), *Zone.choices], required=False)
    checkout_word = forms.CharField(max_length=40, required=False)
    engagement = forms.TypedChoiceField(
        choices=[("", "-")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    work_completed = forms.ChoiceField(
        choices=[("", "-"), *DailyRecord.Work.choices], required=False
    )
    incidents = forms.IntegerField(min_value=0, max_value=50, required=False)
    note = forms.CharField(required=False, max_length=2000)

    def clean_incidents(self) -> int:
        return self.cleaned_data.get("incidents") or 0


class DayForm(forms.Form):
    date = forms.DateField(required=False, widget=DateInput())

    def day(self) -> dt.date:
        if self.is_valid() and self.cleaned_data["date"]:
            return min(self.cleaned_data["date"], timezone.localdate())
        return timezone.localdate()


class CheckInForm(forms.Form):
    zone = forms.ChoiceField(choices=[("", "-"), *Zone.choices], required=False)
    scale = forms.TypedChoiceField(
        choices=[("", "-")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("zone") and data.get("scale") is None:
            raise forms.ValidationError("Choose a zone or a number.")
        return data


class CheckInListForm(forms.Form):
    pupil = forms.ModelChoiceField(queryset=Pupil.objects.none())
    key_adult = forms.ModelChoiceField(queryset=User.objects.none())
    reason = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, user: User, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "pupil", forms.ModelChoiceField).queryset = Pupil.objects.visible_to(
            user
        ).on_roll()
        form_field(self, "key_adult", forms.ModelChoiceField).queryset = User.objects.working_at(
            school
        )
