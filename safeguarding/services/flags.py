"""The neutral "speak to the DSL" flag, read in bulk for lists other apps show."""

from __future__ import annotations

from safeguarding.models import PupilFlag


def flagged_among(ids: set[int]) -> set[int]:
    """Return which of the pupils ``ids`` have the flag on now (their latest setting), in one
    query; nothing about why."""
    latest: dict[int, bool] = {}
    rows = PupilFlag.objects.filter(pupil_id__in=ids).order_by("pupil_id", "at", "pk")
    for pupil_id, on in rows.values_list("pupil_id", "on"):
        latest[pupil_id] = on
    return {pk for pk, on in latest.items() if on}
