"""The safety loop in a real browser: help for the writer, the moderator's queue, and one-click redaction."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import CommunityFactory, make_member, make_thread

from .test_forum_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CRISIS = "I can't do this anymore. I'm going to kill myself tonight, I've already written goodbye letters."


def test_crisis_post_help_queue_action_and_notification(live_server, new_page, check_axe):
    community = CommunityFactory(name="Anxiety and Depression", slug="anxiety-depression")
    make_member(community, username="TenderFinch33")
    make_member(community, username="SteadyCedar", role=MembershipRole.MODERATOR)
    make_thread(community, title="Gardening helps", body="Ten minutes with the plants, every morning.")
    base = live_server.url

    # The writer posts and sees help at once, warmly, with what happens next.
    writer = new_page()
    sign_in(writer, base, "TenderFinch33")
    writer.goto(f"{base}/communities/anxiety-depression/new/")
    writer.get_by_label("Title").fill("Tonight")
    writer.get_by_label("Your message").fill(CRISIS)
    writer.get_by_role("button", name="Post thread").click()
    panel = writer.get_by_role("region", name=re.compile("You don't have to face it alone"))
    expect(panel).to_be_visible()
    expect(panel.get_by_text("Your post is with the moderators")).to_be_visible()
    expect(panel.get_by_role("link", name=re.compile("116 123"))).to_be_visible()
    expect(writer.get_by_text("Waiting for a moderator.")).to_be_visible()
    check_axe(writer, label="thread page with the help panel")

    # The moderator finds it at the top of the queue and approves it with a reason.
    moderator = new_page()
    sign_in(moderator, base, "SteadyCedar")
    moderator.get_by_role("link", name="Moderation").click()
    first = moderator.locator(".queue-item").first
    expect(first).to_contain_text(re.compile(r"Risk: (high|imminent)"))
    check_axe(moderator, label="moderation queue")
    first.get_by_role("link").click()
    expect(moderator.get_by_text("Show the post (it may be distressing)")).to_be_visible()
    check_axe(moderator, label="queue item")
    moderator.get_by_label("Reason (the member will see it)").fill("Reached out privately; glad you posted.")
    moderator.get_by_role("button", name="Approve and publish").click()
    expect(moderator.get_by_text("Done. The member has been told")).to_be_visible()

    # The writer is told, with the reason.
    writer.goto(f"{base}/")
    writer.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(writer.get_by_text("Your post is now visible")).to_be_visible()
    expect(writer.get_by_text("Reached out privately; glad you posted.")).to_be_visible()
    check_axe(writer, label="notifications")


def test_personal_details_warning_with_one_click_redaction(live_server, new_page, check_axe):
    community = CommunityFactory(name="Parents", slug="parents")
    make_member(community, username="MellowLark12")
    thread = make_thread(community, title="Night feeds", body="Anyone else awake at 3am?")
    page = new_page()
    sign_in(page, live_server.url, "MellowLark12")
    page.goto(f"{live_server.url}/threads/{thread.id}/")
    page.get_by_label("Your reply").fill("Yes! Text me if you want company, my number is 07700 900123.")
    page.get_by_role("button", name="Post reply").click()
    nudge = page.get_by_role("alert").filter(has_text="Before you post")
    expect(nudge).to_be_visible()
    expect(page.get_by_label("Your reply")).to_have_value(re.compile("07700 900123"))
    check_axe(page, label="reply form with a personal-details nudge")
    nudge.get_by_role("button", name="Remove them for me and post").click()
    expect(page.locator("#post-2")).to_be_visible()
    expect(page.locator("#post-2")).not_to_contain_text("07700")
    expect(page.locator("#post-2")).to_contain_text("Text me if you want company")
