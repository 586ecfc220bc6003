"""Raising a concern and adding to it: the pupils it is about, the account, addenda."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypedDict

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models import (
    Addendum,
    Category,
    Concern,
    ConcernPupil,
    Involvement,
    parse_body_map,
)
from safeguarding.services import PupilLink
from send_hub.lib.forms import form_field
from send_hub.lib.widgets import DateTimeInput
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
