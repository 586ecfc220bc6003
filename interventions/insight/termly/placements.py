"""The termly counts of Connect placements and reintegration, and of removals from class by
group."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import (
    Count,
    F,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce

from interventions.behaviour.models import Removal
from interventions.connect.models import Placement, ReintegrationStage
from interventions.insight.outcomes import (
    Windows,
    bound,
)
from interventions.insight.termly.counts import _on_roll, _per_school, _provision_on, _pupils
from pupils.models import Provision


def connect_counts(windows: Windows) -> dict[int, dict[str, Any]]:
    """Count Connect placements started, current at the term's end and ended (by outcome), and
    reintegration stages reviewed in the term (by outcome). Two queries."""
    ids = list(windows)
    placements = Placement.objects.filter(school_id__in=ids).annotate(
        w_start=bound(windows, "school_id", 0), w_end=bound(windows, "school_id", 1)
    )
    ended = Q(ended_on__gte=F("w_start"), ended_on__lte=F("w_end"))
    rows = _per_school(
        placements.values("school_id")
        .annotate(
            started=Count("pk", filter=Q(start_date__gte=F("w_start"), start_date__lte=F("w_end"))),
            current=Count(
                "pk",
                filter=Q(start_date__lte=F("w_end"))
                & (Q(ended_on__isnull=True) | Q(ended_on__gt=F("w_end"))),
            ),
            ended=Count("pk", filter=ended),
            ended_early=Count("pk", filter=ended & Q(status=Placement.Status.ENDED_EARLY)),
            **{
                f"outcome_{code}": Count("pk", filter=ended & Q(exit_outcome=code))
                for code in [*Placement.Outcome.values, ""]
            },
        )
        .order_by()
    )
    stages = _per_school(
        ReintegrationStage.objects.filter(placement__school_id__in=ids)
        .annotate(
            w_start=bound(windows, "placement__school_id", 0),
            w_end=bound(windows, "placement__school_id", 1),
        )
        .filter(review_date__gte=F("w_start"), review_date__lte=F("w_end"))
        .exclude(outcome="")
        .values("placement__school_id")
        .annotate(
            **{
                f"stage_{code}": Count("pk", filter=Q(outcome=code))
                for code in ReintegrationStage.Outcome.values
            }
        )
        .order_by(),
        "placement__school_id",
    )
    empty = {"started": 0, "current": 0, "ended": 0, "ended_early": 0}
    empty |= {f"outcome_{code}": 0 for code in [*Placement.Outcome.values, ""]}
    empty |= {f"stage_{code}": 0 for code in ReintegrationStage.Outcome.values}
    return {sid: empty | rows.get(sid, {}) | stages.get(sid, {}) for sid in ids}


# (key, label, condition on a pupil, partition): the groups removals are compared across. SEN
# status is the one open on the term's last day. Parts of one partition add up to all pupils.
GROUPS: list[tuple[str, str, Callable[[str], Q], str]] = [
    ("sen_support", "SEN support", lambda p: Q(sen=Provision.SEN_SUPPORT), "sen"),
    ("ehcp", "EHCP", lambda p: Q(sen=Provision.EHCP), "sen"),
    ("no_sen", "No SEN", lambda p: Q(sen__isnull=True) | Q(sen=Provision.NONE), "sen"),
    ("girls", "Girls", lambda p: Q(**{f"{p}sex": "F"}), "sex"),
    ("boys", "Boys", lambda p: Q(**{f"{p}sex": "M"}), "sex"),
    ("fsm", "Free school meals", lambda p: Q(**{f"{p}free_school_meals": True}), "fsm"),
    ("not_fsm", "No free school meals", lambda p: Q(**{f"{p}free_school_meals": False}), "fsm"),
    ("pp", "Pupil premium", lambda p: Q(**{f"{p}pupil_premium": True}), "pp"),
    ("not_pp", "No pupil premium", lambda p: Q(**{f"{p}pupil_premium": False}), "pp"),
    ("looked_after", "Looked after", lambda p: Q(**{f"{p}looked_after": True}), "la"),
    ("not_looked_after", "Not looked after", lambda p: Q(**{f"{p}looked_after": False}), "la"),
]


def removal_counts(windows: Windows) -> dict[int, dict[str, Any]]:
    """Count removals from class started in the term per group and kind: removals, pupils
    removed and minutes out, beside how many pupils on roll are in each group. Two queries."""
    ids = list(windows)
    removals = (
        Removal.objects.filter(school_id__in=ids)
        .with_minutes()
        .annotate(w_start=bound(windows, "school_id", 0), w_end=bound(windows, "school_id", 1))
        .filter(started_at__date__gte=F("w_start"), started_at__date__lte=F("w_end"))
        .annotate(sen=_provision_on("w_end", pupil="pupil"))
    )
    aggregates: dict[str, Any] = {
        "removals": Count("pk"),
        "pupils": Count("pupil_id", distinct=True),
        "total_minutes": Coalesce(Sum("minutes"), 0),
    }
    for key, _label, condition, _part in GROUPS:
        q = condition("pupil__")
        aggregates[f"{key}_removals"] = Count("pk", filter=q)
        aggregates[f"{key}_pupils"] = Count("pupil_id", distinct=True, filter=q)
        aggregates[f"{key}_minutes"] = Coalesce(Sum("minutes", filter=q), 0)
    for code in Removal.Kind.values:
        aggregates[f"kind_{code}"] = Count("pk", filter=Q(kind=code))
        aggregates[f"kind_{code}_minutes"] = Coalesce(Sum("minutes", filter=Q(kind=code)), 0)
    rows = _per_school(removals.values("school_id").annotate(**aggregates).order_by())
    on_roll = _on_roll("w_end")
    sizes = _per_school(
        _pupils(windows)
        .annotate(sen=_provision_on("w_end"))
        .values("school_id")
        .annotate(
            roll=Count("pk", filter=on_roll),
            **{
                f"{key}_size": Count("pk", filter=on_roll & condition(""))
                for key, _label, condition, _part in GROUPS
            },
        )
        .order_by()
    )
    empty = {name: 0 for name in aggregates} | {"roll": 0}
    empty |= {f"{key}_size": 0 for key, *_ in GROUPS}
    return {sid: empty | rows.get(sid, {}) | sizes.get(sid, {}) for sid in ids}
