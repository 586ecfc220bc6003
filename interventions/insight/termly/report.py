"""The termly report itself: its figures, charts and PDF, asking for a build, and building."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from interventions.insight.models import TermlyReport
from interventions.insight.outcomes import (
    hbar_chart,
    outcome_tallies,
    total_of,
    windows_of,
)
from interventions.insight.termly.counts import (
    DASH,
    FIGURES_VERSION,
    STALE_BUILD,
    overdue_list,
    provision_counts,
    register_counts,
    review_counts,
)
from interventions.insight.termly.placements import connect_counts, removal_counts
from interventions.insight.termly.present import (
    present_connect,
    present_outcome,
    present_provision,
    present_register,
    present_removals,
    present_reviews,
)
from interventions.outcomes.measures import gbo_reliable_change
from send_hub.lib.replica import replica_reads
from send_hub.lib.tasks import enqueue_on_commit
from staff.audit import log_action
from staff.models import School, User
from staff.terms import Term, term_from_key

# --- The report ------------------------------------------------------------------------------


def outcome_charts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two charts of the presented programme rows: reliable-change share and cost per pupil."""
    reliable = hbar_chart(
        "Pupils with reliable change (GBO)",
        [
            (r["name"], r["reliable"]["pct"], r["reliable"]["shown"])
            for r in rows
            if r["gbo_goals"] or r["reliable"]["suppressed"]
        ],
        100,
    )
    cost = hbar_chart(
        "Cost per pupil this term",
        [
            (r["name"], _amount(r["cost_per_pupil"]), r["cost_per_pupil"])
            for r in rows
            if r["cost_per_pupil"] != DASH
        ],
    )
    return [c for c in (reliable, cost) if c]


def _amount(shown: str) -> float | None:
    """The number in "£1,234.50" (None for "fewer than 5" or a dash)."""
    try:
        return float(shown.lstrip("£").replace(",", ""))
    except ValueError:
        return None


def termly_figures(
    school: School, term: Term, version: str, *, today: dt.date | None = None
) -> dict[str, Any]:
    """Return the termly report's figures for ``school`` and ``term``, JSON-safe.

    ``version`` is TermlyReport.Version: the governors' figures are stored already suppressed,
    so nothing under 5 (and no name) is ever kept in them. A term still running is counted to
    ``today``.
    """
    today = today or timezone.localdate()
    governors = version == TermlyReport.Version.GOVERNORS
    windows = windows_of({school.pk: term}, upto=today)
    if not windows:
        raise ValueError(f"{term.name} has not started yet: there is nothing to report.")
    sid = school.pk
    start, end = windows[sid]
    rows = outcome_tallies(windows)
    outcomes = [present_outcome(r.figures(), governors) for r in rows]
    total = present_outcome(total_of(rows).figures(), governors)
    running = end < term.end
    return {
        "version": FIGURES_VERSION,
        "edition": version,
        "governors": governors,
        "school": school.name,
        "term": {"key": term.key, "name": term.name, "recorded": term.recorded},
        "window": [start.isoformat(), end.isoformat()],
        "running": running,
        "threshold": gbo_reliable_change(),
        "register": present_register(register_counts(windows)[sid], governors),
        "provision": present_provision(provision_counts(windows)[sid], governors),
        "outcomes": {"rows": outcomes, "total": total, "charts": outcome_charts(outcomes)},
        "reviews": present_reviews(review_counts(windows, today=today)[sid], governors),
        "connect": present_connect(connect_counts(windows)[sid], governors),
        "removals": present_removals(removal_counts(windows)[sid], governors),
        "overdue": [] if governors or not running else overdue_list(sid, today),
    }


