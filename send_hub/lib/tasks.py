"""Enqueue Celery work safely from a request."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Send ``task`` after the surrounding transaction commits, never failing the request.

    Only ids and primitives go into the broker. If Redis is unreachable the error is logged
    and the request carries on: every task here has a periodic sweep that finds the work
    still pending in the database and sends it later, so nothing is lost.
    """

    def send() -> None:
        try:
            task.delay(*args)
        except (OperationalError, ConnectionError, TimeoutError, OSError) as exc:
            logger.warning(
                "Broker unavailable; %s will be retried by its sweep (%s)", task.name, exc
            )

    transaction.on_commit(send)
