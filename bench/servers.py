"""Starting and stopping Hearth's uvicorn servers, and measuring the processes they run.

Imported by the benchmark scripts (bench/ is on their sys.path) and by the multi-process tests (tests/realtime,
tests/reliability); it imports neither Django nor the app, so a script can set its environment before Django starts.
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

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
# Fixed, public keys for encryption at rest: a benchmark's database holds no real data.
BENCH_KEYS = ("aGVhcnRoLWxpbnQtYW5kLWJlbmNoLW9ubHkta2V5ISE=", "aGVhcnRoLWxpbnQtYW5kLWJlbmNoLW9ubHktaWR4ISE=")
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
STARTUP_SECONDS = 60
# The websocket settings of make run and make serve.
UVICORN_FLAGS = (
    "--lifespan",
    "off",
    "--no-access-log",
    "--ws",
    "hearth.core.websocket_protocol:Protocol",
    "--ws-per-message-deflate",
    "false",
)


def server_env(**overrides: str) -> dict[str, str]:
    """Settings for benchmark servers as production runs them (DEBUG off), with keys fit only for benchmarks."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "hearth-bench-only-key-not-secret",
        "HEARTH_ENCRYPTION_KEYS": os.environ.get("HEARTH_ENCRYPTION_KEYS") or BENCH_KEYS[0],
        "HEARTH_BLIND_INDEX_KEYS": os.environ.get("HEARTH_BLIND_INDEX_KEYS") or BENCH_KEYS[1],
        "REDIS_URL": os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.update(overrides)
    return env


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, room_id: int) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat/{room_id}/"

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: uvicorn's workers under --workers, else the process itself."""
        children = [pid for pid in _children(self.process.pid) if "resource_tracker" not in _command_line(pid)]
        return children or [self.process.pid]

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to close its sockets or leave its groups."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            # SIGINT rather than SIGTERM: uvicorn re-raises the signal once it has shut down, and only
            # SIGINT unwinds through Python, so a server under cProfile writes its profile first.
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  # nosec B310  # a fixed http URL
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the starting process dies, so no server outlives a crashed run."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_server(
    name: str,
    env: dict[str, str],
    workdir: Path,
    *,
    app: str = "config.asgi:application",
    workers: int = 0,
    profile: bool = False,
    extra: tuple[str, ...] = (),
    port: int | None = None,
) -> Server:
    """One uvicorn server on `port` or a free one; with `workers`, a supervisor and that many worker processes."""
    port = port or free_port()
    log = workdir / f"server-{name}.log"
    command = [sys.executable]
    if profile:
        command += ["-m", "cProfile", "-o", str(workdir / f"server-{name}.prof")]
    command += ["-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), *UVICORN_FLAGS, *extra]
    if workers:
        command += ["--workers", str(workers)]
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,  # noqa: PLW1509 (it only calls prctl, which is safe after fork)
        )
    return Server(name=name, port=port, process=process, log=log)


def wait_until_healthy(servers: list[Server], *, workers: int = 0) -> None:
    """Wait for /healthz on each server and, with `workers`, for that many worker processes."""
    deadline = time.monotonic() + STARTUP_SECONDS
    for server in servers:
        url = f"{server.base_url}/healthz"
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"server {server.name} exited:\n{server.log_tail()}")
            if healthy(url) and (not workers or len(server.worker_pids()) >= workers):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"server {server.name} did not answer {url}:\n{server.log_tail()}")
            time.sleep(0.1)


def start_servers(
    env: dict[str, str], workdir: Path, *, profile: bool, app: str = "config.asgi:application"
) -> list[Server]:
    """Two separate single-process servers, A and B (the chat fan-out benchmark spreads its clients over them)."""
    servers = [start_server(name, env, workdir, app=app, profile=profile) for name in ("A", "B")]
    wait_until_healthy(servers)
    return servers


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, all cores, so far."""
    with open("/proc/stat", encoding="ascii") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    tick = os.sysconf("SC_CLK_TCK")
    return (total - idle) / tick, total / tick


def stolen_seconds() -> float:
    """CPU seconds, all cores, that the host gave to other guests while this machine wanted them ("steal").
    On a shared virtual machine they come and go, and a run that lost many is slower for it."""
    with open("/proc/stat", encoding="ascii") as f:
        values = f.readline().split()[1:]
    return int(values[7]) / os.sysconf("SC_CLK_TCK") if len(values) > 7 else 0.0


def memory_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process in MB, from /proc (VmRSS, VmHWM)."""
    values: dict[str, float] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024  # kB
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = os.getloadavg()
    return round(one, 2), round(five, 2), round(fifteen, 2)
