"""Minutes of delivered sessions per member of staff, for the deployment comparison."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Sum

from interventions.delivery.models import Session
from staff.models import School

# Delivering an intervention is time with pupils.
ACTIVITY = "PUPIL_SUPPORT"


def session_minutes(
    *, school: School, week_start: dt.date, user_ids: Sequence[int]
) -> dict[int, dict[str, int]]:
    """Return {user id: {activity: minutes}} delivered in the week (leads and assistants)."""
    week = Session.objects.delivered().filter(
        intervention__school=school,
        date__gte=week_start,
        date__lt=week_start + dt.timedelta(days=7),
    )
    minutes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    led = week.filter(intervention__lead_id__in=user_ids).values("intervention__lead_id")
    for lead in led.annotate(total=Sum("minutes")):
        minutes[lead["intervention__lead_id"]][ACTIVITY] += lead["total"] or 0
    assisted = week.filter(intervention__assistants__in=user_ids).values("intervention__assistants")
    for assistant in assisted.annotate(total=Sum("minutes")):
        minutes[assistant["intervention__assistants"]][ACTIVITY] += assistant["total"] or 0
    return {user: dict(acts) for user, acts in minutes.items()}
