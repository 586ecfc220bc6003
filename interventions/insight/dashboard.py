"""The SENDCo's dashboard: register counts, what is due (the rules its flags count), and each
member of staff's caseload and sessions this week.

No safeguarding information is computed here: the dashboard's template asks the safeguarding
app's own tag for its neutral counts, which it gives only to the DSL team.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from interventions.connect.models import CheckIn, Placement, Zone
from interventions.delivery.models import (
    Intervention,
    ScheduleSlot,
    Session,
)
from interventions.ehcp import clock as ehcp_clock
from interventions.ehcp.models import EHCP, AnnualReview
from interventions.insight.provision import DaysBetween, planned_sessions, school_time
from interventions.outcomes.measures import (
    enrolments_missing_exit_measure,
)
from pupils.models import (
    NC_YEAR_CHOICES,
    AccessArrangement,
    KeyAdult,
    NeedType,
    Provision,
    Pupil,
    PupilQuerySet,
)
from send_hub.lib.db import count_of, total_of
from staff.models import Membership
from staff.permissions import CASELOAD_ROLES

if TYPE_CHECKING:
    # A development dependency (django-stubs); annotations only.
    from django_stubs_ext import WithAnnotations

    from interventions.outcomes.measures import EndedEnrolment

DUE_WITHIN_DAYS = 14  # plan reviews and EHCP deadlines: late, or due in the next 14 days


# Falling check-in trend: the newest TREND_RUN check-ins against the TREND_RUN before them.
TREND_RUN = 5


TREND_DROP = 1  # points on the 1-5 scale


TREND_RECENT_DAYS = 28  # the newest check-in must be this recent (as Connect's low flag)


# Zone-only check-ins count on the 1-5 scale as below: green is calm and ready; blue and yellow
# are off-balance but not low; red is low, as CheckIn.is_low says.
ZONE_SCORES = {Zone.GREEN: 5, Zone.YELLOW: 3, Zone.BLUE: 3, Zone.RED: 1}


SEN = [Provision.SEN_SUPPORT, Provision.EHCP]


@dataclass(frozen=True)
class Reason:
    """One line of why a pupil is on a flag's list, with a link to where to act."""

    text: str
    url: str = ""
    late: bool = False


def when_words(due: dt.date, today: dt.date) -> tuple[str, bool]:
    """Return "late by N days" / "due today" / "due in N days", and whether it is late."""
    days = (due - today).days
    if days < 0:
        return f"late by {-days} day{'s' if days != -1 else ''}", True
    if days == 0:
        return "due today", False
    return f"due in {days} day{'s' if days != 1 else ''}", False


def exit_measures_missing(today: dt.date) -> QuerySet[EndedEnrolment]:
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
    return EHCP.objects.review_due_by(today + dt.timedelta(DUE_WITHIN_DAYS))


def annual_reviews_with_milestones_due(today: dt.date) -> QuerySet[AnnualReview]:
    """Return open annual reviews of live EHCPs with a step not done due within 14 days."""
    return AnnualReview.objects.with_milestone_due_by(today + dt.timedelta(DUE_WITHIN_DAYS))


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
    return EHCP.objects.live().filter(due)


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


class CheckinTrend(TypedDict):
    """What ``with_checkin_trend()`` adds to each pupil (scores on the 1-5 scale)."""

    recent_total: int
    earlier_total: int
    earlier_count: int


if TYPE_CHECKING:
    TrendPupil: TypeAlias = WithAnnotations[Pupil, CheckinTrend]


def with_checkin_trend(pupils: PupilQuerySet) -> PupilQuerySet[TrendPupil]:
    """Annotate ``recent_total`` (the newest five check-in scores added up), ``earlier_total``
    (the five before) and ``earlier_count``."""
    return pupils.annotate(
        recent_total=total_of(_checkin_run(0), _checkin_score()),
        earlier_total=total_of(_checkin_run(TREND_RUN), _checkin_score()),
        earlier_count=count_of(_checkin_run(TREND_RUN)),
    )


def base_pupils(user: Any) -> PupilQuerySet:
    """Return the pupils on roll that ``user`` may see: every flag starts from these."""
    return Pupil.objects.visible_to(user).on_roll()


def register_counts(user: Any) -> dict[str, Any]:
    """Count pupils on roll by census provision (N, K, E), by primary need and by year group
    (three queries)."""
    pupils = base_pupils(user).with_register_fields()
    is_k, is_e = Q(provision=Provision.SEN_SUPPORT), Q(provision=Provision.EHCP)
    totals = pupils.aggregate(
        total=Count("pk"), k=Count("pk", filter=is_k), e=Count("pk", filter=is_e)
    )
    totals["n"] = totals["total"] - totals["k"] - totals["e"]
    # A pupil on the register may have no need recorded yet (None).
    labels: dict[str | None, str] = dict(NeedType.choices)
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
    years: dict[int | None, str] = dict(NC_YEAR_CHOICES)  # None: no NC year recorded
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
    sessions = Session.objects.delivered().filter(
        delivers,
        intervention__school_id=school_id,
        date__gte=monday,
        date__lte=sunday,
    )
    members = (
        Membership.objects.active()
        .filter(school_id=school_id)
        .select_related("user")
        .prefetch_related("roles")
        .annotate(
            caseload=total_of(caseload, "pupil", "COUNT DISTINCT"),
            sessions_planned=planned_sessions(ranges, slots),
            sessions_delivered=count_of(sessions),
        )
        .order_by("user__full_name", "pk")
    )
    # Chosen here rather than in SQL: a WHERE on the annotations makes PostgreSQL work out each
    # of them twice per member, and a school has a few hundred members at most.
    return [
        m
        for m in members
        if m.caseload
        or m.sessions_planned
        or m.sessions_delivered
        or any(r.role in CASELOAD_ROLES for r in m.roles.all())
    ]
