"""The SEN register's rules that the database itself enforces."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pupils.models import SENNeed, SENStatus, validate_upn
from tests.factories import PupilFactory, on_register

pytestmark = pytest.mark.django_db


def test_only_one_open_status_per_pupil() -> None:
    pupil = PupilFactory()
    on_register(pupil, "K", "SLCN")
    with pytest.raises(IntegrityError), transaction.atomic():
        SENStatus.objects.create(pupil=pupil, provision="E", start_date=dt.date(2025, 3, 1))


def test_closed_statuses_keep_the_history() -> None:
    pupil = PupilFactory()
    first = on_register(pupil, "K", "SLCN")
    first.end_date = dt.date(2025, 2, 28)
    first.save()
    SENStatus.objects.create(pupil=pupil, provision="E", start_date=dt.date(2025, 3, 1))
    assert pupil.sen_statuses.count() == 2


def test_a_status_cannot_end_before_it_starts() -> None:
    pupil = PupilFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SENStatus.objects.create(
            pupil=pupil, provision="K", start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 2, 1)
        )


def test_needs_have_unique_ranks_and_codes() -> None:
    status = on_register(PupilFactory(), "K", "SLCN", "SEMH")
    with pytest.raises(IntegrityError), transaction.atomic():
        SENNeed.objects.create(status=status, rank=1, need="MLD")
    with pytest.raises(IntegrityError), transaction.atomic():
        SENNeed.objects.create(status=status, rank=3, need="MLD")


@pytest.mark.parametrize("value", ["B801200005001", "P207000016049"])
def test_valid_upns_pass(value: str) -> None:
    validate_upn(value)


@pytest.mark.parametrize("value", ["Q207000016049", "B80120000500", "E000200005001", ""])
def test_invalid_upns_are_refused_with_a_message(value: str) -> None:
    with pytest.raises(ValidationError, match="not a valid UPN"):
        validate_upn(value)
