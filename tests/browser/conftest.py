"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright, against Django's live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in this thread; the ORM calls made by fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
NEUTRAL_PAGE = (
    "<!doctype html><html lang='en'><head><title>Weather</title></head>"
    "<body><main><h1>Weather</h1></main></body></html>"
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver per test process: its sync API allows only one at a time."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make test` installs it.")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def media_browser(playwright):
    """Chromium with a fake camera and microphone, allowed without asking: for audio and video calls."""
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, settings):
    """Open a fresh, isolated browser context (its own cookies) and return its page."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 414, "height": 860}, locale="en-GB")
        context.set_default_timeout(10_000)
        # The neutral site behind Quick exit is served locally: this machine has no internet.
        context.route(
            f"{settings.HEARTH_QUICK_EXIT_URL.split('/weather')[0]}/**",
            lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE),
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def check_axe():
    """Run axe-core in the page and fail with a readable list of any violations."""
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}; `make test` installs it with npm.")

    def check(page, *, label: str = ""):
        # Callers first wait for something on the new page; this also waits for it to finish loading.
        page.wait_for_load_state("load")
        # Evaluated rather than added as a <script> tag, which the Content-Security-Policy rightly blocks.
        page.evaluate(AXE.read_text() + "\n;undefined")
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in result["violations"]
        ]
        assert not problems, f"axe violations on {label or page.url}:\n" + "\n".join(problems)

    return check


@pytest.fixture
def asgi_server(transactional_db):
    """Hearth's ASGI application (HTTP and websockets) served by uvicorn in a thread, on a free port.

    Django's live_server speaks WSGI only, so pages that open sockets are tested against this instead."""
    import socket
    import threading
    import time

    import uvicorn

    from config.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            ws="hearth.core.websocket_protocol:Protocol",  # as make run: chat frames go out prepared
            ws_per_message_deflate=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("The test server did not start.")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
