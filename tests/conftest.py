"""Personas every test can use, and the browser settings for Playwright."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from send_hub.lib.browser import CHROMIUM_ARGS, CHROMIUM_PATH
from staff.models import Role
from tests.factories import PupilFactory, SchoolFactory, assign, member, on_register, teach

PERSONAS = [
    "anonymous",
    "lsa_caseload",
    "lsa_no_caseload",
    "elsa",
    "teacher",
    "sendco",
    "dsl",
    "hr_admin",
    "other_school",
    "head",
    "inclusion_leader",
    "behaviour_support",
]


@dataclass
class World:
    """One school with a person in every role, a pupil on one LSA's caseload, and another school."""

    school: Any
    other_school: Any
    users: dict[str, Any]
    pupil: Any
    other_pupil: Any

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


@pytest.fixture
def world(db: None) -> World:
    school = SchoolFactory(name="Brookfield Test School")
    other_school = SchoolFactory(name="Elsewhere Test School", trust=school.trust)
    users = {
        "lsa_caseload": member(school, Role.LSA),
        "lsa_no_caseload": member(school, Role.LSA),
        "elsa": member(school, Role.ELSA),
        "teacher": member(school, Role.TEACHER),
        "sendco": member(school, Role.SENDCO),
        "dsl": member(school, Role.DSL),
        "hr_admin": member(school, Role.HR_ADMIN),
        "other_school": member(other_school, Role.SENDCO, Role.DSL, Role.HEAD),
        "head": member(school, Role.HEAD),
        "inclusion_leader": member(school, Role.INCLUSION_LEADER),
        "behaviour_support": member(school, Role.BEHAVIOUR_SUPPORT),
    }
    pupil = PupilFactory(school=school)
    on_register(pupil, "K", "SLCN", "SEMH")
    assign(pupil, users["lsa_caseload"])
    # The teacher sees the pupils they teach: world.pupil is in their class.
    teach(users["teacher"], pupil, code="8X/Ma1", subject="Maths")
    other_pupil = PupilFactory(school=other_school)
    return World(school, other_school, users, pupil, other_pupil)


# A test reads "today" several times (building its data, the app answering, its assertions), so
# one running across midnight could see two dates. No test starts in a day's last minutes (in the
# app's time zone, as the app counts days): it waits for the new day, as the sign-in helpers
# wait out the end of a code's 30 seconds. Tests that need a date or time set it themselves.
MIDNIGHT_MARGIN = dt.timedelta(minutes=5)


@pytest.fixture(autouse=True)
def _one_date_per_test() -> None:
    """Wait for tomorrow when today has less than MIDNIGHT_MARGIN left."""
    now = timezone.localtime()
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time.min, now.tzinfo)
    if midnight - now < MIDNIGHT_MARGIN:
        time.sleep((midnight - now).total_seconds() + 1)


# Playwright: always the system Chromium, never a downloaded browser.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": CHROMIUM_ARGS,
    }


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Password hashing is deliberately slow; tests do not need it to be.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Create, migrate and flush the test database as the owner of the tables
    (DATABASE_MIGRATE_URL, set by scripts/with-services.sh), as production migrates; the app's
    own role (DATABASE_URL) could not. tests/test_db_roles.py connects as that role."""
    from django.conf import settings

    from send_hub.lib.env import env

    if env.str("DATABASE_MIGRATE_URL", default=""):
        owner = env.db_url("DATABASE_MIGRATE_URL")
        for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
            settings.DATABASES["default"][key] = owner[key]


@pytest.fixture(autouse=True)
def _as_the_apps_database_role(request: pytest.FixtureRequest) -> None:
    """Run each test's own queries as the app's database role, as production does.

    The test database is made and flushed by the tables' owner (above), but a test that only
    connected as the owner would never see what the app's role is refused: a row lock on an
    append-only table, say, which needs UPDATE privilege. Inside the test's transaction the
    connection switches to that role (SET LOCAL ROLE ends with the rollback). Tests that commit
    (transactional ones, the live server) keep the owner, which must flush what they wrote.
    """
    from send_hub.lib.env import env

    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "world"}:
        return
    if (marker and marker.kwargs.get("transaction")) or names & {
        "transactional_db",
        "live_server",
        "django_db_serialized_rollback",
    }:
        return
    if not env.str("DATABASE_MIGRATE_URL", default=""):
        return  # one role for everything: nothing to switch to
    app_role = env.db_url("DATABASE_URL")["USER"]
    request.getfixturevalue("db")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(app_role)}")
