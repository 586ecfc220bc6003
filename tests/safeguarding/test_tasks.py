"""Alerts by e-mail, escalation after a school day, reminders: tasks called as plain functions."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from safeguarding import services, tasks
from safeguarding.models import Alert, Status
from safeguarding.schooldays import add_school_days, is_school_day, school_day_deadline
from safeguarding.services import alerts as alerts_services
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (at(2025, 3, 3, 10, 0), at(2025, 3, 4, 10, 0)),  # Monday -> Tuesday
        (at(2025, 3, 7, 15, 30), at(2025, 3, 10, 15, 30)),  # Friday -> Monday
        (at(2025, 3, 8, 11, 0), at(2025, 3, 11, 0, 0)),  # Saturday -> end of Monday
        (at(2025, 3, 9, 23, 0), at(2025, 3, 11, 0, 0)),  # Sunday night -> end of Monday
    ],
)
def test_one_school_day_skips_weekends(start, due) -> None:
    assert school_day_deadline(start, 1) == due


def test_school_days_for_dates() -> None:
    assert not is_school_day(dt.date(2025, 3, 8))
    assert add_school_days(dt.date(2025, 3, 7), 5) == dt.date(2025, 3, 14)  # Friday + 5
    assert add_school_days(dt.date(2025, 3, 5), 5) == dt.date(2025, 3, 12)  # Wednesday + 5


def test_the_alert_e_mail_goes_once_and_says_nothing_about_the_child(world) -> None:
    concern = make_concern(world, text="CANARY-IN-EMAIL", urgent=True)
    alert = Alert.objects.get(concern=concern)
    assert services.alert_email(alert_id=alert.pk) is True
    assert services.alert_email(alert_id=alert.pk) is False  # a re-run sends nothing
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.users["dsl"].email]
    assert message.subject.startswith("[SEND Hub] Urgent")
    for secret in ("CANARY-IN-EMAIL", world.pupil.legal_surname, world.pupil.legal_forename):
        assert secret not in message.subject + message.body
    assert "/today/" in message.body


def test_a_failed_e_mail_is_left_for_the_sweep(world, monkeypatch) -> None:
    make_concern(world)
    alert = Alert.objects.get()

    def broken(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(alerts_services, "send_mail", broken)
    with pytest.raises(OSError):
        services.alert_email(alert_id=alert.pk)
    assert services.alerts_pending_email_ids() == [alert.pk]


def test_the_sweep_finds_alerts_still_to_e_mail(world) -> None:
    make_concern(world)
    assert tasks.alerts_email_pending_task() == 1


def test_an_untriaged_concern_escalates_to_every_dsl_and_the_head_once(world) -> None:
    head = world.users["head"]
    with time_machine.travel(at(2025, 3, 7, 15, 0), tick=False):  # a Friday afternoon
        concern = make_concern(world)
    with time_machine.travel(at(2025, 3, 10, 14, 0), tick=False):  # Monday, too early
        assert services.concerns_due_escalation_ids() == []
        assert services.concern_escalate(concern_id=concern.pk) == 0
    with time_machine.travel(at(2025, 3, 10, 15, 30), tick=False):
        assert services.concerns_due_escalation_ids() == [concern.pk]
        assert tasks.concerns_escalate_due_task() == 1
        assert services.concern_escalate(concern_id=concern.pk) == 2
        assert services.concern_escalate(concern_id=concern.pk) == 0  # run twice: no more
        assert services.concerns_due_escalation_ids() == []
    escalated = Alert.objects.filter(kind=Alert.Kind.ESCALATED)
    assert set(escalated.values_list("recipient", flat=True)) == {
        world.users["dsl"].pk,
        head.pk,
    }


def test_a_triaged_concern_does_not_escalate(world) -> None:
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        concern = make_concern(world)
        services.decision_record(
            concern=concern, by=world.users["dsl"], status=Status.MONITORING, rationale="Watch"
        )
    with time_machine.travel(at(2025, 3, 5, 9, 0), tick=False):
        assert services.concern_escalate(concern_id=concern.pk) == 0


def test_overdue_actions_remind_owner_and_setter_once(world) -> None:
    concern = make_concern(world)
    dsl, teacher = world.users["dsl"], world.users["teacher"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    # Set yesterday, due yesterday (a deadline already past is refused).
    with time_machine.travel(timezone.now() - dt.timedelta(days=1)):
        services.action_add(
            concern=concern, by=dsl, description="Watch at lunch", owner=teacher, due_on=yesterday
        )
        done = services.action_add(
            concern=concern, by=dsl, description="Done one", owner=teacher, due_on=yesterday
        )
    services.action_update_add(action=done, by=dsl, outcome="Done", completed=True)
    assert services.actions_overdue_remind() == 2
    assert services.actions_overdue_remind() == 0
    kinds = Alert.objects.filter(kind=Alert.Kind.ACTION_OVERDUE)
    assert set(kinds.values_list("recipient", flat=True)) == {dsl.pk, teacher.pk}


def test_leavers_with_a_file_and_overdue_transfers_remind_the_dsl(world) -> None:
    make_concern(world)
    world.pupil.leaving_date = timezone.localdate() - dt.timedelta(days=20)
    world.pupil.save()
    assert tasks.reminders_daily_task() == 1
    assert Alert.objects.get(kind=Alert.Kind.TRANSFER_NOT_STARTED).pupil == world.pupil
    transfer = services.transfer_start(
        pupil=world.pupil, by=world.users["dsl"], destination_school="X", destination_contact="Y"
    )
    assert transfer.is_overdue()
    assert services.transfers_remind() == 1
    assert services.transfers_remind() == 0
    assert Alert.objects.get(kind=Alert.Kind.TRANSFER_OVERDUE).transfer == transfer
