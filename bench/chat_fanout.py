"""Fan-out of one busy chat room across two server processes: delivery latency, lost and duplicated messages.

Starts two uvicorn processes that share a database and Redis (the channel layer), makes a community with N
members (each with an API token) and its lobby, connects the N clients spread evenly over the two processes,
then sends M messages a second for S seconds from a few of them. Every client records when each message reaches
it; the send time travels in the message's client_id. Prints p50/p95/p99 delivery latency, deliveries lost
(not received within the grace period) and duplicated (a number received twice by one client), the CPU each
process used, and ends with one JSON line.

    .venv/bin/python bench/chat_fanout.py [--clients 500] [--rate 50] [--seconds 30]

DATABASE_URL selects the database (migrated first); without it a temporary SQLite file is used. REDIS_URL
defaults to redis://127.0.0.1:6379/0. Only this run's rows and Redis keys are touched, and removed at the end.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from servers import (  # noqa: E402  # bench/ is this script's directory
    Server,
    cpu_seconds,
    machine_busy_seconds,
    server_env,
    start_servers,
    stolen_seconds,
)

# Settings are read once, when Django starts below: these are the ones the servers get too.
WORKDIR = Path(tempfile.mkdtemp(prefix="hearth-chat-fanout-"))
SERVER_ENV = server_env(RATE_CHAT_MESSAGES_PER_MINUTE="1000000")
REDIS_URL = SERVER_ENV["REDIS_URL"]
if not os.environ.get("DATABASE_URL"):
    SERVER_ENV["HEARTH_VAR_DIR"] = str(WORKDIR)  # settings keep their SQLite file there
os.environ.update(SERVER_ENV)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pstats  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import django  # noqa: E402
import redis  # noqa: E402
import uvloop  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from wsclient import ChatClient  # noqa: E402

from hearth.accounts.models import User  # noqa: E402
from hearth.accounts.services import create_api_token  # noqa: E402
from hearth.chat.services import lobby_for  # noqa: E402
from hearth.communities.models import Community, Membership  # noqa: E402

TARGET_P99_MS = 100.0
# The socket allows 60 frames per 10 seconds: a sender stays well under that at this many messages a second.
SENDS_PER_SECOND_PER_SENDER = 4
CONNECTS_AT_ONCE = 25
WARM_UP_MESSAGES = 3
# channels_redis keeps a group's members in "<prefix>:group:<name>", with the default prefix "asgi".
GROUP_KEY = "asgi:group:{}"


# --- Data ---------------------------------------------------------------------------------------------------


@dataclass
class Setup:
    community_id: int
    room_id: int
    user_ids: list[int]
    tokens: list[str]


def create_data(clients: int) -> Setup:
    run = secrets.token_hex(3)
    now = timezone.now()
    with transaction.atomic():
        community = Community.objects.create(
            slug=f"bench-{run}",
            name=f"Benchmark {run}",
            focus_area="Benchmark",
            description="Made by bench/chat_fanout.py; removed when it ends.",
            guidelines="Be kind.",
        )
        users = User.objects.bulk_create(
            User(username=f"Bench{run}x{i:05d}", age_confirmed_at=now, guidelines_accepted_at=now)
            for i in range(clients)
        )
        Membership.objects.bulk_create(Membership(user=user, community=community) for user in users)
        Community.objects.filter(id=community.id).update(member_count=len(users))
        tokens = [create_api_token(user, name="chat benchmark")[1] for user in users]
    room = lobby_for(community)
    return Setup(community.id, room.id, [u.id for u in users], tokens)


def delete_data(setup: Setup) -> None:
    Community.objects.filter(id=setup.community_id).delete()
    for start in range(0, len(setup.user_ids), 500):
        User.objects.filter(id__in=setup.user_ids[start : start + 500]).delete()


def forget_groups(redis_url: str, setup: Setup) -> None:
    """Drop this room's and these people's channel groups, so no socket left from an earlier run gets sent to."""
    client = redis.Redis.from_url(redis_url)
    names = [f"chat.room.{setup.room_id}", f"chat.room.{setup.room_id}.mods"]
    names += [f"user.{uid}" for uid in setup.user_ids]
    for start in range(0, len(names), 500):
        client.delete(*(GROUP_KEY.format(name) for name in names[start : start + 500]))
    client.close()


# --- The run -------------------------------------------------------------------------------------------------


@dataclass
class Results:
    # (time received, client_id) per delivery; latencies are worked out after the run, off the clients' hot path.
    deliveries: list[tuple[float, str]] = field(default_factory=list)
    sent: int = 0
    acked: dict[str, int] = field(default_factory=dict)  # client_id -> seq, published messages only
    not_published: int = 0
    send_errors: list[dict[str, Any]] = field(default_factory=list)
    loop_lag_ms: list[float] = field(default_factory=list)
    ack_ms: list[float] = field(default_factory=list)  # send to the sender's ack: the write path alone


def record_delivery(results: Results) -> Any:
    record = results.deliveries.append

    def on_message(client: ChatClient, message: dict[str, Any], received_at: float, live: bool) -> None:
        record((received_at, message["client_id"]))

    return on_message


def sent_and_latency_ms(deliveries: list[tuple[float, str]]) -> list[tuple[float, float]]:
    """(send time, latency) per delivery: the send time travels in the client id (bench…-<monotonic ns>)."""
    timed = []
    for received_at, client_id in deliveries:
        if client_id.startswith("bench"):
            sent_at = int(client_id.rsplit("-", 1)[1]) / 1e9
            timed.append((sent_at, (received_at - sent_at) * 1000))
    return timed


def p99_by_second(timed: list[tuple[float, float]]) -> list[float]:
    """p99 latency of the messages sent in each second of the run: a backlog grows, a stall is one bad second."""
    if not timed:
        return []
    start = min(sent_at for sent_at, _ in timed)
    seconds: dict[int, list[float]] = {}
    for sent_at, latency in timed:
        seconds.setdefault(int(sent_at - start), []).append(latency)
    return [round(percentile(sorted(seconds[second]), 0.99), 1) for second in sorted(seconds)]


async def measure_loop_lag(results: Results, stop: asyncio.Event) -> None:
    """How late this process's event loop wakes up: when it is busy, the latencies it records grow too."""
    while not stop.is_set():
        started = time.monotonic()
        await asyncio.sleep(0.05)
        results.loop_lag_ms.append((time.monotonic() - started - 0.05) * 1000)


