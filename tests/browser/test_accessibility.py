"""axe-core on every page a member can reach, in each theme, plus keyboard reachability of the safety controls."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hearth.accounts.models import SensitiveTopic
from hearth.communities.models import MembershipMode, MembershipRole
from hearth.communities.services import join_community
from hearth.core.testing.factories import CommunityFactory, UserFactory, make_member, make_thread, opening_post
from hearth.forums.services import add_reaction, edit_post
from hearth.listeners.training import LESSONS

from .test_forum_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("theme", ["light", "dark", "contrast"])
def test_member_pages_pass_axe_in_every_theme(live_server, new_page, check_axe, theme):
    community = CommunityFactory(name="Carers", slug="carers")
    private = CommunityFactory(name="Trauma", slug="trauma", membership_mode=MembershipMode.REQUEST)
    member = make_member(community, username="AmberWren30", theme=theme, text_size="large", show_communities=True)
    moderator = make_member(private, role=MembershipRole.MODERATOR, username="SteadySeal8")
    join_community(UserFactory(username="PatientLark5"), private)
    thread = make_thread(community, author=member, title="Respite tips", body="What helped you *rest*?", replies=2)
    edit_post(member, opening_post(thread), body="What helped you **rest**?", title="Respite tips")
    add_reaction(make_member(community), opening_post(thread), kind="hug")
    make_thread(community, title="Hard news", body="Processing it.", topics=[SensitiveTopic.GRAPHIC], anonymous=True)

    page = new_page()
    sign_in(page, live_server.url, member.username)
    base = live_server.url
    post_id = opening_post(thread).id
    for path in [
        "/",
        "/communities/",
        "/communities/carers/",
        "/communities/trauma/",
        "/communities/carers/new/",
        f"/threads/{thread.id}/",
        f"/posts/{post_id}/edit/",
        f"/posts/{post_id}/delete/",
        f"/posts/{post_id}/history/",
        "/search/?q=respite",
        f"/members/{member.username}/",
        "/accounts/profile/",
        "/accounts/preferences/",
        "/accounts/tokens/",
        "/guidelines/",
        "/help/",
        "/threads/999999/",
        "/members/SteadySeal8/",
        "/notifications/",
        "/safety-plan/",
        "/moderation/decisions/",
        f"/moderation/report/post/{post_id}/",
        "/chat/",
        "/chat/communities/carers/",
        "/chat/communities/carers/sessions/",
        "/listeners/",
        "/listeners/training/",
        f"/listeners/training/{LESSONS[0].slug}/",
        "/listeners/training/quiz/",
    ]:
        page.goto(base + path)
        expect(page.locator("html")).to_have_attribute("data-theme", theme)
        check_axe(page, label=f"{path} ({theme})")

    # A form with errors.
    page.goto(base + "/communities/carers/new/")
    page.get_by_label("Title").fill("Hi")
    page.get_by_label("Your message").fill("Something I wanted to say.")
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_text("Give your thread a title of at least 3 characters.")).to_be_visible()
    # Nothing typed is lost.
    expect(page.get_by_label("Your message")).to_have_value("Something I wanted to say.")
    check_axe(page, label=f"new thread with errors ({theme})")

    # A moderator's page.
    moderator_page = new_page()
    sign_in(moderator_page, base, moderator.username)
    moderator_page.goto(base + "/communities/trauma/manage/")
    expect(moderator_page.get_by_text("PatientLark5")).to_be_visible()
    check_axe(moderator_page, label="manage members")
    for path in ["/moderation/", "/on-call/", "/chat/communities/trauma/sessions/"]:
        moderator_page.goto(base + path)
        check_axe(moderator_page, label=path)


def test_signed_out_pages_pass_axe(live_server, new_page, check_axe):
    CommunityFactory(name="General lounge", slug="general")
    page = new_page()
    for path in [
        "/",
        "/communities/",
        "/communities/general/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/guidelines/",
        "/help/",
    ]:
        page.goto(live_server.url + path)
        check_axe(page, label=path)


def test_safety_controls_come_first_for_keyboard_users(live_server, new_page):
    page = new_page()
    page.goto(live_server.url + "/communities/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Get help now")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Quick exit")


def test_search_pages_are_reached_by_keyboard_and_work_without_javascript(
    live_server, browser, new_page, check_axe, settings
):
    settings.HEARTH_PAGE_SIZE = 2
    community = CommunityFactory(name="Carers", slug="carers")
    member = make_member(community, username="AmberWren30")
    for i in range(3):
        make_thread(community, title=f"Garden {i}", body="Time in the garden.")
    search = f"{live_server.url}/search/?q=garden"

    page = new_page()
    sign_in(page, live_server.url, member.username)
    page.goto(search)
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages.get_by_role("link", name="Next page")).to_be_visible()
    check_axe(page, label="search, first page")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Next page":
            break
    expect(page.locator(":focus")).to_have_text("Next page")
    page.keyboard.press("Enter")
    expect(pages.get_by_role("link", name="Previous page")).to_be_visible()
    expect(pages.get_by_role("link", name="Next page")).to_have_count(0)
    assert "page=2" in page.url
    check_axe(page, label="search, last page")
    page.goto(search + "&page=5")
    expect(page.get_by_role("link", name="Back to the first page of results")).to_be_visible()
    check_axe(page, label="search, past the last page")

    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        plain = context.new_page()
        sign_in(plain, live_server.url, member.username)
        plain.goto(search)
        plain.get_by_role("link", name="Next page").click()
        expect(plain.get_by_role("link", name="Previous page")).to_be_visible()
        assert "page=2" in plain.url
    finally:
        context.close()
