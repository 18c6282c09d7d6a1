"""Fixed-window write limits kept in the cache (Redis when configured, so shared by all processes)."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from hearth.core.errors import RateLimited


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
    if cache.add(cache_key, 1, timeout=period + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=period + 1)
            count = 1
    if count > limit:
        retry_after = int(period - (time.time() % period)) + 1
        raise RateLimited(message.format(wait=_human(retry_after)), retry_after=retry_after)


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
