"""Removals (minutes out of class) and behaviour events, by hand and imported from a CSV."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from interventions import behaviour
from interventions.importers_behaviour import ImportRefused, import_apply, import_create
from interventions.models import BehaviourEvent, Removal
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 11, 3, hour, minute))


def _removal(world, kind: str, start: dt.datetime, end=None, days=None) -> Removal:
    return behaviour.removal_record(
        pupil=world.pupil,
        by=world.users["sendco"],
        kind=kind,
        started_at=start,
        ended_at=end,
        suspension_days=days,
        reason="Fake reason",
    )


def test_minutes_out_of_class_add_up_per_pupil(world, settings) -> None:
    settings.SEND_HUB_SCHOOL_DAY_MINUTES = 390
    _removal(world, "REMOVAL", _at(9), _at(9, 50))  # 50
    _removal(world, "ISOLATION", _at(10), _at(15, 15))  # 315
    _removal(world, "SUSPENSION", _at(9), days=Decimal("1.5"))  # 1.5 x 390 = 585
    _removal(world, "EXCLUSION_ROOM", _at(11))  # not ended yet: 0
    rows = Removal.objects.filter(pupil=world.pupil).with_minutes()
    assert sorted(r.minutes for r in rows) == [0, 50, 315, 585]
    assert sum(r.minutes_out for r in rows) == 950
    top = behaviour.top_pupils(
        Removal.objects.all(), start=dt.date(2025, 11, 1), end=dt.date(2025, 11, 30)
    )
    assert top[0]["total"] == 950 and top[0]["n"] == 4


def test_school_day_length_is_a_setting(world, settings) -> None:
    settings.SEND_HUB_SCHOOL_DAY_MINUTES = 300
    removal = _removal(world, "SUSPENSION", _at(9), days=Decimal("2"))
    assert removal.minutes_out == 600
    assert Removal.objects.with_minutes().get().minutes == 600


def test_suspension_needs_days(world) -> None:
    with pytest.raises(ValidationError, match="how many days"):
        _removal(world, "SUSPENSION", _at(9))


def test_pupil_weeks_count_each_week(world) -> None:
    _removal(world, "REMOVAL", _at(9), _at(10))
    behaviour.event_record(
        pupil=world.pupil,
        by=world.users["sendco"],
        kind="DETENTION",
        category="Late",
        points=-2,
        occurred_on=dt.date(2025, 11, 4),
    )
    weeks = behaviour.pupil_weeks(
        pupil=world.pupil, start=dt.date(2025, 10, 27), end=dt.date(2025, 11, 9)
    )
    assert [w.start for w in weeks] == [dt.date(2025, 10, 27), dt.date(2025, 11, 3)]
    assert (weeks[1].removals, weeks[1].minutes, weeks[1].detentions) == (1, 60, 1)
    assert weeks[0].removals == 0


def _csv(world, *lines: str) -> bytes:
    return ("UPN,Date,Type,Category,Points,Id\n" + "\n".join(lines) + "\n").encode()


def test_import_previews_then_applies_all_or_nothing_once(world) -> None:
    upn = world.pupil.upn
    content = _csv(
        world, f"{upn},03/11/2025,Reward,Kindness,2,A1", f"{upn},04/11/2025,Detention,Late,-1,A2"
    )
    batch = import_create(
        school=world.school, original_name="e.csv", content=content, by=world.users["sendco"]
    )
    assert batch.summary["dry_run"] == {"created": 2, "already_imported": 0, "errors": 0}
    assert not BehaviourEvent.objects.exists()
    assert import_apply(batch=batch, by=world.users["sendco"])["created"] == 2
    with pytest.raises(ImportRefused, match="already imported"):
        import_apply(batch=batch, by=world.users["sendco"])
    again = import_create(
        school=world.school, original_name="e.csv", content=content, by=world.users["sendco"]
    )
    assert again.summary["dry_run"]["already_imported"] == 2


def test_import_with_a_bad_row_imports_nothing_and_says_which_line(world) -> None:
    other = PupilFactory(school=world.other_school)
    content = _csv(
        world,
        f"{world.pupil.upn},03/11/2025,Reward,Kindness,2,B1",
        f"{other.upn},03/11/2025,Sanction,Rude,-1,B2",
        f"{world.pupil.upn},31/02/2025,Telling off,Rude,x,B3",
    )
    from interventions.importers_behaviour import plan_events

    plan = plan_events(school=world.school, content=content)
    errors = {r.line: r.errors for r in plan.rows}
    assert errors[2] == [] and "No pupil in this school" in errors[3][0]
    assert len(errors[4]) == 3  # the date, the type and the points
    batch = import_create(
        school=world.school, original_name="e.csv", content=content, by=world.users["sendco"]
    )
    with pytest.raises(ImportRefused, match="Nothing was imported"):
        import_apply(batch=batch, by=world.users["sendco"])
    assert not BehaviourEvent.objects.exists()
