"""Fixed-window write limits kept in the cache (Redis when configured, so shared by all processes)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from hearth.core.errors import RateLimited


def check_rate_limit(
    action: str, *, key: str, message: str = "You're doing that a lot. Please wait {wait} and try again."
) -> None:
    """Count one `action` by `key` (a user id, never an address in clear) and raise when over its limit."""
    limit, period = settings.HEARTH_API_RATE_LIMITS[action]
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


def _human(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"
