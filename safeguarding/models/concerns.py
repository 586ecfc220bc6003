"""Concerns as staff record them: who, when and where, what happened, the child's own words,
what the member of staff did, and a body map. Once submitted, nothing here changes."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Self, TypeAlias, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.forms import BaseForm
from django.utils import timezone

from pupils.models import Pupil, archived_q
from safeguarding.models.choices import Involvement, Status, append_only
from safeguarding.models.school_settings import SafeguardingSettings
from staff.models import School, User
from staff.permissions import can

if TYPE_CHECKING:
    # A development dependency (django-stubs); annotations only.
    from django_stubs_ext import WithAnnotations


class Category(models.Model):
    """A kind of concern (neglect, online safety...), seeded by a migration; more can be added."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


BODY_MAP_SIDES = ("front", "back")
BODY_MAP_MAX_MARKS = 30
BODY_MAP_NOTE_MAX = 300


def validate_body_map(value: Any) -> None:
    """Refuse anything but a list of {side, x, y, note} marks with x and y from 0 to 100."""
    if not isinstance(value, list):
        raise ValidationError("The body map must be a list of marks.", code="body_map")
    if len(value) > BODY_MAP_MAX_MARKS:
        raise ValidationError(
            f"A body map holds at most {BODY_MAP_MAX_MARKS} marks; describe the rest in words.",
            code="body_map",
        )
    for n, mark in enumerate(value, start=1):
        if not isinstance(mark, dict) or set(mark) != {"side", "x", "y", "note"}:
            raise ValidationError(f"Mark {n} is not a body-map mark.", code="body_map")
        if mark["side"] not in BODY_MAP_SIDES:
            raise ValidationError(f"Mark {n} must be on the front or the back.", code="body_map")
        for axis in ("x", "y"):
            v = mark[axis]
            if (
                isinstance(v, bool)
                or not isinstance(v, int | float)
                or not math.isfinite(v)
                or not 0 <= v <= 100
            ):
                raise ValidationError(f"Mark {n} is outside the outline.", code="body_map")
        if not isinstance(mark["note"], str) or len(mark["note"]) > BODY_MAP_NOTE_MAX:
            raise ValidationError(
                f"The note on mark {n} must be text of at most {BODY_MAP_NOTE_MAX} characters.",
                code="body_map",
            )


def parse_body_map(raw: str) -> list[dict[str, Any]]:
    """Return the marks posted by the body-map script, validated and tidied."""
    if not raw or not raw.strip():
        return []
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise ValidationError("The body map could not be read.", code="body_map") from None
    if isinstance(value, list):
        # Tolerate a missing note from an older script; everything else must be exact.
        value = [{"note": "", **m} if isinstance(m, dict) else m for m in value]
    validate_body_map(value)
    return [
        {
            "side": m["side"],
            "x": round(float(m["x"]), 1),
            "y": round(float(m["y"]), 1),
            "note": m["note"].strip(),
        }
        for m in value
    ]


def sees_every_concern(user: Any) -> bool:
    """Return whether ``user`` reads every concern in their current school.

    The DSL team always does; the head does only where the school's SafeguardingSettings says so.
    """

    school_id = getattr(user, "current_school_id", None)
    if school_id is None:
        return False
    cache: dict[int, bool] | None = getattr(user, "_sees_every_concern", None)
    if cache is None:
        cache = {}
        user._sees_every_concern = cache
    if school_id not in cache:
        if can(user, "safeguarding.triage"):
            cache[school_id] = True
        elif can(user, "safeguarding.view_all"):
            cache[school_id] = SafeguardingSettings.objects.filter(
                school_id=school_id, head_sees_concerns=True
            ).exists()
        else:
            cache[school_id] = False
    return cache[school_id]


class ConcernState(TypedDict):
    """What ``ConcernQuerySet.with_state()`` adds: the latest decision's status and risk."""

    current_status: str
    current_risk: str


class QueueFields(ConcernState):
    """What ``ConcernQuerySet.for_queue()`` adds on top of the state."""

    is_closed: int


