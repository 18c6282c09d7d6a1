"""How much of the server's capacity Hearth's own work leaves: the thread page's and the community page's throughput
as a ratio to a trivial page served by the same processes in the same run.

    .venv/bin/python bench/ceiling.py [--seconds 15] [--rounds 3] [--workers 2] [--connections 16]

Starts Hearth as bench/http_load.py does (uvicorn workers, DEBUG off, against DATABASE_URL, default the large
benchmark database, and REDIS_URL) and loads one page at a time with wrk (apt-get install wrk): in each round the
trivial page, the first page of the thread with about 500 replies and the largest open community's page, each
for --seconds, signed out and then signed in (one load-test member). A page's ratio in a round is its requests a
second over the trivial page's in that round and mode; the result is the median over the rounds.

The trivial page, /bench/trivial, answers "ok" from a view that does nothing, through all of Hearth's middleware;
only the benchmark servers serve it (bench/benchsite/urls.py). /healthz is measured beside it for reference: it
asks the database, so it is not the least a page costs. Signed out, the thread page is the redirect to sign in
(threads are for signed-in people) and the community page shows no threads. Prints one JSON line at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_load  # sets the environment and starts Django, as for the load test
from django.db import connections
from servers import load_average, machine_busy_seconds, start_server, wait_until_healthy

TARGETS = {"signed_out": 0.10, "signed_in": 0.08}
PAGES = ("thread", "community")
WRK = shutil.which("wrk")


@dataclass
class Result:
    requests_per_s: float
    requests: int
    bad_responses: int
    socket_errors: int


def wrk(url: str, *, seconds: float, connections: int, cookie: str | None) -> Result:
    command = [WRK or "wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{seconds:g}s"]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if rate is None or total is None:
        raise RuntimeError(f"wrk gave no figures:\n{output}")
    return Result(
        requests_per_s=float(rate.group(1)),
        requests=int(total.group(1)),
        bad_responses=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915  # one measurement after another
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of each page before the rounds")
    args = parser.parse_args(argv)
    if WRK is None:
        raise SystemExit("bench/ceiling.py needs wrk: apt-get install wrk")

    started_at = datetime.now(UTC)
    plan = http_load.make_plan(random.Random(1))
    missing = http_load.unapplied_migrations()
    if missing:
        print(f"Note: the database lacks migrations {', '.join(missing)} (manage.py migrate applies them)")
    community = plan.communities[0]
    paths = {
        "trivial": "/bench/trivial",
        "healthz": "/healthz",
        "thread": f"/threads/{plan.long_thread.id}/",
        "community": f"/communities/{community.slug}/",
    }
    sessions = http_load.sign_in(http_load.load_test_members(1, plan.communities))
    cookie = f"sessionid={sessions[0]['session']}; csrftoken={sessions[0]['csrf']}"
    connections.close_all()
    print(
        f"Thread {plan.long_thread.id} ({plan.long_thread.reply_count} replies), community {community.slug} "
        f"({community.thread_count} threads); {args.rounds} rounds of {args.seconds:g} s per page",
        flush=True,
    )
    modes: dict[str, tuple[str | None, tuple[str, ...]]] = {
        "signed_out": (None, ("trivial", "healthz", *PAGES)),
        "signed_in": (cookie, ("trivial", *PAGES)),
    }
    workdir = Path(tempfile.mkdtemp(prefix="hearth-ceiling-"))
    rounds: list[dict[str, dict[str, Result]]] = []
    http_load.collect_static()
    server = start_server(
        "ceiling", http_load.serve_env(workdir), workdir, workers=args.workers, extra=("--no-server-header",)
    )
    try:
        wait_until_healthy([server], workers=args.workers)
        load_before = load_average()
        busy_before, total_before = machine_busy_seconds()
        for mode_cookie, names in modes.values():
            for name in names:
                wrk(
                    server.base_url + paths[name], seconds=args.warmup, connections=args.connections, cookie=mode_cookie
                )
        for number in range(1, args.rounds + 1):
            measured: dict[str, dict[str, Result]] = {}
            for mode, (mode_cookie, names) in modes.items():
                measured[mode] = {}
                for name in names:
                    url = server.base_url + paths[name]
                    result = wrk(url, seconds=args.seconds, connections=args.connections, cookie=mode_cookie)
                    measured[mode][name] = result
                    print(f"round {number} {mode:<10} {name:<10} {result.requests_per_s:8.1f} requests/s", flush=True)
            rounds.append(measured)
        busy_after, total_after = machine_busy_seconds()
        load_after = load_average()
    finally:
        server.stop()
        http_load.sign_out(sessions)
        shutil.rmtree(workdir, ignore_errors=True)

    ratios: dict[str, Any] = {}
    for mode in modes:
        for page in PAGES:
            per_round = [r[mode][page].requests_per_s / r[mode]["trivial"].requests_per_s for r in rounds]
            ratios[f"{page}_{mode}"] = {"median": round(statistics.median(per_round), 3), "rounds": per_round}
    healthz = [r["signed_out"]["healthz"].requests_per_s / r["signed_out"]["trivial"].requests_per_s for r in rounds]
    problems = sum(res.bad_responses + res.socket_errors for r in rounds for by in r.values() for res in by.values())

    print()
    for mode, target in TARGETS.items():
        trivial = statistics.median(r[mode]["trivial"].requests_per_s for r in rounds)
        print(f"{mode.replace('_', ' ')}: trivial page {trivial:.0f} requests/s (median)")
        for page in PAGES:
            entry = ratios[f"{page}_{mode}"]
            rate = statistics.median(r[mode][page].requests_per_s for r in rounds)
            verdict = "PASS" if entry["median"] >= target else "MISS"
            rounds_text = ", ".join(f"{v:.3f}" for v in entry["rounds"])
            print(
                f"  {page:<10} {rate:8.1f} requests/s, ratio {entry['median']:.3f} "
                f"(rounds {rounds_text}; target >= {target}: {verdict})"
            )
    print(f"/healthz over the trivial page: {statistics.median(healthz):.3f}")
    busy = (busy_after - busy_before) / max(total_after - total_before, 1e-9)
    print(f"machine {busy:.0%} busy; load average before {load_before}, after {load_after}; bad answers {problems}")
    summary = {name: entry["median"] for name, entry in ratios.items()}
    detail = {
        "date": started_at.strftime("%Y-%m-%d %H:%M UTC"),
        "rounds": args.rounds,
        "seconds": args.seconds,
        "workers": args.workers,
        "connections": args.connections,
        "per_round": {name: [round(v, 4) for v in entry["rounds"]] for name, entry in ratios.items()},
        "requests_per_s": [
            {mode: {name: res.requests_per_s for name, res in by.items()} for mode, by in r.items()} for r in rounds
        ],
        "healthz_over_trivial": round(statistics.median(healthz), 3),
        "bad_answers": problems,
        "machine_busy": round(busy, 2),
        "load_before": load_before,
        "load_after": load_after,
    }
    print(json.dumps(summary | {"detail": detail}))
    met = all(summary[f"{page}_{mode}"] >= target for mode, target in TARGETS.items() for page in PAGES)
    return 0 if met and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
