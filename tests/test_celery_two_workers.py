"""Two real Celery workers (separate processes, as on two machines) send reminders and digests
exactly once, even when beat's jobs arrive twice (a restarted beat, a retried publish)."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from interventions.models import Notification, ReminderSent
from interventions.tasks import reminders_digest_task, reminders_sweep_task
from send_hub.celery import app as celery_app
from tests.interventions.factories import EnrolmentFactory, InterventionFactory
from tests.test_celery import _broker

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
WORKER = [sys.executable, "-m", "celery", "-A", "send_hub", "worker", "--pool", "solo"]
WORKER += ["--loglevel", "info", "--without-heartbeat", "--without-gossip", "--without-mingle"]
QUEUE_DB = 11  # a Redis database of its own, so no other test's messages are in the queue


def _broker_url() -> str:
    base = os.environ.get("REDIS_URL", "")
    assert base, "REDIS_URL is needed: run the tests through scripts/with-services.sh"
    return base.rsplit("/", 1)[0] + f"/{QUEUE_DB}"


def _database_url() -> str:
    """The test database, as the app's role (the workers are the app)."""
    db = connection.settings_dict
    app_user = os.environ.get("DATABASE_URL", "").split("//", 1)[-1].split("@", 1)[0]
    user = app_user or db["USER"]
    return f"postgres://{user}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[str, Path, list[Path]]]:
    broker = _broker_url()
    redis.Redis.from_url(broker).flushdb()
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "send_hub.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker,
        "EMAIL_URL": f"filemail:///{outbox}",  # four slashes: an absolute path
        "SEND_HUB_BASE_URL": settings.BASE_URL,
    }
    env.pop("DATABASE_REPLICA_URL", None)
    logs = [tmp_path / f"worker{n}.log" for n in (1, 2)]
    workers = [
        subprocess.Popen(
            [*WORKER, "-n", f"worker{n}@%h"],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        for n, log in enumerate(logs, start=1)
    ]
    try:
        deadline = time.monotonic() + 120  # a busy machine takes a while to start Django twice
        while not all("ready" in log.read_text() for log in logs):
            assert all(w.poll() is None for w in workers), [log.read_text() for log in logs]
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        yield broker, outbox, logs
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)


def _settled(broker: str, logs: list[Path], tasks: int, seconds: float = 120) -> None:
    """Wait until the queue is empty and the workers between them finished ``tasks`` tasks."""
    queue = redis.Redis.from_url(broker)
    deadline = time.monotonic() + seconds
    while True:
        done = sum(log.read_text().count(" succeeded in ") for log in logs)
        if done >= tasks and queue.llen("celery") == 0:
            return
        assert time.monotonic() < deadline, f"{done} of {tasks} tasks finished in {seconds} s"
        time.sleep(0.2)


def _recipients(outbox: Path) -> Counter[str]:
    sent: Counter[str] = Counter()
    for path in outbox.iterdir():
        for raw in path.read_text().split("-" * 79):
            if raw.strip():
                sent[email.message_from_string(raw.strip())["To"]] += 1
    return sent


def test_two_workers_send_reminders_and_digests_exactly_once(world: Any, two_workers) -> None:
    broker, outbox, logs = two_workers
    # Something due today: world.pupil, on lsa_caseload's caseload, is in a running group with
    # no session (the quiet-caseload reminder), and an unread notification for the SENDCo.
    EnrolmentFactory(
        intervention=InterventionFactory(school=world.school, lead=world.users["sendco"]),
        pupil=world.pupil,
    )
    Notification.objects.create(
        school=world.school,
        recipient=world.users["sendco"],
        kind="plan_review_due",
        text="A plan review is due",
        due_on=timezone.localdate(),
    )
    with _broker(broker):
        # Each of beat's jobs arrives twice; the two sweeps fan out one task per school each.
        for _ in range(2):
            reminders_sweep_task.delay()
        schools = 2  # world.school and world.other_school
        _settled(broker, logs, tasks=2 + 2 * schools)
        for _ in range(2):
            reminders_digest_task.delay()
        _settled(broker, logs, tasks=2 + 2 * schools + 2)
    celery_app.conf.broker_url = settings.CELERY_BROKER_URL

    notes = list(Notification.objects.values_list("recipient_id", "kind", "url"))
    assert len(notes) == len(set(notes)), "a reminder was made twice"
    assert ReminderSent.objects.filter(kind="caseload_quiet").count() >= 1
    sent = _recipients(outbox)
    assert sent, "no digest was sent"
    assert world.users["sendco"].email in sent
    assert world.users["lsa_caseload"].email in sent  # the quiet-caseload reminder's digest
    twice = {to: n for to, n in sent.items() if n > 1}
    assert not twice, f"digests sent more than once: {twice}"
    assert ReminderSent.objects.filter(kind="digest").count() == len(sent)
