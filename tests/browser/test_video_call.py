"""A video call between two pages in real Chromium (fake camera and microphone): the peer connection reaches
"connected" and each side receives the other's live video. The chat socket carries the signalling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hearth.core.testing.factories import UserFactory
from hearth.listeners.services import accept_request, request_listener
from hearth.listeners.tests.conftest import make_listener
from tests.browser.test_forum_flow import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

REMOTE_VIDEO = """() => {
  const peers = Object.values((window.hearthCall || {}).peers || {});
  return peers.length === 1 && peers[0].pc.connectionState === "connected"
    && peers[0].pc.getReceivers().some(r => r.track && r.track.kind === "video" && r.track.readyState === "live"
       && !r.track.muted);
}"""


def test_a_support_chat_becomes_a_video_call_with_video_both_ways(asgi_server, media_browser, check_axe):
    member = UserFactory(username="MellowFinch21")
    listener = make_listener("GentleOwl55")
    listener.set_password(PASSWORD)
    listener.save()
    room_id = accept_request(listener, request_listener(member, topics=[], language="en")).room_id

    pages = []
    for name in ("MellowFinch21", "GentleOwl55"):
        context = media_browser.new_context(locale="en-GB")
        context.set_default_timeout(15_000)
        page = context.new_page()
        sign_in(page, asgi_server, name)
        page.goto(f"{asgi_server}/chat/rooms/{room_id}/")
        expect(page.locator("#chat-status")).to_contain_text("Live")
        pages.append(page)
    first, second = pages

    for page in pages:
        page.get_by_role("button", name="Join the call").click()
        expect(page.locator("#call-status")).to_contain_text("camera and microphone are off")
    check_axe(first, label="chat room in a call")

    # Nothing is sent until each person turns their camera on.
    for page in pages:
        assert page.evaluate("() => !document.getElementById('call-local').srcObject")
        page.get_by_role("button", name="Turn camera on").click()
        expect(page.get_by_role("button", name="Turn camera off")).to_be_visible()

    for page in pages:
        page.wait_for_function(REMOTE_VIDEO, timeout=20_000)
        assert page.evaluate("() => Object.values(window.hearthCall.peers)[0].pc.connectionState") == "connected"

    # Leaving is one click, and the other side's call ends with it.
    first.get_by_role("button", name="Leave the call").click()
    expect(first.get_by_role("button", name="Join the call")).to_be_visible()
    second.wait_for_function("() => Object.keys(window.hearthCall.peers).length === 0")
    for page in pages:
        page.context.close()
