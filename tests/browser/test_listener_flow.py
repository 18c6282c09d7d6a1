"""Talk to a listener now, in real Chromium: ask, wait, a listener accepts, both chat live, end, rate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hearth.listeners.models import SupportRequest
from hearth.listeners.tests.conftest import make_listener
from tests.browser.test_forum_flow import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_requests_a_listener_who_accepts_they_chat_and_the_member_rates(asgi_server, new_page, check_axe):
    from hearth.core.testing.factories import UserFactory

    UserFactory(username="MellowFinch21")
    listener = make_listener("GentleOwl55", topics=["loneliness"])
    listener.set_password(PASSWORD)
    listener.save()

    member = new_page()
    sign_in(member, asgi_server, "MellowFinch21")
    member.get_by_role("link", name="Talk to a listener").click()
    expect(member.get_by_role("heading", name="Talk to a listener")).to_be_visible()
    check_axe(member, label="talk to a listener")
    member.get_by_label("Loneliness").check()
    member.get_by_role("button", name="Find me a listener").click()
    expect(member.locator("#waiting-status")).to_contain_text("You're next in the queue")
    check_axe(member, label="waiting for a listener")

    helper = new_page()
    sign_in(helper, asgi_server, "GentleOwl55")
    helper.get_by_role("link", name="Listening").click()
    expect(helper.get_by_text("MellowFinch21", exact=True)).to_be_visible()
    check_axe(helper, label="listener page with a waiting member")
    helper.get_by_role("button", name="Accept the chat with MellowFinch21").click()
    expect(helper.get_by_role("heading", name="1:1 support chat")).to_be_visible()
    expect(helper.locator("#chat-status")).to_contain_text("Live")

    # The member's waiting page notices by itself and opens the chat.
    expect(member.get_by_role("heading", name="1:1 support chat")).to_be_visible(timeout=15_000)
    expect(member.locator("#chat-status")).to_contain_text("Live")
    expect(member.locator("#support")).to_contain_text("You're talking with GentleOwl55")

    helper.get_by_role("textbox", name="Message").fill("Hi, I'm here. What's been happening?")
    helper.get_by_role("textbox", name="Message").press("Enter")
    expect(member.locator("#m-1")).to_contain_text("What's been happening?")
    member.get_by_role("textbox", name="Message").fill("It's been a lonely week. Thanks for listening.")
    member.get_by_role("button", name="Send").click()
    expect(helper.locator("#m-2")).to_contain_text("lonely week")
    check_axe(member, label="1:1 chat, member")
    check_axe(helper, label="1:1 chat, listener")

    member.get_by_role("button", name="End chat").click()
    expect(member.get_by_text("How helpful was this chat?")).to_be_visible()
    expect(helper.locator("#chat-form")).to_have_count(0)  # the listener's page closes the chat too
    check_axe(member, label="ended chat with rating")
    member.get_by_label("5: very helpful").check()
    member.get_by_role("button", name="Send rating").click()
    expect(member.get_by_text("Thank you for rating this chat.")).to_be_visible()
    assert SupportRequest.objects.get().rating == 5
