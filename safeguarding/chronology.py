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

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
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
    Involvement,
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


# Ids as a list or as a subquery that selects them.
Ids: TypeAlias = Sequence[int] | QuerySet[Any, Any]

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
    # Every entry on the file; ``entries`` holds them all unless built for the latest few.
    total: int = 0
    # The latest flag row (set or lifted; None if never flagged); loaded without a category.
    flag: PupilFlag | None = None

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


def _about(through: Any, parent: str, link_ids: Ids, subject_of: Ids) -> Q:
    """Return the filter for casework about this child: marked as about one of ``link_ids``,
    or (recorded before children were) on a concern this child is the subject of."""
    rows: QuerySet[Any] = through.objects.filter(**{parent: OuterRef("pk")})
    return Exists(rows.filter(link_id__in=link_ids)) | (
        ~Exists(rows) & Q(concern_id__in=subject_of)
    )


def _cutoff(moments: list[dt.datetime], latest: int | None) -> dt.datetime | None:
    """The moment of the ``latest``-th newest entry (None: take every entry)."""
    if latest is None or len(moments) <= latest:
        return None
    return sorted(moments, reverse=True)[latest - 1]


def build(pupil: Pupil, *, category: str = "", latest: int | None = None) -> Chronology:
    """Return ``pupil``'s chronology, optionally only the concerns in one category.

    With ``latest``, ``entries`` holds at least the newest ``latest`` entries (and every
    action, referral, flag and transfer step, which are few and also feed the open actions),
    worked out from the moments alone first, so a long file does not load every concern,
    note, file and decision to show its last page; ``total`` still counts every entry.
    """
    links_qs = (
        ConcernPupil.objects.filter(pupil=pupil)
        .select_related("concern__reporter")
        .prefetch_related(
            "categories",
            Prefetch(
                "concern__links",
                # The other children are named, nothing more: their names, not their records.
                queryset=ConcernPupil.objects.exclude(pupil=pupil)
                .select_related("pupil")
                .only("concern_id", "involvement", *(f"pupil__{f}" for f in Pupil.NAME_FIELDS)),
                to_attr="other_links",
            ),
        )
        .order_by("concern__occurred_at", "concern__pk")
    )
    if category:
        links_qs = links_qs.filter(categories__code=category).distinct()
    latest_share = AccountShare.objects.filter(link=OuterRef("pk")).order_by("-at", "-pk")
    links_qs = links_qs.annotate(shared=Subquery(latest_share.values("on")[:1]))
    # Whom the file's casework is about, as subqueries: a long file would otherwise send every
    # link's and concern's id with each query below.
    about = ConcernPupil.objects.filter(pupil=pupil)
    if category:
        about = about.filter(categories__code=category)
    link_ids = about.values("pk")
    ids = about.values("concern_id")
    # Casework recorded before children were recorded is about the concern's subjects.
    subject = Q(involvement=Involvement.CONCERN_FOR)
    subject_of = about.filter(subject).values("concern_id")
    full = (
        about.annotate(shared=Subquery(latest_share.values("on")[:1]))
        .filter(subject | Q(shared=True))
        .values("concern_id")
    )
    addenda = Addendum.objects.filter(concern_id__in=ids).filter(
        Q(kind=Addendum.Kind.CASE_NOTE) & _about(AddendumChild, "addendum", link_ids, subject_of)
        | ~Q(kind=Addendum.Kind.CASE_NOTE) & Q(concern_id__in=full)
    )
    # Files: listed (name, kind, who, when), never their content; the rule is on_files().
    attachments = Attachment.objects.filter(concern_id__in=ids).on_files(
        link_ids=link_ids, subject_of=subject_of, full=full
    )
    decisions = Decision.objects.filter(concern_id__in=ids).filter(
        _about(DecisionChild, "decision", link_ids, subject_of)
    )
    actions = (
        Action.objects.filter(concern_id__in=ids)
        .filter(_about(ActionChild, "action", link_ids, subject_of))
        .select_related("owner", "created_by")
        .prefetch_related(Prefetch("updates", queryset=ActionUpdate.objects.select_related("by")))
    )
    referrals = (
        Referral.objects.filter(concern_id__in=ids, pupil=pupil)
        .select_related("by")
        .prefetch_related(Prefetch("updates", queryset=ReferralUpdate.objects.select_related("by")))
    )
    # Placed without their concern for now (few, and each needed in full).
    few: list[Entry] = []
    for action in actions:
        few.append(Entry(action.created_at, "action", action))
        few.extend(Entry(update.at, "action_update", update) for update in action.updates.all())
    for referral in referrals:
        when, date_only = _moment(referral.referred_on, referral.recorded_at)
        few.append(Entry(when, "referral", referral, date_only=date_only))
        # Each update's referral is the one above: prefetching the updates cached it on them.
        for outcome in referral.updates.all():
            when, date_only = _moment(outcome.outcome_on, outcome.at)
            few.append(Entry(when, "referral_update", outcome, date_only=date_only))
    latest_flag: PupilFlag | None = None
    if not category:
        for flag in PupilFlag.objects.filter(pupil=pupil).select_related("by"):
            few.append(Entry(flag.at, "flag", flag))
            if latest_flag is None or (flag.at, flag.pk) > (latest_flag.at, latest_flag.pk):
                latest_flag = flag
        steps = TransferStep.objects.filter(transfer__in=Transfer.objects.filter(pupil=pupil))
        for step in steps.select_related("by", "transfer"):
            when, date_only = _moment(step.on, step.at)
            few.append(Entry(when, "transfer", step, date_only=date_only))

    # The many: concerns, notes, files and decisions, counted by their moments first, in one
    # query: each link's concern and when it happened, and when each note, file and decision
    # was recorded (a few columns each, every one of them).
    def moments(qs: QuerySet[Any], kind: int, when: str) -> QuerySet[Any, tuple[Any, ...]]:
        return qs.order_by().annotate(k=Value(kind)).values_list("k", "concern_id", when)

    rows: list[tuple[int, dt.datetime]] = []
    everything = [e.when for e in few]
    whens: dict[int, list[dt.datetime]] = {1: [], 2: [], 3: []}
    for kind, concern_id, when in moments(links_qs, 0, "concern__occurred_at").union(
        moments(addenda, 1, "written_at"),
        moments(attachments, 2, "uploaded_at"),
        moments(decisions, 3, "decided_at"),
        all=True,
    ):
        everything.append(when)
        if kind == 0:
            rows.append((concern_id, when))
        else:
            whens[kind].append(when)
    since = _cutoff(everything, latest)
    # A kind with nothing to show (in the window) is not asked for again, nor put together.
    shown = {k: any(since is None or w >= since for w in ws) for k, ws in whens.items()}
    many: list[tuple[dt.datetime, str, Addendum | Attachment | Decision]] = []
    if shown[1]:
        if since is not None:
            addenda = addenda.filter(written_at__gte=since)
        many += [(a.written_at, "addendum", a) for a in addenda.select_related("author")]
    if shown[2]:
        if since is not None:
            attachments = attachments.filter(uploaded_at__gte=since)
        files = attachments.select_related("uploaded_by", "addendum")
        many += [(a.uploaded_at, "attachment", a) for a in files]
    if shown[3]:
        if since is not None:
            decisions = decisions.filter(decided_at__gte=since)
        own_row = DecisionChild.objects.filter(decision=OuterRef("pk"), link_id__in=link_ids)
        many += [
            (d.decided_at, "decision", d)
            for d in decisions.select_related("decided_by")
            # Not referred, for this child: their own row says; an older decision says for all.
            .annotate(
                not_referred_here=Coalesce(
                    Subquery(own_row.values("not_referred")[:1]), F("not_referred")
                )
            )
        ]
    # The concerns in full: those in the window, and those anything loaded belongs to.
    wanted = {c for c, occurred_at in rows if since is None or occurred_at >= since}
    wanted |= {obj.concern_id for _, _, obj in many}
    wanted |= {e.obj.concern_id for e in few if isinstance(e.obj, (Action, Referral))}
    wanted |= {e.obj.action.concern_id for e in few if isinstance(e.obj, ActionUpdate)}
    wanted |= {e.obj.referral.concern_id for e in few if isinstance(e.obj, ReferralUpdate)}
    links = list(links_qs.filter(concern_id__in=wanted) if since is not None else links_qs)
    concerns = {link.concern_id: link.concern for link in links}
    entries: list[Entry] = []
    for link in links:
        link.concern.this_link = link
        link.shows_account = link.is_subject or bool(link.shared)
        if since is None or link.concern.occurred_at >= since:
            entries.append(Entry(link.concern.occurred_at, "concern", link.concern, link.concern))
    for when, kind, obj in many:
        if isinstance(obj, Attachment):
            obj.concern = concerns[obj.concern_id]  # already loaded: no query each
        entries.append(Entry(when, kind, obj, concerns[obj.concern_id]))
    for entry in few:
        record = entry.obj
        if isinstance(record, (Action, Referral)):
            entry.concern = concerns[record.concern_id]
        elif isinstance(record, ActionUpdate):
            entry.concern = concerns[record.action.concern_id]
        elif isinstance(record, ReferralUpdate):
            entry.concern = concerns[record.referral.concern_id]
        entries.append(entry)
    entries.sort(key=lambda e: e.sort_key)
    return Chronology(
        pupil=pupil, entries=entries, links=links, total=len(everything), flag=latest_flag
    )
