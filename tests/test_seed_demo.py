"""The demo trust: believable, census-valid, synthetic, and safe to load twice."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from stdnum.gb import upn

from interventions.models import (
    Notification,
    Placement,
    Removal,
    ScheduleSlot,
    Session,
    SessionAttendance,
)
from pupils.models import KeyAdult, Pupil, SENNeed, SENStatus
from pupils.services.census import census_problems
from safeguarding.models import Concern
from staff.models import Membership, Role, School, SupervisionSession, Trust, User

pytestmark = pytest.mark.django_db


class TestOneSchoolDemo(TestCase):
    """One school of the demo, seeded once for the class (each test rolls back to it): seeding
    takes a quarter of a minute or more, and these tests only read it, or load it again."""

    school: School

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", schools=1, quiet_logins=True)
        cls.school = School.objects.get()

    def test_demo_is_idempotent(self) -> None:
        counts = (Pupil.objects.count(), SENStatus.objects.count(), User.objects.count())
        call_command("seed_demo", schools=1, quiet_logins=True)
        assert (Pupil.objects.count(), SENStatus.objects.count(), User.objects.count()) == counts

    def test_demo_register_follows_the_national_mix(self) -> None:
        on_roll = Pupil.objects.filter(school=self.school).count()
        assert on_roll == 275
        open_statuses = SENStatus.objects.filter(end_date__isnull=True)
        k = open_statuses.filter(provision="K").count() / on_roll
        e = open_statuses.filter(provision="E").count() / on_roll
        assert 0.09 < k < 0.20, k
        assert 0.02 < e < 0.09, e

    def test_demo_records_are_census_valid(self) -> None:
        assert all(upn.is_valid(u) for u in Pupil.objects.values_list("upn", flat=True))
        # Every K or E status has a primary need; NSA appears only with SEN support.
        missing_primary = SENStatus.objects.filter(provision__in=["K", "E"]).exclude(needs__rank=1)
        assert not missing_primary.exists()
        assert not SENNeed.objects.filter(need="NSA").exclude(status__provision="K").exists()
        one_open = (
            SENStatus.objects.filter(end_date__isnull=True).values("pupil").annotate(n=Count("pk"))
        )
        assert all(row["n"] == 1 for row in one_open)
        # The census pre-flight finds nothing to fix: every pupil recorded E has their plan on file.
        problems = census_problems(Pupil.objects.filter(school=self.school))
        assert [(p.name, p.message) for p in problems] == []

    def test_demo_has_staff_in_every_role_and_caseloads(self) -> None:
        held = set(
            Membership.objects.filter(school=self.school).values_list("roles__role", flat=True)
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

    def test_demo_records_term_dates_and_a_trust_send_lead(self) -> None:
        from staff.models import SchoolTerm, TrustRole

        assert SchoolTerm.objects.filter(school=self.school).count() == 12  # two years of halves
        lead = TrustRole.objects.get(trust=self.school.trust)
        assert lead.role == TrustRole.Role.SEND_LEAD
        assert lead.user.memberships.get(school=self.school).role_codes == {"SENDCO"}

    def test_demo_text_reads_as_a_school_wrote_it(self) -> None:
        placeholder = re.compile(r"fake|placeholder|lorem|\(demo\)|demo text", re.IGNORECASE)
        texts = [
            *Placement.objects.values_list("referral_reason", flat=True),
            *Removal.objects.values_list("reason", "work_set"),
            *SupervisionSession.objects.values_list("supervisor", flat=True),
            *Trust.objects.values_list("name", flat=True),
            *User.objects.values_list("full_name", flat=True),
        ]
        flat = [t for row in texts for t in (row if isinstance(row, tuple) else (row,))]
        assert flat and not [t for t in flat if placeholder.search(t)]
        # A 1:1 is never written up as a group.
        one_to_one_notes = SessionAttendance.objects.filter(
            session__intervention__programme__group_size=1
        ).values_list("session__evaluation", "note")
        assert one_to_one_notes
        assert not [n for row in one_to_one_notes for n in row if "group" in n.lower()]


LONDON = ZoneInfo("Europe/London")
# Days the demo may be built on that have no school day in them, and one in term for contrast.
BUILD_DAYS = {
    "term-time Tuesday": dt.datetime(2026, 3, 3, 9, 30, tzinfo=LONDON),
    "Saturday": dt.datetime(2026, 3, 7, 8, 0, tzinfo=LONDON),
    "Sunday evening": dt.datetime(2026, 3, 8, 19, 45, tzinfo=LONDON),
    "summer holiday": dt.datetime(2026, 8, 12, 11, 0, tzinfo=LONDON),
}


def _today_page(email: str) -> str:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client.get(reverse("core:today")).content.decode()


def _sessions_to_log_today(page: str) -> list[str]:
    """Return the Log links on Today that open today's timetabled session."""
    today = timezone.localdate().isoformat()
    return re.findall(rf'href="[^"]*\?slot=\d+&amp;date={today}"', page)


@pytest.mark.parametrize("when", BUILD_DAYS.values(), ids=BUILD_DAYS.keys())
def test_demo_shows_a_real_day_whenever_it_is_built(when: dt.datetime, settings) -> None:
    settings.SEND_HUB_MFA_REQUIRED = False  # as in `make run`: demo accounts have no authenticator
    with time_machine.travel(when, tick=False):
        call_command("seed_demo", schools=1, quiet_logins=True)
        today = timezone.localdate()

        # The README's LSA and ELSA each have a session timetabled today, not yet logged.
        for email in ("lsa@brookfield.example", "elsa@brookfield.example"):
            page = _today_page(email)
            assert "My sessions today" in page, email
            assert _sessions_to_log_today(page), email
            user = User.objects.get(email=email)
            slots = ScheduleSlot.objects.filter(
                intervention__lead=user, intervention__status="RUNNING", weekday=today.weekday()
            )
            assert not Session.objects.filter(slot__in=slots, date=today).exists()
        # No session was logged on a weekend or in the future.
        assert not Session.objects.filter(date__week_day__in=[1, 7]).exists()
        assert not Session.objects.filter(date__gte=today).exists()

        # The morning's sweep has run: the SENDCo's bell has reminders waiting.
        sendco = User.objects.get(email="sendco@brookfield.example")
        assert Notification.objects.filter(recipient=sendco, read_at__isnull=True).count() >= 3
        bell = re.search(r"Reminders</span>.*?>(\d+)<span[^>]*> unread", _today_page(sendco.email))
        assert bell and int(bell.group(1)) >= 3

        # The DSL has a concern from a school day waiting for triage.
        assert Concern.objects.untriaged().filter(recorded_at__lte=timezone.now()).exists()
        assert all(timezone.localtime(c.recorded_at).weekday() < 5 for c in Concern.objects.all())


def test_a_second_start_the_same_day_adds_no_reminders() -> None:
    with time_machine.travel(BUILD_DAYS["Saturday"], tick=False):
        call_command("seed_demo", schools=1, quiet_logins=True)
        reminders = Notification.objects.count()
        call_command("seed_demo", schools=1, quiet_logins=True)
        assert Notification.objects.count() == reminders > 0
