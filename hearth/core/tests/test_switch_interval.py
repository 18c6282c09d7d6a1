"""The short GIL switch interval holds while a websocket is open in the process, and only then."""

from __future__ import annotations

import asyncio
import sys

import pytest

from hearth.core.switch_interval import SwitchInterval, short_switches_while_sockets_open
from hearth.core.testing.loops import run as run_scenario

DEFAULT = 0.005
SHORT = 0.0005


@pytest.fixture(autouse=True)
def default_interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(DEFAULT)
    yield
    sys.setswitchinterval(before)


def wrapped(seen: list[float], gate: asyncio.Event | None = None, fail: bool = False):
    async def app(scope, receive, send):
        seen.append(sys.getswitchinterval())
        if gate is not None:
            await gate.wait()
        if fail:
            raise RuntimeError("the socket's application failed")

    return short_switches_while_sockets_open(app, SwitchInterval(SHORT))


def run(coroutine):
    return run_scenario(lambda: coroutine)


def test_a_page_request_keeps_the_default():
    seen: list[float] = []
    run(wrapped(seen)({"type": "http"}, None, None))
    assert seen == [DEFAULT]
    assert sys.getswitchinterval() == DEFAULT


def test_short_while_a_socket_is_open_and_default_after():
    seen: list[float] = []
    run(wrapped(seen)({"type": "websocket"}, None, None))
    assert seen == [SHORT]
    assert sys.getswitchinterval() == DEFAULT


def test_the_default_returns_only_when_the_last_socket_closes():
    seen: list[float] = []

    async def scenario():
        first, second = asyncio.Event(), asyncio.Event()
        switch = SwitchInterval(SHORT)

        async def app(scope, receive, send):
            seen.append(sys.getswitchinterval())
            await (first if scope["name"] == "first" else second).wait()

        application = short_switches_while_sockets_open(app, switch)
        one = asyncio.create_task(application({"type": "websocket", "name": "first"}, None, None))
        two = asyncio.create_task(application({"type": "websocket", "name": "second"}, None, None))
        await asyncio.sleep(0)
        first.set()
        await one
        still_open = sys.getswitchinterval()
        second.set()
        await two
        return still_open, switch.open

    still_open, open_after = run(scenario())
    assert seen == [SHORT, SHORT]
    assert still_open == SHORT
    assert open_after == 0
    assert sys.getswitchinterval() == DEFAULT


def test_a_failing_socket_still_restores_the_default():
    seen: list[float] = []
    with pytest.raises(RuntimeError):
        run(wrapped(seen, fail=True)({"type": "websocket"}, None, None))
    assert seen == [SHORT]
    assert sys.getswitchinterval() == DEFAULT


def test_the_served_application_is_wrapped():
    """The ASGI application the servers run lowers the interval for sockets (not for pages), and leaves what
    start-up made out of the garbage collector's walks."""
    import gc

    from config import asgi

    assert sys.getswitchinterval() == DEFAULT
    assert gc.get_freeze_count() > 100_000
    assert asgi.application.application_mapping["websocket"].__qualname__.startswith(
        "short_switches_while_sockets_open"
    )
