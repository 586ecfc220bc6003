"""Disposal on a frozen clock: what passed its rule is listed, and once the DPO or head
approves it the rows and their files are gone, the disposal log says so, a legal hold stops it,
and append-only safeguarding rows leave only through the approved path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from interventions.models import Notification
from pupils.models import Document, Pupil
from pupils.services.records import document_upload
from records import retention
from records.models import DisposalBatch, DisposalItem, DisposalLog, LegalHold, StaffDeparture
from records.tasks import disposal_list_task
from safeguarding.models import Concern, ConcernPupil
from safeguarding.services import attachment_add
from staff.models import Membership, Role, TrainingRecord, TrainingType
from tests.factories import PupilFactory, left_on, member, on_register
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 200 + b"\n%%EOF"
# The pupil was born in 2000: the child protection file and pupil record pass on the 25th
# birthday (2025-03-01), the SEN record on the 31st (2031-03-01).
BORN = dt.date(2000, 3, 1)
LISTED = dt.date(2031, 3, 2)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _old_pupil_with_records(world) -> tuple[Pupil, Concern, Document]:
    pupil = PupilFactory(
        school=world.school,
        date_of_birth=BORN,
        admission_date=dt.date(2011, 9, 1),
    )
    on_register(pupil, "K", "SLCN")
    concern = make_concern(world, pupil=pupil)
    attachment_add(
        concern=concern,
        by=world.users["dsl"],
        upload=SimpleUploadedFile("minutes.pdf", PDF),
        kind="MINUTES",
    )
    document = document_upload(
        pupil=pupil,
        upload=SimpleUploadedFile("report.pdf", PDF),
        title="EP report",
        kind="EP_REPORT",
        by=world.users["sendco"],
    )
    return left_on(pupil, dt.date(2016, 7, 20)), concern, document


def pupil_item(batch: DisposalBatch, pupil: Pupil) -> DisposalItem:
    """The batch's item for ``pupil`` (the batch may also hold old alerts: working data)."""
    return batch.items.get(subject_ref=f"pupil {pupil.pk}")


@time_machine.travel(dt.datetime(2031, 3, 2, 9, tzinfo=dt.UTC), tick=False)
def test_records_past_their_rule_are_listed_then_gone_once_approved(
    world, tmp_path, django_capture_on_commit_callbacks
) -> None:
    pupil, concern, document = _old_pupil_with_records(world)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 2  # the concern's minutes and the EP report
    young = PupilFactory(school=world.school, date_of_birth=dt.date(2015, 1, 1))
    on_register(young, "K", "SLCN")

    batch = disposal_list_task(world.school.pk, LISTED.isoformat())
    batch = DisposalBatch.objects.get(pk=batch)
    item = pupil_item(batch, pupil)
    # The alerts the concern raised go with it (not again as old working data).
    assert list(batch.items.values_list("subject_ref", flat=True)) == [f"pupil {pupil.pk}"]
    assert item.pupil_id == pupil.pk and item.state == DisposalItem.State.PENDING
    assert {"CHILD_PROTECTION", "SEN_RECORD", "PUPIL_RECORD"} <= set(item.kinds)
    assert item.review  # the child protection file's rule says review
    assert Pupil.objects.filter(pk=pupil.pk).exists()  # nothing goes before approval

    head = world.users["head"]
    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows have
        retention.disposal_approve(batch=batch, by=head)

    assert not Pupil.objects.filter(pk=pupil.pk).exists()
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert not ConcernPupil.objects.filter(pupil_id=pupil.pk).exists()
    assert not Document.objects.filter(pk=document.pk).exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert Pupil.objects.filter(pk=young.pk).exists()
    item.refresh_from_db()
    assert item.state == DisposalItem.State.DISPOSED and item.pupil_id is None

    log = DisposalLog.objects.filter(item=item)
    by_model = {row.model: row for row in log}
    assert by_model["safeguarding.Concern"].kind == "CHILD_PROTECTION"
    assert by_model["safeguarding.Concern"].count == 1
    assert by_model["safeguarding.Attachment"].files == 1
    assert by_model["pupils.Document"].files == 1
    assert by_model["pupils.Pupil"].rule == "Pupil's date of birth + 25 years, then dispose"
    assert {row.approved_by_id for row in log} == {head.pk}
    assert {row.subject_ref for row in log} == {f"pupil {pupil.pk}"}
    # The log names no one and holds no record text.
    text = " ".join(f"{r.subject_ref} {r.model} {r.rule}" for r in log)
    assert pupil.legal_surname not in text and "coat" not in text
    # Kept forever: the database refuses to change or remove a log row.
    with pytest.raises(DatabaseError), transaction.atomic():
        DisposalLog.objects.filter(item=item).delete()


