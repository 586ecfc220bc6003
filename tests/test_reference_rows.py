"""Reference rows from data migrations survive a flush (a transactional test's teardown)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from interventions.attendance.models import AttendanceCode
from interventions.plans.models import PlanKind
from records.models import RetentionRule


@pytest.mark.django_db(transaction=True)
def test_a_flush_puts_back_the_plan_kinds_attendance_codes_and_retention_defaults() -> None:
    present = AttendanceCode.objects.get(code="/")
    present.delete()  # a deliberate deletion is not undone while the table has other rows
    call_command("migrate", verbosity=0)
    assert not AttendanceCode.objects.filter(code="/").exists()

    call_command("flush", interactive=False, verbosity=0)

    assert AttendanceCode.objects.filter(code="/", category="PRESENT").exists()
    assert AttendanceCode.objects.count() > 30
    assert PlanKind.objects.exists()
    assert RetentionRule.objects.filter(school=None).exists()
