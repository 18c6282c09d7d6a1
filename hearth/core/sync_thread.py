"""HTTP requests' synchronous code on one long-lived thread per process.

Django's ASGI handler gives each request a thread of its own for its synchronous code (asgiref's
ThreadSensitiveContext per request), and a database connection belongs to the thread that opened it: every request
then opened a new PostgreSQL connection, and the one it left open (DB_CONN_MAX_AGE) was never used again. Run
inside a context that names one thread, Django's own context defers to it, so every request of the process uses
that thread and its kept connection, one request at a time, as a WSGI worker does. More processes (uvicorn
--workers) serve requests side by side.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


def on_one_thread(app: ASGIApp) -> ASGIApp:
    """`app` with the synchronous code of all its requests on one thread of its own."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="http-sync")

    async def application(scope: Any, receive: Any, send: Any) -> None:
        async with ThreadSensitiveContext(executor=executor):
            await app(scope, receive, send)

    return application
