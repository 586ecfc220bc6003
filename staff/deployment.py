"""Deployment: how people's logged time compares with their role profile's shares of time.

Staff must not import the apps above it, so the numbers come from providers those apps register
from their ``AppConfig.ready()``:

    from staff.deployment import register_minutes_provider
    register_minutes_provider(session_minutes_by_activity)  # interventions

A minutes provider is called as ``provider(school=..., week_start=..., user_ids=[...])`` and
returns ``{user_id: {activity: minutes}}`` using the codes of ``staff.models.Activity``. A
caseload provider is called as ``provider(school=..., user_ids=[...])`` and returns
``{user_id: count}``. With no provider registered the minutes are zeros and the caseload is
unknown (None), and the page says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Count, Model, Prefetch, Q

from staff.models import (
    Accountability,
    Activity,
    Membership,
    MembershipRole,
    Role,
    School,
    User,
)


class MinutesProvider(Protocol):
    def __call__(
        self, *, school: School, week_start: date, user_ids: Sequence[int]
    ) -> Mapping[int, Mapping[str, int]]: ...


class CaseloadProvider(Protocol):
    def __call__(self, *, school: School, user_ids: Sequence[int]) -> Mapping[int, int]: ...


_minutes_providers: list[MinutesProvider] = []
_caseload_providers: list[CaseloadProvider] = []

# Percentage points between the profile's share and the logged share worth pointing out.
NOTABLE_GAP = 15

# The activities the page compares; everything else a provider reports counts as OTHER.
COMPARED = (Activity.PUPIL_SUPPORT, Activity.LIAISON, Activity.CURRICULUM)


def register_minutes_provider(provider: MinutesProvider) -> MinutesProvider:
    """Add a source of logged minutes (safe to call twice; usable as a decorator)."""
    if provider not in _minutes_providers:
        _minutes_providers.append(provider)
    return provider


def register_caseload_provider(provider: CaseloadProvider) -> CaseloadProvider:
    """Add a source of caseload sizes (safe to call twice; usable as a decorator)."""
    if provider not in _caseload_providers:
        _caseload_providers.append(provider)
    return provider


def caseload_counter(
    model: type[Model],
    *,
    staff_field: str = "staff",
    school_path: str = "pupil__school",
    current: Q | None = None,
) -> CaseloadProvider:
    """Return a caseload provider counting current rows of ``model`` per member of staff.

    Made for pupils.KeyAdult, so pupils can register it without staff importing pupils:
    ``register_caseload_provider(caseload_counter(self.get_model("KeyAdult")))``.
    """
    is_current = current if current is not None else Q(end_date__isnull=True)

    def provider(*, school: School, user_ids: Sequence[int]) -> Mapping[int, int]:
        rows = (
            model._default_manager.filter(is_current)
            .filter(**{school_path: school, f"{staff_field}_id__in": list(user_ids)})
            .values(f"{staff_field}_id")
            .annotate(n=Count("pk"))
        )
        return {row[f"{staff_field}_id"]: row["n"] for row in rows}

    return provider


def week_start_of(day: date) -> date:
    """Return the Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _zeros() -> dict[str, int]:
    return {a.value: 0 for a in Activity}


def logged_minutes_by_person(
    school: School, week_start: date, user_ids: Sequence[int]
) -> dict[int, dict[str, int]]:
    """Return each person's logged minutes by activity in the week (zeros without providers)."""
    week_start = week_start_of(week_start)
    result = {uid: _zeros() for uid in user_ids}
    if not user_ids:
        return result
    for provider in _minutes_providers:
        reported = provider(school=school, week_start=week_start, user_ids=list(user_ids))
        for uid, by_activity in reported.items():
            if uid not in result:
                continue
            for activity, minutes in by_activity.items():
                key = activity if activity in result[uid] else Activity.OTHER.value
                result[uid][key] += int(minutes or 0)
    return result


def logged_minutes(user: User, school: School, week_start: date) -> dict[str, int]:
    """Return ``user``'s logged minutes by activity in the week from ``week_start``."""
    return logged_minutes_by_person(school, week_start, [user.pk])[user.pk]


