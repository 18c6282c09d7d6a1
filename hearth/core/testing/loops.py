"""Running a test's coroutine in an event loop of its own."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable
from typing import Any


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    """Run an async test scenario in its own event loop. When this thread already has a running loop (the
    browser tests' Playwright driver, earlier in the same test process), the scenario runs in another thread:
    asyncio.run() would refuse."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(scenario())  # type: ignore[arg-type]
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario()).result()  # type: ignore[arg-type]
