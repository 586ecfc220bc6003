"""The demo school gets concerns at every stage, once."""

from __future__ import annotations

import random

import pytest
from django.test import Client
from django.urls import reverse

from pupils import demo as pupils_demo
from safeguarding import demo
from safeguarding.models import Addendum, Concern, Decision, Status, Transfer
from staff import demo as staff_demo

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_every_stage_once(settings) -> None:
    settings.SEND_HUB_MFA_REQUIRED = False  # demo accounts have no authenticator
    spec = staff_demo.school_specs(1)[0]
    spec = staff_demo.SchoolSpec(**{**spec.__dict__, "pupils": 80})
    rng = random.Random(spec.urn)
    school = staff_demo.ensure_school(staff_demo.ensure_trust(), spec)
    people = staff_demo.ensure_people(school, spec, rng)
    pupils_demo.seed_school(school=school, spec=spec, people=people, rng=rng)
    demo.seed_school(school=school, spec=spec, people=people, rng=rng)
    count = Concern.objects.filter(school=school).count()
    assert count >= 15
    statuses = set(
        Concern.objects.filter(school=school).with_state().values_list("current_status", flat=True)
    )
    assert statuses == {
        Status.NEW,
        Status.IN_PROGRESS,
        Status.REFERRED,
        Status.MONITORING,
        Status.CLOSED,
    }
    assert any(c.is_back_dated for c in Concern.objects.filter(school=school))
    assert Addendum.objects.filter(concern__school=school).exists()
    assert Decision.objects.filter(concern__school=school, not_referred=True).exists()
    assert Transfer.objects.filter(school=school).exists()
    demo.seed_school(school=school, spec=spec, people=people, rng=rng)
    assert Concern.objects.filter(school=school).count() == count
    # The DSL's pages render the demo.
    client = Client()
    client.force_login(people.by_key["dsl"])
    assert client.get(reverse("safeguarding:queue")).status_code == 200
    assert client.get(reverse("safeguarding:report_governors")).status_code == 200
