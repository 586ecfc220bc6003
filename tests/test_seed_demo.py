"""The demo trust: believable, census-valid, synthetic, and safe to load twice."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from stdnum.gb import upn

from pupils.models import KeyAdult, Pupil, SENNeed, SENStatus
from staff.models import Membership, Role, School, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_school_demo() -> School:
    call_command("seed_demo", schools=1, quiet_logins=True)
    return School.objects.get()


def test_demo_is_idempotent(one_school_demo: School) -> None:
    counts = (Pupil.objects.count(), SENStatus.objects.count(), User.objects.count())
    call_command("seed_demo", schools=1, quiet_logins=True)
    assert (Pupil.objects.count(), SENStatus.objects.count(), User.objects.count()) == counts


def test_demo_register_follows_the_national_mix(one_school_demo: School) -> None:
    on_roll = Pupil.objects.filter(school=one_school_demo).count()
    assert on_roll == 275
    open_statuses = SENStatus.objects.filter(end_date__isnull=True)
    k = open_statuses.filter(provision="K").count() / on_roll
    e = open_statuses.filter(provision="E").count() / on_roll
    assert 0.09 < k < 0.20, k
    assert 0.02 < e < 0.09, e


def test_demo_records_are_census_valid(one_school_demo: School) -> None:
    assert all(upn.is_valid(u) for u in Pupil.objects.values_list("upn", flat=True))
    # Every K or E status has a primary need; NSA appears only with SEN support.
    missing_primary = SENStatus.objects.filter(provision__in=["K", "E"]).exclude(needs__rank=1)
    assert not missing_primary.exists()
    assert not SENNeed.objects.filter(need="NSA").exclude(status__provision="K").exists()
    one_open = (
        SENStatus.objects.filter(end_date__isnull=True).values("pupil").annotate(n=Count("pk"))
    )
    assert all(row["n"] == 1 for row in one_open)


def test_demo_has_staff_in_every_role_and_caseloads(one_school_demo: School) -> None:
    held = set(
        Membership.objects.filter(school=one_school_demo).values_list("roles__role", flat=True)
    )
    assert {
        Role.LSA,
        Role.ELSA,
        Role.TEACHER,
        Role.SENDCO,
        Role.DSL,
        Role.HEAD,
        Role.HR_ADMIN,
    } <= held
    lsa = User.objects.get(email="lsa@brookfield.example")
    assert KeyAdult.objects.filter(staff=lsa, end_date__isnull=True).count() > 0
    newlsa = User.objects.get(email="newlsa@brookfield.example")
    assert not KeyAdult.objects.filter(staff=newlsa).exists()
    # Synthetic addresses only: the reserved .example domain can never reach a real person.
    assert not User.objects.exclude(Q(email__endswith=".example")).exists()


def test_demo_records_term_dates_and_a_trust_send_lead(one_school_demo: School) -> None:
    from staff.models import SchoolTerm, TrustRole

    assert SchoolTerm.objects.filter(school=one_school_demo).count() == 12  # two years of halves
    lead = TrustRole.objects.get(trust=one_school_demo.trust)
    assert lead.role == TrustRole.Role.SEND_LEAD
    assert lead.user.memberships.get(school=one_school_demo).role_codes == {"SENDCO"}
