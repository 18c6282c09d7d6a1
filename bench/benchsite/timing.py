"""The time Django spends on a request, sent back in a `Server-Timing: app;dur=<ms>` header."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    # Synchronous only: under ASGI the whole middleware chain then runs in the worker's thread for synchronous
    # code, and the time measured is the time that thread spent on this request, not the wait for it.
    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response
