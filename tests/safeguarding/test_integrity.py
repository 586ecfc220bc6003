"""Nothing on a safeguarding file is ever changed or deleted: PostgreSQL itself refuses."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from safeguarding import services
from safeguarding.models import (
    Action,
    ActionUpdate,
    Addendum,
    Concern,
    ConcernPupil,
    ConcernPupilCategory,
    Decision,
    FileAccess,
    PupilFlag,
    Referral,
    ReferralUpdate,
    Status,
    Transfer,
    TransferStep,
)
from tests.safeguarding.helpers import REFUSED_EDIT, make_concern

pytestmark = pytest.mark.django_db

PROTECTED = [
    Concern,
    ConcernPupil,
    ConcernPupilCategory,
    Addendum,
    Decision,
    Action,
    ActionUpdate,
    Referral,
    ReferralUpdate,
    PupilFlag,
    FileAccess,
    Transfer,
    TransferStep,
]


@pytest.fixture
def full_file(world):
    """One of every kind of record, so every protected table has a row."""
    dsl = world.users["dsl"]
    concern = make_concern(world)
    services.addendum_add(concern=concern, by=world.users["teacher"], text="Also: no PE kit")
    services.decision_record(concern=concern, by=dsl, status=Status.REFERRED, rationale="Refer")
    action = services.action_add(
        concern=concern, by=dsl, description="Visit", owner=dsl, due_on=timezone.localdate()
    )
    services.action_update_add(action=action, by=dsl, outcome="Visited", completed=True)
    referral = services.referral_add(
        concern=concern,
        by=dsl,
        pupil=world.pupil,
        agency="SOCIAL_CARE",
        referred_on=timezone.localdate(),
        rationale="Threshold met",
    )
    services.referral_update_add(
        referral=referral, by=dsl, outcome="Assessment", outcome_on=timezone.localdate()
    )
    services.flag_set(pupil=world.pupil, by=dsl, on=True, reason="Enquiry")
    services.access_record(user=dsl, kind=FileAccess.Kind.CONCERN_VIEWED, pupils=[world.pupil])
    world.pupil.leaving_date = timezone.localdate()
    world.pupil.save()
    transfer = services.transfer_start(
        pupil=world.pupil, by=dsl, destination_school="X", destination_contact="Y"
    )
    TransferStep.objects.create(transfer=transfer, kind="EXPORTED", by=dsl)
    return concern


@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m.__name__)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_raw_sql_cannot_change_or_delete_a_record(full_file, model, statement) -> None:
    assert model.objects.exists()
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        pytest.raises(DatabaseError, match=REFUSED_EDIT),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table))


def test_the_orm_cannot_change_a_concern_either(full_file) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        Concern.objects.filter(pk=full_file.pk).update(what_happened="rewritten")
    full_file.what_happened = "rewritten"
    with pytest.raises(DatabaseError), transaction.atomic():
        full_file.save()
    assert Concern.objects.get().what_happened != "rewritten"


def test_deleting_a_pupil_or_a_user_never_cascades_into_the_file(world, full_file) -> None:
    with pytest.raises(ProtectedError):
        world.pupil.delete()
    with pytest.raises(ProtectedError):
        world.users["teacher"].delete()
    assert Concern.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_write_records(world) -> None:
    # Runs with flush teardown: the protected rows must not stop Django's TRUNCATE.
    make_concern(world)
    assert Concern.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_transactional_test_emptied_the_tables() -> None:
    assert not Concern.objects.exists()
    assert not FileAccess.objects.exists()
