"""What is due: the SENDCo's review calendar, and each person's in-app reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from interventions.ehcp import clock as ehcp_clock
from interventions.ehcp.models import EHCP, AnnualReview, live
from interventions.plans.models import SupportPlan
from interventions.reminders.models import Notification
from pupils.models import Pupil
from send_hub.http import SchoolHttpRequest
from send_hub.lib.dates import nice_date
from staff import terms
from staff.permissions import get_object_for, requires


@requires("interventions.ehcp_calendar")
@require_GET
def calendar(request: SchoolHttpRequest) -> HttpResponse:
    """List plan reviews and EHCP milestones of this half term (or the next), overdue first.

    Half terms are the school's recorded term dates (staff.terms), or typical dates until the
    school records its own; in a holiday "this half term" is the one about to start.
    """
    today = timezone.localdate()
    # This half term, the next and the one after (one query).
    halves = terms.half_terms_from(request.school.pk, today, 3)
    showing_next = request.GET.get("half") == "next"
    half, after = (halves[1], halves[2]) if showing_next else (halves[0], halves[1])
    # A half term's window runs on through the holiday after it, to the next one's first day.
    until = after.start - dt.timedelta(days=1)
    items: list[dict[str, Any]] = []
    # Only what the list shows: a pupil's name, a plan's kind and dates.
    named = [f"pupil__{f}" for f in Pupil.NAME_FIELDS]
    plans = (
        SupportPlan.objects.select_related("pupil", "kind")
        .visible_to(request.user)
        .review_due_by(until)
        .only("next_review_on", "kind__name", *named)
    )
    for plan in plans:
        items.append(
            {
                "due_on": plan.next_review_on,
                "what": f"{plan.kind} review",
                "pupil": plan.pupil,
                "url": reverse("interventions:plan", args=[plan.pk]),
            }
        )
    ehcps = (
        EHCP.objects.visible_to(request.user)
        .review_due_by(until)
        .select_related("pupil")
        .only("next_review_due", *named)
    )
    for ehcp in ehcps:
        items.append(
            {
                "due_on": ehcp.next_review_due,
                "what": "EHCP annual review due",
                "pupil": ehcp.pupil,
                "url": reverse("interventions:ehcp", args=[ehcp.pk]),
            }
        )
    transfers = (
        EHCP.objects.visible_to(request.user)
        .live()
        .filter(transfer_year__in=[until.year, until.year + 1])
        .exclude(phase_transfer="")
        .select_related("pupil")
        .only("phase_transfer", "transfer_year", *named)
    )
    for ehcp in transfers:
        due = ehcp_clock.transfer_deadline(ehcp.phase_transfer, ehcp.transfer_year)
        if due and today <= due <= until:  # no "done" record: shown until the day
            what = f"EHCP phase transfer: amended plan by {nice_date(due)}"
            url = reverse("interventions:ehcp", args=[ehcp.pk])
            items.append({"due_on": due, "what": what, "pupil": ehcp.pupil, "url": url})
    # Which steps are due is worked out below, step by step, by the rule of
    # AnnualReview.objects.with_milestone_due_by (a deadline by ``until``, not done, still
    # expected); the database only narrows the reviews to those with a deadline by then.
    earliest = min(ehcp_clock.milestone_offsets().values())
    reviews = (
        AnnualReview.objects.visible_to(request.user)
        .open()
        .filter(live("ehcp__"), meeting_on__lte=until - earliest)
        .select_related("ehcp__pupil")
        .only("meeting_on", "la_decision", *(f"ehcp__{f}" for f in named))
        .prefetch_related("steps")
    )
    for review in reviews:
        done = {s.step for s in review.steps.all()}
        for m in ehcp_clock.milestones(review.meeting_on):
            if m.code not in done and m.due_on <= until and review.expects(m.code):
                items.append(
                    {
                        "due_on": m.due_on,
                        "what": f"EHCP: {m.label}",
                        "pupil": review.ehcp.pupil,
                        "url": reverse("interventions:ehcp_review", args=[review.pk]),
                    }
                )
    items.sort(key=lambda i: i["due_on"])
    overdue = [i for i in items if i["due_on"] < today]
    upcoming = [i for i in items if i["due_on"] >= today]
    return render(
        request,
        "interventions/reminders/calendar.html",
        {
            "overdue": overdue,
            "upcoming": [i for i in upcoming if not showing_next or i["due_on"] >= half.start],
            "today": today,
            "until": until,
            "half": half,
            "showing_next": showing_next,
        },
    )


@requires("interventions.notifications")
@require_GET
def notifications(request: SchoolHttpRequest) -> HttpResponse:
    """List the signed-in person's reminders, unread first."""
    items = Notification.objects.visible_to(request.user)[:200]
    return render(request, "interventions/reminders/notifications.html", {"items": items})


@requires("interventions.notifications")
@require_POST
def notification_read(request: SchoolHttpRequest, pk: int) -> HttpResponse:
    """Mark one reminder as read."""
    note = get_object_for(request, Notification.objects, pk, "interventions.notifications")
    Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("interventions:notifications")
