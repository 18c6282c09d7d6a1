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
