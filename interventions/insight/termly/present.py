"""Presenting the counts: exact for leaders; for governors, no pupil named and counts from 1 to
4 shown as "fewer than 5" (with any figure that would give such a count away)."""

from __future__ import annotations

from typing import Any

from interventions.behaviour.models import Removal
from interventions.connect.models import Placement, ReintegrationStage
from interventions.insight.outcomes import (
    SMALL_GROUP,
    SMALL_LABEL,
    money,
)
from interventions.insight.termly.counts import (
    DASH,
    WITHHELD,
    _number,
    _pounds,
    _signed,
    count_cell,
    hidden,
    share_cell,
    suppress_partition,
)
from interventions.insight.termly.placements import GROUPS
from pupils.models import AREA_OF_NEED, Area, NeedType

# --- Presenting: the same counts for leaders and, suppressed, for governors -------------------

NEED_LABELS = dict(NeedType.choices)
AREA_LABELS = dict(Area.choices)


def _hours(minutes: int) -> str:
    return _number(round(minutes / 60, 2))


def present_register(r: dict[str, Any], governors: bool) -> dict[str, Any]:
    total = r["sen_support"] + r["ehcp"]
    parts = suppress_partition(
        [count_cell(r["sen_support"], governors), count_cell(r["ehcp"], governors)]
    )
    rows: list[dict[str, Any]] = [
        {"label": label, "count": cell, "share": _share_of(cell, n, r["roll"], governors)}
        for label, cell, n in (
            ("SEN support (K)", parts[0], r["sen_support"]),
            ("EHC plan (E)", parts[1], r["ehcp"]),
        )
    ]
    total_cell = count_cell(total, governors)
    rows.append(
        {
            "label": "On the register",
            "count": total_cell,
            "share": share_cell(total, r["roll"], governors),
            "total": True,
        }
    )
    needs = sorted(r["needs"].items(), key=lambda kv: (-kv[1], kv[0]))
    need_cells = suppress_partition([count_cell(n, governors) for _, n in needs])
    return {
        "roll": count_cell(r["roll"], governors),
        "rows": rows,
        "needs": [
            {
                "label": NEED_LABELS.get(code, "No primary need recorded"),
                "code": code,
                "area": AREA_LABELS.get(AREA_OF_NEED.get(code) or "", ""),
                "count": cell,
            }
            for (code, _), cell in zip(needs, need_cells, strict=True)
        ],
        "joined": count_cell(r["joined"], governors),
        "left": count_cell(r["left"], governors),
    }


def _share_of(cell: dict[str, Any], n: int, whole: int, governors: bool) -> dict[str, Any]:
    """A share whose count may have been hidden to protect another cell."""
    if cell["suppressed"]:
        return {"pct": None, "shown": WITHHELD, "suppressed": True}
    return share_cell(n, whole, governors)


def present_provision(p: dict[str, Any], governors: bool) -> dict[str, Any]:
    rows = [
        {
            "label": AREA_LABELS.get(area, area),
            "groups": a["groups"],
            "pupils": count_cell(a["pupils"], governors),
            "delivered": a["delivered"],
            "cancelled": a["cancelled"],
            "staff_hours": _hours(a["staff_minutes"]),
            "cost": str(money(a["cost"])),
            "cost_shown": _pounds(money(a["cost"])),
        }
        for area, a in sorted(p["areas"].items(), key=lambda kv: AREA_LABELS.get(kv[0], kv[0]))
    ]
    return {
        "rows": rows,
        "groups": p["groups"],
        "pupils": count_cell(p["pupils"], governors),
        "delivered": p["delivered"],
        "staff_hours": _hours(p["staff_minutes"]),
        "cost": str(money(p["cost"])),
        "cost_shown": _pounds(money(p["cost"])),
        "cost_per_pupil_shown": (
            WITHHELD
            if governors and hidden(p["pupils"])
            else _pounds(money(p["cost"] / p["pupils"]))
            if p["pupils"]
            else DASH
        ),
    }


def present_outcome(f: dict[str, Any], governors: bool) -> dict[str, Any]:
    """One programme's what-works figures, ready to print (``f``: ProgrammeOutcome.figures)."""
    small = f["completed"] < SMALL_GROUP
    withhold = governors and small  # for governors a small group's figures are not shown

    def measure(value: float | None, pupils: int) -> str:
        # For governors a mean over 1 to 4 pupils is as telling as their scores: withheld.
        if governors and pupils and (withhold or hidden(pupils)):
            return WITHHELD
        return _signed(value)

    reliable = share_cell(f["gbo_reliable"], f["gbo_pupils"], governors)
    return {
        "name": f["name"],
        "kind_label": f["kind_label"],
        "took_part": count_cell(f["took_part"], governors),
        "completed": count_cell(f["completed"], governors),
        "small": small,
        "small_label": SMALL_LABEL if small and f["completed"] else "",
        "gbo": measure(f["gbo_mean_change"], f["gbo_pupils"]) if f["gbo_goals"] else DASH,
        "gbo_goals": f["gbo_goals"],
        "reliable": (
            {"pct": None, "shown": WITHHELD, "suppressed": True}
            if withhold and f["gbo_pupils"]
            else reliable
        ),
        "reliable_of": (
            ""
            if withhold or reliable["suppressed"] or not f["gbo_pupils"]
            else f"{f['gbo_reliable']} of {f['gbo_pupils']}"
        ),
        "numeric": (
            measure(f["numeric_mean_change"], f["numeric_pupils"]) if f["numeric_pupils"] else DASH
        ),
        "numeric_label": f["numeric_label"] if f["numeric_pupils"] else "",
        "sdq": measure(f["sdq_mean_change"], f["sdq_pupils"]) if f["sdq_pupils"] else DASH,
        "attendance": (
            WITHHELD
            if withhold and f["possible"]
            else f"{_number(f['attendance_pct'])}%"
            if f["attendance_pct"] is not None
            else DASH
        ),
        "cost": f["cost"],
        "cost_shown": _pounds(f["cost"]),
        "cost_per_pupil": (
            WITHHELD if governors and hidden(f["took_part"]) else _pounds(f["cost_per_pupil"])
        ),
        "cost_per_reliable": (
            WITHHELD if governors and hidden(f["gbo_reliable"]) else _pounds(f["cost_per_reliable"])
        ),
        "raw": None if governors else f,
    }


