"""Celery with the real Redis: a real worker, and a request that survives Redis being down."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import kombu.pools
import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from django.urls import reverse

from send_hub.celery import app as celery_app
from staff import services
from staff.models import Invitation, Role
from staff.tasks import invitations_send_pending_task

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed (make test installs it)"
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        deadline = time.monotonic() + 60  # a busy machine can take seconds to start it
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _reset_broker_connections() -> None:
    """Drop pooled broker connections so the next publish connects afresh."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu.pools.reset()


@contextmanager
def _broker(url: str) -> Iterator[None]:
    old = celery_app.conf.broker_url
    _reset_broker_connections()
    celery_app.conf.broker_url = url
    try:
        yield
    finally:
        _reset_broker_connections()
        celery_app.conf.broker_url = old


def _wait_until_sent(pk: int, seconds: float = 20) -> Invitation:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        invitation = Invitation.objects.get(pk=pk)
        if invitation.sent_at is not None:
            return invitation
        time.sleep(0.1)
    raise AssertionError("the worker did not send the invitation in time")


def test_real_worker_runs_a_task_enqueued_on_commit(world) -> None:
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            invitation = services.invitation_create(
                school=world.school,
                email="worker.test@school.example",
                full_name="Worker Test",
                job_title="",
                roles=[Role.LSA],
                by=world.users["hr_admin"],
            )
            # Nothing leaves before the commit: the worker must not see a row that is not there.
            assert Invitation.objects.get(pk=invitation.pk).sent_at is None
        sent = _wait_until_sent(invitation.pk)
    assert sent.sent_at is not None
    assert [m.to for m in mail.outbox] == [["worker.test@school.example"]]


def test_request_completes_when_redis_is_down_and_the_sweep_sends_later(world) -> None:
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    with _broker(url):
        with _redis_server(port):
            pass  # Redis was up, and now it has stopped.
        client = world.client("hr_admin")
        started = time.monotonic()
        response = client.post(
            reverse("staff:invite"),
            {
                "full_name": "Down Time",
                "email": "down.time@school.example",
                "roles": [Role.TEACHER],
            },
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 302, response.content[:500]
        # Without the fail-fast broker settings kombu retries the connection for ever, so a
        # bound far above a busy machine's slowest answer still tells a hang from a slow reply.
        assert elapsed < 30, f"the request hung for {elapsed:.1f}s on a dead broker"
        invitation = Invitation.objects.get(email="down.time@school.example")
        assert invitation.sent_at is None  # recorded, not yet sent: nothing lost

        with _redis_server(port):
            _reset_broker_connections()
            assert invitations_send_pending_task() == 1  # the periodic sweep finds it
            assert redis.Redis(port=port).llen("celery") == 1
            with start_worker(
                celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
            ):
                _wait_until_sent(invitation.pk)
    assert [m.to for m in mail.outbox] == [["down.time@school.example"]]
