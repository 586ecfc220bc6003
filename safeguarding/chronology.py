"""One child's chronology: everything on their safeguarding file in the order it happened.

Built from a fixed number of queries however long the file is. A back-dated concern slots in
at the time it happened, not the time it was written down. Only what concerns this child is
on it: the rule is written on ConcernPupil.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from pupils.models import Pupil
from safeguarding.models import (
    AccountShare,
    Action,
    ActionChild,
    ActionUpdate,
    Addendum,
    AddendumChild,
    Attachment,
    Concern,
    ConcernPupil,
    Decision,
    DecisionChild,
    PupilFlag,
    Referral,
    ReferralUpdate,
    Transfer,
    TransferStep,
)

# Within the same moment, list things in the order they naturally follow one another.
KIND_ORDER = {
    "concern": 0,
    "addendum": 1,
    "attachment": 1,
    "decision": 2,
    "action": 3,
    "action_update": 4,
    "referral": 5,
    "referral_update": 6,
    "flag": 7,
    "transfer": 8,
}


# What a chronology entry can be (its ``kind`` names which).
Record: TypeAlias = (
    Concern
    | Addendum
    | Attachment
    | Decision
    | Action
    | ActionUpdate
    | Referral
    | ReferralUpdate
    | PupilFlag
    | TransferStep
)


@dataclass
class Entry:
    """One line of the chronology."""

    when: dt.datetime
    kind: str
    obj: Record
    concern: Concern | None = None
    # The date is all that is known (e.g. a referral's date): show no time.
    date_only: bool = False

    @property
    def sort_key(self) -> tuple[dt.datetime, int, int]:
        return (self.when, KIND_ORDER[self.kind], self.obj.pk)


@dataclass
class Chronology:
    pupil: Pupil
    entries: list[Entry] = field(default_factory=list)
    links: Sequence[ConcernPupil] = field(default_factory=list)

    @property
    def concerns(self) -> list[Concern]:
        return [link.concern for link in self.links]

    @property
    def full_concerns(self) -> list[Concern]:
        """The concerns whose whole account is on this child's file (printed in full)."""
        return [link.concern for link in self.links if link.shows_account]

    @property
    def attachments(self) -> list[Attachment]:
        """The files on this child's file, in the order they were added."""
        return [e.obj for e in self.entries if isinstance(e.obj, Attachment)]

    @property
    def open_actions(self) -> list[Action]:
        """Actions about this child nobody has completed, closed concerns' carried-over ones too."""
        return [
            e.obj
            for e in self.entries
            if isinstance(e.obj, Action) and e.obj.completed_update() is None
        ]


def _moment(day: dt.date, recorded: dt.datetime) -> tuple[dt.datetime, bool]:
    """Place a dated event: at the time it was recorded if that was the same day, else at the
    end of its day (so it follows anything timed on that day)."""
    local = timezone.localtime(recorded)
    if local.date() == day:
        return recorded, False
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59))), True


def _about(through: Any, parent: str, link_ids: list[int], subject_of: list[int]) -> Q:
    """Return the filter for casework about this child: marked as about one of ``link_ids``,
    or (recorded before children were) on a concern this child is the subject of."""
    rows: QuerySet[Any] = through.objects.filter(**{parent: OuterRef("pk")})
    return Exists(rows.filter(link_id__in=link_ids)) | (
        ~Exists(rows) & Q(concern_id__in=subject_of)
    )