@time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False)
def test_only_the_rules_that_have_passed_take_their_records(world) -> None:
    pupil, concern, document = _old_pupil_with_records(world)
    batch = retention.disposal_list(school=world.school, on=dt.date(2026, 3, 2))
    assert batch is not None
    item = pupil_item(batch, pupil)
    # Past the 25th birthday, before the 31st: the child protection file goes (after review),
    # the SEN record and so the pupil stay.
    assert "CHILD_PROTECTION" in item.kinds and "SEN_RECORD" not in item.kinds
    # The DSL's queue and the child's chronology, kept between looks (safeguarding.services.
    # kept), show the concern until it is disposed of, and never after.
    dsl = world.client("dsl")
    queue, chronology = (
        reverse("safeguarding:queue"),
        reverse("safeguarding:chronology", args=[pupil.pk]),
    )
    assert concern.pk in [row["pk"] for row in dsl.get(f"{queue}?show=all").context["rows"]]
    assert concern.what_happened in dsl.get(chronology).content.decode()
    retention.disposal_approve(batch=batch, by=world.users["head"])
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert dsl.get(f"{queue}?show=all").context["rows"] == []
    assert concern.what_happened not in dsl.get(chronology).content.decode()
    assert Pupil.objects.filter(pk=pupil.pk).exists()
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_legal_hold_stops_listing_and_disposal(world) -> None:
    pupil, concern, _ = _old_pupil_with_records(world)
    hold = retention.legal_hold_place(pupil=pupil, by=world.users["head"], reason="Claim 42")
    batch = retention.disposal_list(school=world.school, on=LISTED)
    assert not batch.items.filter(pupil=pupil).exists()

    retention.legal_hold_lift(hold=hold, by=world.users["head"])
    batch = retention.disposal_list(school=world.school, on=LISTED + dt.timedelta(days=1))
    assert batch is not None
    # A hold placed after listing, before approval, still stops it.
    retention.legal_hold_place(pupil=pupil, by=world.users["head"], reason="Inquiry")
    retention.disposal_approve(batch=batch, by=world.users["head"])
    item = pupil_item(batch, pupil)
    assert item.state == DisposalItem.State.HELD
    assert Concern.objects.filter(pk=concern.pk).exists()
    assert not DisposalLog.objects.filter(item=item).exists()
    assert LegalHold.objects.active().filter(pupil=pupil).count() == 1


def test_an_item_kept_after_review_stays(world) -> None:
    pupil, _, _ = _old_pupil_with_records(world)
    batch = retention.disposal_list(school=world.school, on=LISTED)
    item = pupil_item(batch, pupil)
    retention.disposal_approve(batch=batch, by=world.users["head"], keep=[item.pk])
    item.refresh_from_db()
    assert item.state == DisposalItem.State.RETAINED
    assert Pupil.objects.filter(pk=pupil.pk).exists()


