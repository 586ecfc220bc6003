"""Enqueue Celery work safely from a request."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def registered(task: Task | str) -> Task:
    """Return ``task``, or the task registered under that name.

    Looked up when sent: the registry keeps the eager setting of the zero-install demo (send_task
    by name would bypass it). Only a worker imports the apps' tasks modules at start; a web
    process has imported none, so the first lookup lets Celery's autodiscovery import them.
    """
    if not isinstance(task, str):
        return task
    if task not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[task]


def enqueue_on_commit(task: Task | str, *args: Any) -> None:
    """Send ``task`` after the surrounding transaction commits, never failing the request.

    Services name their task ("staff.tasks.invitation_send_task") rather than import it, so
    a services module never imports its app's tasks module (which imports the services).

    Only ids and primitives go into the broker. If Redis is unreachable the error is logged
    and the request carries on: every task here has a periodic sweep that finds the work
    still pending in the database and sends it later, so nothing is lost.
    """

    def send() -> None:
        runnable = registered(task)
        try:
            runnable.delay(*args)
        except (OperationalError, ConnectionError, TimeoutError, OSError) as exc:
            logger.warning(
                "Broker unavailable; %s will be retried by its sweep (%s)", runnable.name, exc
            )

    transaction.on_commit(send)