def build(pupil: Pupil, *, category: str = "") -> Chronology:
    """Return ``pupil``'s chronology, optionally only the concerns in one category."""
    links_qs = (
        ConcernPupil.objects.filter(pupil=pupil)
        .select_related("concern__reporter")
        .prefetch_related(
            "categories",
            Prefetch(
                "concern__links",
                queryset=ConcernPupil.objects.exclude(pupil=pupil).select_related("pupil"),
                to_attr="other_links",
            ),
        )
        .order_by("concern__occurred_at", "concern__pk")
    )
    if category:
        links_qs = links_qs.filter(categories__code=category).distinct()
    latest_share = AccountShare.objects.filter(link=OuterRef("pk")).order_by("-at", "-pk")
    links = list(links_qs.annotate(shared=Subquery(latest_share.values("on")[:1])))
    concerns = {link.concern_id: link.concern for link in links}
    link_ids = [link.pk for link in links]
    for link in links:
        link.concern.this_link = link
        link.shows_account = link.is_subject or bool(link.shared)
    ids = list(concerns)
    # Casework recorded before children were recorded is about the concern's subjects.
    subject_of = [link.concern_id for link in links if link.is_subject]
    full = [link.concern_id for link in links if link.shows_account]
    entries: list[Entry] = []

    for link in links:
        entries.append(Entry(link.concern.occurred_at, "concern", link.concern, link.concern))
    addenda = Addendum.objects.filter(concern_id__in=ids).filter(
        Q(kind=Addendum.Kind.CASE_NOTE) & _about(AddendumChild, "addendum", link_ids, subject_of)
        | ~Q(kind=Addendum.Kind.CASE_NOTE) & Q(concern_id__in=full)
    )
    for addendum in addenda.select_related("author"):
        entries.append(
            Entry(addendum.written_at, "addendum", addendum, concerns[addendum.concern_id])
        )
    # Files: listed (name, kind, who, when), never their content; the rule is on_files().
    attachments = Attachment.objects.filter(concern_id__in=ids).on_files(
        link_ids=link_ids, subject_of=subject_of, full=full
    )
    for attachment in attachments.select_related("uploaded_by", "addendum"):
        attachment.concern = concerns[attachment.concern_id]  # already loaded: no query each
        entries.append(
            Entry(attachment.uploaded_at, "attachment", attachment, concerns[attachment.concern_id])
        )
    own_row = DecisionChild.objects.filter(decision=OuterRef("pk"), link_id__in=link_ids)
    decisions = (
        Decision.objects.filter(concern_id__in=ids)
        .filter(_about(DecisionChild, "decision", link_ids, subject_of))
        .select_related("decided_by")
        # Not referred, for this child: their own row says; an older decision says for all.
        .annotate(
            not_referred_here=Coalesce(
                Subquery(own_row.values("not_referred")[:1]), F("not_referred")
            )
        )
    )
    for decision in decisions:
        entries.append(
            Entry(decision.decided_at, "decision", decision, concerns[decision.concern_id])
        )
    actions = (
        Action.objects.filter(concern_id__in=ids)
        .filter(_about(ActionChild, "action", link_ids, subject_of))
        .select_related("owner", "created_by")
    )
    for action in actions.prefetch_related(
        Prefetch("updates", queryset=ActionUpdate.objects.select_related("by"))
    ):
        concern = concerns[action.concern_id]
        entries.append(Entry(action.created_at, "action", action, concern))
        for update in action.updates.all():
            entries.append(Entry(update.at, "action_update", update, concern))
    referrals = Referral.objects.filter(concern_id__in=ids, pupil=pupil).select_related("by")
    for referral in referrals.prefetch_related(
        Prefetch("updates", queryset=ReferralUpdate.objects.select_related("by"))
    ):
        concern = concerns[referral.concern_id]
        when, date_only = _moment(referral.referred_on, referral.recorded_at)
        entries.append(Entry(when, "referral", referral, concern, date_only))
        # Each update's referral is the one above: prefetching the updates cached it on them.
        for outcome in referral.updates.all():
            when, date_only = _moment(outcome.outcome_on, outcome.at)
            entries.append(Entry(when, "referral_update", outcome, concern, date_only))
    if not category:
        for flag in PupilFlag.objects.filter(pupil=pupil).select_related("by"):
            entries.append(Entry(flag.at, "flag", flag))
        steps = TransferStep.objects.filter(transfer__in=Transfer.objects.filter(pupil=pupil))
        for step in steps.select_related("by", "transfer"):
            when, date_only = _moment(step.on, step.at)
            entries.append(Entry(when, "transfer", step, date_only=date_only))
    entries.sort(key=lambda e: e.sort_key)
    return Chronology(pupil=pupil, entries=entries, links=links)
