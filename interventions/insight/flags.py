"""The SENDCo's flags: which pupils need a look, and why.

Every flag is a filter on the pupils the viewer may see (``Pupil.objects.visible_to``), built
from ``Exists`` subqueries, so counting it is one query whatever the number of pupils, and its
list page is the same filter, paginated. Each flag uses the app's one rule for what it counts,
as the reminders and the calendar do: ``delivery.models.quiet`` for "no session",
``enrolments_missing_exit_measure``, ``EHCP.objects.review_due_by``,
``AnnualReview.objects.with_milestone_due_by`` and ``SupportPlan.objects.review_due_by``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from interventions.connect.models import CheckIn, Placement
from interventions.delivery.models import (
    Enrolment,
    last_session_dates,
    quiet,
    quiet_days,
)
from interventions.ehcp import clock as ehcp_clock
from interventions.insight.dashboard import (
    DUE_WITHIN_DAYS,
    SEN,
    TREND_DROP,
    TREND_RECENT_DAYS,
    TREND_RUN,
    Reason,
    _transfer_settings,
    annual_reviews_with_milestones_due,
    arrangements_without_evidence,
    base_pupils,
    ehcp_reviews_due,
    exit_measures_missing,
    phase_transfers_due,
    placements_past_planned_length,
    when_words,
    with_checkin_trend,
)
from interventions.outcomes.measures import (
    EXIT_MEASURE_WINDOW_DAYS,
)
from interventions.plans.models import SupportPlan
from pupils.models import (
    AccessArrangement,
    Pupil,
    PupilQuerySet,
    SENStatus,
)


def _pupil(queryset: QuerySet[Any], path: str = "pupil") -> Exists:
    return Exists(queryset.filter(**{path: OuterRef("pk")}))


def _select_no_provision(pupils: PupilQuerySet, today: dt.date) -> PupilQuerySet:
    sen = SENStatus.objects.filter(end_date__isnull=True, provision__in=SEN)
    return (
        pupils.filter(_pupil(sen))
        .exclude(_pupil(Enrolment.objects.current(today)))
        .exclude(_pupil(Placement.objects.current()))
    )


def _select_no_session(pupils: PupilQuerySet, today: dt.date) -> PupilQuerySet:
    return pupils.filter(quiet(today=today))


def _select_plan_review(pupils: PupilQuerySet, today: dt.date) -> PupilQuerySet:
    due = SupportPlan.objects.review_due_by(today + dt.timedelta(DUE_WITHIN_DAYS))
    return pupils.filter(_pupil(due))


def _select_ehcp(pupils: PupilQuerySet, today: dt.date) -> PupilQuerySet:
    # Uncorrelated IN lists: the database works out the few EHCPs due once, rather than
    # checking every step of every open review again for each pupil.
    return pupils.filter(
        Q(pk__in=ehcp_reviews_due(today).values("pupil_id"))
        | Q(pk__in=annual_reviews_with_milestones_due(today).values("ehcp__pupil_id"))
        | Q(pk__in=phase_transfers_due(today).values("pupil_id"))
    )


def _select_exit_measure(pupils: PupilQuerySet, today: dt.date) -> PupilQuerySet:
    return pupils.filter(_pupil(exit_measures_missing(today)))


def _select_checkin_trend(pupils: PupilQuerySet, today: dt.date) -> PupilQuerySet:
    recent = CheckIn.objects.filter(date__gte=today - dt.timedelta(TREND_RECENT_DAYS))
    return (
        with_checkin_trend(pupils.filter(_pupil(recent)))
        .filter(earlier_count=TREND_RUN)
        .filter(recent_total__lte=F("earlier_total") - TREND_DROP * TREND_RUN)
    )


def _select_connect(pupils: PupilQuerySet, today: dt.date) -> PupilQuerySet:
    return pupils.filter(_pupil(placements_past_planned_length(today)))


def _select_access(pupils: PupilQuerySet, today: dt.date) -> PupilQuerySet:
    return pupils.filter(_pupil(arrangements_without_evidence(today)))


def _group(rows: Iterable[tuple[int, Reason]]) -> dict[int, list[Reason]]:
    grouped: dict[int, list[Reason]] = {}
    for pupil_id, reason in rows:
        grouped.setdefault(pupil_id, []).append(reason)
    return grouped


def _why_no_provision(ids: list[int], today: dt.date) -> dict[int, list[Reason]]:
    # A completed intervention leaves its enrolments open: it ended when the intervention did.
    last = (
        Enrolment.objects.filter(pupil_id__in=ids)
        .annotate(ended=Coalesce("left_on", "intervention__completed_on"))
        .filter(ended__isnull=False)
        .order_by("pupil_id", "-ended")
        .values_list("pupil_id", "intervention__name", "ended")
    )
    seen: dict[int, list[Reason]] = {}
    for pupil_id, name, left_on in last:
        if pupil_id not in seen:
            seen[pupil_id] = [Reason(f"Last provision: {name}, ended {left_on:%-d %b %Y}")]
    return {pid: seen.get(pid, [Reason("No provision recorded")]) for pid in ids}


def _why_no_session(ids: list[int], today: dt.date) -> dict[int, list[Reason]]:
    last = last_session_dates(ids)
    running = (
        Enrolment.objects.current(today).filter(pupil_id__in=ids).order_by("intervention__name")
    )
    rows: list[tuple[int, Reason]] = []
    for pid in ids:
        day = last.get(pid)
        text = (
            f"Last session {day:%-d %b %Y} ({(today - day).days} days ago)"
            if day
            else "No session logged yet"
        )
        rows.append((pid, Reason(text)))
    for pid, ivn_pk, name in running.values_list(
        "pupil_id", "intervention_id", "intervention__name"
    ):
        rows.append((pid, Reason(f"In {name}", reverse("interventions:detail", args=[ivn_pk]))))
    return _group(rows)


def _why_plan_review(ids: list[int], today: dt.date) -> dict[int, list[Reason]]:
    plans = (
        SupportPlan.objects.review_due_by(today + dt.timedelta(DUE_WITHIN_DAYS))
        .filter(pupil_id__in=ids)
        .order_by("next_review_on")
        .values_list("pupil_id", "pk", "kind__name", "next_review_on")
    )
    rows = []
    for pid, pk, kind, due in plans:
        if due is None:  # never: review_due_by() keeps plans with a review date
            continue
        words, late = when_words(due, today)
        text = f"{kind} review {words} ({due:%-d %b %Y})"
        rows.append((pid, Reason(text, reverse("interventions:plan", args=[pk]), late)))
    return _group(rows)


def _why_ehcp(ids: list[int], today: dt.date) -> dict[int, list[Reason]]:
    horizon = today + dt.timedelta(DUE_WITHIN_DAYS)
    calendar = reverse("interventions:calendar")
    rows: list[tuple[int, Reason, dt.date]] = []
    for pid, due in (
        ehcp_reviews_due(today).filter(pupil_id__in=ids).values_list("pupil_id", "next_review_due")
    ):
        words, late = when_words(due, today)
        rows.append((pid, Reason(f"Annual review {words} ({due:%-d %b %Y})", calendar, late), due))
    reviews = annual_reviews_with_milestones_due(today).filter(ehcp__pupil_id__in=ids)
    for review in reviews.select_related("ehcp").only("meeting_on", "la_decision", "ehcp__pupil"):
        for m in ehcp_clock.milestones(review.meeting_on):
            done = getattr(review, f"done_{m.code.lower()}")
            if done or m.due_on > horizon or not review.expects(m.code):
                continue
            words, late = when_words(m.due_on, today)
            text = f"{m.label}: {words} ({m.due_on:%-d %b %Y})"
            rows.append((review.ehcp.pupil_id, Reason(text, calendar, late), m.due_on))
    settings_by_kind = dict(_transfer_settings())
    for pid, kind, year in (
        phase_transfers_due(today)
        .filter(pupil_id__in=ids)
        .values_list("pupil_id", "phase_transfer", "transfer_year")
    ):
        if year is None:  # never: phase_transfers_due() matches a transfer year
            continue
        due = ehcp_clock.phase_transfer_deadline(year, settings_by_kind[kind])
        words, late = when_words(due, today)
        text = f"Phase transfer: amended plan {words} ({due:%-d %b %Y})"
        rows.append((pid, Reason(text, calendar, late), due))
    rows.sort(key=lambda r: r[2])
    return _group((pid, reason) for pid, reason, _ in rows)


def _why_exit_measure(ids: list[int], today: dt.date) -> dict[int, list[Reason]]:
    ended = (
        exit_measures_missing(today)
        .filter(pupil_id__in=ids)
        .order_by("ended_on")
        .values_list("pupil_id", "pk", "intervention_id", "intervention__name", "ended_on")
    )
    return _group(
        (
            pid,
            Reason(
                f"{name}: ended {left_on:%-d %b %Y}, no exit measure",
                reverse("interventions:measures", args=[ivn_pk, pk]),
            ),
        )
        for pid, pk, ivn_pk, name, left_on in ended
    )


def _why_checkin_trend(ids: list[int], today: dt.date) -> dict[int, list[Reason]]:
    trends = with_checkin_trend(Pupil.objects.filter(pk__in=ids)).values_list(
        "pk", "recent_total", "earlier_total"
    )
    return {
        pid: [
            Reason(
                f"Mean of the last {TREND_RUN} check-ins {Decimal(recent) / TREND_RUN:.1f}, "
                f"of the {TREND_RUN} before {Decimal(earlier) / TREND_RUN:.1f}"
            )
        ]
        for pid, recent, earlier in trends
    }


def _why_connect(ids: list[int], today: dt.date) -> dict[int, list[Reason]]:
    placements = (
        placements_past_planned_length(today)
        .filter(pupil_id__in=ids)
        .values_list("pupil_id", "pk", "room__name", "start_date", "planned_weeks")
    )
    rows = []
    for pid, pk, room, start, weeks in placements:
        end = start + dt.timedelta(weeks=weeks)
        # Still running: the planned end has passed, the placement has not ended.
        text = (
            f"{room} since {start:%-d %b %Y}, still running: planned for {weeks} weeks, "
            f"to {end:%-d %b %Y} ({(today - end).days} days over)"
        )
        rows.append(
            (pid, Reason(text, reverse("interventions:connect_placement", args=[pk]), True))
        )
    return _group(rows)


def _why_access(ids: list[int], today: dt.date) -> dict[int, list[Reason]]:
    labels = dict(AccessArrangement.Kind.choices)
    rows = []
    for pid, kind, nwow, assessed in (
        arrangements_without_evidence(today)
        .filter(pupil_id__in=ids)
        .order_by("kind")
        .values_list("pupil_id", "kind", "normal_way_of_working", "assessment_date")
    ):
        missing = [
            words
            for words, absent in (
                ("normal way of working", not nwow),
                ("assessment date", assessed is None),
            )
            if absent
        ]
        text = f"{labels.get(kind, kind)}: no {' or '.join(missing)}"
        rows.append((pid, Reason(text, reverse("pupils:detail", args=[pid]))))
    return _group(rows)


@dataclass(frozen=True)
class Flag:
    slug: str
    title: str
    rule: str
    select: Callable[[PupilQuerySet, dt.date], PupilQuerySet]
    why: Callable[[list[int], dt.date], dict[int, list[Reason]]]


def _flags() -> list[Flag]:
    quiet = quiet_days()
    return [
        Flag(
            "no-provision",
            "SEN support or EHCP, no current provision",
            "On SEN support (K) or with an EHCP (E), and neither enrolled in a running "
            "intervention nor placed in Connect today.",
            _select_no_provision,
            _why_no_provision,
        ),
        Flag(
            "no-session",
            f"No session for {quiet} days",
            f"Enrolled in a running intervention for at least {quiet} days, and no session "
            f"logged for them (attended or not) in the last {quiet} days: the rule the "
            "caseload reminders use.",
            _select_no_session,
            _why_no_session,
        ),
        Flag(
            "plan-review",
            "Plan review overdue or due",
            f"An open support plan whose next review is past or within {DUE_WITHIN_DAYS} days.",
            _select_plan_review,
            _why_plan_review,
        ),
        Flag(
            "ehcp",
            "EHCP deadline late or due",
            "A live EHCP whose annual review is late or due within "
            f"{DUE_WITHIN_DAYS} days with no review under way; a review in progress with a "
            f"statutory step (invitations, meeting, report, LA decision, amended plan) not done "
            f"whose deadline is past or within {DUE_WITHIN_DAYS} days; or a phase-transfer "
            f"deadline within {DUE_WITHIN_DAYS} days.",
            _select_ehcp,
            _why_ehcp,
        ),
        Flag(
            "exit-measure",
            "Exit measure missing",
            f"Left an intervention in the last {EXIT_MEASURE_WINDOW_DAYS} days whose programme "
            "uses measures, with no exit measure recorded: the rule the reminders use.",
            _select_exit_measure,
            _why_exit_measure,
        ),
        Flag(
            "checkin-trend",
            "Check-ins falling",
            f"At least {2 * TREND_RUN} check-ins, the newest in the last {TREND_RECENT_DAYS} "
            f"days, and the mean of the newest {TREND_RUN} at least {TREND_DROP} point lower "
            f"than the mean of the {TREND_RUN} before (1-5 scale; a zone alone counts green 5, "
            "yellow or blue 3, red 1).",
            _select_checkin_trend,
            _why_checkin_trend,
        ),
        Flag(
            "connect-overdue",
            "Connect placement past its planned length",
            "A current Connect placement (active or reintegrating) that has run longer than "
            "its planned weeks.",
            _select_connect,
            _why_connect,
        ),
        Flag(
            "access-evidence",
            "Access arrangements without evidence",
            "An exam access arrangement still valid with no normal way of working or no "
            "assessment date recorded.",
            _select_access,
            _why_access,
        ),
    ]


def flags() -> list[Flag]:
    """Return the dashboard's flags in the order the page shows them."""
    return _flags()


def flag_by_slug(slug: str) -> Flag | None:
    """Return the flag named ``slug`` in a URL, or None."""
    return next((f for f in _flags() if f.slug == slug), None)


def flag_counts(user: Any, today: dt.date) -> list[tuple[Flag, int]]:
    """Count each flag's pupils: one query per flag, whatever the number of pupils."""
    pupils = base_pupils(user)
    return [(flag, flag.select(pupils, today).count()) for flag in _flags()]
