"""Personas every test can use, and the browser settings for Playwright."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from send_hub.lib.browser import CHROMIUM_ARGS, CHROMIUM_PATH
from staff.models import Role
from tests.factories import PupilFactory, SchoolFactory, assign, member, on_register

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
    other_pupil = PupilFactory(school=other_school)
    return World(school, other_school, users, pupil, other_pupil)


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
