"""Logs as one JSON object a line (LOG_FORMAT=json), for log collectors; and, in either format, request logs
that name the route ("members/<str:pseudonym>/"), never the path, which can hold a pseudonym.

A JSON line holds the time, level, logger, process and message; for a request, its method, route, view and
status; for an error, the exception's type and where it was raised (file, line, function). Never an exception's
own text (it can quote an address or what someone wrote), nor the request's path, query, body, headers, cookies
or network address, nor any other attribute a caller attached.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime
from typing import Any

# Django's request loggers format (reason, path): the path is the one argument that is not Hearth's own words.
_REQUEST_LOGGERS = ("django.request", "django.server", "django.security")


def request_route(request: Any) -> str:
    """The URL pattern a request matched, or "<unmatched>": never the path itself."""
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None)
    return f"/{route}" if route is not None else "<unmatched>"


def _scrub_path(record: logging.LogRecord) -> None:
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if not path or not isinstance(record.args, tuple):
        return
    route = request_route(request)
    record.args = tuple(route if arg == path else arg for arg in record.args)


class RequestPathFilter(logging.Filter):
    """Puts the route in place of the request path in Django's request logs ("Not Found: /members/<…>/")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(_REQUEST_LOGGERS):
            _scrub_path(record)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if record.name.startswith(_REQUEST_LOGGERS):
            _scrub_path(record)
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None:
            match = getattr(request, "resolver_match", None)
            entry["request"] = {
                "method": getattr(request, "method", None),
                "route": request_route(request),
                "view": getattr(match, "view_name", None),
            }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _, tb = record.exc_info
            entry["error"] = {
                "type": exc_type.__name__,
                "where": [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(tb)],
            }
        return json.dumps(entry, ensure_ascii=False, default=str)