def present_reviews(r: dict[str, Any], governors: bool) -> dict[str, Any]:
    def pair(held: int, on_time: int) -> dict[str, Any]:
        return {
            "held": count_cell(held, governors),
            "on_time": count_cell(on_time, governors),
            "late": count_cell(held - on_time, governors),
            "share": share_cell(on_time, held, governors),
        }

    return {
        "plans": pair(r["plans_held"], r["plans_on_time"]),
        "ehcp": pair(r["ehcp_held"], r["ehcp_on_time"]),
        "plans_overdue": (
            None if r["plans_overdue"] is None else count_cell(r["plans_overdue"], governors)
        ),
        "ehcp_overdue": (
            None if r["ehcp_overdue"] is None else count_cell(r["ehcp_overdue"], governors)
        ),
    }


def present_connect(c: dict[str, Any], governors: bool) -> dict[str, Any]:
    outcomes = [
        (label, c[f"outcome_{code}"])
        for code, label in [*Placement.Outcome.choices, ("", "No outcome recorded")]
    ]
    outcome_cells = suppress_partition([count_cell(n, governors) for _, n in outcomes])
    stages = [(label, c[f"stage_{code}"]) for code, label in ReintegrationStage.Outcome.choices]
    stage_cells = suppress_partition([count_cell(n, governors) for _, n in stages])
    return {
        "started": count_cell(c["started"], governors),
        "current": count_cell(c["current"], governors),
        "ended": count_cell(c["ended"], governors),
        "ended_early": count_cell(c["ended_early"], governors),
        "outcomes": [
            {"label": label, "count": cell}
            for (label, n), cell in zip(outcomes, outcome_cells, strict=True)
            if n or label != "No outcome recorded"
        ],
        "stages": [
            {"label": label, "count": cell}
            for (label, _), cell in zip(stages, stage_cells, strict=True)
        ],
        "stages_reviewed": count_cell(sum(n for _, n in stages), governors),
    }


def present_removals(r: dict[str, Any], governors: bool) -> dict[str, Any]:
    rows: dict[str, dict[str, Any]] = {}
    for key, label, _condition, part in GROUPS:
        size, pupils = r[f"{key}_size"], r[f"{key}_pupils"]
        rows[key] = {
            "key": key,
            "label": label,
            "part": part,
            "size": count_cell(size, governors),
            "pupils": count_cell(pupils, governors),
            "removals": count_cell(r[f"{key}_removals"], governors),
            "_pupils": pupils,
            "_size": size,
            "_minutes": r[f"{key}_minutes"],
        }
    for part in dict.fromkeys(p for *_, p in GROUPS):
        members = [row for row in rows.values() if row["part"] == part]
        for column in ("size", "pupils", "removals"):
            suppress_partition([row[column] for row in members])
    groups = []
    for row in rows.values():
        hidden_pupils = row["pupils"]["suppressed"] or row["size"]["suppressed"]
        groups.append(
            {
                "label": row["label"],
                "part": row["part"],
                "size": row["size"],
                "pupils": row["pupils"],
                "removals": row["removals"],
                "share": (
                    {"pct": None, "shown": WITHHELD, "suppressed": True}
                    if hidden_pupils
                    else share_cell(row["_pupils"], row["_size"], governors)
                ),
                "hours": WITHHELD if governors and hidden_pupils else _hours(row["_minutes"]),
            }
        )
    kinds: list[dict[str, Any]] = [
        {
            "label": label,
            "count": count_cell(r[f"kind_{code}"], governors),
            "hours": (
                WITHHELD
                if governors and hidden(r[f"kind_{code}"])
                else _hours(r[f"kind_{code}_minutes"])
            ),
        }
        for code, label in Removal.Kind.choices
    ]
    suppress_partition([k["count"] for k in kinds])
    return {
        "removals": count_cell(r["removals"], governors),
        "pupils": count_cell(r["pupils"], governors),
        "hours": _hours(r["total_minutes"]),
        "roll": count_cell(r["roll"], governors),
        "share": share_cell(r["pupils"], r["roll"], governors),
        "groups": groups,
        "kinds": kinds,
    }
