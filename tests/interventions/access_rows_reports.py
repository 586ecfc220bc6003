"""Access-matrix rows for what works, the termly reports and the trust view.

What works and the termly reports are for the school's leaders (pupils.view_register: the
SENDCo and the head); another school's leaders see their own school's pages, and another
school's report is 404. The trust view needs a trust-wide role, which no persona here holds:
403 for everyone signed in (tests/interventions/test_trust_view.py covers a trust lead).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from interventions.models import TermlyReport
from tests.access import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Row
from tests.conftest import World


def _report(w: World) -> list[Any]:
    report = TermlyReport.objects.create(
        school=w.school,
        term_key="2025-AUTUMN",
        version=TermlyReport.Version.GOVERNORS,
        status=TermlyReport.Status.READY,
        built_at=timezone.now(),
    )
    report.pdf.save("report.pdf", ContentFile(b"%PDF-1.4 synthetic"), save=True)
    return [report.pk]


LEADERS = {"sendco": OK, "head": OK, "other_school": OK}

ROWS: dict[str, Row] = {
    "interventions:what_works": Row(default=FORBIDDEN, expect=LEADERS),
    "interventions:termly_reports": Row(default=FORBIDDEN, expect=LEADERS),
    "interventions:termly_report_build": Row(
        default=FORBIDDEN,
        expect={"sendco": NOT_ALLOWED, "head": NOT_ALLOWED, "other_school": NOT_ALLOWED},
    ),
    "interventions:termly_report_download": Row(
        args=_report,
        default=FORBIDDEN,
        expect={"sendco": OK, "head": OK, "other_school": NOT_FOUND},
        post={"other_school": NOT_ALLOWED},  # the method is checked before the report
    ),
    "interventions:trust": Row(default=FORBIDDEN, post_refused=NOT_ALLOWED),
}
