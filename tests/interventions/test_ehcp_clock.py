"""EHCP annual review deadlines under frozen clocks: the statutory arithmetic, pure functions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from interventions.ehcp import clock as ehcp_clock


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_each_deadline_follows_from_the_meeting_date() -> None:
    meeting = timezone.localdate()  # Monday 2 March 2026
    assert ehcp_clock.invitations_due(meeting) == dt.date(2026, 2, 16)
    assert ehcp_clock.report_due(meeting) == dt.date(2026, 3, 16)
    assert ehcp_clock.la_decision_due(meeting) == dt.date(2026, 3, 30)
    assert ehcp_clock.final_plan_due(meeting) == dt.date(2026, 5, 25)
    assert [m.code for m in ehcp_clock.milestones(meeting)] == [
        "INVITATIONS",
        "MEETING",
        "REPORT",
        "LA_DECISION",
        "FINAL_PLAN",
    ]
    assert [m.due_on for m in ehcp_clock.milestones(meeting)] == sorted(
        m.due_on for m in ehcp_clock.milestones(meeting)
    )


@pytest.mark.parametrize(
    ("concluded", "due"),
    [
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),  # leap day re-bases to 28 February
        (dt.date(2023, 2, 28), dt.date(2024, 2, 28)),  # into a leap year: stays the 28th
        (dt.date(2025, 1, 31), dt.date(2026, 1, 31)),
        (dt.date(2025, 12, 31), dt.date(2026, 12, 31)),  # year end
        (dt.date(2025, 6, 15), dt.date(2026, 6, 15)),
    ],
)
def test_next_review_is_twelve_months_after_the_last_concluded(concluded, due) -> None:
    with time_machine.travel(dt.datetime.combine(concluded, dt.time(12), dt.UTC), tick=False):
        assert ehcp_clock.next_review_due(timezone.localdate()) == due


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 8, 31), 1, dt.date(2026, 9, 30)),
        (dt.date(2026, 11, 30), 2, dt.date(2027, 1, 30)),
        (dt.date(2026, 5, 20), -12, dt.date(2025, 5, 20)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected) -> None:
    assert ehcp_clock.add_months(day, months) == expected


def test_phase_transfer_deadlines_come_from_settings(settings) -> None:
    assert ehcp_clock.phase_transfer_deadline(
        2027, settings.SEND_HUB_PHASE_TRANSFER_SCHOOL
    ) == dt.date(2027, 2, 15)
    assert ehcp_clock.phase_transfer_deadline(
        2027, settings.SEND_HUB_PHASE_TRANSFER_POST16
    ) == dt.date(2027, 3, 31)
    assert ehcp_clock.phase_transfer_deadline(2028, "02-29") == dt.date(2028, 2, 29)


def test_preparing_for_adulthood_is_prompted_from_year_9() -> None:
    assert not ehcp_clock.covers_preparing_for_adulthood(None)
    assert not ehcp_clock.covers_preparing_for_adulthood(8)
    assert ehcp_clock.covers_preparing_for_adulthood(9)
    assert ehcp_clock.covers_preparing_for_adulthood(11)


@time_machine.travel(dt.datetime(2026, 5, 20, 8, 0, tzinfo=dt.UTC), tick=False)
def test_reminder_stages() -> None:
    today = timezone.localdate()
    stage = ehcp_clock.reminder_stage
    assert stage(today + dt.timedelta(15), today) is None
    assert stage(today + dt.timedelta(14), today) == "14"
    assert stage(today + dt.timedelta(8), today) == "14"
    assert stage(today + dt.timedelta(7), today) == "7"
    assert stage(today, today) == "due"
    assert stage(today - dt.timedelta(1), today) == "overdue"
