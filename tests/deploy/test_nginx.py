"""deploy/nginx/nginx.conf for real: `nginx -t` on it, then nginx in front of two uvicorn processes; and the
Prometheus files through `promtool`. Skipped where nginx (apt-get install nginx), promtool (apt-get install
prometheus) or PostgreSQL is missing.

The configuration is used as written, with only its machine-specific values swapped for a temporary folder:
ports, certificate (self-signed), static folder, pid and log files, and the scrape address (127.0.0.1). Through
nginx the smoke test checks the health check, Django's headers on a page, a static file served by nginx itself
with its cache headers, a signed-in websocket upgrade, JSON logs, and that /metrics adds up both processes
(PROMETHEUS_MULTIPROC_DIR) and is a 404 without the token. It writes only in its temporary folder and in a
database it makes and drops (hearth_smoke_<pid>).
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.core.testing.loops import run

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = ROOT / ".venv" / "bin"
TOKEN = "smoke-check-token-" + base64.urlsafe_b64encode(os.urandom(18)).decode()
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")

needs_nginx = pytest.mark.skipif(not shutil.which("nginx"), reason="needs nginx (apt-get install nginx)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Site:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.https = free_port()
        self.upstreams = [free_port(), free_port()]
        self.config = work / "nginx.conf"

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https}"


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """deploy/nginx/nginx.conf, made to run in tmp_path."""
    site = Site(tmp_path)
    text = (DEPLOY / "nginx" / "nginx.conf").read_text()
    swaps = [
        # pytest's folders are private to whoever runs the tests, so nginx's workers run as them too.
        (r"^user www-data;", "user root root;" if os.getuid() == 0 else ""),
        (r"pid /run/nginx\.pid;", f"pid {tmp_path}/nginx.pid;"),
        (r"/var/log/nginx/", f"{tmp_path}/"),
        (r"listen 80;", f"listen 127.0.0.1:{free_port()};"),
        (r"listen \[::\]:80;\n", ""),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{site.https} ssl http2;"),
        (r"listen \[::\]:443 ssl http2;\n", ""),
        (r"/etc/letsencrypt/live/hearth\.example\.org/", f"{tmp_path}/"),
        (r"/srv/hearth/var/static/", f"{tmp_path}/var/static/"),
        (r"/var/www/letsencrypt", f"{tmp_path}/acme"),
        (r"allow 10\.0\.0\.5;", "allow 127.0.0.1;"),
        (r"hearth\.example\.org", "localhost"),
    ]
    for pattern, replacement in swaps:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count, f"nginx.conf no longer has {pattern!r}: update tests/deploy/test_nginx.py"
    servers = "".join(f"        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in site.upstreams)
    text, count = re.subn(r"(        server 127\.0\.0\.1:800\d [^\n]*\n)+", servers, text)
    assert count == 1
    for name in TEMP_PATHS:
        (tmp_path / f"{name}_temp").mkdir()
    temp_paths = "".join(f"    {name}_temp_path {tmp_path}/{name}_temp;\n" for name in TEMP_PATHS)
    site.config.write_text(text.replace("http {\n", "http {\n" + temp_paths, 1))
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return site


@needs_nginx
def test_nginx_conf_passes_nginx_t(site: Site):
    done = subprocess.run(
        ["nginx", "-t", "-p", str(site.work), "-c", str(site.config)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


@pytest.mark.skipif(not shutil.which("promtool"), reason="needs promtool (apt-get install prometheus)")
def test_prometheus_configuration_and_alert_rules_pass_promtool(tmp_path: Path):
    rules = DEPLOY / "prometheus" / "hearth-alerts.yml"
    config = (DEPLOY / "prometheus" / "prometheus.yml").read_text()
    config = config.replace("/etc/prometheus/hearth-alerts.yml", str(rules))
    config = config.replace("/etc/prometheus/hearth-metrics-token", str(tmp_path / "token"))
    (tmp_path / "token").write_text(TOKEN)
    (tmp_path / "prometheus.yml").write_text(config)
    for args in (["check", "rules", str(rules)], ["check", "config", str(tmp_path / "prometheus.yml")]):
        done = subprocess.run(["promtool", *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


# --- nginx in front of two uvicorn processes -------------------------------------------------------------------


def get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    """Status, headers (lower-cased names) and body, trusting the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (https://127.0.0.1 only)
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:  # noqa: S310
            body = response.read().decode(errors="replace")  # a gzip body is checked by its headers only
            return response.status, {k.lower(): v for k, v in response.headers.items()}, body
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode(errors="replace")


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} did not answer in {seconds:.0f} s")


SIGN_IN = """
from django.test import Client
from hearth.accounts.models import User
client = Client()
client.force_login(User.objects.create_user(username="SmokeCheck7", password=None))
print(client.cookies["sessionid"].value)
"""


