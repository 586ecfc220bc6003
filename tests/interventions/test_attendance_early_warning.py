"""The early warning: each rule on a known fixture, the reasons it gives, flagged once, notified
once without a word about the pupil, and quiet after "seen, action taken"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from interventions.attendance import early_warning as ew
from interventions.attendance.figures import Rate, rates_by_pupil
from interventions.attendance.models import AttendanceMark, EarlyWarning, EarlyWarningSettings
from interventions.models import BehaviourEvent, CheckIn, Removal
from staff.models import School
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 28)  # a Friday; the default window is 1 to 28 November
IN_WINDOW = dt.date(2025, 11, 10)
BEFORE = dt.date(2025, 10, 13)


def figures(**values: object) -> ew.Figures:
    f = ew.Figures(start=dt.date(2025, 11, 1), end=TODAY, before_start=dt.date(2025, 10, 4))
    for name, value in values.items():
        setattr(f, name, value)
    return f


DEFAULTS = EarlyWarningSettings()


def fired(f: ew.Figures, settings: EarlyWarningSettings = DEFAULTS) -> dict[str, str]:
    return {r["rule"]: r["because"] for r in ew.rules_fired(f, settings)}


# --- Each rule on its own, at its threshold ---------------------------------------------------


def test_low_attendance_fires_below_the_school_threshold() -> None:
    assert "attendance_low" not in fired(figures(attendance=Rate(40, 36)))  # 90.0%: not below
    because = fired(figures(attendance=Rate(40, 35)))["attendance_low"]
    assert because == (
        "Attended 35 of 40 possible sessions (87.5%) from 1 Nov 2025 to 28 Nov 2025; "
        "the school flags attendance below 90.0%."
    )
    assert "attendance_low" not in fired(figures())  # no marks: no rate, no rule


def test_falling_attendance_compares_with_the_window_before() -> None:
    f = figures(attendance=Rate(40, 38), attendance_before=Rate(40, 40))  # 95 from 100
    assert fired(f)["attendance_falling"].startswith("Attendance fell from 100.0% (4 Oct 2025")
    assert "5.0 points" in fired(f)["attendance_falling"]
    f = figures(attendance=Rate(40, 39), attendance_before=Rate(40, 40))  # 97.5: 2.5 points
    assert "attendance_falling" not in fired(f)


def test_removals_fire_at_the_count_the_school_sets() -> None:
    assert "removals" not in fired(figures(removals=2, minutes_out=100))
    assert fired(figures(removals=3, minutes_out=150))["removals"] == (
        "3 removals from class (150 minutes out of class) from 1 Nov 2025 to 28 Nov 2025; "
        "the school flags 3 or more."
    )
    stricter = EarlyWarningSettings(removals=5)
    assert "removals" not in fired(figures(removals=4), stricter)


def test_behaviour_fires_when_sanctions_outnumber_rewards() -> None:
    assert "behaviour" not in fired(figures(sanctions=6, detentions=2, rewards=4))  # 4 more
    because = fired(figures(sanctions=6, detentions=2, rewards=3))["behaviour"]
    assert because.startswith("6 sanctions and 2 detentions against 3 rewards")
    assert "5 more" in because


def test_low_checkins_fire_at_three() -> None:
    assert "checkins" not in fired(figures(checkins=5, low_checkins=2))
    assert fired(figures(checkins=5, low_checkins=3))["checkins"].startswith(
        "3 of 5 check-ins were low"
    )


# --- The sweep on a known fixture ------------------------------------------------------------


def worsening(world) -> None:
    """world.pupil: full attendance in October, 70% in November, and four removals."""
    pupil, sendco = world.pupil, world.users["sendco"]
    rows = []
    for day in (BEFORE + dt.timedelta(days=d) for d in range(5)):
        rows += [(day, "AM", "/"), (day, "PM", "\\")]
    for i, day in enumerate(IN_WINDOW + dt.timedelta(days=d) for d in range(5)):
        rows += [(day, "AM", "O" if i < 3 else "/"), (day, "PM", "\\")]  # 7 of 10
    AttendanceMark.objects.bulk_create(
        AttendanceMark(school=world.school, pupil=pupil, date=d, session=s, code_id=c)
        for d, s, c in rows
    )
    for day in range(4):
        start = timezone.make_aware(dt.datetime(2025, 11, 17 + day, 10))
        Removal.objects.create(
            school=world.school,
            pupil=pupil,
            kind=Removal.Kind.REMOVAL,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=40),
            reason="Fake reason",
            recorded_by=sendco,
        )


def test_school_figures_add_up_each_source(world) -> None:
    worsening(world)
    sendco = world.users["sendco"]
    for kind in ("SANCTION", "SANCTION", "DETENTION", "REWARD"):
        BehaviourEvent.objects.create(
            school=world.school,
            pupil=world.pupil,
            kind=kind,
            category="Fake",
            occurred_on=IN_WINDOW,
        )
    CheckIn.objects.create(
        school=world.school, pupil=world.pupil, date=IN_WINDOW, zone="RED", recorded_by=sendco
    )
    CheckIn.objects.create(
        school=world.school, pupil=world.pupil, date=TODAY, scale=4, recorded_by=sendco
    )
    f = ew.school_figures(school_id=world.school.pk, today=TODAY, window_days=28)[world.pupil.pk]
    assert (f.attendance.attended, f.attendance.possible) == (7, 10)
    assert f.attendance_before.percent == Decimal("100.0")
    assert (f.removals, f.minutes_out) == (4, 160)
    assert (f.sanctions, f.detentions, f.rewards) == (2, 1, 1)
    assert (f.checkins, f.low_checkins) == (2, 1)


def test_a_worsening_pupil_is_flagged_once_with_every_reason(world) -> None:
    worsening(world)
    calm = PupilFactory(school=world.school)
    AttendanceMark.objects.create(
        school=world.school, pupil=calm, date=IN_WINDOW, session="AM", code_id="O"
    )  # 0% and falling, but one area only: not flagged (two areas by default)
    AttendanceMark.objects.create(
        school=world.school, pupil=calm, date=BEFORE, session="AM", code_id="/"
    )
    with_mail = ew.early_warning_sweep_school(school_id=world.school.pk, today=TODAY)
    assert with_mail == 1
    flag = EarlyWarning.objects.get()
    assert flag.pupil == world.pupil and flag.raised_on == TODAY
    assert flag.rule_names == ["attendance_low", "attendance_falling", "removals"]
    assert "Attended 7 of 10 possible sessions (70.0%)" in flag.rules[0]["because"]
    # Again the same day and the next: the open flag is refreshed, never doubled.
    assert ew.early_warning_sweep_school(school_id=world.school.pk, today=TODAY) == 0
    assert (
        ew.early_warning_sweep_school(school_id=world.school.pk, today=TODAY + dt.timedelta(days=3))
        == 0
    )
    assert EarlyWarning.objects.count() == 1


def test_the_notice_goes_to_the_key_adult_and_sendco_once_and_names_nobody(world) -> None:
    worsening(world)
    ew.early_warning_sweep_school(school_id=world.school.pk, today=TODAY)
    flag = EarlyWarning.objects.get()
    assert ew.early_warning_notify(flag_id=flag.pk) == 2
    assert ew.early_warning_notify(flag_id=flag.pk) == 0  # a second run sends nothing
    (message,) = mail.outbox
    assert sorted(message.to) == sorted(
        [world.users["lsa_caseload"].email, world.users["sendco"].email]
    )
    text = message.subject + message.body
    for detail in (world.pupil.legal_forename, world.pupil.legal_surname, world.pupil.upn, "70"):
        assert detail not in text
    assert reverse("interventions:early_warnings") in message.body


def test_seen_action_taken_stops_the_same_reasons_nagging(world) -> None:
    worsening(world)
    ew.early_warning_sweep_school(school_id=world.school.pk, today=TODAY)
    flag = EarlyWarning.objects.get()
    with pytest.raises(ValidationError):
        ew.early_warning_seen(flag=flag, action="  ", by=world.users["behaviour_support"])
    ew.early_warning_seen(
        flag=flag, action="Met the pupil; rang home.", by=world.users["behaviour_support"]
    )
    with pytest.raises(ValidationError, match="already recorded"):
        ew.early_warning_seen(flag=flag, action="Again", by=world.users["sendco"])
    assert ew.early_warning_sweep_school(school_id=world.school.pk, today=TODAY) == 0
    assert not EarlyWarning.objects.open().exists()
    # A reason not seen before raises a new flag.
    for _ in range(6):
        BehaviourEvent.objects.create(
            school=world.school,
            pupil=world.pupil,
            kind="SANCTION",
            category="Fake",
            occurred_on=IN_WINDOW,
        )
    assert ew.early_warning_sweep_school(school_id=world.school.pk, today=TODAY) == 1
    assert "behaviour" in EarlyWarning.objects.open().get().rule_names


def test_the_school_sets_its_own_thresholds(world) -> None:
    worsening(world)
    ew.settings_save(school=world.school, by=world.users["sendco"], rules_to_flag=4, removals=3)
    assert ew.early_warning_sweep_school(school_id=world.school.pk, today=TODAY) == 0
    ew.settings_save(school=world.school, by=world.users["sendco"], rules_to_flag=1)
    assert ew.early_warning_sweep_school(school_id=world.school.pk, today=TODAY) == 1


def test_the_behaviour_team_records_an_action_from_the_page(world) -> None:
    worsening(world)
    ew.early_warning_sweep_school(school_id=world.school.pk, today=TODAY)
    flag = EarlyWarning.objects.get()
    client = world.client("behaviour_support")
    page = client.get(reverse("interventions:early_warning", args=[flag.pk]))
    assert b"Removals from class:" in page.content and b"Week by week" in page.content
    response = client.post(
        reverse("interventions:early_warning", args=[flag.pk]), {"action": "Mentor assigned."}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.seen_by == world.users["behaviour_support"] and flag.action == "Mentor assigned."


def test_the_list_shows_reasons_in_few_queries(world, django_assert_max_num_queries) -> None:
    today = timezone.localdate()
    for _ in range(6):
        EarlyWarning.objects.create(
            school=world.school,
            pupil=PupilFactory(school=world.school),
            raised_on=today,
            window_start=today,
            window_end=today,
            rules=[{"rule": "removals", "title": "Removals from class", "because": "Fake."}],
        )
    client = world.client("behaviour_support")
    with django_assert_max_num_queries(15):
        page = client.get(reverse("interventions:early_warnings"))
    assert page.content.count(b"Removals from class:") == 6


def test_low_and_falling_attendance_count_as_one_area() -> None:
    rules = ew.rules_fired(
        figures(attendance=Rate(40, 30), attendance_before=Rate(40, 40)), DEFAULTS
    )
    assert [r["rule"] for r in rules] == ["attendance_low", "attendance_falling"]
    assert ew.areas(rules) == 1
    rules = ew.rules_fired(figures(attendance=Rate(40, 30), removals=3), DEFAULTS)
    assert ew.areas(rules) == 2


def test_the_demo_has_a_year_of_attendance_with_pupils_to_find() -> None:
    call_command("seed_demo", schools=1, quiet_logins=True)
    school = School.objects.get()
    span = AttendanceMark.objects.filter(school=school).aggregate(
        first=Min("date"), last=Max("date")
    )
    assert (span["last"] - span["first"]).days >= 330
    assert BehaviourEvent.objects.filter(
        school=school, occurred_on__lt=span["first"] + dt.timedelta(days=60)
    ).exists()
    today = timezone.localdate()
    rates = rates_by_pupil(school=school, start=today - dt.timedelta(days=365), end=today)
    persistent = [r for r in rates.values() if r.persistent]
    assert 0.05 < len(persistent) / len(rates) < 0.35  # some, not most
    flags = list(EarlyWarning.objects.filter(school=school).open())
    assert flags, "the morning's sweep flags the pupils who have been worsening"
    assert all(ew.areas(f.rules) >= 2 for f in flags)
