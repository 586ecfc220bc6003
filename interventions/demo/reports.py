"""Last term's impact reports for leaders and governors, asked for as the SENDCo would."""

from __future__ import annotations

from django.utils import timezone

from interventions.insight.models import TermlyReport
from interventions.insight.termly import termly_report_request
from staff import terms
from staff.models import School, User


def request_last_terms_reports(school: School, sendco: User) -> None:
    """Ask for last term's impact report for leaders and for governors (built after commit)."""
    if TermlyReport.objects.filter(school=school).exists():
        return
    last_term = terms.recent_terms(school.pk, timezone.localdate(), count=2)[-1]
    for version in TermlyReport.Version.values:
        termly_report_request(school=school, term=last_term, version=version, by=sendco)
