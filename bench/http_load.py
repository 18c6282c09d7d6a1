"""HTTP load on Hearth served as in production: requests a second, latency per endpoint, errors, worker memory.

    .venv/bin/python bench/http_load.py --users 50 --seconds 60 [--workers 2] [--url URL] [--reads-only]

Unless given --url, it starts Hearth itself the way `make serve` does (uvicorn with --workers, DEBUG off, Redis)
against DATABASE_URL (default: the large benchmark database, postgres://postgres@127.0.0.1:5432/hearth_large)
and REDIS_URL (default redis://127.0.0.1:6379/0), and stops it at the end. Load-test members (LoadTest0001…,
one per simulated user, kept for the next run) join the largest open communities and are signed in with fresh
sessions; locust runs them in a separate process (bench/http_users.py), each sending requests back to back:
90% reads (the community directory, community pages, the first and a late page of a thread with about 500
replies, first pages of other threads, late pages of long threads, search, profiles) and 10% writes (replies
through the whole safety pipeline, reactions). The servers get raised write limits through the environment
variables the settings read; the defaults are unchanged.

Prints requests/s and client and server p50/p95/p99 per endpoint, errors, each worker's peak memory, and ends
with one JSON line; writes a plot of latency over time (PNG) and prints its path. "Server" times come from the
`Server-Timing` header the benchmark servers add (bench/benchsite): the time Django spent on the request in
the worker's thread, without the wait for that thread. Each run adds its replies and reactions to the database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
from servers import (  # noqa: E402  # bench/ is this script's directory
    Server,
    cpu_seconds,
    load_average,
    machine_busy_seconds,
    memory_mb,
    server_env,
    start_server,
    wait_until_healthy,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hearth_large"
# Static files are collected once into var/bench (compressing them takes most of a minute), then reused.
VAR_DIR = ROOT / "var" / "bench"
UNLIMITED = "1000000"
# bench/seed.py seals emails with Hearth's published development keys (config/settings.py) unless given others:
# the servers need the same keys to read members. Never keys for real data.
SEED_KEYS = {
    "HEARTH_ENCRYPTION_KEYS": "aGVhcnRoLWRldmVsb3BtZW50LW9ubHkta2V5LSEhISE=",
    "HEARTH_BLIND_INDEX_KEYS": "aGVhcnRoLWRldmVsb3BtZW50LW9ubHktaW5kZXgtISE=",
}
for _name, _key in SEED_KEYS.items():
    os.environ.setdefault(_name, _key)
SERVER_ENV = server_env(
    DATABASE_URL=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
    HEARTH_VAR_DIR=str(VAR_DIR),
    DJANGO_SETTINGS_MODULE="benchsite.settings",
    PYTHONPATH=str(BENCH),
    # Plain http on 127.0.0.1: cookies marked Secure would not be sent back.
    SECURE_COOKIES="false",
    # Load-test members write far more often than people do; these are the settings' own variables.
    RATE_POSTS_PER_HOUR=UNLIMITED,
    RATE_REACTIONS_PER_MINUTE=UNLIMITED,
    RATE_WRITES_PER_MINUTE_PER_ADDRESS=UNLIMITED,
)
os.environ.update(SERVER_ENV)
sys.path.insert(0, str(BENCH))

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connections  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402

from hearth.accounts.models import User  # noqa: E402
from hearth.communities.models import Community, Membership, MembershipMode  # noqa: E402
from hearth.communities.services import join_community  # noqa: E402
from hearth.forums.models import ContentStatus, Post, Thread  # noqa: E402

# The read mix (90%) and the writes (10%), in percent of requests.
WEIGHTS = {
    "directory": 6,
    "community": 16,
    "thread": 12,  # the first page of a thread with about 500 replies
    "thread_late": 8,  # a late page of that thread
    "thread_shallow": 26,  # the first page of other threads, most of them short
    "thread_deep": 8,  # late pages of other long threads
    "search": 4,
    "profile": 10,
    "reply": 4,
    "react": 6,
}
WRITES = ("reply", "react")
TARGETS = {
    # endpoint: (server p50 ms, server p99 ms)
    "thread": (15.0, 60.0),
    "community": (15.0, 60.0),
    "reply": (40.0, 120.0),
}
TARGET_READ_RPS = 400.0
TARGET_RSS_MB = 300.0
COMMUNITIES = 12
MEMBER_PREFIX = "LoadTest"
LONG_THREAD_REPLIES = 500
# Installed in the virtualenv beside this Python.
PY_SPY = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- What to request -------------------------------------------------------------------------------------


@dataclass
class Plan:
    paths: dict[str, list[str]]
    reply_threads: list[int]
    react_posts: list[int]
    communities: list[Community]
    long_thread: Thread
    notes: list[str] = field(default_factory=list)


def published_threads() -> Any:
    return Thread.objects.filter(status=ContentStatus.PUBLISHED, deleted_at__isnull=True)


def search_words(rng: random.Random, count: int = 20) -> list[str]:
    """Words that occur in the posts, from posts picked at random (so searches find something)."""
    bounds = Post.objects.order_by("id").values_list("id", flat=True)
    first, last = bounds.first(), bounds.last()
    words: set[str] = set()
    for _ in range(60):
        if first is None or last is None or len(words) >= count:
            break
        body = (
            Post.objects.filter(id__gte=rng.randint(first, last), status=ContentStatus.PUBLISHED)
            .order_by("id")
            .values_list("body", flat=True)
            .first()
        )
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{5,}", body or ""))
    return sorted(words)[:count] if len(words) <= count else rng.sample(sorted(words), count)


def make_plan(rng: random.Random) -> Plan:
    communities = list(Community.objects.filter(membership_mode=MembershipMode.OPEN).order_by("-thread_count")[:30])
    communities = [c for c in communities if c.thread_count > 0][:COMMUNITIES]
    if not communities:
        raise SystemExit("The database has no open community with threads: seed it first (bench/README.md).")
    notes = []
    open_threads = published_threads().filter(community__membership_mode=MembershipMode.OPEN)
    long_thread = (
        open_threads.filter(reply_count__gte=LONG_THREAD_REPLIES).order_by("reply_count", "id").first()
        or open_threads.order_by("-reply_count", "id").first()
    )
    if long_thread is None:
        raise SystemExit("The database has no published thread in an open community.")
    if long_thread.reply_count < LONG_THREAD_REPLIES:
        notes.append(f"no thread has {LONG_THREAD_REPLIES} replies; the longest has {long_thread.reply_count}")
    size = int(settings.HEARTH_PAGE_SIZE)
    pages = max(math.ceil(long_thread.last_post_number / size), 1)
    here = published_threads().filter(community__in=communities)
    shallow = list(here.order_by("?").values_list("id", "author__username", "is_anonymous")[:400])
    deep = list(here.filter(reply_count__gte=100).order_by("?").values_list("id", "last_post_number")[:100])
    deep = deep or [(long_thread.id, long_thread.last_post_number)]
    paths = {
        "directory": ["/communities/"],
        "community": [f"/communities/{c.slug}/" for c in communities],
        "thread": [f"/threads/{long_thread.id}/"],
        # The later half of the thread's pages, the last one excepted (it is short, and where replies land).
        "thread_late": [f"/threads/{long_thread.id}/?page={p}" for p in range(max(pages // 2, 2), max(pages, 3))],
        "thread_shallow": [f"/threads/{tid}/" for tid, _, _ in shallow],
        "thread_deep": [
            f"/threads/{tid}/?page={rng.randint(max(math.ceil(last / size) // 2, 1), math.ceil(last / size))}"
            for tid, last in deep
        ],
        "search": [f"/search/?q={word}" for word in search_words(rng)],
        "profile": sorted({f"/members/{name}/" for _, name, anonymous in shallow if not anonymous}),
    }
    reply_threads = [tid for tid, _, _ in shallow if tid != long_thread.id]
    react_posts = list(
        Post.objects.filter(
            thread_id__in=reply_threads[:200], status=ContentStatus.PUBLISHED, deleted_at__isnull=True
        ).values_list("id", flat=True)[:2000]
    )
    return Plan(paths, reply_threads, react_posts, communities, long_thread, notes)


def unapplied_migrations() -> list[str]:
    """`make serve` would migrate the database; a shared benchmark database is better migrated on purpose than by a
    benchmark, so this only says what is missing (pages that need it fail, and count as errors)."""
    executor = MigrationExecutor(connections["default"])
    return [f"{m.app_label}.{m.name}" for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]


# --- Load-test members -------------------------------------------------------------------------------------


def load_test_members(count: int, communities: list[Community]) -> list[User]:
    """LoadTest0001… (made once, kept for later runs), each a member of the given communities."""
    now = timezone.now()
    names = [f"{MEMBER_PREFIX}{i:04d}" for i in range(1, count + 1)]
    existing = {u.username: u for u in User.objects.filter(username__in=names)}
    for name in names:
        if name not in existing:
            existing[name] = User.objects.create_user(name, age_confirmed_at=now, guidelines_accepted_at=now)
    members = [existing[name] for name in names]
    joined = set(
        Membership.objects.filter(user__in=members, community__in=communities).values_list("user_id", "community_id")
    )
    for member in members:
        for community in communities:
            if (member.id, community.id) not in joined:
                join_community(member, community)  # the service keeps member counts exact
    return members


def sign_in(members: list[User]) -> list[dict[str, str]]:
    """A fresh session for each member, as a sign-in makes, and a CSRF secret for its forms."""
    backend = settings.AUTHENTICATION_BACKENDS[-1]
    sessions = []
    for member in members:
        session = SessionStore()
        session[SESSION_KEY] = str(member.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = member.get_session_auth_hash()
        session.create()
        assert session.session_key is not None
        sessions.append({"session": session.session_key, "csrf": secrets.token_hex(16)})
    return sessions


def sign_out(sessions: list[dict[str, str]]) -> None:
    Session.objects.filter(session_key__in=[s["session"] for s in sessions]).delete()


# --- Servers -----------------------------------------------------------------------------------------------


def collect_static() -> None:
    """Pages need collected static files (DEBUG is off); collected again only when a source file is newer."""
    stamp = VAR_DIR / "static" / ".collected"
    sources = [p for p in (ROOT / "hearth").glob("**/static/**/*") if p.is_file()]
    newest = max((p.stat().st_mtime for p in sources), default=0.0)
    if stamp.exists() and stamp.stat().st_mtime >= newest:
        return
    print("Collecting static files into var/bench (once; it takes a minute)…", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        check=True,
    )
    stamp.touch()


def process_cpu(names: tuple[str, ...]) -> dict[int, float]:
    """CPU seconds so far of every process with one of these names (PostgreSQL, Redis)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            if comm in names:
                found[int(entry.name)] = cpu_seconds(int(entry.name))
        except OSError:
            continue
    return found


