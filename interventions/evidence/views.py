"""The provision ledger's pages: the school's lines at a glance, and one pupil's week by week.

The SENDCo and leaders open them (``interventions.view_provision``, as the provision map).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from interventions.evidence import ledger
from pupils.models import Pupil
from send_hub.http import SchoolHttpRequest
from staff.permissions import get_object_for, requires

CAPABILITY = "interventions.view_provision"


@dataclass
class LedgerRow:
    pupil: Pupil
    lines: list[ledger.Line]
    below: list[ledger.Line]


@requires(CAPABILITY)
@require_safe
def ledger_school(request: SchoolHttpRequest) -> HttpResponse:
    """List every pupil's provision lines this year: delivered against planned, the last four
    school weeks, and the lines under the school's threshold first."""
    school_id, today = request.school.pk, timezone.localdate()
    start, end = ledger.pupil_ledger_window(school_id, today)
    lines = ledger.ledger(school_id, start, end)
    threshold = ledger.threshold_of(school_id)
    pupils = {
        p.pk: p
        for p in Pupil.objects.visible_to(request.user).filter(
            pk__in={line.pupil_id for line in lines}
        )
    }
    by_pupil: dict[int, list[ledger.Line]] = defaultdict(list)
    for line in lines:
        if line.pupil_id in pupils:
            by_pupil[line.pupil_id].append(line)
    rows = [
        LedgerRow(pupils[pk], found, [line for line in found if line.below(threshold)])
        for pk, found in by_pupil.items()
    ]
    rows.sort(key=lambda r: (not r.below, r.pupil.legal_surname, r.pupil.pk))
    context = {
        "rows": rows,
        "threshold": threshold,
        "start": start,
        "end": end,
        "below_count": sum(1 for r in rows if r.below),
    }
    return render(request, "interventions/evidence/ledger.html", context)


def pupil_lines(pupil: Pupil, today: dt.date) -> dict[str, Any]:
    """Return one pupil's ledger this year with the school's threshold (the page and the pack)."""
    lines = ledger.lines_for_pupils(pupil.school_id, [pupil.pk], today)
    threshold = ledger.threshold_of(pupil.school_id)
    start, end = ledger.pupil_ledger_window(pupil.school_id, today)
    return {"lines": lines, "threshold": threshold, "start": start, "end": end}


@requires(CAPABILITY)
@require_safe
def ledger_pupil(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Show one pupil's provision lines week by week, each shortfall with its reasons."""
    pupil = get_object_for(request, Pupil.objects.all(), pk, CAPABILITY)
    context = {"pupil": pupil, **pupil_lines(pupil, timezone.localdate())}
    return render(request, "interventions/evidence/ledger_pupil.html", context)
