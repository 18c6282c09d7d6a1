"""Real server processes for the reliability tests: uvicorn on the test database (PostgreSQL only), started,
killed and started again on the same port; and a Redis server that a test owns, to stop and start.

The server helpers come from bench/servers.py (as for the benchmarks and tests/realtime), Chromium's path and
flags from tests/browser/conftest.py.
"""

from __future__ import annotations

import base64
import os
import queue
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.browser.conftest import AXE, CHROMIUM, CHROMIUM_ARGS
from tests.realtime.conftest import _database_url
from tests.realtime.conftest import start_server as start_uvicorn  # the name is this module's fixture

# bench/ is on sys.path: tests.realtime.conftest puts it there.
from servers import Server, die_with_parent, free_port, wait_until_healthy  # isort: skip

Starter = Callable[..., Server]


@pytest.fixture
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (several processes share the database): set DATABASE_URL=postgres://…")


def _keys(name: str) -> str:
    return ",".join(base64.urlsafe_b64encode(key).decode() for key in getattr(settings, name, []))


@pytest.fixture
def start_server(postgres_only, tmp_path) -> Iterator[Starter]:
    """start_server(name, port=None, redis_url=None): a uvicorn process serving the test database, with the
    test process's secret key (so its sessions sign people in) and encryption keys. Without redis_url it uses
    the in-memory cache and channel layer. Every server is stopped before the database is flushed."""
    servers: list[Server] = []

    def start(name: str, *, port: int | None = None, redis_url: str | None = None) -> Server:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "REDIS_URL"))},
            "DJANGO_SETTINGS_MODULE": "tests.reliability.server_settings",
            "DATABASE_URL": _database_url(),
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "false",
            "HEARTH_VAR_DIR": str(tmp_path),
            "RATE_CHAT_MESSAGES_PER_MINUTE": "10000",
            "RATE_POSTS_PER_HOUR": "10000",
            "RATE_WRITES_PER_MINUTE_PER_ADDRESS": "100000",
            "LOG_LEVEL": "WARNING",
        }
        for name_ in ("HEARTH_ENCRYPTION_KEYS", "HEARTH_BLIND_INDEX_KEYS"):
            if getattr(settings, name_, None):
                env[name_] = _keys(name_)
        if redis_url:
            env["REDIS_URL"] = redis_url
        server = start_uvicorn(name, env, tmp_path, port=port)
        servers.append(server)
        wait_until_healthy([server])
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


class RedisServer:
    """A redis-server of the test's own, with nothing saved to disk, that can be stopped and started again."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                   "no", "--daemonize", "no", "--dir", str(self.directory)]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_parent,  # noqa: PLW1509
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server on PATH")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class BrowserThread:
    """One Chromium page driven from a thread of its own.

    Playwright's sync API allows one driver per thread, and the browser tests keep theirs open for the whole
    session in the main thread; this page's driver lives in another thread, so both can run in one process.
    `do(lambda page: ...)` runs a step there and returns its result (or raises its error) here."""

    def __init__(self) -> None:
        self.steps: queue.Queue[tuple[Callable[[Any], Any], Future[Any]] | None] = queue.Queue()
        self.ready: Future[None] = Future()
        self.thread = threading.Thread(target=self._drive, name="reliability-browser", daemon=True)
        self.thread.start()
        self.ready.result(timeout=60)

    def _drive(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                # bypass_csp: axe-core is injected as an inline script, which Hearth's policy rightly refuses.
                context = browser.new_context(viewport={"width": 414, "height": 860}, locale="en-GB", bypass_csp=True)
                context.set_default_timeout(10_000)
                page = context.new_page()
                self.ready.set_result(None)
                while (item := self.steps.get()) is not None:
                    step, result = item
                    try:
                        result.set_result(step(page))
                    except BaseException as exc:  # handed to the test thread, which raises it
                        result.set_exception(exc)
                browser.close()
        except BaseException as exc:
            if not self.ready.done():
                self.ready.set_exception(exc)

    def do(self, step: Callable[[Any], Any], timeout: float = 60) -> Any:
        result: Future[Any] = Future()
        self.steps.put((step, result))
        return result.result(timeout=timeout)

    def check_axe(self, label: str) -> None:
        """As tests/browser's check_axe: no axe-core violations on the page as it is now."""

        def check(page: Any) -> list[str]:
            page.wait_for_load_state("load")
            page.add_script_tag(path=str(AXE))
            found = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            return [f"{v['id']} ({v['impact']}): {v['help']}" for v in found["violations"]]

        problems = self.do(check)
        assert not problems, f"axe violations on {label}:\n" + "\n".join(problems)

    def close(self) -> None:
        self.steps.put(None)
        self.thread.join(timeout=30)


@pytest.fixture
def browser_page() -> Iterator[BrowserThread]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make test` installs it.")
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}; `make test` installs it with npm.")
    driver = BrowserThread()
    try:
        yield driver
    finally:
        driver.close()
