"""Two real uvicorn processes serving the test database and sharing one Redis database, as in production.

They need PostgreSQL (SQLite cannot be shared safely by several processes writing at once) and Redis (the
channel layer that carries messages between processes): without DATABASE_URL=postgres://… and REDIS_URL the
tests are skipped. The test process itself keeps the in-memory layer of config.test_settings; only the servers
use Redis, on a database index of their own (one per xdist worker), flushed before and after each test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# bench/ is not a package: its client and server helpers are imported the way its scripts import them.
sys.path.insert(0, str(ROOT / "bench"))

from servers import Server, start_server, wait_until_healthy  # noqa: E402

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
        servers += [start_server(name, env, tmp_path) for name in ("A", "B")]
        wait_until_healthy(servers)
        yield servers
    finally:
        for server in servers:
            server.stop()
