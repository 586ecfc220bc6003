"""Part-time timetables: validation, review and end, the LA's list (page + CSV), reminders."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interventions.attendance.models import PartTimeTimetable
from interventions.attendance.parttime import parttime_end, parttime_review, parttime_start
from interventions.reminders.models import Notification
from interventions.reminders.services import reminders_sweep_school
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _start(w: World, **over: object) -> PartTimeTimetable:
    today = timezone.localdate()
    values: dict[str, object] = {
        "school": w.school,
        "pupil": w.pupil,
        "by": w.users["sendco"],
        "reason": "Phased return after a long absence.",
        "hours_per_week": Decimal("15"),
        "start_date": today,
        "parents_agreed": True,
        "parents_agreed_on": today - dt.timedelta(days=2),
        "review_on": today + dt.timedelta(weeks=6),
        "la_informed_on": None,
    }
    values.update(over)
    return parttime_start(**values)  # type: ignore[arg-type]


def test_review_more_than_six_weeks_after_start_is_refused(world: World) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        _start(world, review_on=today + dt.timedelta(weeks=6, days=1))
    assert "at least every 6 weeks" in str(exc.value)
    assert not PartTimeTimetable.objects.exists()
    assert _start(world, review_on=today + dt.timedelta(weeks=6)).pk


@pytest.mark.parametrize(
    ("over", "words"),
    [
        ({"parents_agreed": False}, "parents' agreement"),
        ({"parents_agreed_on": None}, "parents' agreement"),
        ({"hours_per_week": Decimal("0")}, "more than 0"),
        ({"hours_per_week": Decimal("40")}, "less than a full week"),
        ({"reason": "  "}, "Say why"),
    ],
)
def test_start_refuses_what_the_register_could_not_defend(
    world: World, over: dict[str, object], words: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _start(world, **over)
    assert words in str(exc.value)


def test_review_moves_the_next_review_and_is_capped_at_six_weeks(world: World) -> None:
    tt = _start(world)
    later = tt.start_date + dt.timedelta(weeks=5)
    with pytest.raises(ValidationError, match="at least every 6 weeks"):
        parttime_review(
            timetable=tt,
            by=world.users["sendco"],
            reviewed_on=later,
            review_on=later + dt.timedelta(weeks=7),
            hours_per_week=Decimal("20"),
            la_informed_on=None,
        )
    parttime_review(
        timetable=tt,
        by=world.users["sendco"],
        reviewed_on=later,
        review_on=later + dt.timedelta(weeks=4),
        hours_per_week=Decimal("20"),
        la_informed_on=later,
    )
    tt.refresh_from_db()
    assert (tt.last_reviewed_on, tt.review_on) == (later, later + dt.timedelta(weeks=4))
    assert tt.hours_per_week == Decimal("20") and tt.la_informed_on == later


def test_end_once_then_a_new_one_may_start(world: World) -> None:
    tt = _start(world)
    with pytest.raises(ValidationError, match="already on a part-time timetable"):
        _start(world)
    parttime_end(timetable=tt, by=world.users["sendco"], ended_on=tt.start_date, note="Full time")
    with pytest.raises(ValidationError, match="already ended"):
        parttime_end(timetable=tt, by=world.users["sendco"], ended_on=tt.start_date, note="")
    assert _start(world).pk != tt.pk


def test_double_post_creates_one_record(world: World) -> None:
    today = timezone.localdate()
    client = world.client("sendco")
    data = {
        "pupil": world.pupil.pk,
        "reason": "Anxiety-based absence; building up mornings.",
        "hours_per_week": "12.5",
        "start_date": today.isoformat(),
        "parents_agreed": "on",
        "parents_agreed_on": today.isoformat(),
        "review_on": (today + dt.timedelta(weeks=4)).isoformat(),
    }
    first = client.post(reverse("interventions:parttime_new"), data)
    second = client.post(reverse("interventions:parttime_new"), data)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "already on a part-time timetable" in second.content.decode()
    assert PartTimeTimetable.objects.count() == 1


def test_page_shows_review_error_in_words(world: World) -> None:
    today = timezone.localdate()
    response = world.client("behaviour_support").post(
        reverse("interventions:parttime_new"),
        {
            "pupil": world.pupil.pk,
            "reason": "Reason",
            "hours_per_week": "10",
            "start_date": today.isoformat(),
            "parents_agreed": "on",
            "parents_agreed_on": today.isoformat(),
            "review_on": (today + dt.timedelta(weeks=8)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "at least every 6 weeks" in response.content.decode()
    assert not PartTimeTimetable.objects.exists()


def test_detail_review_and_end_by_post(world: World) -> None:
    tt = _start(world)
    client = world.client("head")
    url = reverse("interventions:parttime", args=[tt.pk])
    reviewed = tt.start_date + dt.timedelta(days=14)
    r = client.post(
        url,
        {
            "action": "review",
            "review-reviewed_on": reviewed.isoformat(),
            "review-hours_per_week": "18",
            "review-review_on": (reviewed + dt.timedelta(weeks=3)).isoformat(),
        },
    )
    assert r.status_code == 302
    tt.refresh_from_db()
    assert tt.review_on == reviewed + dt.timedelta(weeks=3)
    r = client.post(
        url, {"action": "end", "end-ended_on": reviewed.isoformat(), "end-note": "Back"}
    )
    assert r.status_code == 302
    tt.refresh_from_db()
    assert tt.ended_on == reviewed


def test_list_and_csv_for_the_la(world: World, django_assert_max_num_queries: Any) -> None:
    tt = _start(world)
    client = world.client("sendco")
    client.get("/")  # the session's first request: sign-in bookkeeping
    with django_assert_max_num_queries(10):
        page = client.get(reverse("interventions:parttime_list")).content.decode()
    assert world.pupil.display_name in page and "LA not yet informed" in page
    with django_assert_max_num_queries(8):
        response = client.get(reverse("interventions:parttime_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "UPN" and len(rows) == 2
    assert rows[1][0] == world.pupil.upn and rows[1][6] == "15.0"
    assert rows[1][10] == tt.review_on.isoformat()


def test_review_reminder_is_sent_once_per_stage(world: World) -> None:
    today = timezone.localdate()
    tt = _start(
        world,
        start_date=today - dt.timedelta(days=30),
        parents_agreed_on=today - dt.timedelta(days=31),
        review_on=today,
    )
    tt.refresh_from_db()
    assert reminders_sweep_school(school_id=world.school.pk, today=today) >= 1
    assert reminders_sweep_school(school_id=world.school.pk, today=today) == 0
    sent = Notification.objects.filter(kind__startswith="parttime_review")
    assert sent.count() == 1
    note = sent.get()
    assert note.recipient_id == world.users["sendco"].pk and note.kind == "parttime_review_due"
    assert world.pupil.legal_surname not in note.text
    parttime_end(timetable=tt, by=world.users["sendco"], ended_on=today, note="")
    reminders_sweep_school(school_id=world.school.pk, today=today + dt.timedelta(days=1))
    assert sent.count() == 1  # an ended timetable is not reviewed


def test_the_demo_has_part_time_timetables_with_a_review_near() -> None:
    from django.core.management import call_command

    call_command("seed_demo", schools=1, quiet_logins=True)
    today = timezone.localdate()
    current = PartTimeTimetable.objects.current()
    assert current.count() == 2
    assert current.filter(review_on__lte=today + dt.timedelta(days=14)).exists()
    assert current.filter(la_informed_on__isnull=True).exists()
    assert all(
        tt.review_on <= (tt.last_reviewed_on or tt.start_date) + dt.timedelta(weeks=6)
        for tt in current
    )
    assert Notification.objects.filter(kind__startswith="parttime_review").exists()