class ConcernQuerySet(models.QuerySet["Concern"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Return the concerns ``user`` may read: all of the school's for the DSL team (and a head
        the school allows), otherwise only the ones they reported themselves."""

        school_id = getattr(user, "current_school_id", None)
        if school_id is None or not user.is_authenticated or not can(user, "safeguarding.raise"):
            return self.none()
        mine = self.filter(school_id=school_id)
        if sees_every_concern(user):
            return mine
        # A concern about an archived leaver stays with the DSL team, who keep the file; the
        # person who reported it no longer lists or opens it (pupils.models.archived_q).
        about_leaver = ConcernPupil.objects.filter(concern=OuterRef("pk")).filter(
            archived_q("pupil__")
        )
        return mine.filter(reporter=user).exclude(Exists(about_leaver))

    def with_state(self) -> ConcernQuerySet[StatedConcern]:
        """Annotate the status and risk of the latest decision (NEW and blank before any)."""

        # Kept with each decision (LatestDecision): one join, not a search of the decisions.
        return self.annotate(
            current_status=Coalesce(F("latest_decision__status"), Value(Status.NEW)),
            current_risk=Coalesce(F("latest_decision__risk"), Value("")),
        )

    def open(self) -> ConcernQuerySet[StatedConcern]:
        """Return concerns whose latest decision is not to close them."""
        return self.with_state().exclude(current_status=Status.CLOSED)

    def untriaged(self) -> Self:
        """Return concerns no member of the DSL team has made a decision on yet."""

        return self.filter(latest_decision__isnull=True)

    def with_links(self) -> Self:
        """Prefetch the linked pupils with each link's own categories (three queries in all)."""
        return self.prefetch_related(
            Prefetch(
                "links",
                queryset=ConcernPupil.objects.select_related("pupil").prefetch_related(
                    "categories"
                ),
            )
        )

    def for_queue(self) -> ConcernQuerySet[QueuedConcern]:
        """The DSL queue: state and reporter; urgent and open first.

        Only the columns a queue row shows (its pupils, categories and open actions are read for
        the one page shown, by safeguarding.views.file._queue_rows): a list never needs the
        account itself, nor the actions of concerns on other pages.
        """

        return (
            self.with_state()
            .select_related("reporter")
            .only("pk", "urgent", "recorded_at", "reporter__full_name")
            .annotate(
                is_closed=models.Case(
                    models.When(current_status=Status.CLOSED, then=Value(1)),
                    default=Value(0),
                )
            )
            .order_by("is_closed", "-urgent", "-recorded_at", "-pk")
        )


class Concern(models.Model):
    """What a member of staff saw or heard, in their own name. Never changed once submitted."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    # A hidden UUID in the form: a double click or a resent request finds the same concern.
    idempotency_key = models.UUIDField(unique=True, editable=False)
    reporter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reporter_job_title = models.CharField(max_length=150, blank=True)
    occurred_at = models.DateTimeField("when it happened")
    location = models.CharField("where it happened", max_length=200)
    what_happened = models.TextField("what happened")
    childs_words = models.TextField("the child's words, exactly as they said them", blank=True)
    action_taken = models.TextField("what I did", blank=True)
    who_told = models.TextField("who I told", blank=True)
    body_map = models.JSONField(default=list, blank=True, validators=[validate_body_map])
    body_map_note = models.TextField("marks described in words", blank=True)
    urgent = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ConcernQuerySet.as_manager()

    # Set for display, not a column: on a child's chronology, that child's own link.
    this_link: ConcernPupil

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            # the DSL queue: one school's concerns, newest first
            models.Index(fields=["school", "-recorded_at"], name="concern_school_recent_idx"),
            # "my concerns": what one person reported
            models.Index(fields=["reporter", "-recorded_at"], name="concern_reporter_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(what_happened=""), name="concern_says_what_happened"
            ),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"Concern {self.reference}"

    @property
    def reference(self) -> str:
        return f"SG-{self.pk:05d}"

    @property
    def is_back_dated(self) -> bool:
        """Whether it was recorded more than a day after it happened."""
        return (self.recorded_at - self.occurred_at).total_seconds() > 86400

    def marks(self, side: str) -> list[tuple[int, dict[str, Any]]]:
        """Return the body-map marks on one side, numbered as on the whole map."""
        return [(n, m) for n, m in enumerate(self.body_map, start=1) if m["side"] == side]

    @property
    def front_marks(self) -> list[tuple[int, dict[str, Any]]]:
        return self.marks("front")

    @property
    def back_marks(self) -> list[tuple[int, dict[str, Any]]]:
        return self.marks("back")


if TYPE_CHECKING:
    StatedConcern: TypeAlias = WithAnnotations[Concern, ConcernState]
    QueuedConcern: TypeAlias = WithAnnotations[Concern, QueueFields]


class ConcernPupil(models.Model):
    """One pupil linked to a concern, with their own involvement and their own categories.

    What each linked child's safeguarding file (the chronology, its PDF and the transfer file)
    holds, so that one child's file never carries another child's details:

    - The concern entry. On the file of a child the concern is about (CONCERN_FOR) it is given
      in full: what happened, the child's words, what was done, who was told, the body map, and
      the reporter's additions and corrections. On the file of any other linked child (a
      witness, a brother or sister, a family member, a child who may have harmed another, or
      otherwise involved) it says only that they were involved and how, their own categories,
      when it happened and who raised it: not the account, not where (a home address would
      point to the other child), not the other children's names. The DSL can put the full
      account on such a child's file too, with a reason (AccountShare); the latest choice counts.
    - Casework (decisions, actions and case notes) is on the files of the children it is marked
      as about (DecisionChild, ActionChild, AddendumChild), and on no other. The forms start
      with the concern's subjects ticked and the DSL ticks any other child. Casework recorded
      before children were recorded (it has no such rows) is about the concern's subjects.
    - A decision not to refer is recorded per child (DecisionChild.not_referred); a referral
      names its one pupil, and is on that pupil's file only.
    """

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="links")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    involvement = models.CharField(max_length=12, choices=Involvement.choices)
    categories = models.ManyToManyField(
        Category, through="ConcernPupilCategory", related_name="+", blank=True
    )

    # Set for display, not columns, by the pages that list a concern's children: whether this
    # child's file holds the whole account (the chronology and the concern page), and the latest
    # AccountShare with the form that changes it (the concern page).
    shows_account: bool
    latest_share: AccountShare | None
    share_form: BaseForm

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "pupil"], name="concern_pupil_once"),
        ]
        indexes = [
            # the chronology: every concern one child is linked to
            models.Index(fields=["pupil", "concern"], name="concern_pupil_chron_idx"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"{self.pupil} ({self.get_involvement_display()})"

    @property
    def is_subject(self) -> bool:
        """Whether the concern is about this child (their file holds all of it by default)."""
        return self.involvement == Involvement.CONCERN_FOR


class ConcernPupilCategory(models.Model):
    """One category recorded for one linked pupil."""

    link = models.ForeignKey(ConcernPupil, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "category"], name="concern_category_once"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return str(self.category)


class AccountShare(models.Model):
    """The DSL putting (on=True) or taking off (on=False) a concern's full account on the file
    of a linked child it is not about. The latest row for a link counts."""

    link = models.ForeignKey(ConcernPupil, on_delete=models.PROTECT, related_name="shares")
    on = models.BooleanField()
    reason = models.TextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="account_share_has_reason"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"Full account {'on' if self.on else 'off'} {self.link.pupil}'s file"


class Addendum(models.Model):
    """A dated addition, correction or case note by a named person, shown beside the original."""

    class Kind(models.TextChoices):
        ADDITION = "ADDITION", "Addition"
        CORRECTION = "CORRECTION", "Correction"
        CASE_NOTE = "CASE_NOTE", "Case note"

    class Part(models.TextChoices):
        GENERAL = "GENERAL", "The concern as a whole"
        OCCURRED = "OCCURRED", "When and where"
        WHAT_HAPPENED = "WHAT_HAPPENED", "What happened"
        CHILDS_WORDS = "CHILDS_WORDS", "The child's words"
        ACTION_TAKEN = "ACTION_TAKEN", "What was done"
        WHO_TOLD = "WHO_TOLD", "Who was told"
        BODY_MAP = "BODY_MAP", "Body map"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="addenda")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ADDITION)
    part = models.CharField(max_length=13, choices=Part.choices, default=Part.GENERAL)
    text = models.TextField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    author_job_title = models.CharField(max_length=150, blank=True)
    written_at = models.DateTimeField(default=timezone.now, editable=False)
    # Case notes only: additions and corrections go wherever the account itself goes.
    children = models.ManyToManyField(
        ConcernPupil, through="AddendumChild", related_name="+", blank=True
    )

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name_plural = "addenda"
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="addendum_has_text"),
        ]
        indexes = [
            # a concern's addenda in order
            models.Index(fields=["concern", "written_at"], name="addendum_concern_idx"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author}"


class AddendumChild(models.Model):
    """One linked child a case note is about: the note is on that child's file."""

    addendum = models.ForeignKey(Addendum, on_delete=models.PROTECT, related_name="child_rows")
    link = models.ForeignKey(ConcernPupil, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["addendum", "link"], name="addendum_child_once"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"About {self.link.pupil}"
