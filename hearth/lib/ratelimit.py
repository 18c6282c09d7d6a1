"""Fixed-window write limits kept in the cache (Redis when configured, so shared by all processes).

While Redis is unreachable each process counts on its own instead: limits then allow up to one full quota per
process, a looser bound but still a bound. Failing open would let a flood of posts or reports, or a run of
password guesses, through for as long as the outage lasts."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest

from hearth.core.cache import TolerantRedisCache, cache_down
from hearth.core.errors import RateLimited

# Counts kept in this process while the shared cache is down.
_local = LocMemCache("hearth-rate-limits", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def check_rate_limit(
    action: str, *, key: str, message: str = "You're doing that a lot. Please wait {wait} and try again."
) -> None:
    """Count one `action` by `key` (a user id, never an address in clear) and raise when over its limit.

    Every action has a limit in settings; one left out (as tests do when they override a few) is not limited."""
    configured = settings.HEARTH_API_RATE_LIMITS.get(action)
    if configured is None:
        return
    limit, period = configured
    window = int(time.time() // period)
    cache_key = f"rl:{action}:{key}:{window}"
    # The backend itself: `django.core.cache.cache` is a proxy, which no isinstance() check in _count would match.
    count = _count(caches["default"], cache_key, period)
    if cache_down():
        count = _count(_local, cache_key, period)
    if count > limit:
        retry_after = int(period - (time.time() % period)) + 1
        raise RateLimited(message.format(wait=_human(retry_after)), retry_after=retry_after)


def _count(backend: BaseCache, cache_key: str, period: int) -> int:
    if isinstance(backend, TolerantRedisCache):
        counted = backend.count(cache_key, period + 1)
        return 1 if counted is None else counted  # None: Redis is down, and the caller counts locally
    if backend.add(cache_key, 1, timeout=period + 1):
        return 1
    try:
        return int(backend.incr(cache_key))
    except ValueError:  # expired between add and incr
        backend.add(cache_key, 1, timeout=period + 1)
        return 1


def address_key(request: HttpRequest) -> str:
    """A network address as a keyed hash: enough to count floods, useless to anyone reading the cache."""
    from allauth.account.adapter import get_adapter  # noqa: PLC0415 (allauth needs the app registry ready)

    # allauth's client address honours the same trusted-proxy setting as sign-in limits.
    address = str(get_adapter(request).get_client_ip(request))
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def _human(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"
