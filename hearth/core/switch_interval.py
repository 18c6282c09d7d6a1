"""A short GIL switch interval, only while the process has websockets open.

With sockets open, the event loop thread is busy delivering room events, and each time the database thread's query
returns it waits for the loop to give up the GIL: up to the switch interval, 5 ms by default, for each of a chat
message's dozen queries. 0.5 ms keeps that wait short. A process serving only pages pays for the short interval
instead (more switches between its event loop and its request thread: 15-25% more CPU a page, docs/performance.md),
so the default comes back when the last socket closes.
"""

from __future__ import annotations

import sys
from typing import Any

from hearth.core.sync_thread import ASGIApp

SOCKETS_OPEN_INTERVAL = 0.0005


class SwitchInterval:
    """Counts the process's open websockets; the event loop is one thread, so a plain counter is safe."""

    def __init__(self, while_open: float = SOCKETS_OPEN_INTERVAL) -> None:
        self.while_open = while_open
        self.default = sys.getswitchinterval()
        self.open = 0

    def opened(self) -> None:
        self.open += 1
        if self.open == 1:
            self.default = sys.getswitchinterval()
            sys.setswitchinterval(self.while_open)

    def closed(self) -> None:
        self.open -= 1
        if self.open == 0:
            sys.setswitchinterval(self.default)


def short_switches_while_sockets_open(app: ASGIApp, interval: SwitchInterval | None = None) -> ASGIApp:
    """ASGI wrapper: the short switch interval from a websocket's connection until the last one ends."""
    switch = interval or SwitchInterval()

    async def application(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            return await app(scope, receive, send)
        switch.opened()
        try:
            return await app(scope, receive, send)
        finally:
            switch.closed()

    return application
