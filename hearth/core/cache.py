"""A Redis cache that keeps the site up while Redis is down.

Hearth uses the cache for rate limits, presence announcements and small shared flags, never for anything a
page cannot do without. When Redis cannot be reached, reads miss and writes do nothing, and for a few seconds
after a failure Redis is not even tried, so pages do not each wait on a dead server. Callers that must know
(rate limits, which then count in the process instead) ask `cache_down()`.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django_prometheus.cache.metrics import (  # type: ignore[import-untyped]
    django_cache_get_fail_total,
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0  # after a failure, how long every call answers at once without trying Redis
# Redis unreachable or not answering. Other errors (a wrong type, a bad command) are bugs and still raise.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

R = TypeVar("R")
_MISSING = object()


class _Outage:
    """When one Redis last failed. Django makes a cache object per thread; they all share this."""

    def __init__(self) -> None:
        self.until = 0.0
        self.lock = threading.Lock()
        self.logged = False

    def active(self) -> bool:
        return time.monotonic() < self.until

    def begin(self, error: Exception) -> None:
        with self.lock:
            self.until = time.monotonic() + RETRY_AFTER_SECONDS
            if not self.logged:  # once per outage: one line, not one per request
                self.logged = True
                logger.warning("Cache unreachable (%s); carrying on without it", type(error).__name__)

    def end(self) -> None:
        if self.logged:
            with self.lock:
                if self.logged:
                    self.logged = False
                    logger.warning("Cache reachable again")


def _tolerant(fallback: Any) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Run a client call unless Redis is known to be down; on a connection failure answer `fallback`.
    A fallback that is an exception class is raised instead (incr of a missing key raises ValueError)."""

    def decorate(method: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(method)
        def call(self: TolerantRedisCacheClient, *args: Any, **kwargs: Any) -> R:
            if self.outage.active():
                return cast(R, self._fallback(fallback, args))
            try:
                result = method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self.outage.begin(error)
                return cast(R, self._fallback(fallback, args))
            self.outage.end()
            return result

        return call

    return decorate


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(servers: list[str]) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(",".join(servers), _Outage())


class TolerantRedisCacheClient(RedisCacheClient):
    def __init__(self, servers: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(servers, *args, **kwargs)
        self.outage = _outage_for(servers)

    @staticmethod
    def _fallback(fallback: Any, args: tuple[Any, ...]) -> Any:
        if fallback is _MISSING:  # get(key, default): the caller's default
            return args[1]
        if isinstance(fallback, type) and issubclass(fallback, Exception):
            raise fallback("The cache is unavailable.")
        return fallback() if callable(fallback) else fallback

    def _count(self, key: Any, timeout: int) -> int:
        client = self.get_client(key, write=True)
        pipeline = client.pipeline()
        pipeline.incr(key)
        pipeline.expire(key, timeout)
        count, _ = pipeline.execute()
        return int(count)

    count = _tolerant(None)(_count)
    add = _tolerant(False)(RedisCacheClient.add)
    get = _tolerant(_MISSING)(RedisCacheClient.get)
    set = _tolerant(None)(RedisCacheClient.set)
    touch = _tolerant(False)(RedisCacheClient.touch)
    delete = _tolerant(False)(RedisCacheClient.delete)
    get_many = _tolerant(dict)(RedisCacheClient.get_many)
    has_key = _tolerant(False)(RedisCacheClient.has_key)
    incr = _tolerant(ValueError)(RedisCacheClient.incr)
    set_many = _tolerant(None)(RedisCacheClient.set_many)
    delete_many = _tolerant(None)(RedisCacheClient.delete_many)
    clear = _tolerant(False)(RedisCacheClient.clear)


class TolerantRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache, with misses and no-ops while Redis is unreachable, and its
    reads counted for /metrics (a read while Redis is down counts as failed)."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient
        self._outage = _outage_for(re.split("[;,]", server) if isinstance(server, str) else server)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        django_cache_get_total.labels(backend="redis").inc()
        value = super().get(key, _MISSING, version)
        if value is _MISSING:
            # The client answers the default without trying while an outage is known.
            (django_cache_get_fail_total if self._outage.active() else django_cache_misses_total).labels(
                backend="redis"
            ).inc()
            return default
        django_cache_hits_total.labels(backend="redis").inc()
        return value

    def count(self, key: Any, timeout: int, version: int | None = None) -> int | None:
        """Add one to the number at `key` (0 if missing) and keep it `timeout` seconds from now: one round trip,
        where add() and incr() take three (incr checks that the key exists first). None while Redis is down."""
        key = self.make_and_validate_key(key, version=version)
        client = cast(TolerantRedisCacheClient, self._cache)  # type: ignore[attr-defined]
        counted: int | None = client.count(key, timeout)
        return counted

    @property
    def down(self) -> bool:
        """True from a failed call until RETRY_AFTER_SECONDS later (the next call then tries Redis again)."""
        return self._outage.active()


class CountedLocMemCache(LocMemCache):
    """Django's in-process cache (the embedded default), with its reads counted for /metrics."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        django_cache_get_total.labels(backend="locmem").inc()
        value = super().get(key, _MISSING, version)
        if value is _MISSING:
            django_cache_misses_total.labels(backend="locmem").inc()
            return default
        django_cache_hits_total.labels(backend="locmem").inc()
        return value


def cache_down(backend: BaseCache | None = None) -> bool:
    """Whether `backend` (the default cache if not given) is a shared cache that is unreachable right now.
    Other backends never are."""
    backend = caches["default"] if backend is None else backend
    return isinstance(backend, TolerantRedisCache) and backend.down