async def websocket_handshake(port: int, session: str) -> str:
    """nginx's answer to a signed-in websocket handshake on /ws/notifications/ (its status line and headers)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context, server_hostname="localhost")
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            "GET /ws/notifications/ HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: https://localhost:{port}\r\n"
            f"Cookie: sessionid={session}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    writer.close()
    return head


def sample(metrics: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in metrics.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def _postgres_or_skip() -> None:
    if not shutil.which("createdb"):
        pytest.skip("needs PostgreSQL's client tools")
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "select 1"], capture_output=True, check=False
    )
    if done.returncode:
        pytest.skip("needs PostgreSQL at 127.0.0.1:5432")


@pytest.fixture
def running(site: Site) -> Iterator[Site]:
    """Two uvicorn processes on a database of their own, as deploy/systemd/hearth-web@.service runs them, and
    nginx in front of them."""
    _postgres_or_skip()
    database = f"hearth_smoke_{os.getpid()}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    metrics = site.work / "metrics"
    metrics.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "REDIS_URL", "CELERY_"))},
        "DEBUG": "false",
        "SECRET_KEY": "smoke-check-" + base64.urlsafe_b64encode(os.urandom(30)).decode(),
        "HEARTH_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "HEARTH_BLIND_INDEX_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "HEARTH_VAR_DIR": str(site.work / "var"),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "BEHIND_HTTPS_PROXY": "true",
        "LOG_FORMAT": "json",
        "HEARTH_METRICS_TOKEN": TOKEN,
        "HEARTH_METRICS_ALLOWED_IPS": "127.0.0.1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }
    site.env = env  # type: ignore[attr-defined]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
            subprocess.run([str(BIN / "python"), "manage.py", *command], cwd=ROOT, env=env, check=True)
        for port in site.upstreams:
            # As deploy/systemd/hearth-web@.service starts each process.
            command = [str(BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1", "--port", str(port),
                       "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1", "--lifespan", "off",
                       "--no-server-header", "--no-access-log", "--ws", "hearth.core.websocket_protocol:Protocol",
                       "--ws-per-message-deflate", "false",
                       "--log-config", str(DEPLOY / "uvicorn-logging.json")]  # fmt: skip
            with (site.work / f"uvicorn-{port}.log").open("wb") as log:
                processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        site.pids = [process.pid for process in processes]  # type: ignore[attr-defined]
        for port in site.upstreams:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        subprocess.run(["nginx", "-p", str(site.work), "-c", str(site.config)], check=True)
        wait_for(f"{site.base}/healthz")
        yield site
    finally:
        pid_file = site.work / "nginx.pid"
        if pid_file.exists() and pid_file.read_text().strip():
            os.kill(int(pid_file.read_text()), signal.SIGQUIT)
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", database], check=False)


@needs_nginx
def test_nginx_in_front_of_two_uvicorn_processes(running: Site):
    base = running.base
    status, _, body = get(f"{base}/healthz")
    assert (status, '"database": "ok"' in body) == (200, True)

    status, headers, page = get(f"{base}/")
    assert status == 200
    assert "default-src 'self'" in headers["content-security-policy"]
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "no hashed stylesheet on the home page"

    # Served by nginx itself (uvicorn sends no Server header), cached for a year, gzip copy from whitenoise.
    status, headers, _ = get(base + stylesheet.group(1), **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["server"] == "nginx"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-encoding"] == "gzip"

    session = subprocess.run(
        [str(BIN / "python"), "manage.py", "shell", "-c", SIGN_IN],
        cwd=ROOT, env=running.env, check=True, capture_output=True, text=True,  # type: ignore[attr-defined]
    ).stdout.split()[-1]  # fmt: skip
    head = run(lambda: websocket_handshake(running.https, session))
    assert head.startswith("HTTP/1.1 101"), head

    for _ in range(20):
        get(f"{base}/healthz")
    status, _, metrics = get(f"{base}/metrics", Authorization=f"Bearer {TOKEN}")
    assert status == 200
    # Every health check so far, whichever process answered it: 22 through nginx, and the start-up waits.
    assert sample(metrics, "django_http_requests_total_by_view_transport_method_total", view="healthz") >= 22
    # Both web processes wrote there (so did migrate and collectstatic, run with the same setting).
    writers = {int(path.stem.rsplit("_", 1)[-1]) for path in (running.work / "metrics").glob("counter_*.db")}
    assert set(running.pids) <= writers  # type: ignore[attr-defined]
    assert sample(metrics, "hearth_moderation_queue_items", risk="high", status="open") == 0
    assert get(f"{base}/metrics")[0] == 404

    for port in running.upstreams:
        lines = [line for line in (running.work / f"uvicorn-{port}.log").read_text().splitlines() if line.strip()]
        assert lines
        assert all(line.startswith("{") for line in lines), lines[:5]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path: Path):
    for unit in (DEPLOY / "systemd").iterdir():
        # The units name /srv/hearth/.venv; this checkout's virtualenv stands in, so the commands exist.
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/hearth/.venv/bin/", f"{BIN}/"))
    units = [tmp_path / "hearth-web@8001.service"]
    units += [tmp_path / name for name in ("hearth-setup.service", "hearth-worker.service", "hearth-sweep.service")]
    units.append(tmp_path / "hearth.target")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, units)],
        capture_output=True, text=True, check=False, env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""
