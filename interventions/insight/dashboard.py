"""The SENDCo's dashboard: register counts, flags that open the pupils behind them, and each
member of staff's caseload and sessions this week.

Every flag is a filter on the pupils the viewer may see (``Pupil.objects.visible_to``), built
from ``Exists`` subqueries, so counting it is one query whatever the number of pupils, and its
list page is the same filter, paginated. Where another part of the app already has the rule
(reminders for "no session" and "exit measure missing", ``ehcp_clock.milestones`` for EHCP
deadlines, ``SupportPlan.objects.review_due_by`` for plan reviews) the flag uses that rule.

No safeguarding information is computed here: the dashboard's template asks the safeguarding
app's own tag for its neutral counts, which it gives only to the DSL team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from interventions import ehcp_clock
from interventions.insight.provision import DaysBetween, planned_sessions, school_time
from interventions.measures import EXIT_MEASURE_WINDOW_DAYS, enrolments_missing_exit_measure
from interventions.models import (
    EHCP,
    AnnualReview,
    AnnualReviewStep,
    CheckIn,
    Enrolment,
    Intervention,
    Placement,
    ScheduleSlot,
    Session,
    SessionAttendance,
    SupportPlan,
    Zone,
)
from pupils.models import (
    NC_YEAR_CHOICES,
    AccessArrangement,
    KeyAdult,
    NeedType,
    Provision,
    Pupil,
    SENStatus,
)
from send_hub.lib.db import count_of, total_of
from staff.models import Membership, MembershipRole
from staff.permissions import CASELOAD_ROLES

DUE_WITHIN_DAYS = 14  # plan reviews and EHCP deadlines: late, or due in the next 14 days
# Falling check-in trend: the newest TREND_RUN check-ins against the TREND_RUN before them.
TREND_RUN = 5
TREND_DROP = 1  # points on the 1-5 scale
TREND_RECENT_DAYS = 28  # the newest check-in must be this recent (as Connect's low flag)
# Zone-only check-ins count on the 1-5 scale as below: green is calm and ready; blue and yellow
# are off-balance but not low; red is low, as CheckIn.is_low says.
ZONE_SCORES = {Zone.GREEN: 5, Zone.YELLOW: 3, Zone.BLUE: 3, Zone.RED: 1}
SEN = [Provision.SEN_SUPPORT, Provision.EHCP]
MILESTONE_OFFSETS = {
    m.code: m.due_on - dt.date(2000, 1, 1) for m in ehcp_clock.milestones(dt.date(2000, 1, 1))
}


@dataclass(frozen=True)
class Reason:
    """One line of why a pupil is on a flag's list, with a link to where to act."""

    text: str
    url: str = ""
    late: bool = False


def quiet_days() -> int:
    """Return the days without a session that raise a flag (the reminder sweep's setting)."""
    return settings.SEND_HUB_CASELOAD_QUIET_DAYS


def when_words(due: dt.date, today: dt.date) -> tuple[str, bool]:
    """Return "late by N days" / "due today" / "due in N days", and whether it is late."""
    days = (due - today).days
    if days < 0:
        return f"late by {-days} day{'s' if days != -1 else ''}", True
    if days == 0:
        return "due today", False
    return f"due in {days} day{'s' if days != 1 else ''}", False


# --- The rules, as querysets ---------------------------------------------------------------


def current_enrolments(today: dt.date) -> QuerySet[Enrolment]:
    """Return enrolments current on ``today`` in running interventions."""
    return Enrolment.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=today),
        joined_on__lte=today,
        intervention__status=Intervention.Status.RUNNING,
    )


def exit_measures_missing(today: dt.date) -> QuerySet[Enrolment]:
    """Return enrolments that ended in the last 60 days with no exit measure, where the
    programme uses measures (the reminder sweep's rule, from one place)."""
    return enrolments_missing_exit_measure(today)


def placements_past_planned_length(today: dt.date) -> QuerySet[Placement]:
    """Return current Connect placements whose planned weeks have run out before ``today``."""
    return (
        Placement.objects.current()
        .alias(days_in=DaysBetween(F("start_date"), Value(today)))
        .filter(days_in__gt=F("planned_weeks") * 7)
    )


