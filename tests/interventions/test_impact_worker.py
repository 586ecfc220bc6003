"""The impact report built by a real Celery worker against the real Redis."""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from pypdf import PdfReader

from interventions.models import ImpactReport, Intervention
from interventions.outcomes.impact import impact_figures
from interventions.outcomes.services import request_impact_report
from send_hub.celery import app as celery_app
from staff.models import Role
from tests.factories import PupilFactory, SchoolFactory, member
from tests.interventions.factories import (
    START,
    EnrolmentFactory,
    InterventionFactory,
    MeasureRecordFactory,
    ProgrammeFactory,
    deliver,
    goals,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _wait_until_built(intervention_id: int, seconds: float = 60) -> ImpactReport:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report = ImpactReport.objects.filter(intervention_id=intervention_id).first()
        if report is not None and report.built_at is not None:
            return report
        time.sleep(0.2)
    raise AssertionError("the worker did not build the impact report in time")


def test_worker_builds_the_pdf_with_the_computed_figures(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    school = SchoolFactory()
    programme = ProgrammeFactory(
        school=school, cost_per_staff_hour=Decimal("20.00"), measures=["GBO", "NUMERIC"]
    )
    intervention = InterventionFactory(
        school=school,
        programme=programme,
        name="Year 7 spelling booster",
        lead=member(school, Role.LSA, full_name="Lee Lead"),
        planned_sessions=8,
        fixed_costs=Decimal("12.00"),
    )
    pupils = [
        PupilFactory(school=school, legal_forename=name, legal_surname="Synthetic")
        for name in ("Ada", "Ben")
    ]
    for pupil, (before, after) in zip(pupils, ((2, 6), (5, 6)), strict=True):
        enrolment = EnrolmentFactory(intervention=intervention, pupil=pupil)
        goals(enrolment, "Spells ten key words")
        MeasureRecordFactory(enrolment=enrolment, gbo_1=before)
        MeasureRecordFactory(
            enrolment=enrolment, point="EXIT", taken_on=START + dt.timedelta(days=30), gbo_1=after
        )
    for n, minutes in enumerate((30, 30, 45)):
        deliver(
            intervention,
            START + dt.timedelta(days=n * 2),
            minutes=minutes,
            attendance={pupils[0]: "PRESENT", pupils[1]: "LATE" if n else "ABSENT"},
        )
    # 105 minutes x £20 an hour x 1 member of staff = £35.00, + £12.00 = £47.00; £23.50 each.
    figures = impact_figures(intervention)
    assert figures["cost"]["total"] == "47.00"

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            Intervention.objects.filter(pk=intervention.pk).update(status="COMPLETED")
            intervention.refresh_from_db()
            request_impact_report(intervention)
            # Nothing is sent before the commit.
            assert ImpactReport.objects.get(intervention=intervention).built_at is None
        report = _wait_until_built(intervention.pk)

    assert report.figures["cost"]["total"] == "47.00"
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # Lines wrap where the layout puts them: compare with single spaces.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in (
        "Year 7 spelling booster",
        "3 / 8",  # sessions delivered of planned
        "£47.00",  # total cost
        "£23.50",  # per pupil
        "5 of 6 (83.3%)",  # attendance: Ada 3 of 3, Ben 2 of 3
        "1 of 2 goals (50%)",  # reliable change: Ada 2 -> 6; Ben 5 -> 6
        "Ada Synthetic",
    ):
        assert expected in text, f"{expected!r} not in the PDF: {text}"
