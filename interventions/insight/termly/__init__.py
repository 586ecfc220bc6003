"""The termly impact report for leaders and governors: counts, presenting them, and the report."""

from interventions.insight.termly.counts import (
    count_cell,
    provision_counts,
    register_counts,
    share_cell,
    suppress_partition,
)
from interventions.insight.termly.placements import connect_counts, removal_counts
from interventions.insight.termly.present import present_outcome
from interventions.insight.termly.report import (
    TermlyReportError,
    outcome_charts,
    render_termly_pdf,
    termly_figures,
    termly_report_build,
    termly_report_request,
    termly_reports_pending_ids,
)

__all__ = [
    "TermlyReportError",
    "connect_counts",
    "count_cell",
    "outcome_charts",
    "present_outcome",
    "provision_counts",
    "register_counts",
    "removal_counts",
    "render_termly_pdf",
    "share_cell",
    "suppress_partition",
    "termly_figures",
    "termly_report_build",
    "termly_report_request",
    "termly_reports_pending_ids",
]