def arrangements_without_evidence(today: dt.date) -> QuerySet[AccessArrangement]:
    """Return access arrangements still valid on ``today`` that lack the normal way of working
    or the assessment date (AccessArrangement.has_evidence)."""
    return AccessArrangement.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    ).filter(Q(normal_way_of_working="") | Q(assessment_date__isnull=True))


def ehcp_reviews_due(today: dt.date) -> QuerySet[EHCP]:
    """Return live EHCPs whose annual review is late or due within 14 days and not under way."""
    horizon = today + dt.timedelta(DUE_WITHIN_DAYS)
    return EHCP.objects.filter(ceased_on__isnull=True, next_review_due__lte=horizon).exclude(
        pk__in=AnnualReview.objects.open().values("ehcp_id")
    )


def _step_done(code: str) -> Exists:
    return Exists(AnnualReviewStep.objects.filter(review=OuterRef("pk"), step=code))


def annual_reviews_with_milestones_due(today: dt.date) -> QuerySet[AnnualReview]:
    """Return open annual reviews of live EHCPs with a statutory step not done whose deadline
    (ehcp_clock.milestones) is past or within 14 days.

    As the reminder sweep: the amended final plan is not expected once the LA decided to
    maintain or cease.
    """
    horizon = today + dt.timedelta(DUE_WITHIN_DAYS)
    late = Q()
    for code, offset in MILESTONE_OFFSETS.items():
        step = Q(meeting_on__lte=horizon - offset) & ~Q(**{f"done_{code.lower()}": True})
        if code == AnnualReviewStep.Step.FINAL_PLAN:
            step &= ~Q(
                la_decision__in=[AnnualReview.Decision.MAINTAIN, AnnualReview.Decision.CEASE]
            )
        late |= step
    return (
        AnnualReview.objects.open()
        .filter(ehcp__ceased_on__isnull=True)
        .annotate(**{f"done_{code.lower()}": _step_done(code) for code in MILESTONE_OFFSETS})
        .filter(late)
    )


def phase_transfers_due(today: dt.date) -> QuerySet[EHCP]:
    """Return live EHCPs whose phase-transfer deadline falls in the next 14 days.

    Only upcoming deadlines: the app records no "amended plan issued" for a transfer, so a
    past deadline cannot be known to be missed (the reminder sweep sends its overdue notice).
    """
    horizon = today + dt.timedelta(DUE_WITHIN_DAYS)
    due = Q(pk__in=[])
    for kind, month_day in _transfer_settings():
        for year in (today.year, today.year + 1):
            deadline = ehcp_clock.phase_transfer_deadline(year, month_day)
            if today <= deadline <= horizon:
                due |= Q(phase_transfer=kind, transfer_year=year)
    return EHCP.objects.filter(due, ceased_on__isnull=True)


def _transfer_settings() -> list[tuple[str, str]]:
    return [
        (EHCP.Transfer.SCHOOL, settings.SEND_HUB_PHASE_TRANSFER_SCHOOL),
        (EHCP.Transfer.POST16, settings.SEND_HUB_PHASE_TRANSFER_POST16),
    ]


def _checkin_score() -> Coalesce:
    zones = [When(zone=zone, then=Value(score)) for zone, score in ZONE_SCORES.items()]
    return Coalesce(F("scale"), Case(*zones, output_field=IntegerField()))


def _checkin_run(start: int) -> QuerySet[CheckIn]:
    """Return the outer pupil's check-ins number ``start``+1 to ``start``+TREND_RUN, newest
    first (nested in a pupil subquery: the pupil is two levels out)."""
    newest = (
        CheckIn.objects.filter(pupil=OuterRef(OuterRef("pk")))
        .order_by("-date")
        .values("pk")[start : start + TREND_RUN]
    )
    return CheckIn.objects.filter(pk__in=newest)


