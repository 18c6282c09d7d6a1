"""A per-address limit on API sign-ups. The address is kept only as a keyed hash, and only for the window."""

from __future__ import annotations

import hashlib
import hmac
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from hearth.core.errors import RateLimited

# (count, seconds), like allauth's "20/h/ip" for browser sign-ups. Tests may set HEARTH_API_SIGNUP_RATE_LIMIT.
DEFAULT_SIGNUP_LIMIT = (20, 3600)


def _address_key(request: HttpRequest) -> str:
    # allauth's client address, so the API honours the same trusted-proxy setting as browser sign-ups.
    address = str(get_adapter(request).get_client_ip(request))
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def check_signup_rate_limit(request: HttpRequest) -> None:
    limit, period = getattr(settings, "HEARTH_API_SIGNUP_RATE_LIMIT", DEFAULT_SIGNUP_LIMIT)
    window = int(time.time() // period)
    cache_key = f"rl:api-signup:{_address_key(request)}:{window}"
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
        raise RateLimited(
            "Too many sign-ups from your network. Please wait a while and try again.", retry_after=retry_after
        )