# --- The run -----------------------------------------------------------------------------------------------


def start_locust(spec: dict[str, Any], workdir: Path) -> subprocess.Popen[bytes]:
    spec_path = workdir / "spec.json"
    spec_path.write_text(json.dumps(spec))
    with (workdir / "locust.log").open("wb") as out:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, str(BENCH / "http_users.py"), str(spec_path)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        )


def finish_locust(child: subprocess.Popen[bytes], spec: dict[str, Any], workdir: Path) -> list[list[Any]]:
    child.wait(timeout=spec["run_seconds"] + 120)
    if child.returncode != 0:
        log = (workdir / "locust.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"the load generator failed:\n{log}")
    return [json.loads(line) for line in Path(spec["out"]).read_text().splitlines() if line]


def serve_env(workdir: Path) -> dict[str, str]:
    """The servers' environment: as make serve, with a folder of its own where the workers add up their metrics."""
    metrics = workdir / "prometheus"
    metrics.mkdir(exist_ok=True)
    return {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}


@dataclass
class Measure:
    """CPU used by each part during the measured seconds, and py-spy profiles of the workers if asked."""

    processes: dict[str, list[int]]
    before: dict[str, dict[int, float]] = field(default_factory=dict)
    cores: dict[str, float] = field(default_factory=dict)
    machine_busy: float = math.nan
    started: float = 0.0
    machine_before: tuple[float, float] = (0.0, 0.0)
    spies: list[tuple[int, Path, subprocess.Popen[bytes]]] = field(default_factory=list)

    def _cpu(self) -> dict[str, dict[int, float]]:
        found = {name: {pid: _cpu_or_zero(pid) for pid in pids} for name, pids in self.processes.items()}
        found["PostgreSQL"] = process_cpu(("postgres",))
        found["Redis"] = process_cpu(("redis-server",))
        return found

    def begin(self, *, seconds: float, profile: bool, workdir: Path) -> None:
        self.before, self.started, self.machine_before = self._cpu(), time.monotonic(), machine_busy_seconds()
        if profile:
            for pid in self.processes.get("servers", []):
                out = workdir / f"py-spy-{pid}.txt"
                command = [PY_SPY, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200"]
                command += ["--format", "raw", "--output", str(out), "--nonblocking"]
                spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
                self.spies.append((pid, out, spy))

    def end(self) -> None:
        wall = time.monotonic() - self.started
        after = self._cpu()
        # By process: a PostgreSQL backend that ended meanwhile is left out rather than counted negative.
        self.cores = {
            name: round(sum(cpu - self.before[name].get(pid, 0.0) for pid, cpu in by_pid.items()) / wall, 2)
            for name, by_pid in after.items()
        }
        busy, total = machine_busy_seconds()
        self.machine_busy = round((busy - self.machine_before[0]) / max(total - self.machine_before[1], 1e-9), 2)

    def profiles(self) -> list[tuple[int, Path]]:
        done = []
        for pid, out, spy in self.spies:
            spy.wait(timeout=120)
            if out.exists():
                done.append((pid, out))
        return done


def _cpu_or_zero(pid: int) -> float:
    try:
        return cpu_seconds(pid)
    except OSError:
        return 0.0


def print_profiles(profiles: list[tuple[int, Path]], *, top: int = 25) -> None:
    """The functions the workers spent their samples in: own time, and time including what they called."""
    for pid, path in profiles:
        own: Counter[str] = Counter()
        inclusive: Counter[str] = Counter()
        total = 0
        for line in path.read_text().splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            # "function (file.py:line)": counted by function, whatever line of it was running.
            frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
            total += count
            own[frames[-1]] += count
            for frame in set(frames):
                inclusive[frame] += count
        print(f"\n--- worker {pid}: {total} samples ({path})")
        print("own time:")
        for frame, count in own.most_common(top):
            print(f"  {count / total:6.1%}  {frame}")
        print("including callees (project code):")
        ours = [(f, c) for f, c in inclusive.most_common() if re.search(r"[(/]hearth/", f)]
        for frame, count in ours[:top]:
            print(f"  {count / total:6.1%}  {frame}")


def summarise(samples: list[list[Any]], *, warmup: float, seconds: float) -> dict[str, Any]:
    measured = [s for s in samples if warmup <= s[0] < warmup + seconds]
    by_endpoint: dict[str, list[list[Any]]] = defaultdict(list)
    for sample in measured:
        by_endpoint[sample[1]].append(sample)
    endpoints: dict[str, dict[str, Any]] = {}
    for name in sorted(by_endpoint, key=lambda n: list(WEIGHTS).index(n) if n in WEIGHTS else 99):
        rows = by_endpoint[name]
        client = sorted(r[2] for r in rows)
        server = sorted(r[3] for r in rows if r[3] >= 0)
        errors = [r for r in rows if r[5]]
        endpoints[name] = {
            "requests": len(rows),
            "requests_per_s": round(len(rows) / seconds, 1),
            "errors": len(errors),
            "p50_ms": round(percentile(client, 0.50), 1),
            "p95_ms": round(percentile(client, 0.95), 1),
            "p99_ms": round(percentile(client, 0.99), 1),
            "server_p50_ms": round(percentile(server, 0.50), 1),
            "server_p95_ms": round(percentile(server, 0.95), 1),
            "server_p99_ms": round(percentile(server, 0.99), 1),
        }
        if errors:
            endpoints[name]["first_errors"] = dict(Counter(r[5] for r in errors).most_common(3))
    reads = [s for s in measured if s[1] not in WRITES]
    return {
        "requests_per_s": round(len(measured) / seconds, 1),
        "read_requests_per_s": round(len(reads) / seconds, 1),
        "errors": sum(1 for s in measured if s[5]),
        "requests": len(measured),
        "endpoints": endpoints,
    }


def plot(samples: list[list[Any]], *, warmup: float, path: Path, title: str) -> None:
    import matplotlib  # noqa: PLC0415  # only when plotting: it is slow to import

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    figure, axes = plt.subplots(figsize=(9, 4.8), dpi=100)
    by_endpoint: dict[str, list[list[Any]]] = defaultdict(list)
    for sample in samples:
        by_endpoint[sample[1]].append(sample)
    for name, rows in sorted(by_endpoint.items()):
        axes.scatter([r[0] - warmup for r in rows], [max(r[2], 0.1) for r in rows], s=2, alpha=0.35, label=name)
    per_second: dict[int, list[float]] = defaultdict(list)
    for sample in samples:
        per_second[math.floor(sample[0] - warmup)].append(sample[2])
    seconds = sorted(per_second)
    for fraction, style in ((0.5, "-"), (0.99, "--")):
        values = [percentile(sorted(per_second[s]), fraction) for s in seconds]
        axes.plot(
            [s + 0.5 for s in seconds], values, style, color="black", linewidth=1.2, label=f"all, p{fraction * 100:.0f}"
        )
    axes.axvline(0, color="grey", linewidth=0.8)
    axes.set_yscale("log")
    axes.set_xlabel("seconds (warm-up before 0)")
    axes.set_ylabel("client latency, ms")
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=7, markerscale=3, ncol=2, loc="upper right")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def report(summary: dict[str, Any], detail: dict[str, Any]) -> None:
    print()
    print(
        f"{detail['users']} users for {detail['seconds']} s after {detail['warmup']} s of warm-up, "
        f"{detail['workers']} workers ({detail['server']}); "
        f"{summary['requests']} requests, {summary['requests_per_s']} requests/s "
        f"({summary['read_requests_per_s']} reads/s), {summary['errors']} errors"
    )
    header = (
        f"{'endpoint':<15}{'req/s':>8}{'errors':>8}   {'client p50 / p95 / p99 ms':<27}{'server p50 / p95 / p99 ms'}"
    )
    print(header)
    for name, row in summary["endpoints"].items():
        client = f"{row['p50_ms']} / {row['p95_ms']} / {row['p99_ms']}"
        server = f"{row['server_p50_ms']} / {row['server_p95_ms']} / {row['server_p99_ms']}"
        print(f"{name:<15}{row['requests_per_s']:>8}{row['errors']:>8}   {client:<27}{server}")
        for error, count in row.get("first_errors", {}).items():
            print(f"{'':<15}  {count} x {error}")
    for name, (p50, p99) in TARGETS.items():
        row = summary["endpoints"].get(name)
        if row:
            met = row["server_p50_ms"] <= p50 and row["server_p99_ms"] <= p99
            print(
                f"target {name}: server p50 <= {p50:.0f} ms and p99 <= {p99:.0f} ms: "
                f"{row['server_p50_ms']} / {row['server_p99_ms']} ms {'PASS' if met else 'MISS'}"
            )
    if detail["read_only"]:
        rps = summary["read_requests_per_s"]
        print(
            f"target read mix >= {TARGET_READ_RPS:.0f} requests/s: {rps} {'PASS' if rps >= TARGET_READ_RPS else 'MISS'}"
        )
    peaks = detail.get("worker_peak_rss_mb") or []
    if peaks:
        worst = max(peaks)
        print(
            f"worker peak RSS: {', '.join(f'{p:.0f}' for p in peaks)} MB "
            f"(target < {TARGET_RSS_MB:.0f} MB: {'PASS' if worst < TARGET_RSS_MB else 'MISS'})"
        )
    cores = detail["cpu_cores"]
    print(
        "CPU (cores busy during the measured seconds): "
        + ", ".join(f"{name} {value:.2f}" for name, value in cores.items())
        + f"; whole machine {detail['machine_busy']:.0%} of {os.cpu_count()} cores; "
        f"load average before {detail['load_before']}, after {detail['load_after']}"
    )
    for note in detail["notes"]:
        print(f"note: {note}")


@dataclass
class Run:
    samples: list[list[Any]]
    detail: dict[str, Any]
    profiles: list[tuple[int, Path]]


def load(args: argparse.Namespace, plan: Plan, sessions: list[dict[str, str]], workdir: Path) -> Run:
    """Start the servers (unless --url), run the load generator, measure, stop the servers."""
    server: Server | None = None
    pids: list[int] = []
    try:
        if args.url:
            base_url = args.url.rstrip("/")
        else:
            collect_static()
            server = start_server(
                "load", serve_env(workdir), workdir, workers=args.workers, extra=("--no-server-header",)
            )
            wait_until_healthy([server], workers=args.workers)
            base_url, pids = server.base_url, server.worker_pids()
        spec = {
            "base_url": base_url,
            "users": args.users,
            "spawn_rate": max(args.users / 2, 1),
            "run_seconds": args.warmup + args.seconds,
            "out": str(workdir / "samples.jsonl"),
            "members": sessions,
            "paths": plan.paths,
            "reply_threads": plan.reply_threads,
            "react_posts": plan.react_posts,
            "weights": {name: (0 if args.reads_only and name in WRITES else w) for name, w in WEIGHTS.items()},
            "seed": args.seed,
        }
        load_before = load_average()
        child = start_locust(spec, workdir)
        measure = Measure({"servers": pids, "load generator": [child.pid]})
        time.sleep(args.warmup)
        measure.begin(seconds=args.seconds, profile=args.profile, workdir=workdir)
        time.sleep(args.seconds)
        measure.end()
        samples = finish_locust(child, spec, workdir)
        peaks = [round(memory_mb(pid)[1], 1) for pid in pids]
        detail = {
            "users": args.users,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "workers": None if args.url else args.workers,
            "server": args.url or "uvicorn, started by this script",
            "read_only": args.reads_only,
            "long_thread_replies": plan.long_thread.reply_count,
            "worker_peak_rss_mb": peaks,
            "cpu_cores": measure.cores,
            "machine_busy": measure.machine_busy,
            "load_before": load_before,
            "load_after": load_average(),
            "notes": list(plan.notes),
        }
        return Run(samples, detail, measure.profiles())
    finally:
        if server is not None:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="simulated members, each sending back to back")
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds, after the warm-up")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before measuring")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--url", help="load a running Hearth at this address instead (it must use DATABASE_URL)")
    parser.add_argument("--reads-only", action="store_true", help="the read mix alone (no replies or reactions)")
    parser.add_argument("--plot", type=Path, help="where to write the latency plot (PNG)")
    parser.add_argument("--profile", action="store_true", help="sample the workers with py-spy; prints the top")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs, samples)")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="hearth-http-load-"))
    started_at = datetime.now(UTC)
    database = settings.DATABASES["default"]
    print(f"Database: {database['NAME']} on {database.get('HOST') or 'localhost'}; Redis: {SERVER_ENV['REDIS_URL']}")
    plan = make_plan(random.Random(args.seed))
    missing = unapplied_migrations()
    if missing:
        plan.notes.append(f"unapplied migrations: {', '.join(missing)}")
        print(f"Note: the database lacks migrations {', '.join(missing)} (manage.py migrate applies them)")
    print(
        f"Long thread {plan.long_thread.id}: {plan.long_thread.reply_count} replies; "
        f"{len(plan.communities)} communities, {len(plan.paths['thread_shallow'])} other threads, "
        f"{len(plan.paths['search'])} search words",
        flush=True,
    )
    sessions = sign_in(load_test_members(args.users, plan.communities))
    connections.close_all()
    try:
        run = load(args, plan, sessions, workdir)
    finally:
        sign_out(sessions)

    summary = summarise(run.samples, warmup=args.warmup, seconds=args.seconds)
    detail = {"date": started_at.strftime("%Y-%m-%d %H:%M UTC"), **run.detail}
    report(summary, detail)
    if run.profiles:
        print_profiles(run.profiles)
    plot_path = args.plot or Path(tempfile.gettempdir()) / f"hearth-http-load-{started_at:%Y%m%d-%H%M%S}.png"
    title = f"Hearth HTTP load: {args.users} users, {summary['requests_per_s']} requests/s"
    plot(run.samples, warmup=args.warmup, path=plot_path, title=f"{title} ({started_at:%Y-%m-%d %H:%M} UTC)")
    print(f"Latency plot: {plot_path}")
    if args.keep or args.profile:
        print(f"Logs, samples{' and profiles' if args.profile else ''} kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    keys = ("p50_ms", "p95_ms", "p99_ms", "server_p50_ms", "server_p95_ms", "server_p99_ms")
    endpoints = {name: {key: row[key] for key in keys} for name, row in summary["endpoints"].items()}
    line = {"requests_per_s": summary["requests_per_s"], "errors": summary["errors"], "endpoints": endpoints}
    print(json.dumps(line | {"detail": {**detail, **{k: summary[k] for k in ("read_requests_per_s", "requests")}}}))
    return 0 if summary["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
