"""Reading training records: school terms, ELSA supervision status, what needs renewing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from staff.models import SupervisionSession, TrainingRecord, TrainingType

EXPIRING_SOON_DAYS = 60

# The training every installation starts with (migration 0004 seeds the same list; the demo
# re-creates any a test database has flushed). Code, name, renew after months, is a check.
DEFAULT_TYPES = [
    ("elsa", "ELSA accreditation", None, False),
    ("safeguarding-1", "Safeguarding level 1 (all staff)", 36, False),
    ("safeguarding-2", "Safeguarding level 2 (advanced)", 36, False),
    ("dsl", "Designated safeguarding lead training", 24, False),
    ("dbs-enhanced", "DBS enhanced check with children's barred list", None, True),
    ("first-aid", "First aid (paediatric or at work)", 36, False),
    ("positive-handling", "De-escalation and positive handling", 12, False),
    ("makaton", "Makaton", None, False),
    ("prevent", "Prevent duty", 24, False),
]


def default_training_types() -> dict[str, TrainingType]:
    """Return the default training types by code, creating any that are missing."""
    types = {t.code: t for t in TrainingType.objects.filter(code__in=[r[0] for r in DEFAULT_TYPES])}
    for order, (code, name, months, is_check) in enumerate(DEFAULT_TYPES, start=1):
        if code not in types:
            types[code] = TrainingType.objects.create(
                code=code, name=name, validity_months=months, is_check=is_check, order=order * 10
            )
    return types


@dataclass(frozen=True)
class Term:
    """A school term. Dates differ by local authority; month boundaries are close enough to
    count supervision sessions: autumn September-December, spring January-March, summer
    April-August."""

    name: str
    start: date
    end: date


def term_containing(day: date) -> Term:
    """Return the term ``day`` falls in."""
    if day.month >= 9:
        return Term(f"Autumn {day.year}", date(day.year, 9, 1), date(day.year, 12, 31))
    if day.month <= 3:
        return Term(f"Spring {day.year}", date(day.year, 1, 1), date(day.year, 3, 31))
    return Term(f"Summer {day.year}", date(day.year, 4, 1), date(day.year, 8, 31))


def term_before(term: Term) -> Term:
    """Return the term before ``term``."""
    return term_containing(term.start - timedelta(days=1))


def supervisions_required() -> int:
    """Return how many supervision sessions a term keeps an ELSA's accreditation current."""
    return int(getattr(settings, "SEND_HUB_ELSA_SUPERVISIONS_PER_TERM", 2))


@dataclass(frozen=True)
class ElsaStatus:
    """Where an accredited ELSA stands with supervision."""

    accredited_on: date
    required: int
    term: Term
    this_term: int
    last_term: Term | None  # None when they were accredited during this term
    last_term_count: int

    @property
    def lapsing(self) -> bool:
        """True when they attended fewer sessions than required in the last full term."""
        return self.last_term is not None and self.last_term_count < self.required


def elsa_statuses(user_ids: Iterable[int], *, on: date | None = None) -> dict[int, ElsaStatus]:
    """Return the supervision status of each accredited ELSA among ``user_ids`` (two queries)."""
    today = on or timezone.localdate()
    ids = list(user_ids)
    accredited: dict[int, date] = {}
    records = (
        TrainingRecord.objects.filter(user_id__in=ids, training_type__code=TrainingType.ELSA)
        .order_by("completed_on")
        .values_list("user_id", "completed_on")
    )
    for uid, completed_on in records:
        accredited.setdefault(uid, completed_on)  # the first accreditation counts
    if not accredited:
        return {}
    term = term_containing(today)
    last = term_before(term)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    sessions = SupervisionSession.objects.filter(
        user_id__in=list(accredited), date__gte=last.start, date__lte=today
    ).values_list("user_id", "date")
    for uid, day in sessions:
        counts[(uid, "this" if day >= term.start else "last")] += 1
    required = supervisions_required()
    return {
        uid: ElsaStatus(
            accredited_on=since,
            required=required,
            term=term,
            this_term=counts[(uid, "this")],
            last_term=last if since <= last.start else None,
            last_term_count=counts[(uid, "last")],
        )
        for uid, since in accredited.items()
    }


def elsa_status(user_id: int, *, on: date | None = None) -> ElsaStatus | None:
    """Return one person's ELSA supervision status (None if they hold no ELSA accreditation)."""
    return elsa_statuses([user_id], on=on).get(user_id)


@dataclass(frozen=True)
class TrainingLine:
    """A person's latest record of one type of training, with its state today."""

    record: TrainingRecord
    state: str  # "current", "expiring", "expired", "no-expiry"

    @property
    def label(self) -> str:
        return {
            "current": "Current",
            "expiring": "Expires soon",
            "expired": "Expired",
            "no-expiry": "No expiry",
        }[self.state]


def training_lines(
    records: Iterable[TrainingRecord], *, on: date | None = None
) -> list[TrainingLine]:
    """Return the latest record of each type, newest first, with whether it is still in date."""
    today = on or timezone.localdate()
    latest: dict[int, TrainingRecord] = {}
    for record in sorted(records, key=lambda r: (r.completed_on, r.pk)):
        latest[record.training_type_id] = record
    lines = []
    for record in sorted(latest.values(), key=lambda r: r.training_type.order):
        if record.expires_on is None:
            state = "no-expiry"
        elif record.expires_on < today:
            state = "expired"
        elif record.expires_on <= today + timedelta(days=EXPIRING_SOON_DAYS):
            state = "expiring"
        else:
            state = "current"
        lines.append(TrainingLine(record=record, state=state))
    return lines
