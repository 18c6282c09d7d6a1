"""Settings for the HTTP benchmark servers: Hearth's own (config.settings, from the same environment variables)
with one addition, a `Server-Timing` header giving how long Django spent on each request, and a trivial page
for the ceiling benchmark. Production never loads this module."""

from __future__ import annotations

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

# First, so the time covers every middleware, the view and the template.
MIDDLEWARE = ["benchsite.timing.ServerTimingMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "benchsite.urls"
