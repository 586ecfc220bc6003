"""EHCP annual review deadlines: pure date arithmetic, anchored on the meeting date.

Statutory timings (SEND Code of Practice, ch. 9): invitations and advice at least 2 weeks before
the meeting; the school's report within 2 weeks after; the LA's decision within 4 weeks; an
amended final plan within 12 weeks; the next review within 12 months of the last one concluding.
Phase-transfer dates are settings (SEND_HUB_PHASE_TRANSFER_*), as DOMAIN.md marks them "verify".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from send_hub.lib.dates import add_months

INVITATIONS_BEFORE = dt.timedelta(weeks=2)
REPORT_AFTER = dt.timedelta(weeks=2)
LA_DECISION_AFTER = dt.timedelta(weeks=4)
FINAL_PLAN_AFTER = dt.timedelta(weeks=12)
PREPARING_FOR_ADULTHOOD_FROM_YEAR = 9


def next_review_due(concluded_on: dt.date) -> dt.date:
    """Return the latest date for the next annual review: 12 months after the last concluded."""
    return add_months(concluded_on, 12)


def invitations_due(meeting_on: dt.date) -> dt.date:
    """Return the last day to circulate invitations and advice (2 weeks before the meeting)."""
    return meeting_on - INVITATIONS_BEFORE


def report_due(meeting_on: dt.date) -> dt.date:
    """Return the last day for the school's report to the LA (2 weeks after the meeting)."""
    return meeting_on + REPORT_AFTER


def la_decision_due(meeting_on: dt.date) -> dt.date:
    """Return when the LA's maintain/amend/cease decision is expected (4 weeks after)."""
    return meeting_on + LA_DECISION_AFTER


def final_plan_due(meeting_on: dt.date) -> dt.date:
    """Return when an amended final plan is expected (12 weeks after the meeting)."""
    return meeting_on + FINAL_PLAN_AFTER


def phase_transfer_deadline(transfer_year: int, month_day: str) -> dt.date:
    """Return the amended-plan deadline for a move in September of ``transfer_year``.

    ``month_day`` is "MM-DD" from settings (e.g. "02-15"); a bad value raises ValueError.
    """
    month, day = (int(part) for part in month_day.split("-"))
    return dt.date(transfer_year, month, day)


def transfer_deadline(phase_transfer: str, transfer_year: int | None) -> dt.date | None:
    """Return the amended-plan deadline for an EHCP's phase transfer, or None if it has none.

    ``phase_transfer`` is "SCHOOL" (a school move: SEND_HUB_PHASE_TRANSFER_SCHOOL) or "POST16"
    (SEND_HUB_PHASE_TRANSFER_POST16).
    """
    if not phase_transfer or transfer_year is None:
        return None
    month_day = (
        settings.SEND_HUB_PHASE_TRANSFER_SCHOOL
        if phase_transfer == "SCHOOL"
        else settings.SEND_HUB_PHASE_TRANSFER_POST16
    )
    return phase_transfer_deadline(transfer_year, month_day)


def covers_preparing_for_adulthood(nc_year: int | None) -> bool:
    """Return whether a review must cover preparing for adulthood (Year 9 and above)."""
    return nc_year is not None and nc_year >= PREPARING_FOR_ADULTHOOD_FROM_YEAR


@dataclass(frozen=True)
class Milestone:
    code: str
    label: str
    due_on: dt.date


def milestones(meeting_on: dt.date) -> list[Milestone]:
    """Return the annual review's derived deadlines in date order."""
    return [
        Milestone("INVITATIONS", "Invitations and advice circulated", invitations_due(meeting_on)),
        Milestone("MEETING", "Annual review meeting", meeting_on),
        Milestone("REPORT", "Report to the LA", report_due(meeting_on)),
        Milestone("LA_DECISION", "LA decision expected", la_decision_due(meeting_on)),
        Milestone("FINAL_PLAN", "Amended final plan expected", final_plan_due(meeting_on)),
    ]


def milestone_offsets() -> dict[str, dt.timedelta]:
    """Return each milestone's deadline as an offset from the meeting (for date queries)."""
    anchor = dt.date(2000, 1, 1)
    return {m.code: m.due_on - anchor for m in milestones(anchor)}


def reminder_stage(due_on: dt.date, today: dt.date) -> str | None:
    """Return which reminder a deadline earns today: "14", "7", "due", "overdue" or None."""
    days = (due_on - today).days
    if days < 0:
        return "overdue"
    if days == 0:
        return "due"
    if days <= 7:
        return "7"
    if days <= 14:
        return "14"
    return None
