"""Structured logs that carry ids, never names or record text.

In production (SEND_HUB_LOG_FORMAT=json, the default when DEBUG is off) every log line is one
JSON object: time, level, logger, message, the request's id and the signed-in person's id, and
the ids a call passed in ``extra`` (``object_id``, counts). Exceptions are logged as their type
and stack frames (file, line, function) only: an exception's message can quote a database row
("Failing row contains (..., a child's name, ...)"), so it never reaches the log.

``RequestIdMiddleware`` gives each request an id (the proxy's X-Request-ID when it looks like
one, else a new one), returns it in the response's X-Request-ID header, and logs one line per
request with the method, the path without its query string (searches carry names), the status
and the time taken.
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id_var: ContextVar[str | None] = ContextVar("send_hub_request_id", default=None)
user_id_var: ContextVar[int | None] = ContextVar("send_hub_user_id", default=None)

# Keys a call may pass in ``extra`` that reach the JSON line: ids and numbers, never text.
SAFE_EXTRA = ("object_id", "items", "rows", "status", "duration_ms", "method", "path", "task_id")
REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")

logger = logging.getLogger("send_hub.request")


class ContextFilter(logging.Filter):
    """Add the current request's id and the signed-in person's id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.user_id = user_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ids and codes, no exception messages."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        for key in SAFE_EXTRA:
            value = getattr(record, key, None)
            if isinstance(value, (int, float)) or (
                isinstance(value, str) and key in ("method", "path", "task_id")
            ):
                line[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _, tb = record.exc_info
            line["exception"] = exc_type.__qualname__
            line["stack"] = [
                f"{frame.filename}:{frame.lineno}:{frame.name}"
                for frame in traceback.extract_tb(tb)
            ]
        return json.dumps(line, default=str)


class RequestIdMiddleware:
    """Give each request an id for its log lines; log the request itself in one line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        request_token = request_id_var.set(request_id)
        user_token = user_id_var.set(user_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(request_token)
            user_id_var.reset(user_token)
