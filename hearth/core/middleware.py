from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control

from hearth.core.errors import RateLimited
from hearth.lib.ratelimit import address_key, check_rate_limit


class PrivateCacheMiddleware:
    """Signed-in pages are never cached.

    On a shared device, Back must not show them from the cache after signing out or a quick exit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class WriteRateLimitMiddleware:
    """Every write from one network address counts against a limit, whoever is signed in: it stops floods
    from many accounts. Per-member limits on each action sit in the services."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in WRITE_METHODS:
            try:
                check_rate_limit("write_address", key=address_key(request))
            except RateLimited as exc:
                return _too_many(request, exc)
        return self.get_response(request)


def _too_many(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": exc.message, "code": exc.code}, status=429)
    else:
        response = render(request, "429.html", {"message": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    # Tells the page script to keep the form (and what was typed) and show the message above it.
    response["X-Hearth-Keep-Form"] = exc.message.encode("ascii", "ignore").decode()
    return response