def caseload_sizes(school: School, user_ids: Sequence[int]) -> dict[int, int] | None:
    """Return each person's caseload size, or None when no app provides caseloads."""
    if not _caseload_providers:
        return None
    sizes = dict.fromkeys(user_ids, 0)
    for provider in _caseload_providers:
        for uid, n in provider(school=school, user_ids=list(user_ids)).items():
            if uid in sizes:
                sizes[uid] += n
    return sizes


@dataclass
class ActivityLine:
    """One activity for one person: the profile's share beside what was logged."""

    activity: str
    label: str
    share: int  # % of time in the role profile
    planned_minutes: int | None  # the share of contracted hours, when hours are known
    logged: int
    logged_share: int | None  # % of all logged minutes this week

    @property
    def verdict(self) -> str:
        """Return "below" or "above" when logged time strays from the profile's share."""
        if self.logged_share is None:
            return ""
        gap = self.logged_share - self.share
        if gap <= -NOTABLE_GAP:
            return "below"
        return "above" if gap >= NOTABLE_GAP else ""


@dataclass
class PersonDeployment:
    membership: Membership
    lines: list[ActivityLine] = field(default_factory=list)
    logged_total: int = 0
    other_minutes: int = 0
    caseload: int | None = None

    @property
    def has_profile(self) -> bool:
        return self.membership.role_profile_id is not None

    @property
    def has_shares(self) -> bool:
        return any(line.share for line in self.lines)


# Who appears on the page: support staff (with or without a role profile yet), and anyone
# whose role profile sets shares of time.
DEPLOYED_ROLES = (Role.LSA, Role.ELSA, Role.INCLUSION_LEADER, Role.BEHAVIOUR_SUPPORT)


def deployment_for_school(school: School, week_start: date) -> list[PersonDeployment]:
    """Return each deployed person's shares of time beside the week's logged minutes."""
    memberships = list(
        Membership.objects.active()
        .filter(school=school)
        .filter(
            Q(roles__role__in=DEPLOYED_ROLES)
            | Q(role_profile__accountabilities__time_share__isnull=False)
        )
        .distinct()
        .select_related("user", "role_profile")
        .prefetch_related(
            Prefetch(
                "role_profile__accountabilities",
                queryset=Accountability.objects.filter(time_share__isnull=False),
            ),
            Prefetch("roles", queryset=MembershipRole.objects.order_by("role")),
        )
        .order_by("user__full_name")
    )
    user_ids = [m.user_id for m in memberships]
    minutes = logged_minutes_by_person(school, week_start, user_ids)
    caseloads = caseload_sizes(school, user_ids)
    return [
        _person(m, minutes[m.user_id], caseloads.get(m.user_id, 0) if caseloads else None)
        for m in memberships
    ]


def _shares(accountabilities: Iterable[Accountability]) -> dict[str, int]:
    shares = dict.fromkeys(Activity.values, 0)
    for a in accountabilities:
        shares[a.activity] += a.time_share or 0
    return shares


def _person(m: Membership, logged: dict[str, int], caseload: int | None) -> PersonDeployment:
    profile = m.role_profile
    shares = (
        _shares(profile.accountabilities.all()) if profile else dict.fromkeys(Activity.values, 0)
    )
    total = sum(logged.values())
    weekly: Decimal | None = m.contracted_hours or (profile.hours_per_week if profile else None)
    person = PersonDeployment(
        membership=m, logged_total=total, other_minutes=logged[Activity.OTHER], caseload=caseload
    )
    for activity in COMPARED:
        share = shares[activity]
        planned = round(weekly * 60 * share / 100) if weekly is not None else None
        person.lines.append(
            ActivityLine(
                activity=activity.value,
                label=activity.label,
                share=share,
                planned_minutes=planned,
                logged=logged[activity],
                logged_share=round(100 * logged[activity] / total) if total else None,
            )
        )
    return person


def providers_registered() -> dict[str, Any]:
    """Return which kinds of provider are registered (the page explains missing numbers)."""
    return {"minutes": bool(_minutes_providers), "caseload": bool(_caseload_providers)}


__all__ = [
    "CaseloadProvider",
    "MinutesProvider",
    "caseload_counter",
    "caseload_sizes",
    "deployment_for_school",
    "logged_minutes",
    "logged_minutes_by_person",
    "register_caseload_provider",
    "register_minutes_provider",
    "week_start_of",
]