async def connect_all(urls: list[list[str]], tokens: list[str], results: Results, *, light: bool) -> list[Any]:
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    on_message = record_delivery(results)

    async def one(i: int) -> ChatClient:
        client = ChatClient(
            urls[i % len(urls)],
            token=tokens[i],
            on_message=on_message,
            keep_messages=False,
            light=light,
            name=f"client {i}",
            reconnect_for=30,
        )
        async with gate:
            await client.start(timeout=60)
        return client

    return list(await asyncio.gather(*(one(i) for i in range(len(tokens)))))


async def warm_up(clients: list[ChatClient]) -> None:
    """A few messages through each process first: the first screening in a process loads the safety models,
    which takes seconds, and the presence announcements of all those arrivals settle meanwhile."""
    seqs = []
    for _ in range(WARM_UP_MESSAGES):
        for sender in clients[:2]:  # client 0 is on A, client 1 on B
            ack = await sender.send("Warming up before the benchmark starts. Hello everyone.", timeout=60)
            seqs.append(ack["seq"])
    await wait_for_deliveries(clients, set(seqs), grace=60)
    await asyncio.sleep(1)


async def timed_send(sender: ChatClient, body: str, client_id: str, results: Results) -> dict[str, Any]:
    started = time.monotonic()
    answer = await sender.send(body, client_id=client_id, timeout=60)
    results.ack_ms.append((time.monotonic() - started) * 1000)
    return answer


async def send_for(senders: list[ChatClient], results: Results, *, rate: int, seconds: float) -> float:
    """Send `rate` messages a second, round-robin over the senders, on a fixed schedule (catching up if late)."""
    total = int(rate * seconds)
    started = time.monotonic()
    answers: list[asyncio.Task[dict[str, Any]]] = []
    for i in range(total):
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        sender = senders[i % len(senders)]
        client_id = f"bench{i:07d}-{time.monotonic_ns()}"
        body = f"Checking in from the benchmark, message {i + 1}. Hope everyone is doing alright today."
        answers.append(asyncio.create_task(timed_send(sender, body, client_id, results)))
        results.sent += 1
    elapsed = time.monotonic() - started
    for answer in await asyncio.gather(*answers, return_exceptions=True):
        if isinstance(answer, BaseException):
            results.send_errors.append({"type": "exception", "detail": repr(answer)})
        elif answer.get("type") != "ack":
            results.send_errors.append(answer)
        elif answer.get("status") != "published":
            results.not_published += 1
        else:
            results.acked[answer["client_id"]] = answer["seq"]
    return elapsed