def with_checkin_trend(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Annotate ``recent_total`` (the newest five check-in scores added up), ``earlier_total``
    (the five before) and ``earlier_count``."""
    return pupils.annotate(
        recent_total=total_of(_checkin_run(0), _checkin_score()),
        earlier_total=total_of(_checkin_run(TREND_RUN), _checkin_score()),
        earlier_count=count_of(_checkin_run(TREND_RUN)),
    )


# --- Flags ---------------------------------------------------------------------------------


def _pupil(queryset: QuerySet, path: str = "pupil") -> Exists:
    return Exists(queryset.filter(**{path: OuterRef("pk")}))


def _select_no_provision(pupils: QuerySet[Pupil], today: dt.date) -> QuerySet[Pupil]:
    sen = SENStatus.objects.filter(end_date__isnull=True, provision__in=SEN)
    return (
        pupils.filter(_pupil(sen))
        .exclude(_pupil(current_enrolments(today)))
        .exclude(_pupil(Placement.objects.current()))
    )


def _select_no_session(pupils: QuerySet[Pupil], today: dt.date) -> QuerySet[Pupil]:
    cutoff = today - dt.timedelta(quiet_days())
    active = current_enrolments(today).filter(joined_on__lte=cutoff)
    recent = SessionAttendance.objects.filter(session__date__gte=cutoff)
    return pupils.filter(_pupil(active)).exclude(_pupil(recent))


def _select_plan_review(pupils: QuerySet[Pupil], today: dt.date) -> QuerySet[Pupil]:
    due = SupportPlan.objects.review_due_by(today + dt.timedelta(DUE_WITHIN_DAYS))
    return pupils.filter(_pupil(due))


def _select_ehcp(pupils: QuerySet[Pupil], today: dt.date) -> QuerySet[Pupil]:
    # Uncorrelated IN lists: the database works out the few EHCPs due once, rather than
    # checking every step of every open review again for each pupil.
    return pupils.filter(
        Q(pk__in=ehcp_reviews_due(today).values("pupil_id"))
        | Q(pk__in=annual_reviews_with_milestones_due(today).values("ehcp__pupil_id"))
        | Q(pk__in=phase_transfers_due(today).values("pupil_id"))
    )


def _select_exit_measure(pupils: QuerySet[Pupil], today: dt.date) -> QuerySet[Pupil]:
    return pupils.filter(_pupil(exit_measures_missing(today)))


def _select_checkin_trend(pupils: QuerySet[Pupil], today: dt.date) -> QuerySet[Pupil]:
    recent = CheckIn.objects.filter(date__gte=today - dt.timedelta(TREND_RECENT_DAYS))
    return (
        with_checkin_trend(pupils.filter(_pupil(recent)))
        .filter(earlier_count=TREND_RUN)
        .filter(recent_total__lte=F("earlier_total") - TREND_DROP * TREND_RUN)
    )


def _select_connect(pupils: QuerySet[Pupil], today: dt.date) -> QuerySet[Pupil]:
    return pupils.filter(_pupil(placements_past_planned_length(today)))


def _select_access(pupils: QuerySet[Pupil], today: dt.date) -> QuerySet[Pupil]:
    return pupils.filter(_pupil(arrangements_without_evidence(today)))


# Why each pupil is listed: one or two queries for a page of pupils, never one per pupil.


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
    last = dict(
        SessionAttendance.objects.filter(pupil_id__in=ids)
        .values("pupil_id")
        .annotate(last=Max("session__date"))
        .values_list("pupil_id", "last")
    )
    running = current_enrolments(today).filter(pupil_id__in=ids).order_by("intervention__name")
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
    for review in reviews.values(
        "ehcp__pupil_id",
        "meeting_on",
        "la_decision",
        *[f"done_{c.lower()}" for c in MILESTONE_OFFSETS],
    ):
        for m in ehcp_clock.milestones(review["meeting_on"]):
            if review[f"done_{m.code.lower()}"] or m.due_on > horizon:
                continue
            if m.code == AnnualReviewStep.Step.FINAL_PLAN and review["la_decision"] in {
                AnnualReview.Decision.MAINTAIN,
                AnnualReview.Decision.CEASE,
            }:
                continue
            words, late = when_words(m.due_on, today)
            text = f"{m.label}: {words} ({m.due_on:%-d %b %Y})"
            rows.append((review["ehcp__pupil_id"], Reason(text, calendar, late), m.due_on))
    settings_by_kind = dict(_transfer_settings())
    for pid, kind, year in (
        phase_transfers_due(today)
        .filter(pupil_id__in=ids)
        .values_list("pupil_id", "phase_transfer", "transfer_year")
    ):
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
    select: Callable[[QuerySet[Pupil], dt.date], QuerySet[Pupil]]
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


def base_pupils(user: Any) -> QuerySet[Pupil]:
    """Return the pupils on roll that ``user`` may see: every flag starts from these."""
    return Pupil.objects.visible_to(user).on_roll()


def flag_counts(user: Any, today: dt.date) -> list[tuple[Flag, int]]:
    """Count each flag's pupils: one query per flag, whatever the number of pupils."""
    pupils = base_pupils(user)
    return [(flag, flag.select(pupils, today).count()) for flag in _flags()]


# --- Register counts -----------------------------------------------------------------------


def register_counts(user: Any) -> dict[str, Any]:
    """Count pupils on roll by census provision (N, K, E), by primary need and by year group
    (three queries)."""
    pupils = base_pupils(user).with_register_fields()
    is_k, is_e = Q(provision=Provision.SEN_SUPPORT), Q(provision=Provision.EHCP)
    totals = pupils.aggregate(
        total=Count("pk"), k=Count("pk", filter=is_k), e=Count("pk", filter=is_e)
    )
    totals["n"] = totals["total"] - totals["k"] - totals["e"]
    labels = dict(NeedType.choices)
    by_need = [
        {
            "code": r["primary_need"] or "",
            "label": labels.get(r["primary_need"], "Not recorded"),
            "k": r["k"],
            "e": r["e"],
            "total": r["k"] + r["e"],
        }
        for r in pupils.filter(provision__in=SEN)
        .values("primary_need")
        .annotate(k=Count("pk", filter=is_k), e=Count("pk", filter=is_e))
        .order_by()
    ]
    by_need.sort(key=lambda r: (-r["total"], r["label"]))
    years = dict(NC_YEAR_CHOICES)
    by_year = [
        {
            "year": r["nc_year"],
            "label": years.get(r["nc_year"], "No NC year"),
            "n": r["total"] - r["k"] - r["e"],
            "k": r["k"],
            "e": r["e"],
            "total": r["total"],
        }
        for r in pupils.values("nc_year")
        .annotate(total=Count("pk"), k=Count("pk", filter=is_k), e=Count("pk", filter=is_e))
        .order_by(F("nc_year").asc(nulls_last=True))
    ]
    return {**totals, "by_need": by_need, "by_year": by_year}


# --- Staff caseloads -----------------------------------------------------------------------


def week_of(today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the Monday and Sunday of ``today``'s week."""
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def staff_caseloads(school_id: int, today: dt.date) -> list[Membership]:
    """Return the school's caseload staff and anyone who delivers a running intervention.

    Annotates ``caseload`` (pupils on roll they are a current key adult for), and for this
    week (Monday to Sunday) ``sessions_planned`` (timetable slots of the running interventions
    they lead or assist, on school days) and ``sessions_delivered`` (delivered sessions logged
    for those interventions). One query, plus one for term dates and one for roles.
    """
    monday, sunday = week_of(today)
    ranges = school_time(school_id, monday, sunday)
    assisted = Intervention.assistants.through.objects.filter(user=OuterRef(OuterRef("user")))
    delivers = Q(intervention__lead=OuterRef("user")) | Q(
        intervention__in=assisted.values("intervention")
    )
    running = Q(intervention__status=Intervention.Status.RUNNING)
    caseload = KeyAdult.objects.filter(
        staff=OuterRef("user"),
        end_date__isnull=True,
        pupil__school_id=school_id,
        pupil__leaving_date__isnull=True,
    )
    slots = ScheduleSlot.objects.filter(delivers, running, intervention__school_id=school_id)
    sessions = Session.objects.filter(
        delivers,
        intervention__school_id=school_id,
        status=Session.Status.DELIVERED,
        date__gte=monday,
        date__lte=sunday,
    )
    caseload_role = Exists(
        MembershipRole.objects.filter(membership=OuterRef("pk"), role__in=CASELOAD_ROLES)
    )
    return list(
        Membership.objects.active()
        .filter(school_id=school_id)
        .select_related("user")
        .prefetch_related("roles")
        .annotate(
            caseload=total_of(caseload, "pupil", "COUNT DISTINCT"),
            sessions_planned=planned_sessions(ranges, slots),
            sessions_delivered=count_of(sessions),
        )
        .filter(
            Q(caseload__gt=0)
            | Q(sessions_planned__gt=0)
            | Q(sessions_delivered__gt=0)
            | caseload_role
        )
        .order_by("user__full_name", "pk")
    )
