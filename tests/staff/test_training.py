"""Training and checks: expiry, the reminder engine's hook, and ELSA supervision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from staff import services
from staff.models import Role, SupervisionSession, TrainingRecord
from staff.models.records import expiry_from
from staff.training import default_training_types, elsa_status, term_containing
from tests.factories import member

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)


@pytest.fixture
def types():
    return default_training_types()


def _record(user, kind, completed_on, expires_on=None) -> TrainingRecord:
    return services.training_record_save(
        record=TrainingRecord(
            user=user, training_type=kind, completed_on=completed_on, expires_on=expires_on
        ),
        by=None,
    )


def test_expiry_is_worked_out_from_the_training_type(world, types) -> None:
    assert expiry_from(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert expiry_from(date(2023, 5, 20), 36) == date(2026, 5, 20)
    assert expiry_from(date(2023, 5, 20), None) is None
    record = _record(world.users["lsa_caseload"], types["first-aid"], date(2023, 6, 1))
    assert record.expires_on == date(2026, 6, 1)
    assert _record(world.users["lsa_caseload"], types["makaton"], TODAY).expires_on is None


def test_training_expiring_is_the_reminder_engines_hook(world, types) -> None:
    lsa, sendco = world.users["lsa_caseload"], world.users["sendco"]
    expired = _record(lsa, types["safeguarding-1"], date(2023, 1, 10))  # ran out Jan 2026
    soon = _record(sendco, types["first-aid"], date(2023, 7, 1))  # runs out 1 July 2026
    _record(sendco, types["prevent"], date(2026, 1, 5))  # runs out 2028
    _record(lsa, types["first-aid"], date(2023, 6, 1))  # would run out soon...
    _record(lsa, types["first-aid"], date(2026, 4, 1))  # ...but was renewed
    _record(world.users["other_school"], types["dsl"], date(2024, 6, 1))  # another school
    left = member(world.school, Role.LSA)
    _record(left, types["dbs-enhanced"], date(2020, 1, 1), expires_on=date(2026, 6, 1))
    left.memberships.update(active=False)  # people who have left are not reminded

    due = services.training_expiring(world.school, within_days=60, on=TODAY)

    assert due == [expired, soon]
    assert services.training_expiring(world.school, within_days=5, on=TODAY) == [expired]
    types["safeguarding-1"].active = False
    types["safeguarding-1"].save()
    assert services.training_expiring(world.school, on=TODAY) == [soon]


def test_elsa_accreditation_lapses_below_the_supervision_setting(world, types, settings) -> None:
    elsa = world.users["elsa"]
    _record(elsa, types["elsa"], date(2025, 6, 1))
    spring = term_containing(date(2026, 2, 1))
    assert spring.name == "Spring 2026"
    SupervisionSession.objects.create(
        user=elsa, school=world.school, date=date(2026, 2, 10), supervisor="Dr Placeholder"
    )
    SupervisionSession.objects.create(
        user=elsa, school=world.school, date=date(2026, 4, 21), supervisor="Dr Placeholder"
    )
    status = elsa_status(elsa.pk, on=TODAY)
    assert (status.last_term.name, status.last_term_count, status.this_term) == (
        "Spring 2026",
        1,
        1,
    )
    assert status.required == 2 and status.lapsing
    settings.SEND_HUB_ELSA_SUPERVISIONS_PER_TERM = 1
    assert not elsa_status(elsa.pk, on=TODAY).lapsing
    # Accredited during the current term: nothing to lapse yet.
    newcomer = member(world.school, Role.ELSA)
    _record(newcomer, types["elsa"], TODAY - timedelta(days=10))
    assert not elsa_status(newcomer.pk, on=TODAY).lapsing
    assert elsa_status(world.users["lsa_caseload"].pk, on=TODAY) is None


def test_my_record_shows_my_training_and_lapsing_supervision(world, types) -> None:
    elsa = world.users["elsa"]
    today = date.today()
    _record(elsa, types["elsa"], today - timedelta(days=400))
    _record(elsa, types["safeguarding-1"], today - timedelta(days=1070))
    response = world.client("elsa").get(reverse("staff:my_record"))
    assert response.status_code == 200
    assert b"ELSA accreditation lapsing" in response.content
    assert b"Expires soon" in response.content
    # The training page lists what is due for HR admins and leaders.
    response = world.client("hr_admin").get(reverse("staff:training"))
    assert elsa.full_name.encode() in response.content


def test_hr_admin_records_training_only_for_their_schools_people(world, types) -> None:
    client = world.client("hr_admin")
    url = reverse("admin:staff_trainingrecord_add")
    data = {"training_type": types["first-aid"].pk, "completed_on": "2026-01-15"}
    response = client.post(url, {**data, "user": world.users["other_school"].pk})
    assert response.status_code == 200 and not TrainingRecord.objects.exists()
    response = client.post(url, {**data, "user": world.users["lsa_caseload"].pk})
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    # The service fills in what the form left empty.
    assert (record.expires_on, record.recorded_by) == (date(2029, 1, 15), world.users["hr_admin"])
