"""Security headers on every response, and Django's CSRF check made to work with `Referrer-Policy: no-referrer`.

The Content-Security-Policy allows scripts and styles from our own origin only: no inline code, no eval. A page
that truly needs an inline <style> (a stand-alone page meant to be saved) marks it with
`nonce="{{ request.csp_nonce }}"`; the nonce joins style-src only when a template printed it, and never script-src.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrfViewMiddleware

ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)

# Features no page uses: denied to the page and to anything it could embed.
_DENIED_FEATURES = (
    "accelerometer",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "payment",
    "usb",
)
_CALL_ATTRIBUTE = "hearth_hosts_call"


def allow_camera_and_microphone(response: ResponseT) -> ResponseT:
    """Mark the response of a page that hosts an audio or video call: only such pages may ask for the camera and
    microphone, so a script slipped into any other page cannot."""
    setattr(response, _CALL_ATTRIBUTE, True)
    return response


def permissions_policy(*, calls: bool) -> str:
    media = "(self)" if calls else "()"
    features = [f"{name}=()" for name in _DENIED_FEATURES]
    return ", ".join([*features, f"camera={media}", f"microphone={media}"])


class CspNonce:
    """A per-response nonce, made only when a template prints it (so most pages carry none)."""

    def __init__(self) -> None:
        self.value: str | None = None

    def __str__(self) -> str:
        if self.value is None:
            self.value = secrets.token_urlsafe(18)
        return self.value


def content_security_policy(request: HttpRequest, nonce: str | None) -> str:
    inline_style = f" 'nonce-{nonce}'" if nonce else ""
    connect = "'self'"
    # Chat, calls and notifications open websockets to this same host; 'self' alone does not cover ws: in every
    # browser. (An unknown host is refused with 400 before any page is served.)
    with contextlib.suppress(DisallowedHost):
        connect += f" {'wss' if request.is_secure() else 'ws'}://{request.get_host()}"
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self'{inline_style}",
        # data: for the small SVG icons inside the API docs' stylesheet.
        "img-src 'self' data:",
        # Call videos play MediaStream objects, which no source list governs; nothing else is played.
        "media-src 'self'",
        f"connect-src {connect}",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response.

    Django's SecurityMiddleware sends the others: HSTS (over HTTPS), nosniff, Referrer-Policy and
    Cross-Origin-Opener-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        nonce = CspNonce()
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(request, nonce.value)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(calls=getattr(response, _CALL_ATTRIBUTE, False))
        return response


class CsrfViewMiddleware(DjangoCsrfViewMiddleware):
    """Django's CSRF check, also accepting `Origin: null` from our own pages.

    Under `Referrer-Policy: no-referrer` the Fetch standard has browsers send `Origin: null` with a form POST,
    even to the page's own site (Chromium sends the real origin there, but a browser may follow the standard).
    Such a request is accepted only when the browser also says `Sec-Fetch-Site: same-origin` (a header pages
    cannot set, sent whatever the referrer policy); the CSRF token is still checked as usual. Sandboxed frames and
    other sites get "cross-site", so they are refused as before.
    """

    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin"
        # Private in Django (so missing from django-stubs), but the one place the Origin header is judged.
        verified: bool = super()._origin_verified(request)  # type: ignore[misc]
        return verified


def _forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden()


def check_csrf(request: HttpRequest) -> HttpResponseBase | None:
    """The CSRF check for API operations authenticated by the session (ninja's own uses Django's middleware)."""
    middleware = CsrfViewMiddleware(_forbidden)
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    middleware.process_request(request)
    result: HttpResponseBase | None = middleware.process_view(request, _forbidden, (), {})
    return result
