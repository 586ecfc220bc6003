"""Forms for raising a concern and for the DSL team's casework. Services do the writing."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypedDict

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models import (
    Action,
    Addendum,
    Agency,
    Attachment,
    Category,
    Concern,
    ConcernPupil,
    Involvement,
    Risk,
    Status,
    TransferStep,
    parse_body_map,
)
from safeguarding.services import ActionClosing, PupilLink
from send_hub.lib.dates import nice_datetime
from send_hub.lib.forms import form_field
from send_hub.lib.uploads import ACCEPT, max_upload_mb, upload_content_type
from send_hub.lib.widgets import DateInput, DateTimeInput
from staff.models import School, User

MAX_LINKED_PUPILS = 12


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's <form> carries the one token
    return helper


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def linkable_pupils(school: School | int) -> QuerySet[Pupil]:
    """Return the pupils anyone raising a concern may link: every pupil on roll in the school.

    Wider than Pupil.objects.visible_to() on purpose: a concern can be about any child, and the
    search that offers them shows only names and year groups.
    """
    return Pupil.objects.on_roll().filter(school=school)


class PupilSearchForm(forms.Form):
    q = forms.CharField(label="Find a pupil by name", max_length=100, min_length=2)


class PreselectForm(forms.Form):
    """``?pupil=<id>`` from a pupil's page: the concern form starts with that pupil on it."""

    pupil = forms.ModelChoiceField(queryset=Pupil.objects.none(), required=False)

    def __init__(self, *args: Any, school: School, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only a pupil the person can already see: any other id is ignored without a word,
        # so the link never confirms that a child exists.
        visible = Pupil.objects.visible_to(user).values("pk")
        form_field(self, "pupil", forms.ModelChoiceField).queryset = linkable_pupils(school).filter(
            pk__in=visible
        )

    def link_data(self) -> QueryDict:
        """Return the linked-pupil data naming the chosen pupil (empty when there is none)."""
        data = QueryDict(mutable=True)
        if self.is_valid() and self.cleaned_data["pupil"] is not None:
            data["pupils"] = str(self.cleaned_data["pupil"].pk)
        return data


class LinkedRow(TypedDict):
    """One linked pupil as the concern form shows it, read from the data before validation."""

    pupil: Pupil
    involvement: str
    categories: list[str]


class ConcernForm(forms.Form):
    """A concern as the member of staff writes it. Linked pupils arrive as repeated fields:
    ``pupils`` (ids), and per pupil ``involvement_<id>`` and ``categories_<id>``."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(
        label="When did it happen?",
        widget=DateTimeInput(),
    )
    location = forms.CharField(label="Where did it happen?", max_length=200)
    what_happened = forms.CharField(
        label="What happened?",
        help_text="The facts: what you saw and heard. Not your opinion.",
        widget=_text(5),
    )
    childs_words = forms.CharField(
        label="The child's words, exactly as they said them",
        required=False,
        help_text="Word for word, even if the words are rude or unclear.",
        widget=_text(3),
    )
    action_taken = forms.CharField(label="What did you do?", required=False, widget=_text(2))
    who_told = forms.CharField(label="Who have you told?", required=False, widget=_text(2))
    body_map = forms.CharField(required=False, widget=forms.HiddenInput)
    body_map_note = forms.CharField(
        label="Describe any marks or injuries",
        required=False,
        help_text="Where on the body, size, colour and shape. Never photograph a child's injury.",
        widget=_text(2),
    )
    urgent = forms.BooleanField(
        label="Urgent: a child may be at risk of harm today",
        required=False,
    )

    def __init__(
        self, *args: Any, school: School, link_data: QueryDict | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "idempotency_key": uuid.uuid4(),
                "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
            },
        )
        super().__init__(*args, **kwargs)
        self.school = school
        self.categories = list(Category.objects.filter(active=True))
        self.links: list[PupilLink] = []
        # Where the linked pupils are read from: the posted data, also when the form is shown
        # again unbound (after adding a pupil) so that no error appears before sending.
        if link_data is None:
            link_data = self.data if isinstance(self.data, QueryDict) else QueryDict()
        self.link_data = link_data

    @classmethod
    def redisplay(cls, data: QueryDict, *, school: School) -> ConcernForm:
        """Return the form unbound, filled in with what was typed (no errors shown yet)."""
        initial: dict[str, Any] = {name: data.get(name, "") for name in cls.base_fields}
        initial["urgent"] = data.get("urgent") == "on"
        initial["idempotency_key"] = data.get("idempotency_key") or uuid.uuid4()
        return cls(initial=initial, school=school, link_data=data)

    def linked_rows(self, *, add: int | None = None, remove: int | None = None) -> list[LinkedRow]:
        """Return the linked pupils as the form shows them (read from the data, unvalidated)."""
        data = self.link_data
        ids: list[int] = []
        raw_ids = data.getlist("pupils")
        for raw in [*raw_ids, add]:
            if raw is None:
                continue
            try:
                pk = int(raw)
            except (TypeError, ValueError):
                continue
            if pk not in ids and pk != remove:
                ids.append(pk)
        ids = ids[:MAX_LINKED_PUPILS]
        pupils = linkable_pupils(self.school).in_bulk(ids)
        rows: list[LinkedRow] = []
        for pk in ids:
            if pk not in pupils:
                continue
            involvement = data.get(f"involvement_{pk}", "")
            if not involvement and not rows:
                # The first child added is usually the one the concern is about.
                involvement = Involvement.CONCERN_FOR
            chosen = data.getlist(f"categories_{pk}")
            rows.append({"pupil": pupils[pk], "involvement": involvement, "categories": chosen})
        return rows

    def clean_body_map(self) -> list[dict[str, Any]]:
        return parse_body_map(self.cleaned_data.get("body_map") or "")

    def clean_occurred_at(self) -> dt.datetime:
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + dt.timedelta(minutes=10):
            raise forms.ValidationError("When it happened cannot be in the future.")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        by_code = {c.code: c for c in self.categories}
        self.links = []
        for row in self.linked_rows():
            involvement = row["involvement"]
            if involvement not in Involvement.values:
                self.add_error(None, f"Say how {row['pupil'].display_name} is involved.")
                continue
            cats = [by_code[code] for code in row["categories"] if code in by_code]
            self.links.append(
                PupilLink(pupil=row["pupil"], involvement=involvement, categories=cats)
            )
        return cleaned


class ChildrenField(forms.ModelMultipleChoiceField):
    """The linked children a piece of casework is about, as tick boxes (subjects ticked)."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: ConcernPupil) -> str:
        how = obj.get_involvement_display()
        return f"{obj.pupil.display_name} ({how[:1].lower()}{how[1:]})"


def children_field(
    concern: Concern, *, label: str, help_text: str, required: bool = True
) -> ChildrenField:
    """Return a field offering the concern's linked children (each child's file shows only the
    casework ticked as about them)."""
    return ChildrenField(
        label=label,
        help_text=help_text,
        required=required,
        queryset=ConcernPupil.objects.filter(concern=concern).select_related("pupil"),
        error_messages={"required": "Tick at least one child this is about."},
    )


def subject_link_ids(concern: Concern) -> list[int]:
    """Return the links a casework form starts with ticked: the children the concern is about."""
    return [link.pk for link in concern.links.all() if link.is_subject]


ABOUT_HELP = "It goes on the file of each child ticked, and on no other child's file."


class AddendumForm(forms.Form):
    kind = forms.ChoiceField(label="This is", choices=Addendum.Kind.choices)
    part = forms.ChoiceField(label="About", choices=Addendum.Part.choices)
    text = forms.CharField(label="What you are adding", widget=_text(3))

    def __init__(
        self, *args: Any, triage: bool, concern: Concern | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", "addendum")
        super().__init__(*args, **kwargs)
        if not triage:
            form_field(self, "kind", forms.ChoiceField).choices = [
                (k, label) for k, label in Addendum.Kind.choices if k != Addendum.Kind.CASE_NOTE
            ]
        elif concern is not None:
            self.fields["children"] = children_field(
                concern,
                label="Case notes: which children this note is about",
                help_text=f"{ABOUT_HELP} Additions and corrections go wherever the account goes.",
                required=False,
            )
            self.fields["children"].initial = subject_link_ids(concern)
        self.helper = _helper()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "children" in self.fields:
            if cleaned.get("kind") == Addendum.Kind.CASE_NOTE:
                if not cleaned.get("children"):
                    self.add_error("children", "Tick at least one child this note is about.")
                else:
                    cleaned["children"] = list(cleaned["children"])
            else:
                cleaned.pop("children", None)
        return cleaned


CLOSE_CHOICES = [
    ("complete", "Completed: give the outcome"),
    ("carry", "Carry over: it stays open on the child's file and the queue"),
]


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


class TransferStartForm(forms.Form):
    destination_school = forms.CharField(label="New school", max_length=200)
    destination_contact = forms.CharField(
        label="The new school's DSL",
        max_length=200,
        help_text="Name, and a phone number or secure e-mail address.",
    )


class TransferStepForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(TransferStep.Kind.SENT, "Sent"), (TransferStep.Kind.RECEIVED, "Received")],
        widget=forms.HiddenInput,
    )
    method = forms.ChoiceField(
        label="How it was sent", choices=[("", "—"), *TransferStep.Method.choices], required=False
    )
    person = forms.CharField(label="To whom", max_length=200)
    on = forms.DateField(label="Date", widget=DateInput())
    note = forms.CharField(label="Note", widget=_text(2), required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", kind.lower())
        kwargs.setdefault("initial", {"kind": kind, "on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if kind == TransferStep.Kind.RECEIVED:
            del self.fields["method"]
            self.fields["person"].label = "Confirmed by (name and role at the new school)"
        else:
            self.fields["method"].required = True
        self.helper = _helper()


class QueueFilterForm(forms.Form):
    SHOW = [
        ("open", "Open"),
        ("new", "Not yet triaged"),
        ("urgent", "Urgent and open"),
        ("closed", "Closed"),
        ("all", "All"),
    ]
    show = forms.ChoiceField(choices=SHOW, required=False)


class ChronologyFilterForm(forms.Form):
    category = forms.ChoiceField(label="Category", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "category", forms.ChoiceField).choices = [("", "All categories")] + [
            (c.code, c.name) for c in Category.objects.all()
        ]


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The start of the period must come before its end.")
        return cleaned


class AddendumChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Addendum) -> str:
        text = obj.text if len(obj.text) <= 50 else obj.text[:49] + "…"
        return f"Your {obj.get_kind_display().lower()} of {nice_datetime(obj.written_at)}: {text}"


class AttachmentForm(forms.Form):
    """A file for a concern: a photo or scan of a handwritten note, a letter, minutes. Checked
    by its content (send_hub.lib.uploads), not its name."""

    file = forms.FileField(widget=forms.FileInput(attrs={"accept": ACCEPT}))
    kind = forms.ChoiceField(
        label="What it is", choices=Attachment.Kind.choices, initial=Attachment.Kind.HANDWRITTEN
    )
    description = forms.CharField(
        label="Describe it (optional)",
        max_length=200,
        required=False,
        help_text="For example “MASH outcome letter” or “my notes from break time”.",
    )
    addendum = AddendumChoiceField(
        label="Add it to",
        queryset=Addendum.objects.none(),
        required=False,
        empty_label="The concern itself",
    )

    def __init__(self, *args: Any, concern: Concern, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "attachment")
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"PDF, PNG or JPEG, up to {max_upload_mb()} MB. On a phone you can take a photo."
        )
        own = concern.addenda.filter(author=user).order_by("-written_at", "-pk")
        if own.exists():
            form_field(self, "addendum", forms.ModelChoiceField).queryset = own
        else:
            del self.fields["addendum"]
        self.helper = _helper()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload_content_type(upload)
        return upload