def render_termly_pdf(figures: dict[str, Any], *, built_at: dt.datetime) -> bytes:
    """Return the termly report's PDF drawn from ``figures``."""
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    html = render_to_string(
        "interventions/insight/termly_pdf.html",
        {"figures": figures, "built_at": timezone.localtime(built_at)},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


# --- Asking for a build, and building -------------------------------------------------------


class TermlyReportError(Exception):
    """The report cannot be built as asked; the message says why."""


def termly_report_request(
    *, school: School, term: Term, version: str, by: User, today: dt.date | None = None
) -> tuple[TermlyReport, bool]:
    """Ask for the school's termly report to be built once this transaction commits.

    Returns the report and whether a build was queued: a second request while one is queued or
    building (a double click, two leaders at once) queues nothing and returns the same row.
    """
    today = today or timezone.localdate()
    if version not in TermlyReport.Version.values:
        raise TermlyReportError("Choose the leaders' or the governors' version.")
    if term.start > today:
        raise TermlyReportError(f"{term.name} has not started yet: there is nothing to report.")
    now = timezone.now()
    with transaction.atomic():
        TermlyReport.objects.get_or_create(school=school, term_key=term.key, version=version)
        report = TermlyReport.objects.select_for_update().get(
            school=school, term_key=term.key, version=version
        )
        started = report.started_at or report.requested_at
        if report.in_progress and started and now - started < STALE_BUILD:
            return report, False
        report.status = TermlyReport.Status.QUEUED
        report.requested_by = by
        report.requested_at = now
        report.started_at = None
        report.error = ""
        report.save(update_fields=["status", "requested_by", "requested_at", "started_at", "error"])
        log_action(
            report,
            "interventions.termly_report.requested",
            actor=by,
            school=school,
            data={"term": term.key, "version": version},
        )
        enqueue_on_commit("interventions.tasks.termly_report_build_task", report.pk)
    return report, True


def termly_report_build(*, report_id: int) -> TermlyReport | None:
    """Build a queued termly report: claim it, count, draw the PDF, store both.

    Safe to run twice: only a run that moves the row from queued to building does the work
    (a conditional UPDATE), so a repeated or late task returns None and changes nothing.
    """
    claimed = TermlyReport.objects.filter(pk=report_id, status=TermlyReport.Status.QUEUED).update(
        status=TermlyReport.Status.BUILDING, started_at=timezone.now()
    )
    if not claimed:
        return None
    report = TermlyReport.objects.select_related("school").get(pk=report_id)
    try:
        term = term_from_key(report.school_id, report.term_key)
        if term is None:
            raise TermlyReportError(f"“{report.term_key}” is not a term.")
        now = timezone.now()
        with replica_reads():  # the figures are the heavy part: a replica can take them
            figures = termly_figures(report.school, term, report.version)
        pdf = render_termly_pdf(figures, built_at=now)
    except OSError:
        # Storage or fonts briefly unavailable: back in the queue for the task's retry.
        TermlyReport.objects.filter(pk=report_id).update(
            status=TermlyReport.Status.QUEUED, started_at=None
        )
        raise
    except Exception as exc:
        TermlyReport.objects.filter(pk=report_id).update(
            status=TermlyReport.Status.FAILED, error=str(exc)[:300]
        )
        raise
    with transaction.atomic():
        report = TermlyReport.objects.select_for_update().get(pk=report_id)
        old_name = report.pdf.name
        report.pdf.save(
            f"{report.term_key.lower()}-{report.version.lower()}.pdf", ContentFile(pdf), save=False
        )
        if old_name and old_name != report.pdf.name:
            storage = report.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        report.figures = figures
        report.status = TermlyReport.Status.READY
        report.built_at = now
        report.save(update_fields=["pdf", "figures", "status", "built_at"])
    return report


def termly_reports_pending_ids(now: dt.datetime | None = None) -> list[int]:
    """Return reports to send again: queued but never started (the broker was down), or
    building for longer than a build can take (the worker died); the latter go back to queued."""
    now = now or timezone.now()
    stale = now - STALE_BUILD
    TermlyReport.objects.filter(status=TermlyReport.Status.BUILDING, started_at__lt=stale).update(
        status=TermlyReport.Status.QUEUED, started_at=None
    )
    return list(
        TermlyReport.objects.filter(
            status=TermlyReport.Status.QUEUED, requested_at__lt=now - dt.timedelta(minutes=2)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
