"""Redis stops and starts again under a running server: forums keep working, live chat pauses with a clear
banner and comes back by itself, without restarting the server.

The test owns its Redis server (conftest.RedisServer) and one uvicorn process on the test database (PostgreSQL
only). A browser page stays open through the outage to show the banner appear and go.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from hearth.accounts.services import create_api_token
from hearth.chat.consumers import LIVE_PAUSED
from hearth.chat.models import Message
from hearth.chat.services import lobby_for
from hearth.chat.tests.helpers import run, session_cookie
from hearth.core.testing.factories import make_member, make_thread
from hearth.forums.models import Post

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

BANNER = "Live updates are paused. Your messages are safe; we'll reconnect automatically."
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(url: str, *, token: str = "", cookie: str = "", data: dict[str, Any] | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    body = None if data is None else json.dumps(data).encode()
    method = "GET" if data is None else "POST"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 (http:// only)
    try:
        with NO_PROXY.open(request, timeout=10) as response:
            raw = response.read()
            kind = response.headers.get("Content-Type", "")
            return response.status, json.loads(raw) if "json" in kind else raw.decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


async def open_socket(url: str, origin: str, token: str) -> tuple[ClientConnection, dict[str, Any] | None]:
    """A socket and its welcome, or the closed socket and None when the server closed it instead."""
    ws = await connect(url, origin=origin, additional_headers={"Authorization": f"Bearer {token}"}, proxy=None,
                       open_timeout=10)  # fmt: skip
    try:
        async for raw in ws:
            frame = json.loads(raw)
            if frame["type"] == "welcome":
                return ws, frame
    except ConnectionClosed:
        pass
    return ws, None


async def closed_code(ws: ClientConnection, timeout: float = 10) -> int | None:
    async def drain() -> None:
        async for _ in ws:
            pass

    with contextlib.suppress(ConnectionClosed):
        await asyncio.wait_for(drain(), timeout)
    return ws.close_code


async def next_message(ws: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        async for raw in ws:
            frame = json.loads(raw)
            if frame["type"] in ("message", "history") and (frame.get("message") or frame.get("messages")):
                return frame
        raise AssertionError("closed before a message arrived")

    return await asyncio.wait_for(read(), timeout)


async def send(ws: ClientConnection, body: str, client_id: str) -> dict[str, Any]:
    await ws.send(json.dumps({"type": "send", "client_id": client_id, "body": body}))
    async for raw in ws:
        frame = json.loads(raw)
        if frame.get("client_id") == client_id:
            return frame
    raise AssertionError("closed before the answer")


def test_forums_keep_working_while_redis_is_down_and_live_chat_comes_back_by_itself(
    start_server, redis_server, community, browser_page
):
    lobby = lobby_for(community)
    thread = make_thread(community)
    heron = make_member(community, username="QuietHeron42")
    otter = make_member(community, username="BraveOtter17")
    heron_token = create_api_token(heron, name="outage")[1]
    otter_token = create_api_token(otter, name="outage")[1]
    server = start_server("R", redis_url=redis_server.url)
    origin, url = server.base_url, server.url(lobby.id)

    ui = browser_page.do
    heron_cookie = session_cookie(heron)
    ui(lambda page: page.context.add_cookies([{"name": "sessionid", "value": heron_cookie, "url": origin}]))
    ui(lambda page: page.goto(f"{origin}/chat/rooms/{lobby.id}/"))
    ui(lambda page: expect(page.locator("#chat-status")).to_contain_text("Live"))
    ui(lambda page: expect(page.locator("#live-banner")).to_be_empty())

    async def live_chat_works(tag: str) -> tuple[dict[str, Any], dict[str, Any]]:
        heron_ws, welcome = await open_socket(url, origin, heron_token)
        otter_ws, _ = await open_socket(url, origin, otter_token)
        assert welcome is not None
        try:
            ack = await send(heron_ws, f"Checking in ({tag}), hope everyone is OK.", client_id=f"outage-{tag}")
            while True:  # the history of the first sync, then this message live
                frame = await next_message(otter_ws)
                if frame["type"] == "message" and frame["message"]["seq"] == ack["seq"]:
                    return ack, frame
        finally:
            await heron_ws.close()
            await otter_ws.close()

    ack, heard = run(lambda: live_chat_works("before"))
    assert ack["type"] == "ack" and heard["message"]["client_id"] == "outage-before"

    async def outage_begins() -> tuple[int | None, int | None, dict[str, Any] | None]:
        listening, _ = await open_socket(url, origin, otter_token)
        redis_server.stop()
        dropped = await closed_code(listening)
        refused_ws, welcome = await open_socket(url, origin, otter_token)
        return dropped, await closed_code(refused_ws), welcome

    dropped, refused, welcome = run(outage_begins)
    assert dropped == LIVE_PAUSED, "an open socket is closed with 'live updates paused'"
    assert (refused, welcome) == (LIVE_PAUSED, None), "a new socket is accepted, then closed the same way"

    # The page says so, in a status region, and stays accessible.
    ui(lambda page: expect(page.locator("#live-banner")).to_have_text(BANNER, timeout=15_000))
    assert ui(lambda page: page.locator("#live-banner").get_attribute("role")) == "status"
    browser_page.check_axe("the chat room while live updates are paused")

    # Forums and chat keep working without Redis: pages, a reply, a message sent without the socket.
    cookie = session_cookie(otter)
    status, _ = http(f"{origin}/threads/{thread.id}/", cookie=cookie)
    assert status == 200
    status, post = http(f"{origin}/api/v1/threads/{thread.id}/posts", token=otter_token,
                        data={"body": "Posting while the live side is resting. Sending strength."})  # fmt: skip
    assert status == 201, post
    assert Post.objects.filter(id=post["id"]).exists()
    message = {"body": "Anyone here? The live chat seems paused.", "client_id": "outage-during"}
    status, sent = http(f"{origin}/api/v1/chat/rooms/{lobby.id}/messages", token=otter_token, data=message)
    assert status == 201, sent
    assert Message.objects.filter(room=lobby, client_id="outage-during").count() == 1
    status, _ = http(f"{origin}/chat/rooms/{lobby.id}/", cookie=cookie)
    assert status == 200

    # Redis comes back on the same port, empty. Sockets connect again without restarting the server.
    redis_server.start()

    async def back() -> tuple[dict[str, Any], dict[str, Any]]:
        deadline = time.monotonic() + 15
        while True:
            try:
                return await live_chat_works("after")
            except (AssertionError, ConnectionClosed, OSError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)

    ack, heard = run(back)
    assert ack["type"] == "ack" and heard["message"]["client_id"] == "outage-after"

    # The page reconnects by itself, catches up on what was sent meanwhile, and the banner goes.
    ui(lambda page: expect(page.locator("#chat-status")).to_contain_text("Live", timeout=20_000))
    ui(lambda page: expect(page.locator("#chat-log")).to_contain_text("The live chat seems paused."))
    ui(lambda page: expect(page.locator("#chat-log")).to_contain_text("Checking in (after)"))
    ui(lambda page: expect(page.locator("#live-banner")).to_be_empty(timeout=20_000))
