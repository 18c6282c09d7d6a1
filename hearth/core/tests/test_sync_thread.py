"""HTTP requests under ASGI run their synchronous code on one kept thread per process (so they keep one database
connection), not on a new thread each."""

from __future__ import annotations

import asyncio
import threading

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponse
from django.urls import path

from hearth.core.sync_thread import on_one_thread
from hearth.core.testing.loops import run as run_in_loop

threads_seen: list[threading.Thread] = []


def record_thread(request: HttpRequest) -> HttpResponse:
    threads_seen.append(threading.current_thread())
    return HttpResponse(b"ok")


urlpatterns = [path("thread", record_thread)]


async def get(app, path: str) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    sent: list[dict] = []
    requested, done = asyncio.Event(), asyncio.Event()

    async def receive():
        if not requested.is_set():
            requested.set()
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()  # the client stays until the answer is complete
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    await app(scope, receive, send)
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def three_requests(app) -> list[threading.Thread]:
    threads_seen.clear()

    async def run():
        for _ in range(3):
            assert await get(app, "/thread") == 200
        # And three at once.
        assert await asyncio.gather(*(get(app, "/thread") for _ in range(3))) == [200, 200, 200]

    run_in_loop(run)
    return list(threads_seen)


@pytest.fixture
def urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.MIDDLEWARE = []


def test_every_request_runs_on_the_same_kept_thread(urls):
    threads = three_requests(on_one_thread(ASGIHandler()))

    assert len(threads) == 6
    assert len(set(threads)) == 1
    assert threads[0] is not threading.main_thread()


def test_without_it_django_gives_each_request_a_new_thread(urls):
    # Why on_one_thread exists: a new thread per request means a new database connection per request.
    threads = three_requests(ASGIHandler())

    assert len(set(threads)) == 6
