"""What an EHCP shows: section F delivery evidence, the annual review's milestones, the PDF.

Delivery evidence counts the delivered sessions of each provision line's linked interventions
that this pupil attended (present or late) or missed, over the school year: one row per session
and line from the database, summed here, in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.db.models import (
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)
from django.template.loader import render_to_string
from django.utils import timezone

from interventions.delivery.models import Intervention, SessionAttendance, delivered
from interventions.ehcp import clock as ehcp_clock
from interventions.ehcp.models import (
    EHCP,
    AnnualReview,
    AnnualReviewStep,
    EHCPOutcome,
    EHCPProvision,
)
from staff.models import User

if TYPE_CHECKING:
    from interventions.ehcp.forms import StepForm

RECENT_WEEKS = 6  # the window the delivered hours a week are measured over
LAST_SESSIONS = 5  # sessions listed under each provision line
MISSED = [
    SessionAttendance.Attendance.ABSENT,
    SessionAttendance.Attendance.REFUSED,
    SessionAttendance.Attendance.WITHDRAWN,
]


def school_year_start(day: dt.date) -> dt.date:
    """Return 1 September of the school year ``day`` falls in."""
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def _hours(value: Decimal | float | int | None) -> str:
    """Return hours for people: "1", "1.5", "0.75" (no trailing zeros)."""
    if value is None:
        return ""
    text = f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class LastSession(TypedDict):
    """One of the latest sessions listed under a provision line."""

    date: dt.date
    minutes: int
    intervention: str


@dataclass
class Delivery:
    """One section F line's evidence of delivery up to ``as_of``."""

    year_from: dt.date
    recent_from: dt.date
    recent_weeks: float
    sessions: int = 0
    minutes: int = 0
    missed: int = 0
    recent_minutes: int = 0
    last: list[LastSession] = field(default_factory=list)
    stated: Decimal | None = None
    linked: bool = True

    @property
    def hours(self) -> str:
        return _hours(Decimal(self.minutes) / 60)

    @property
    def per_week(self) -> Decimal | None:
        if self.recent_weeks <= 0:
            return None
        return (Decimal(self.recent_minutes) / 60 / Decimal(str(self.recent_weeks))).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def per_week_label(self) -> str:
        return _hours(self.per_week)

    @property
    def stated_label(self) -> str:
        return _hours(self.stated)

    @property
    def weeks_label(self) -> str:
        weeks = round(self.recent_weeks, 1)
        return f"{weeks:g} week{'s' if weeks != 1 else ''}"

    @property
    def below_stated(self) -> bool:
        """Whether delivery over the recent weeks fell short of the hours section F states."""
        per_week = self.per_week
        return self.stated is not None and per_week is not None and per_week < self.stated

    @property
    def summary(self) -> str:
        """Return the comparison in words: stated hours a week against delivered."""
        delivered = f"delivered {self.per_week_label} h/week over the last {self.weeks_label}"
        if self.stated is None:
            return delivered[0].upper() + delivered[1:] + " (section F states no hours)."
        return f"Stated {self.stated_label} h/week; {delivered}."


def provision_with_delivery(ehcp: EHCP, *, as_of: dt.date | None = None) -> Sequence[EHCPProvision]:
    """Return the EHCP's section F lines, each with ``.delivery`` evidence up to ``as_of``.

    Three plain queries: the lines, their interventions, and this pupil's attended or missed
    delivered sessions of those interventions since the year (or the recent window) began, one
    row each, which are summed here. Bounded by a school year, whatever the plan's age.
    """
    today = as_of or timezone.localdate()
    year_from = school_year_start(today)
    # Hours a week over the last six weeks, or since the plan was issued if that is sooner.
    recent_from = max(
        today - dt.timedelta(weeks=RECENT_WEEKS) + dt.timedelta(days=1), ehcp.issued_on
    )
    recent_weeks = max(((today - recent_from).days + 1) / 7, 0)
    lines = list(
        EHCPProvision.objects.filter(ehcp=ehcp)
        .select_related("outcome")
        .prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.only("pk", "name", "status"))
        )
        .order_by("outcome_id", "pk")
    )
    delivery = {
        line.pk: Delivery(
            year_from=year_from,
            recent_from=recent_from,
            recent_weeks=recent_weeks,
            stated=line.hours_per_week,
            linked=bool(line.interventions.all()),
        )
        for line in lines
    }
    attended = set(SessionAttendance.ATTENDED)
    rows = (
        SessionAttendance.objects.filter(
            delivered("session__"),
            pupil_id=ehcp.pupil_id,
            attendance__in=[*SessionAttendance.ATTENDED, *MISSED],
            session__date__gte=min(year_from, recent_from),
            session__date__lte=today,
            session__intervention__ehcp_provision__ehcp=ehcp,
        )
        .values_list(
            "session__intervention__ehcp_provision",
            "session__date",
            "session__minutes",
            "attendance",
            "session__intervention__name",
        )
        .order_by("-session__date", "-session_id")
    )
    for line_id, day, minutes, mark, name in rows:
        evidence = delivery[line_id]
        if mark not in attended:
            if day >= year_from:
                evidence.missed += 1
            continue
        if day >= recent_from:
            evidence.recent_minutes += minutes
        if day >= year_from:
            evidence.sessions += 1
            evidence.minutes += minutes
            if len(evidence.last) < LAST_SESSIONS:
                evidence.last.append({"date": day, "minutes": minutes, "intervention": name})
    for line in lines:
        line.delivery = delivery[line.pk]
    return lines


