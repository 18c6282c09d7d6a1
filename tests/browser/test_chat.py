"""Live chat in real Chromium: two members see each other's messages as they are sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hearth.chat.models import Message
from hearth.core.testing.factories import CommunityFactory, make_member
from tests.browser.test_forum_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_members_chat_live_reply_and_send_a_hug(asgi_server, new_page, check_axe):
    community = CommunityFactory(name="Carers", slug="carers")
    make_member(community, username="MellowFinch21")
    make_member(community, username="KindBadger64")

    alice = new_page()
    sign_in(alice, asgi_server, "MellowFinch21")
    alice.goto(f"{asgi_server}/communities/carers/")
    alice.get_by_role("link", name="Chat now").click()
    expect(alice.get_by_role("heading", name="Carers chat")).to_be_visible()
    expect(alice.locator("#chat-status")).to_contain_text("Live")
    check_axe(alice, label="empty chat room")

    bob = new_page()
    sign_in(bob, asgi_server, "KindBadger64")
    bob.goto(alice.url)
    expect(bob.locator("#chat-status")).to_contain_text("Live")
    expect(alice.locator("#chat-presence")).to_contain_text("KindBadger64")

    # Alice writes; Bob sees it without reloading, and sees her typing first.
    alice.get_by_role("textbox", name="Message").fill("Anyone else up late caring tonight?")
    expect(bob.locator("#chat-typing")).to_contain_text("MellowFinch21 is typing")
    alice.get_by_role("textbox", name="Message").press("Enter")
    expect(bob.locator("#m-1")).to_contain_text("Anyone else up late caring tonight?")
    expect(alice.get_by_role("textbox", name="Message")).to_have_value("")
    expect(alice.locator(".chat-message.mine")).to_have_count(1)

    # Bob replies to it and sends a hug; Alice sees both live.
    bob.get_by_role("link", name="Reply to MellowFinch21").click()
    expect(bob.locator("#chat-replying")).to_contain_text("Replying to MellowFinch21")
    bob.get_by_role("textbox", name="Message").fill("Yes, me too. **You're not alone.**")
    bob.get_by_role("button", name="Send").click()
    reply = alice.locator("#m-2")
    expect(reply).to_contain_text("Yes, me too")
    expect(reply.locator(".chat-quote")).to_contain_text("Replying to MellowFinch21")
    expect(reply.locator("strong", has_text="You're not alone.")).to_be_visible()
    bob.locator("#m-1").get_by_role("button", name="Hug for MellowFinch21's message").click()
    expect(alice.locator("#m-1 .reaction .count").first).to_have_text("1")
    check_axe(alice, label="chat room with messages")
    check_axe(bob, label="chat room after replying")
    assert list(Message.objects.order_by("seq").values_list("seq", "reply_to__seq")) == [(1, None), (2, 1)]

    # After a reload both messages are still there, in order: they were stored before they were shown.
    bob.reload()
    expect(bob.locator(".chat-message")).to_have_count(2)


def test_the_chat_works_without_javascript(asgi_server, browser):
    community = CommunityFactory(name="Carers", slug="carers")
    make_member(community, username="MellowFinch21")
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, asgi_server, "MellowFinch21")
        page.goto(f"{asgi_server}/chat/communities/carers/")
        expect(page.locator("#chat-status")).to_contain_text("Reload the page")
        page.get_by_role("textbox", name="Message").fill("Hello from a phone with scripts off.")
        page.get_by_role("button", name="Send").click()
        expect(page.locator(".chat-message").filter(has_text="scripts off")).to_be_visible()
        # Sending the same form twice (a double tap) stores the message once.
        assert Message.objects.count() == 1
    finally:
        context.close()


# A stand-in for the page's socket, so a test can hand it frames in any order and see what it sends.
FAKE_SOCKET = """
window.__sent = [];
window.WebSocket = class {
  constructor(url) {
    this.readyState = 1;
    this.handlers = {};
    if (url.includes("/ws/chat/")) window.__socket = this; // not the notifications socket
  }
  addEventListener(type, handler) { this.handlers[type] = handler; }
  send(data) { if (this === window.__socket) window.__sent.push(JSON.parse(data)); }
  close() { this.readyState = 3; }
};
window.WebSocket.OPEN = 1;
window.__push = (frame) => window.__socket.handlers.message({ data: JSON.stringify(frame) });
"""


def _message(seq: int) -> dict[str, object]:
    return {
        "type": "message",
        "message": {
            "seq": seq,
            "client_id": f"other-client-{seq:04d}",
            "author": "KindBadger64",
            "body_html": f"<p>Message {seq}</p>",
            "reply_to": None,
            "topics": [],
            "labels": [],
            "label_resources": [],
            "status": "published",
            "moderator_note": "",
            "deleted": False,
            "created_at": "2026-12-06T21:00:00+00:00",
            "reactions": {},
            "mine": False,
        },
    }


def test_the_page_asks_for_a_gap_that_stays_not_for_one_that_fills(asgi_server, new_page):
    """Messages from two servers often arrive a little out of order. The page asks for the messages after a skipped
    number only if that number is still missing after its wait, and a gap that opens meanwhile gets its own wait.
    A number the server says this person will not see is not waited for."""
    community = CommunityFactory(name="Carers", slug="carers")
    make_member(community, username="MellowFinch21")
    page = new_page()
    sign_in(page, asgi_server, "MellowFinch21")
    page.add_init_script(FAKE_SOCKET)
    page.goto(f"{asgi_server}/chat/communities/carers/")
    page.wait_for_function("() => Boolean(window.__socket && window.__socket.handlers.message)")
    push = "(frames) => frames.forEach((f) => window.__push(f))"
    syncs = "() => window.__sent.filter((f) => f.type === 'sync')"
    page.evaluate(push, [{"type": "welcome", "room": 1, "last_seq": 0, "you": "MellowFinch21", "moderator": False}])
    assert page.evaluate(syncs) == [{"type": "sync", "after": 0}]  # the catch-up on joining

    page.evaluate(push, [_message(1), _message(3)])  # 2 is late
    page.wait_for_timeout(500)
    page.evaluate(push, [_message(2), _message(5)])  # 2 arrives; now 4 is late
    page.wait_for_timeout(1300)  # the first wait is over: its gap filled, and 4 has a wait of its own
    page.evaluate(push, [_message(4)])
    page.wait_for_timeout(1800)
    assert page.evaluate(syncs) == [{"type": "sync", "after": 0}]
    expect(page.locator(".chat-message")).to_have_count(5)

    page.evaluate(push, [_message(7)])  # 6 never comes: its server died before publishing it
    page.wait_for_timeout(1800)
    assert page.evaluate(syncs)[1:] == [{"type": "sync", "after": 5}]

    page.evaluate(push, [_message(9)])  # 8 is missing...
    page.wait_for_timeout(300)
    page.evaluate(push, [{"type": "skip", "seq": 8}])  # ...and is not for this person: nothing to ask for
    page.wait_for_timeout(1800)
    assert page.evaluate(syncs)[1:] == [{"type": "sync", "after": 5}]
    expect(page.locator(".chat-message")).to_have_count(7)
