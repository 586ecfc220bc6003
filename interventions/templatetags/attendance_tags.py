"""The pupil page's attendance panel (the pupils app cannot import interventions: its page
loads this tag, as it does Connect's and the plans')."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context
from django.utils import timezone

from interventions.attendance import figures, offsite
from interventions.attendance.models import EarlyWarning
from pupils.models import Pupil
from send_hub.lib import charts
from send_hub.lib.dates import nice_day
from staff.permissions import can

register = template.Library()
PANEL_WEEKS = 8


@register.inclusion_tag("interventions/attendance/pupil_panel.html", takes_context=True)
def pupil_attendance_panel(context: Context, pupil: Pupil) -> dict[str, Any]:
    """Show the pupil's attendance this term and year, the last weeks as a chart, and an open
    early warning, to those who may see them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can(user, "interventions.attendance_view", pupil):
        return {"show": False}
    today = timezone.localdate()
    summary = figures.pupil_summary(pupil=pupil, today=today, weeks_shown=PANEL_WEEKS)
    return {
        "show": True,
        "pupil": pupil,
        "term": summary.term,
        "year": summary.year,
        "week_bars": charts.bars(
            [(nice_day(day), float(r.percent or 0)) for day, r in summary.weeks],
            height=60,
            width=400,
        ),
        "flag": EarlyWarning.objects.open().filter(pupil=pupil).first(),
        "may_monitor": can(user, "interventions.attendance_monitor", pupil),
        "where": offsite.where_now(pupil, today),
        "may_offsite": can(user, "interventions.attendance_offsite", pupil),
    }
