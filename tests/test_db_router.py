"""The heavy reports read from a streaming replica when there is one; writes never go there.

scripts/with-services.sh starts a real hot standby beside the throw-away PostgreSQL and sets
DATABASE_REPLICA_URL; tests/settings.py keeps it out of the test databases (the runner cannot
create a database on a standby) and these tests connect to it themselves, to the test database
the primary streams to it. They are never skipped: without a replica they fail and say why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse

from send_hub.db_router import PRIMARY, ReplicaRouter
from send_hub.lib.replica import REPLICA, replica_reads
from staff.models import AuditEvent, Role, School, User
from tests.factories import SchoolFactory, member

REPORTS = [
    "interventions:sendco_provision",
    "interventions:sendco_provision_csv",
    "interventions:what_works",
    "pupils:register_export",
]


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], *args: Any) -> Any:
        self.count += 1
        return execute(*args)


def _replica_settings() -> dict[str, Any]:
    replica = getattr(settings, "TEST_REPLICA", None)
    assert replica is not None, (
        "No streaming replica: run the tests through scripts/with-services.sh (make test), "
        "which starts one and sets DATABASE_REPLICA_URL."
    )
    return dict(replica)


@pytest.fixture(scope="class")
def replica() -> Iterator[str]:
    """Configure the ``replica`` alias for a class of tests, pointing at the standby's copy of
    the test database (class-scoped, so it exists before the test's database access is set up).
    It is marked a mirror of the primary so that the test runner never flushes it."""
    standby = _replica_settings()
    primary = connections[PRIMARY].settings_dict
    connections.settings[REPLICA] = {
        **primary,
        "HOST": standby["HOST"],
        "PORT": standby["PORT"],
        "TEST": {**primary["TEST"], "MIRROR": PRIMARY},
    }
    try:
        yield REPLICA
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _caught_up(model: type[Any], pk: int) -> None:
    """Wait until the standby has replayed the primary's commits up to ``model`` ``pk``."""
    for _ in range(200):
        if model.objects.using(REPLICA).filter(pk=pk).exists():
            return
        time.sleep(0.05)
    raise AssertionError("The replica did not catch up with the primary within 10 s.")


def _sendco() -> tuple[School, User, Client]:
    school = SchoolFactory(name="Replica Test School")
    sendco = member(school, Role.SENDCO)
    client = Client()
    client.force_login(sendco)
    return school, sendco, client


def test_writes_always_go_to_the_primary() -> None:
    router = ReplicaRouter()
    assert router.db_for_write(AuditEvent) == PRIMARY
    with replica_reads():
        assert router.db_for_write(AuditEvent) == PRIMARY
    assert router.allow_migrate(REPLICA, "staff") is False
    assert router.allow_migrate(PRIMARY, "staff") is True


@pytest.mark.django_db
def test_reports_read_from_the_primary_without_a_replica(world: Any) -> None:
    assert REPLICA not in connections.settings  # as on a one-server install
    with replica_reads():
        assert ReplicaRouter().db_for_read(School) == PRIMARY
    client = world.client("sendco")
    for name in REPORTS:
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.usefixtures("replica")
@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
class TestWithAReplica:
    def test_the_replica_is_a_read_only_standby(self, replica: str) -> None:
        with connections[replica].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone() == (True,)
            # A write sent there would fail, never quietly land: so none can have been routed there.
            with pytest.raises(Exception, match="read-only transaction"):
                cursor.execute("CREATE TEMPORARY TABLE routed_here (x int)")

    def test_reports_read_from_the_replica_and_write_to_the_primary(self, replica: str) -> None:
        _school, sendco, client = _sendco()
        _caught_up(User, sendco.pk)
        for name in REPORTS:
            on_replica, on_primary = Counter(), Counter()
            before = AuditEvent.objects.count()
            with (
                connections[replica].execute_wrapper(on_replica),
                connections[PRIMARY].execute_wrapper(on_primary),
            ):
                response = client.get(reverse(name))
            assert response.status_code == 200, name
            assert on_replica.count > 0, f"{name} read nothing from the replica"
            if name.endswith("_csv") or name.endswith("_export"):
                # The export is audited: the event is written, on the primary, in the same request.
                assert AuditEvent.objects.using(PRIMARY).count() == before + 1, name

    def test_kept_reports_are_read_from_the_primary(self, replica: str, settings: Any) -> None:
        settings.SEND_HUB_REPORT_CACHE_SECONDS = 300
        assert ReplicaRouter().db_for_read(caches["default"].cache_model_class) == PRIMARY
        _school, sendco, client = _sendco()
        _caught_up(User, sendco.pk)
        url = reverse("interventions:sendco_provision")
        first, again = Counter(), Counter()
        with connections[replica].execute_wrapper(first):
            assert client.get(url).status_code == 200  # worked out on the replica, kept
        with connections[replica].execute_wrapper(again):
            # Straight after, before the standby may have replayed the kept copy.
            assert client.get(url).status_code == 200
        assert again.count < first.count / 2, "the kept report was missed and worked out again"

    def test_other_pages_and_transactions_stay_on_the_primary(self, replica: str) -> None:
        school, sendco, client = _sendco()
        _caught_up(User, sendco.pk)
        on_replica = Counter()
        with connections[replica].execute_wrapper(on_replica):
            for name in ("core:today", "pupils:register", "interventions:sendco"):
                assert client.get(reverse(name)).status_code == 200, name
            with replica_reads():
                assert ReplicaRouter().db_for_read(School) == REPLICA
                with transaction.atomic():
                    # Inside a transaction a report reads (and locks) what the primary holds.
                    assert School.objects.select_for_update().get(pk=school.pk) == school
                event = AuditEvent.objects.create(
                    school=school, actor=sendco, action="staff.router.tested"
                )
        assert on_replica.count == 0
        assert AuditEvent.objects.using(PRIMARY).filter(pk=event.pk).exists()
