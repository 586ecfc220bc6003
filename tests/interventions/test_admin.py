"""The installation-wide plan kinds are edited by superusers in the admin, not by schools."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from interventions.models import PlanKind
from staff.models import User

pytestmark = pytest.mark.django_db


def test_a_superuser_adds_a_plan_kind_and_hr_admins_do_not_see_the_list(world) -> None:
    root = User.objects.create_superuser(email="root@school.example", password="x-Long-pass-1")
    client = Client()
    client.force_login(root)
    session = client.session
    session["send_hub_mfa_ok"] = True
    session.save()
    url = reverse("admin:interventions_plankind_add")
    response = client.post(url, {"code": "PSP-2", "name": "Pastoral plan (trust)", "order": 40})
    assert response.status_code == 302
    assert PlanKind.objects.filter(code="PSP-2").exists()
    hr = world.client("hr_admin")
    listing = hr.get(reverse("admin:interventions_plankind_changelist"))
    assert listing.status_code in (302, 403)
