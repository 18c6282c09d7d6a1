"""Logs carry no message text and no personal data, in JSON (LOG_FORMAT=json) as in text."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from hearth.core.logformat import JsonFormatter, RequestPathFilter

ROOT = Path(__file__).resolve().parents[3]
EMAIL = "heron.private@example.org"
ADDRESS = "198.51.100.23"
WORDS = "I have kept the pills in the drawer since Sunday"


def _failing_view(request: HttpRequest, pseudonym: str) -> HttpResponse:
    # The kind of exception that quotes what it was given: its text must not reach a log.
    raise ValueError(f"could not save {request.POST.get('body')!r} from {pseudonym} <{EMAIL}> at {ADDRESS}")


urlpatterns = [
    path("broken/<str:pseudonym>/", _failing_view, name="broken"),
    path("", include("config.urls")),
]


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the console handler would print with LOG_FORMAT=json, for every logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestPathFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


@pytest.mark.urls("hearth.core.tests.test_logformat")
def test_a_request_error_logs_its_route_and_error_type_but_nothing_personal(member, json_log):
    member.email = EMAIL
    member.save()
    client = Client(REMOTE_ADDR=ADDRESS, raise_request_exception=False)
    client.force_login(member)
    response = client.post(f"/broken/{member.username}/", {"body": WORDS})
    assert response.status_code == 500

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    error = next(line for line in lines if line["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["message"] == "Internal Server Error: /broken/<str:pseudonym>/"
    assert error["request"] == {"method": "POST", "route": "/broken/<str:pseudonym>/", "view": "broken"}
    assert error["status"] == 500
    assert error["error"]["type"] == "ValueError"
    assert any("_failing_view" in frame for frame in error["error"]["where"])
    text = json_log.getvalue()
    for private in (member.username, EMAIL, "heron", ADDRESS, WORDS, "pills"):
        assert private not in text


def test_a_reply_through_the_page_logs_nothing_personal(community, member, json_log, caplog):
    from hearth.core.testing.factories import make_thread

    member.email = EMAIL
    member.save()
    thread = make_thread(community, author=member)
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(member)
    with caplog.at_level(logging.DEBUG):
        response = client.post(f"/threads/{thread.id}/reply/", {"body": WORDS})
    assert response.status_code in (200, 302)
    text = json_log.getvalue()
    for private in (member.username, EMAIL, ADDRESS, WORDS, "pills"):
        assert private not in text


def test_the_text_format_names_the_route_too(member, caplog):
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x",), None)

    class Request:
        path = f"/members/{member.username}/"
        method = "GET"
        resolver_match = type("Match", (), {"route": "members/<str:pseudonym>/", "view_name": "member-profile"})

    record.args = (Request.path,)
    record.request = Request()
    RequestPathFilter().filter(record)
    assert logging.Formatter().format(record) == "Not Found: /members/<str:pseudonym>/"


def test_a_request_that_matched_no_route_is_logged_without_its_path():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x",), None)
    record.request = type("Request", (), {"path": "/QuietHeron42", "method": "GET", "resolver_match": None})()
    record.args = ("/QuietHeron42",)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "Not Found: <unmatched>"
    assert line["request"]["route"] == "<unmatched>"


def _settings_log(log_format: str) -> subprocess.CompletedProcess[str]:
    script = "import django, logging; django.setup(); logging.getLogger('hearth.check').warning('Queue at %d', 3)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "LOG_FORMAT": log_format}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_log_format_json_selects_the_json_formatter_and_text_stays_the_default():
    as_json = _settings_log("json")
    assert as_json.returncode == 0, as_json.stderr
    line = json.loads(as_json.stderr.strip().splitlines()[-1])
    assert line["message"] == "Queue at 3"
    assert line["level"] == "WARNING"
    as_text = _settings_log("text")
    assert as_text.stderr.strip().splitlines()[-1] == "Queue at 3"
    wrong = _settings_log("xml")
    assert wrong.returncode != 0
    assert "LOG_FORMAT must be text or json" in wrong.stderr
