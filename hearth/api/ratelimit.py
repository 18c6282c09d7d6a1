"""A per-address limit on API sign-ups. The address is kept only as a keyed hash, and only for the window."""

from __future__ import annotations

from django.http import HttpRequest

from hearth.lib.ratelimit import address_key, check_rate_limit


def check_signup_rate_limit(request: HttpRequest) -> None:
    check_rate_limit(
        "signup",
        key=address_key(request),
        message="Too many sign-ups from your network. Please wait {wait} and try again.",
    )
