"""Prometheus metrics: django-prometheus's request, database and cache metrics, and Hearth's own, at /metrics.

No metric carries personal data: labels are decisions, risk levels, socket kinds, on-call tiers and view names,
never a pseudonym, a path, an address or anything anyone wrote.

Each server process counts for itself. With PROMETHEUS_MULTIPROC_DIR set (before the process starts), every
process writes its values to files in that folder and /metrics adds up all of them, whichever process answers
(prometheus_client's multiprocess mode). Without it, /metrics shows only the process that answered the scrape.
The queue and on-call figures are read from the database at each scrape, so they are the same from any process.

/metrics answers only when HEARTH_METRICS_TOKEN or HEARTH_METRICS_ALLOWED_IPS is set, and only to a scrape that
meets each one set (the token as `Authorization: Bearer …`, an address in the list); anyone else gets the same
404 as for a page that does not exist.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import logging
import os
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, Min, Model, Q
from django.db.models.signals import post_save
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from hearth.moderation.models import QueueItem, QueueStatus
from hearth.oncall.models import Alert, AlertTier
from hearth.safety.analyzers.base import RiskLevel

logger = logging.getLogger(__name__)

SCREENINGS = Counter(
    "hearth_screenings",
    "Safety screenings stored, by the decision taken and the crisis risk level found.",
    ["action", "risk"],
)
CHAT_MESSAGES = Counter("hearth_chat_messages_stored", "Chat messages stored.")
WEBSOCKETS_OPEN = Gauge(
    "hearth_websocket_connections_open",
    "Websocket connections being served now, by socket.",
    ["socket"],
    multiprocess_mode="livesum",
)
WEBSOCKETS_OPENED = Counter("hearth_websocket_connections", "Websocket connections opened, by socket.", ["socket"])
TASKS = Counter("hearth_tasks", "Background tasks finished, by task and outcome.", ["task", "outcome"])

RISK_LABELS = [level.name.lower() for level in RiskLevel]
_SOCKETS = frozenset({"chat", "notifications"})


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def risk_label(level: int) -> str:
    try:
        return RiskLevel(level).name.lower()
    except ValueError:
        return "unknown"


# --- Counting as things happen ----------------------------------------------------------------------------


def _screening_saved(sender: type[Model], instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        labels = {"action": str(instance.action)[:24], "risk": risk_label(instance.risk_level)}
        # Counted once the screening is committed: a rolled-back write stored nothing.
        transaction.on_commit(lambda: SCREENINGS.labels(**labels).inc())


def _message_saved(sender: type[Model], instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        transaction.on_commit(CHAT_MESSAGES.inc)


def connect_signals() -> None:
    post_save.connect(_screening_saved, sender="safety.Screening", dispatch_uid="hearth.metrics.screening")
    post_save.connect(_message_saved, sender="chat.Message", dispatch_uid="hearth.metrics.chat_message")
    if multiprocess_dir():
        # A process that ends normally takes its live gauges (open sockets) out of the sum. multiprocessing's
        # finalizers run in uvicorn's worker processes, where atexit does not; a killed process is handled
        # at the next scrape (_forget_dead_processes).
        Finalize(None, _mark_dead, args=(os.getpid(),), exitpriority=0)


def _mark_dead(pid: int) -> None:
    with contextlib.suppress(OSError):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def socket_kind(path: str) -> str:
    """ "chat" for /ws/chat/12/: the kind of socket, never which room."""
    parts = [part for part in path.split("/") if part]
    kind = parts[1] if len(parts) > 1 and parts[0] == "ws" else ""
    return kind if kind in _SOCKETS else "other"


def count_websockets(app: Any) -> Any:
    """ASGI wrapper: a websocket connection is open for as long as its application runs. It adds nothing per
    message, so the chat's fan-out pays nothing for being counted."""

    async def counted(scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await app(scope, receive, send)
        kind = socket_kind(scope.get("path", ""))
        WEBSOCKETS_OPENED.labels(kind).inc()
        gauge = WEBSOCKETS_OPEN.labels(kind)
        gauge.inc()
        try:
            return await app(scope, receive, send)
        finally:
            gauge.dec()

    return counted


# --- Read at each scrape ------------------------------------------------------------------------------------


class HearthCollector(Collector):
    """The moderation queue and on-call alerts, as they stand in the database now."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now

    def describe(self) -> Iterable[Metric]:
        return []  # registering must not query the database

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("hearth_metrics_database_up", "Whether the database answered this scrape.")
        try:
            families = self._families(self.now or timezone.now())
        except DatabaseError as exc:
            logger.warning("Metrics: the database did not answer (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self, now: datetime) -> list[Metric]:
        waiting = {(risk, status): 0 for risk in RISK_LABELS for status in (QueueStatus.OPEN, QueueStatus.CLAIMED)}
        oldest: dict[str, float] = dict.fromkeys(RISK_LABELS, 0.0)
        overdue = dict.fromkeys(RISK_LABELS, 0)
        rows = (
            QueueItem.objects.filter(status__in=[QueueStatus.OPEN, QueueStatus.CLAIMED])
            .values("risk_level", "status")
            .annotate(n=Count("id"), first=Min("created_at"), late=Count("id", filter=Q(due_at__lt=now)))
            .order_by()
        )
        for row in rows:
            risk = risk_label(row["risk_level"])
            waiting[(risk, row["status"])] = waiting.get((risk, row["status"]), 0) + row["n"]
            if row["status"] == QueueStatus.OPEN:
                oldest[risk] = max(oldest.get(risk, 0.0), (now - row["first"]).total_seconds())
                overdue[risk] = overdue.get(risk, 0) + row["late"]

        unacknowledged = dict.fromkeys(AlertTier.values, 0)
        alerts = (
            Alert.objects.filter(acknowledged_at__isnull=True, item__status=QueueStatus.OPEN)
            .values("tier")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in alerts:
            unacknowledged[row["tier"]] = row["n"]

        items = GaugeMetricFamily(
            "hearth_moderation_queue_items",
            "Queue items not yet resolved: open (waiting for a moderator) or claimed, by risk level.",
            labels=["risk", "status"],
        )
        for (risk, status), n in sorted(waiting.items()):
            items.add_metric([risk, status], n)
        age = GaugeMetricFamily(
            "hearth_moderation_queue_oldest_waiting_seconds",
            "How long the oldest open (unclaimed) item of each risk level has waited; 0 when none waits.",
            labels=["risk"],
        )
        late = GaugeMetricFamily(
            "hearth_moderation_queue_overdue_items",
            "Open items past their first-response target (5 minutes for imminent risk, 15 for high…).",
            labels=["risk"],
        )
        for risk in RISK_LABELS:
            age.add_metric([risk], oldest[risk])
            late.add_metric([risk], overdue[risk])
        oncall = GaugeMetricFamily(
            "hearth_oncall_alerts_unacknowledged",
            "On-call alerts about open items that nobody has acknowledged, by tier.",
            labels=["tier"],
        )
        for tier, n in sorted(unacknowledged.items()):
            oncall.add_metric([tier], n)
        return [items, age, late, oncall]


class _ThisProcess(Collector):
    """The default registry (this process's metrics), for when there is no multiprocess folder."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def _forget_dead_processes(directory: str) -> None:
    """Drop the live gauges of processes that no longer exist (killed, not stopped), so their open sockets
    stop counting. Every process that writes here runs on this machine, so a missing pid is a dead one."""
    for path in Path(directory).glob("gauge_live*_*.db"):
        match = re.search(r"_(\d+)\.db$", path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            _mark_dead(pid)
        except PermissionError:
            pass  # alive, under another user


def registry() -> CollectorRegistry:
    scrape = CollectorRegistry(auto_describe=False)
    directory = multiprocess_dir()
    if directory:
        _forget_dead_processes(directory)
        multiprocess.MultiProcessCollector(scrape, path=directory)  # type: ignore[no-untyped-call]
    else:
        scrape.register(_ThisProcess())
    scrape.register(HearthCollector())
    return scrape


# --- The endpoint --------------------------------------------------------------------------------------------


def scrape_allowed(request: HttpRequest) -> bool:
    token: str = settings.HEARTH_METRICS_TOKEN
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = settings.HEARTH_METRICS_ALLOWED_IPS
    if not token and not networks:
        return False
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            return False
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        if not any(address in network for network in networks):
            return False
    return True


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    # The same 404 as for any missing page: nobody without the token or address learns the endpoint exists.
    if request.method not in ("GET", "HEAD") or not scrape_allowed(request):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE)
