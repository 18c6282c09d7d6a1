"""Hearth's URLs, plus a trivial page for bench/ceiling.py (served only by benchmark servers)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as hearth_urlpatterns


def trivial_view(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do: what every page costs before it does any work of its own."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial_view, name="bench-trivial"), *hearth_urlpatterns]
