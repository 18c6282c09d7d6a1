"""A read replica for the pages everyone reads (DATABASE_REPLICA_URL): read-only queries of a few models go to
it; everything else goes to the primary.

A replica runs a little behind the primary, so a read goes to the primary whenever it might need to be current:
- anything but the public reading models below (accounts, sessions, memberships, moderation, chat, on call…);
- inside a transaction (services read what they are about to change);
- after a write in the same request, task or command (a write pins the rest of it to the primary);
- for a few seconds after a person's own write (a form post, then the page it redirects to): the answer to a
  write carries a short-lived cookie that pins that browser's next requests, so people see what they just wrote;
- while the replica cannot be reached: after a failed connection, reads go to the primary for
  REPLICA_RETRY_SECONDS before the replica is tried again, so a replica outage costs no page.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
PIN_COOKIE = "hearth_primary"

# What community, thread and search pages read. A few seconds' lag here shows a count or a new reply a moment
# late; who may read what (memberships, blocks, sanctions) is always decided on the primary.
REPLICA_MODELS = frozenset({"communities.community", "forums.thread", "forums.post", "forums.reaction"})

REPLICA_RETRY_SECONDS = 30.0

logger = logging.getLogger(__name__)
_pinned: ContextVar[bool] = ContextVar("hearth_pinned_to_primary", default=False)


class _ReplicaHealth:
    """When the replica last failed to connect, shared by the process's threads."""

    def __init__(self) -> None:
        self.down_until = 0.0
        self.lock = threading.Lock()

    def usable(self) -> bool:
        if time.monotonic() < self.down_until:
            return False
        try:
            # A kept connection makes this free; a new one is opened here rather than in the middle of a page.
            connections[REPLICA].ensure_connection()
        except DatabaseError as exc:
            with self.lock:
                if time.monotonic() >= self.down_until:
                    logger.warning(
                        "Read replica unreachable (%s): reading from the primary for %d s",
                        type(exc).__name__,
                        REPLICA_RETRY_SECONDS,
                    )
                self.down_until = time.monotonic() + REPLICA_RETRY_SECONDS
            return False
        return True


replica_health = _ReplicaHealth()


def pin_to_primary() -> None:
    """Send this request's (task's, command's) remaining reads to the primary."""
    _pinned.set(True)


def unpin() -> None:
    """Start afresh: reads of the reading models may go to the replica again (each background task starts so)."""
    _pinned.set(False)


def pinned_to_primary() -> bool:
    return _pinned.get()


class PrimaryReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if model._meta.label_lower not in REPLICA_MODELS or _pinned.get():
            return PRIMARY
        if connections[PRIMARY].in_atomic_block or not replica_health.usable():
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        _pinned.set(True)
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # both hold the same data

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema by replication


_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ReplicaPinMiddleware:
    """Starts each request unpinned (or pinned, within seconds of this browser's own write), and after a write
    sets the cookie that pins its next few requests. Does nothing without a replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if REPLICA not in settings.DATABASES:
            return self.get_response(request)
        token = _pinned.set(PIN_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
            wrote = _pinned.get() and request.method in _UNSAFE_METHODS
        finally:
            _pinned.reset(token)
        if wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.HEARTH_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