async def wait_for_deliveries(clients: list[ChatClient], expected: set[int], grace: float) -> float:
    started = time.monotonic()
    deadline = started + grace
    while time.monotonic() < deadline:
        if all(expected <= client.seqs for client in clients):
            break
        await asyncio.sleep(0.1)
    return time.monotonic() - started


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def run(args: argparse.Namespace, servers: list[Server], setup: Setup) -> dict[str, Any]:
    results = Results()
    urls = [[servers[i % 2].url(setup.room_id), servers[(i + 1) % 2].url(setup.room_id)] for i in range(2)]

    print(f"Connecting {args.clients} clients, half to each process…", flush=True)
    started = time.monotonic()
    clients = await connect_all(urls, setup.tokens, results, light=not args.library_client)
    connect_seconds = time.monotonic() - started
    print(f"  connected in {connect_seconds:.1f} s; warming up both processes", flush=True)
    await warm_up(clients)

    stop = asyncio.Event()
    lag_task = asyncio.create_task(measure_loop_lag(results, stop))
    senders = clients[: args.senders]
    pids = {"server A": servers[0].process.pid, "server B": servers[1].process.pid, "clients": os.getpid()}
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    busy_before, total_before = machine_busy_seconds()
    stolen_before = stolen_seconds()
    print(f"Sending {args.rate} messages/s for {args.seconds} s from {len(senders)} senders…", flush=True)
    # The measuring process must not stop to collect its own garbage while it measures: a full collection of
    # what it has recorded so far paused it for 150-370 ms, which it would then count as delivery latency.
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        phase_started = time.monotonic()
        send_seconds = await send_for(senders, results, rate=args.rate, seconds=args.seconds)
        expected = set(results.acked.values())
        await wait_for_deliveries(clients, expected, args.grace)
        wall = time.monotonic() - phase_started  # sending, waiting for every answer, then for late deliveries
    finally:
        gc.enable()
        gc.unfreeze()
    cpu = {name: (cpu_seconds(pid) - cpu_before[name]) / wall for name, pid in pids.items()}
    busy_after, total_after = machine_busy_seconds()
    stolen = stolen_seconds() - stolen_before
    stop.set()
    await lag_task

    lost = sum(len(expected - client.seqs) for client in clients)
    duplicated = sum(client.live_duplicates for client in clients)
    resynced = sum(client.duplicates for client in clients)
    reconnects = sum(client.connections - 1 for client in clients)
    await asyncio.gather(*(client.close() for client in clients))

    timed = sent_and_latency_ms(results.deliveries)
    ordered = sorted(latency for _, latency in timed)
    acks = sorted(results.ack_ms)
    lag = sorted(results.loop_lag_ms)
    summary: dict[str, Any] = {
        "clients": args.clients,
        "rate": args.rate,
        "seconds": args.seconds,
        "senders": len(senders),
        "sent": results.sent,
        "send_seconds": round(send_seconds, 2),
        "stored_published": len(expected),
        "not_published": results.not_published,
        "send_errors": len(results.send_errors),
        "deliveries": len(ordered),
        "expected_deliveries": len(expected) * len(clients),
        "p50_ms": round(percentile(ordered, 0.50), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "p99_ms": round(percentile(ordered, 0.99), 1),
        "max_ms": round(ordered[-1], 1) if ordered else math.nan,
        "lost": lost,
        "duplicated": duplicated,
        "reconnects": reconnects,
        "received_again_by_sync": resynced,
        "ack_p50_ms": round(percentile(acks, 0.50), 1),
        "ack_p99_ms": round(percentile(acks, 0.99), 1),
        "connect_seconds": round(connect_seconds, 1),
        "client_loop_lag_p99_ms": round(percentile(lag, 0.99), 1),
        "p99_ms_by_second": p99_by_second(timed),
        "cpu_cores": {name: round(value, 2) for name, value in cpu.items()},
        # Time the host gave to other guests is not counted as the servers' CPU, so steal sways this far less than
        # latency (docs/performance.md): compare code changes by it when latency swings with the machine.
        "server_cpu_us_per_delivery": round((cpu["server A"] + cpu["server B"]) * wall * 1e6 / max(len(ordered), 1), 1),
        "machine_busy": round((busy_after - busy_before) / max(total_after - total_before, 1e-9), 2),
        "machine_stolen": round(stolen / max(total_after - total_before, 1e-9), 3),
        "client": "websockets" if args.library_client else "wsframes",
    }
    if results.send_errors:
        summary["first_send_error"] = results.send_errors[0]
    return summary


def report(summary: dict[str, Any]) -> None:
    print()
    print(
        f"{summary['clients']} clients, {summary['rate']} messages/s for {summary['seconds']} s "
        f"({summary['sent']} sent in {summary['send_seconds']} s, {summary['stored_published']} published)"
    )
    print(f"deliveries: {summary['deliveries']:,} of {summary['expected_deliveries']:,} expected")
    print(
        f"latency: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms, "
        f"max {summary['max_ms']} ms (target p99 <= {TARGET_P99_MS:.0f} ms: "
        f"{'PASS' if summary['p99_ms'] <= TARGET_P99_MS else 'MISS'})"
    )
    print(f"lost: {summary['lost']}, duplicated: {summary['duplicated']}, reconnects: {summary['reconnects']}")
    print(f"send to ack (store, screen, answer): p50 {summary['ack_p50_ms']} ms, p99 {summary['ack_p99_ms']} ms")
    cores = ", ".join(f"{name} {value:.2f}" for name, value in summary["cpu_cores"].items())
    print(
        f"CPU (cores busy while sending): {cores}; whole machine {summary['machine_busy']:.0%} of all cores, "
        f"of which taken by the host for other guests (steal): {summary['machine_stolen']:.1%}"
    )
    print(f"servers' CPU per delivery: {summary['server_cpu_us_per_delivery']} µs (time stolen by the host not in it)")
    print(f"client event loop lag p99: {summary['client_loop_lag_p99_ms']} ms")
    print("p99 by second of sending (ms):", " ".join(f"{p99:.0f}" for p99 in summary["p99_ms_by_second"]))
    if summary["send_errors"]:
        print(f"send errors: {summary['send_errors']} (first: {summary.get('first_send_error')})")
    keys = ("clients", "rate", "p50_ms", "p95_ms", "p99_ms", "lost", "duplicated")
    print(json.dumps({key: summary[key] for key in keys} | {"detail": summary}))


def print_profiles(workdir: Path) -> None:
    for name in ("A", "B"):
        path = workdir / f"server-{name}.prof"
        if path.exists():
            print(f"\n--- server {name}: top functions by own time")
            pstats.Stats(str(path)).sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rate", type=int, default=50, help="messages per second, all senders together")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--senders", type=int, default=0, help="default: one per 4 messages a second")
    parser.add_argument("--grace", type=float, default=10, help="seconds to wait for late deliveries")
    parser.add_argument(
        "--library-client",
        action="store_true",
        help="clients on the websockets library (about 45 µs of CPU per message) instead of bench/wsframes.py",
    )
    parser.add_argument("--profile", action="store_true", help="run the servers under cProfile and print the top")
    parser.add_argument("--app", default="config.asgi:application", help="the ASGI application the servers run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, profiles)")
    args = parser.parse_args(argv)
    args.senders = min(args.clients, args.senders or max(2, math.ceil(args.rate / SENDS_PER_SECOND_PER_SENDER)))
    if args.rate / args.senders > 5:
        parser.error("more than 5 messages a second per sender would hit the socket's frame limit")

    database = "PostgreSQL (DATABASE_URL)" if os.environ.get("DATABASE_URL") else f"SQLite in {WORKDIR}"
    print(f"Database: {database}; Redis: {REDIS_URL}", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    started = time.monotonic()
    setup = create_data(args.clients)
    print(f"Made {args.clients} members with tokens in {time.monotonic() - started:.1f} s", flush=True)
    forget_groups(REDIS_URL, setup)
    connections.close_all()

    servers: list[Server] = []
    try:
        servers = start_servers(dict(os.environ), WORKDIR, profile=args.profile, app=args.app)
        # uvloop, as uvicorn uses: the clients' own loop must not be what limits the figures.
        summary = uvloop.run(run(args, servers, setup))
    finally:
        for server in servers:
            server.stop()
        forget_groups(REDIS_URL, setup)
        if os.environ.get("DATABASE_URL"):  # a temporary SQLite file goes with its directory
            try:
                delete_data(setup)
            except DatabaseError as exc:
                print(f"Could not remove this run's community and members: {exc}", file=sys.stderr)

    report(summary)
    if args.profile:
        print_profiles(WORKDIR)
    if args.keep or args.profile:
        print(f"Logs{' and profiles' if args.profile else ''} kept in {WORKDIR}")
    else:
        shutil.rmtree(WORKDIR, ignore_errors=True)
    return 0 if summary["lost"] == 0 and summary["duplicated"] == 0 and summary["p99_ms"] <= TARGET_P99_MS else 1


if __name__ == "__main__":
    sys.exit(main())