def outcomes_with_provision(
    ehcp: EHCP, lines: Sequence[EHCPProvision]
) -> tuple[list[EHCPOutcome], list[EHCPProvision]]:
    """Return section E outcomes, each with ``.lines``, and the lines that name no outcome."""
    outcomes = list(EHCPOutcome.objects.filter(ehcp=ehcp).order_by("pk"))
    by_outcome: dict[int | None, list[EHCPProvision]] = {}
    for line in lines:
        by_outcome.setdefault(line.outcome_id, []).append(line)
    for outcome in outcomes:
        outcome.lines = by_outcome.get(outcome.pk, [])
    return outcomes, by_outcome.get(None, [])


# The model's choice labels name the default dates; these do not, as the dates are settings.
TRANSFER_LABELS: dict[str, str] = {
    EHCP.Transfer.SCHOOL: "School move",
    EHCP.Transfer.POST16: "Move to post-16",
}


def transfer_label(ehcp: EHCP) -> str:
    """Return the kind of phase transfer in words, without a date."""
    return TRANSFER_LABELS.get(ehcp.phase_transfer, "")


def phase_transfer_deadline(ehcp: EHCP) -> dt.date | None:
    """Return the amended-plan deadline for the pupil's phase transfer (settings), if any."""
    if not ehcp.phase_transfer or ehcp.transfer_year is None:
        return None
    month_day = (
        settings.SEND_HUB_PHASE_TRANSFER_SCHOOL
        if ehcp.phase_transfer == EHCP.Transfer.SCHOOL
        else settings.SEND_HUB_PHASE_TRANSFER_POST16
    )
    return ehcp_clock.phase_transfer_deadline(ehcp.transfer_year, month_day)


@dataclass
class MilestoneRow:
    code: str
    label: str
    due_on: dt.date
    step: AnnualReviewStep | None
    state: str  # done, overdue, due, upcoming, not_needed
    days: int  # days from today to the due date (negative when past)
    # Set by the review page: the step's form for those who may record it, or why it waits.
    form: StepForm | None = None
    waiting: str = ""

    @property
    def done(self) -> bool:
        return self.step is not None

    @property
    def days_late(self) -> int:
        return -self.days


def milestone_rows(review: AnnualReview, *, today: dt.date | None = None) -> list[MilestoneRow]:
    """Return the review's deadlines with what was done, who did it, and what is overdue."""
    today = today or timezone.localdate()
    steps = {s.step: s for s in review.steps.all()}
    rows: list[MilestoneRow] = []
    decided = review.la_decision
    for m in ehcp_clock.milestones(review.meeting_on):
        step = steps.get(m.code)
        if step is not None:
            state = "done"
        elif m.code == "FINAL_PLAN" and decided and decided != AnnualReview.Decision.AMEND:
            state = "not_needed"
        elif m.due_on < today:
            state = "overdue"
        elif m.due_on == today:
            state = "due"
        else:
            state = "upcoming"
        rows.append(MilestoneRow(m.code, m.label, m.due_on, step, state, (m.due_on - today).days))
    return rows


def reviews_with_steps(ehcp: EHCP) -> QuerySet[AnnualReview]:
    """Return the EHCP's annual reviews, newest first, with their steps and who did them."""
    return ehcp.annual_reviews.prefetch_related(
        Prefetch("steps", queryset=AnnualReviewStep.objects.select_related("done_by"))
    ).order_by("-meeting_on", "-pk")


def needs_preparing_for_adulthood(review: AnnualReview, ehcp: EHCP) -> bool:
    """Return whether this review must cover preparing for adulthood (from Year 9)."""
    return review.covers_preparing_for_adulthood or ehcp_clock.covers_preparing_for_adulthood(
        ehcp.pupil.nc_year
    )


# --- The review report (PDF) ---------------------------------------------------------------


def review_report_context(review: AnnualReview, *, built_by: User) -> dict[str, Any]:
    """Return what the review report shows, drawn from the record alone."""
    ehcp = review.ehcp
    prefetch_related_objects(
        [review], Prefetch("steps", queryset=AnnualReviewStep.objects.select_related("done_by"))
    )
    today = timezone.localdate()
    # The report describes delivery up to the meeting (or today, before it).
    as_of = min(today, review.meeting_on)
    lines = provision_with_delivery(ehcp, as_of=as_of)
    outcomes, unlinked = outcomes_with_provision(ehcp, lines)
    return {
        "review": review,
        "ehcp": ehcp,
        "pupil": ehcp.pupil,
        "outcomes": outcomes,
        "unlinked": unlinked,
        "as_of": as_of,
        "year_from": school_year_start(as_of),
        "milestones": milestone_rows(review, today=today),
        "transfer_deadline": phase_transfer_deadline(ehcp),
        "transfer_label": transfer_label(ehcp),
        "pfa": needs_preparing_for_adulthood(review, ehcp),
        "built_at": timezone.localtime(),
        "built_by": built_by,
        "today": today,
    }


def render_review_pdf(context: dict[str, Any]) -> bytes:
    """Return the annual review report as PDF bytes (no external resources are fetched)."""
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    html = render_to_string("interventions/ehcp/review_pdf.html", context)

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # The report is built from the record only: refuse anything a template might point at.
        raise ValueError(f"External resource refused: {url[:40]}")

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()
