"""A moderator asks who wrote an anonymous post, in a real browser, with and without JavaScript; every page passes
axe-core and the look is in the audit log."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import CommunityFactory, make_member, make_thread, opening_post
from hearth.moderation.models import ActionKind, AuditLogEntry
from hearth.moderation.reports import report_post

pytestmark = pytest.mark.django_db(transaction=True)

AUTHOR = "HiddenFern55"


def signed_in(context, base_url: str, user) -> None:
    """Carry a signed-in session into the browser (the moderator's account has an authenticator app)."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def looks() -> int:
    return AuditLogEntry.objects.filter(action=ActionKind.VIEW_ANONYMOUS_AUTHOR).count()


def test_a_moderator_asks_from_the_thread_page(live_server, new_page, check_axe):
    community = CommunityFactory(name="Carers", slug="carers")
    author = make_member(community, username=AUTHOR)
    moderator = make_member(community, role=MembershipRole.MODERATOR, username="SteadyLantern7")
    thread = make_thread(community, author=author, title="Can't say this elsewhere", anonymous=True)
    base = live_server.url

    page = new_page()
    signed_in(page.context, base, moderator)
    page.goto(f"{base}/threads/{thread.id}/")
    expect(page.get_by_text("Anonymous member").first).to_be_visible()
    expect(page.get_by_text(AUTHOR)).to_have_count(0)
    check_axe(page, label="thread page, moderator")

    page.get_by_role("link", name="Show who wrote this").click()
    expect(page.get_by_role("heading", name="Who wrote this anonymous post")).to_be_visible()
    expect(page.get_by_text(AUTHOR)).to_have_count(0)
    assert looks() == 0
    check_axe(page, label="post author page, asking")

    page.get_by_label("Why you need to know").fill("A pattern of harassment reports")
    page.get_by_role("button", name="Show who wrote this").click()
    expect(page.get_by_role("link", name=AUTHOR)).to_be_visible()
    check_axe(page, label="post author page, answered")
    assert looks() == 1


def test_a_moderator_asks_from_the_queue_item_without_javascript(live_server, browser, check_axe):
    community = CommunityFactory(name="Carers", slug="carers")
    author = make_member(community, username=AUTHOR)
    moderator = make_member(community, role=MembershipRole.MODERATOR, username="SteadyLantern7")
    reporter = make_member(community, username="BraveOtter17")
    post = opening_post(make_thread(community, author=author, title="Can't say this elsewhere", anonymous=True))
    item = report_post(reporter, post, reason="harassment", details="").queue_item
    base = live_server.url

    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        signed_in(context, base, moderator)
        page.goto(f"{base}/moderation/items/{item.id}/")
        expect(page.get_by_role("heading", name="Who wrote this?")).to_be_visible()
        expect(page.get_by_text(AUTHOR)).to_have_count(0)

        page.get_by_label("Why you need to know").fill("Checking for ban evasion")
        page.get_by_role("button", name="Show who wrote this").click()
        expect(page.get_by_text(f"By {AUTHOR} (posted anonymously")).to_be_visible()
        expect(page.get_by_text(f"Restrict {AUTHOR}")).to_be_visible()
        assert looks() == 1
    finally:
        context.close()


def test_the_item_page_passes_axe_before_and_after_asking(live_server, new_page, check_axe):
    community = CommunityFactory(name="Carers", slug="carers")
    author = make_member(community, username=AUTHOR)
    moderator = make_member(community, role=MembershipRole.MODERATOR, username="SteadyLantern7")
    reporter = make_member(community, username="BraveOtter17")
    post = opening_post(make_thread(community, author=author, title="Can't say this elsewhere", anonymous=True))
    item = report_post(reporter, post, reason="harassment", details="").queue_item
    base = live_server.url

    page = new_page()
    signed_in(page.context, base, moderator)
    page.goto(f"{base}/moderation/items/{item.id}/")
    expect(page.get_by_role("button", name="Show who wrote this")).to_be_visible()
    check_axe(page, label="queue item, author hidden")
    page.get_by_role("button", name="Show who wrote this").click()
    expect(page.get_by_text(f"By {AUTHOR} (posted anonymously")).to_be_visible()
    check_axe(page, label="queue item, author shown")
