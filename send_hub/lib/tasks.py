"""Enqueue Celery work safely from a request."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task | str, *args: Any) -> None:
    """Send ``task`` after the surrounding transaction commits, never failing the request.

    Services name their task ("staff.tasks.invitation_send_task") rather than import it, so
    a services module never imports its app's tasks module (which imports the services).

    Only ids and primitives go into the broker. If Redis is unreachable the error is logged
    and the request carries on: every task here has a periodic sweep that finds the work
    still pending in the database and sends it later, so nothing is lost.
    """

    def send() -> None:
        # Looked up when sent: the registry holds every autodiscovered task and keeps the
        # eager setting of the zero-install demo (send_task by name would bypass it).
        runnable = current_app.tasks[task] if isinstance(task, str) else task
        try:
            runnable.delay(*args)
        except (OperationalError, ConnectionError, TimeoutError, OSError) as exc:
            logger.warning(
                "Broker unavailable; %s will be retried by its sweep (%s)", runnable.name, exc
            )

    transaction.on_commit(send)
