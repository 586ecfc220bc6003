"""The HR admin's page for one person: it opens, and HR can offboard someone from it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from staff import services
from staff.models import Membership, SupervisionSession, TrainingRecord, User
from staff.training import default_training_types
from tests.staff.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def test_hr_admin_opens_a_person_with_training_and_supervision_records(world) -> None:
    lsa: User = world.users["lsa_caseload"]
    hr = world.users["hr_admin"]
    # Both record kinds also point at User through recorded_by: the page must still open.
    services.training_record_save(
        record=TrainingRecord(
            user=lsa,
            training_type=default_training_types()["first-aid"],
            completed_on=date(2025, 3, 3),
        ),
        by=hr,
    )
    SupervisionSession.objects.create(
        user=lsa, school=world.school, date=date(2025, 4, 4), supervisor="Dr Pat Example"
    )
    response = world.client("hr_admin").get(reverse("admin:staff_user_change", args=[lsa.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "training and checks" in page.lower()
    assert "Dr Pat Example" in page


def test_hr_admin_offboards_a_person_from_their_page(world) -> None:
    leaver: User = world.users["teacher"]
    client = world.client("hr_admin")
    url = reverse("admin:staff_user_change", args=[leaver.pk])
    data = change_form_data(client.get(url))
    data.pop("is_active")  # the tick box cleared: the account can no longer sign in
    membership = Membership.objects.get(user=leaver, school=world.school)
    prefix = next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and str(value) == str(membership.pk)
    )
    data.pop(f"{prefix}-active")
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    leaver.refresh_from_db()
    membership.refresh_from_db()
    assert not leaver.is_active
    assert not membership.active
