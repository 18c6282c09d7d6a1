"""A per-address limit on API sign-ups. The address is kept only as a keyed hash, and only for the window."""

from __future__ import annotations

import hashlib
import hmac

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.http import HttpRequest

from hearth.lib.ratelimit import check_rate_limit


def _address_key(request: HttpRequest) -> str:
    # allauth's client address, so the API honours the same trusted-proxy setting as browser sign-ups.
    address = str(get_adapter(request).get_client_ip(request))
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def check_signup_rate_limit(request: HttpRequest) -> None:
    check_rate_limit(
        "signup",
        key=_address_key(request),
        message="Too many sign-ups from your network. Please wait {wait} and try again.",
    )
