"""Logs carry request, user and object ids, never names or record text: a canary pupil's name
is swept for in every line a request writes, through the production JSON formatter."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse

from send_hub.lib.logging import ContextFilter, JsonFormatter
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db

CANARY = "Qzcanaryxa"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.addFilter(ContextFilter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured():
    handler = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    request_logger = logging.getLogger("send_hub.request")
    old_request_level = request_logger.level
    request_logger.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)
    request_logger.setLevel(old_request_level)


def test_a_requests_logs_carry_ids_and_never_the_canary(world, captured) -> None:
    pupil = PupilFactory(school=world.school, legal_surname=CANARY, legal_forename=CANARY)
    client = world.client("sendco")
    response = client.get(reverse("pupils:detail", args=[pupil.pk]))
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    client.get(reverse("pupils:register") + f"?q={CANARY}")  # a search carries the name
    client.get(reverse("pupils:detail", args=[pupil.pk + 10_000]))  # a 404 is logged
    assert captured.lines
    for line in captured.lines:
        assert CANARY.lower() not in line.lower(), line
    lines = [json.loads(line) for line in captured.lines]
    mine = [line for line in lines if line["request_id"] == request_id]
    assert mine and all(line["user_id"] == world.users["sendco"].pk for line in mine)
    assert {"method": "GET", "status": 200}.items() <= next(
        line for line in mine if line["message"] == "request"
    ).items()


def test_an_exception_is_logged_as_its_type_and_frames_not_its_message(captured) -> None:
    log = logging.getLogger("send_hub.test")
    try:
        raise ValueError(f'Failing row contains (3, "{CANARY}", 2014-03-01)')
    except ValueError:
        log.exception("saving failed", extra={"object_id": 3, "note": CANARY})
    (line,) = [json.loads(x) for x in captured.lines if "saving failed" in x]
    assert line["exception"] == "ValueError" and line["object_id"] == 3
    assert line["stack"] and CANARY not in json.dumps(line)