def test_only_the_dpo_or_head_approves_and_only_once(world) -> None:
    _old_pupil_with_records(world)
    batch = retention.disposal_list(school=world.school, on=LISTED)
    for persona in ("sendco", "dsl", "hr_admin", "other_school"):
        with pytest.raises(retention.DisposalError, match="DPO or head"):
            retention.disposal_approve(batch=batch, by=world.users[persona])
    dpo = member(world.school, Role.DPO)
    retention.disposal_approve(batch=batch, by=dpo)
    with pytest.raises(retention.DisposalError, match="already been approved"):
        retention.disposal_approve(batch=batch, by=dpo)


def test_listing_twice_on_the_same_day_lists_once(world) -> None:
    _old_pupil_with_records(world)
    first = retention.disposal_list(school=world.school, on=LISTED)
    again = retention.disposal_list(school=world.school, on=LISTED)
    assert first == again and DisposalItem.objects.count() == 1
    # A later month does not list the same pupil again while the first list waits.
    later = retention.disposal_list(school=world.school, on=LISTED + dt.timedelta(days=31))
    assert later is None or not later.items.filter(pupil__isnull=False).exists()


def test_append_only_rows_leave_only_through_an_approved_item(world) -> None:
    """The app's role cannot delete a concern; the database function refuses an item that is
    not approved, rows the item does not list, and ordinary tables."""
    pupil, concern, _ = _old_pupil_with_records(world)
    if connection.vendor != "postgresql":
        pytest.skip("the database function is PostgreSQL's")
    with pytest.raises(DatabaseError), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).delete()
    batch = retention.disposal_list(school=world.school, on=LISTED)
    item = pupil_item(batch, pupil)
    call = "SELECT records_dispose_rows(%s, %s::regclass, %s)"
    # Listed but not approved.
    with (
        pytest.raises(DatabaseError, match="not approved"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(call, [item.pk, "safeguarding_concern", [concern.pk]])
    # The app marks the item approved itself, without a head's or DPO's approval of the batch.
    DisposalItem.objects.filter(pk=item.pk).update(state=DisposalItem.State.APPROVED)
    with (
        pytest.raises(DatabaseError, match="not approved"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(call, [item.pk, "safeguarding_concern", [concern.pk]])
    # Approved by someone who is no head or DPO.
    DisposalBatch.objects.filter(pk=batch.pk).update(
        approved_by=world.users["sendco"], approved_at=timezone.now()
    )
    with (
        pytest.raises(DatabaseError, match="not approved"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(call, [item.pk, "safeguarding_concern", [concern.pk]])
    DisposalBatch.objects.filter(pk=batch.pk).update(approved_by=world.users["head"])
    other = make_concern(world)  # a concern about another pupil, not on the list
    for table, ids, message in (
        ("safeguarding_concern", [other.pk], "does not list"),
        ("pupils_pupil", [world.pupil.pk], "not an append-only table"),
    ):
        with (
            pytest.raises(DatabaseError, match=message),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(call, [item.pk, table, ids])
    assert Concern.objects.filter(pk__in=[concern.pk, other.pk]).count() == 2


def test_the_app_role_may_call_the_function_and_nothing_more(world) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's privileges")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_function_privilege(current_user, "
            "'records_dispose_rows(bigint, regclass, bigint[])', 'EXECUTE'), "
            "has_table_privilege(current_user, 'safeguarding_concern', 'DELETE'), "
            "has_table_privilege(current_user, 'records_disposallog', 'DELETE'), "
            "(SELECT prosecdef FROM pg_proc WHERE proname = 'records_dispose_rows'), "
            "(SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'records_dispose_rows')"
            " <> current_user"
        )
        assert cursor.fetchone() == (True, False, False, True, True)
    assert psycopg  # the app's role's own connection is tested in tests/test_db_roles.py


def test_a_former_member_of_staffs_training_goes_six_years_after_they_left(world) -> None:
    leaver = member(world.school, Role.LSA)
    training = TrainingRecord.objects.create(
        user=leaver,
        training_type=TrainingType.objects.create(code="records-test", name="Records test course"),
        completed_on=dt.date(2018, 1, 10),
    )
    Membership.objects.filter(user=leaver).update(active=False)
    StaffDeparture.objects.create(school=world.school, user=leaver, left_on=dt.date(2020, 7, 20))
    assert retention.disposal_list(school=world.school, on=dt.date(2026, 7, 19)) is None
    batch = retention.disposal_list(school=world.school, on=dt.date(2026, 7, 20))
    (item,) = batch.items.all()
    assert item.user_id == leaver.pk and item.kinds == ["STAFF_RECORD"]
    retention.disposal_approve(batch=batch, by=world.users["head"])
    assert not TrainingRecord.objects.filter(pk=training.pk).exists()
    assert DisposalLog.objects.get(item=item, model="staff.TrainingRecord").rule == (
        "Leaving date (pupil leaves the school, or staff member leaves) + 6 years, then dispose"
    )


def test_old_working_data_goes_a_year_after_it_was_made(world) -> None:
    with time_machine.travel(dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        old = Notification.objects.create(
            school=world.school,
            recipient=world.users["sendco"],
            kind="test",
            text="A reminder",
            due_on=dt.date(2025, 1, 10),
        )
    recent = Notification.objects.create(
        school=world.school,
        recipient=world.users["sendco"],
        kind="test",
        text="A reminder",
        due_on=dt.date(2026, 1, 9),
    )
    batch = retention.disposal_list(school=world.school, on=dt.date(2026, 1, 10))
    item = batch.items.get(subject_ref="working data")
    assert item.counts == {"OPERATIONAL": {"interventions.Notification": 1}}
    retention.disposal_approve(batch=batch, by=world.users["head"])
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk=recent.pk).exists()


def test_a_rule_counted_from_closure_waits_for_the_last_open_record_to_close(world) -> None:
    """A school counts its SEN records from closure (6 years): the file closes when the pupil
    has left and the last SEN record that can stay open (here an SEN status) has closed."""
    from pupils.models import SENStatus
    from records.models import RetentionRule, Trigger

    RetentionRule.objects.create(
        school=world.school, kind="SEN_RECORD", trigger=Trigger.CLOSURE, years=6
    )
    pupil = PupilFactory(
        school=world.school,
        date_of_birth=dt.date(2004, 5, 1),
        admission_date=dt.date(2015, 9, 2),
    )
    status = SENStatus.objects.create(pupil=pupil, provision="K", start_date=dt.date(2016, 1, 4))
    document = document_upload(
        pupil=pupil,
        by=world.users["sendco"],
        kind=Document.Kind.OTHER,
        title="Review notes",
        upload=SimpleUploadedFile("notes.pdf", b"%PDF-1.4 notes"),
    )
    left_on(pupil, dt.date(2020, 7, 17))

    def kinds_on(day: dt.date) -> list[str]:
        with time_machine.travel(dt.datetime.combine(day, dt.time(9), dt.UTC), tick=False):
            batch = retention.disposal_list(school=world.school, on=day)
        item = batch.items.filter(pupil=pupil).first() if batch else None
        return item.kinds if item else []

    # The status was never closed: six years after leaving, the SEN file is still open.
    assert "SEN_RECORD" not in kinds_on(dt.date(2026, 7, 20))
    # Closed (after the pupil left): the count starts then, for the document too.
    SENStatus.objects.filter(pk=status.pk).update(end_date=dt.date(2021, 3, 31))
    assert "SEN_RECORD" not in kinds_on(dt.date(2027, 3, 30))
    assert "SEN_RECORD" in kinds_on(dt.date(2027, 3, 31))
    assert RetentionRule.objects.get(school=world.school).describe() == (
        "Closure (the pupil has left and the last of these records has closed) + 6 years, "
        "then dispose"
    )
    assert Document.objects.filter(pk=document.pk).exists()  # listed, not yet approved
