"""Two real uvicorn processes serving the test database and sharing one Redis database, as in production.

They need PostgreSQL (SQLite cannot be shared safely by several processes writing at once) and Redis (the
channel layer that carries messages between processes): without DATABASE_URL=postgres://… and REDIS_URL the
tests are skipped. The test process itself keeps the in-memory layer of config.test_settings; only the servers
use Redis, on a database index of their own (one per xdist worker), flushed before and after each test.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# bench/ is not a package: its client is imported the way its scripts import it.
sys.path.insert(0, str(ROOT / "bench"))

STARTUP_SECONDS = 30
SERVER_COMMAND = [
    sys.executable,
    "-m",
    "uvicorn",
    "config.asgi:application",
    "--host",
    "127.0.0.1",
    "--lifespan",
    "off",
    "--no-access-log",
    "--ws",
    "hearth.core.websocket_protocol:Protocol",  # as make serve
    "--ws-per-message-deflate",
    "false",
]
# Redis keeps databases 0-15; the realtime tests use the top ones, away from the 0 that CI and the bench use.
FIRST_REDIS_DB = 15


def _redis_url(base: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    number = int(worker.removeprefix("gw")) + 1 if worker.startswith("gw") else 0
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{FIRST_REDIS_DB - number % 8}", "", ""))


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "localhost"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'], safe='')}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the test process dies, so no server outlives a crashed run."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, room_id: int) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat/{room_id}/"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to close its sockets or leave its groups."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""


def _wait_healthy(server: Server, deadline: float) -> None:
    url = f"http://127.0.0.1:{server.port}/healthz"
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"server {server.name} exited ({server.process.returncode}):\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server {server.name} did not answer {url} in {STARTUP_SECONDS}s:\n{server.log_tail()}")
        time.sleep(0.1)


@pytest.fixture
def realtime_env():
    """Skip unless the test database is PostgreSQL and REDIS_URL is set; returns the servers' Redis URL."""
    if connection.vendor != "postgresql":
        pytest.skip("multi-process chat tests need PostgreSQL: set DATABASE_URL=postgres://…")
    base = os.environ.get("REDIS_URL", "")
    if not base:
        pytest.skip("multi-process chat tests need Redis: set REDIS_URL=redis://…")
    import redis

    url = _redis_url(base)
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def chat_servers(realtime_env, transactional_db, tmp_path):
    """Two uvicorn processes ("A" and "B") on the test database. Everything the test writes must be committed
    (transactional_db) for them to see it. Both are stopped before the database is flushed."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": realtime_env,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "hearth-realtime-tests-only-not-a-secret",
        # The servers read what the tests wrote: the same keys (config.test_settings puts them in os.environ).
        "HEARTH_ENCRYPTION_KEYS": os.environ["HEARTH_ENCRYPTION_KEYS"],
        "HEARTH_BLIND_INDEX_KEYS": os.environ["HEARTH_BLIND_INDEX_KEYS"],
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "HEARTH_VAR_DIR": str(tmp_path),
        "RATE_CHAT_MESSAGES_PER_MINUTE": "1000",
        "LOG_LEVEL": "WARNING",
    }
    servers: list[Server] = []
    try:
        for name in ("A", "B"):
            port = _free_port()
            log = tmp_path / f"server-{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [*SERVER_COMMAND, "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent,  # noqa: PLW1509 (it only calls prctl, which is safe after fork)
                )
            servers.append(Server(name=name, port=port, process=process, log=log))
        deadline = time.monotonic() + STARTUP_SECONDS
        for server in servers:
            _wait_healthy(server, deadline)
        yield servers
    finally:
        for server in servers:
            server.stop()
