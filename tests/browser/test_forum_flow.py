"""The core member journey in a real browser, with axe-core checking every page it visits."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hearth.accounts.models import SensitiveTopic, User
from hearth.core.testing.factories import CommunityFactory, make_member, make_thread, totp_code

PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, base_url, pseudonym, check_axe=None):
    page.goto(f"{base_url}/accounts/login/")
    if check_axe:
        check_axe(page, label="sign-in page")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    second_step = page.get_by_role("heading", name="One more step")
    signed_in = page.get_by_role("button", name="Sign out", exact=True)
    expect(signed_in.or_(second_step)).to_be_visible()
    # Moderators and admins made by the factories have an authenticator app (hearth.accounts.mfa). A code signs
    # in once, so a second sign-in within the same 30 seconds uses the next one (allowed for clock drift).
    for steps_ahead in (0, 1):
        if not second_step.is_visible():
            break
        page.get_by_label("Code").fill(totp_code(steps_ahead=steps_ahead))
        page.get_by_role("button", name="Sign in").click()
        expect(signed_in.or_(page.locator(".errorlist"))).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_sign_up_join_post_and_see_a_reply_and_reaction(live_server, new_page, check_axe):
    community = CommunityFactory(name="Anxiety and Depression", slug="anxiety-depression")
    base = live_server.url

    # 1. A newcomer signs up with only a pseudonym and a password.
    page = new_page()
    page.goto(f"{base}/")
    check_axe(page, label="home page")
    page.get_by_role("link", name="Join Hearth").click()
    expect(page.get_by_role("heading", name="Join Hearth")).to_be_visible()
    check_axe(page, label="sign-up page")
    suggestion = page.locator(".suggestions code").first.inner_text()
    assert re.fullmatch(r"[A-Z][a-z]+[A-Z][a-z]+\d{2}", suggestion)
    page.get_by_label("Pseudonym").fill("John Smith")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("I am 16 or older").check()
    page.get_by_label("I have read and accept").check()
    page.get_by_role("button", name="Create my account").click()
    # A real-looking name is refused with a clear reason, and what was typed stays.
    expect(page.get_by_text("Spaces aren't allowed")).to_be_visible()
    check_axe(page, label="sign-up page with errors")
    page.get_by_label("Pseudonym").fill("MellowFinch21")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("I am 16 or older").check()
    page.get_by_label("I have read and accept").check()
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Communities", exact=True)).to_be_visible()
    check_axe(page, label="community directory")
    assert User.objects.filter(username="MellowFinch21", email="").exists()

    # 2. They join a community and start a thread.
    page.get_by_role("link", name="Anxiety and Depression").click()
    expect(page.get_by_role("button", name="Join community")).to_be_visible()
    check_axe(page, label="community page before joining")
    page.get_by_role("button", name="Join community").click()
    expect(page.get_by_text("Welcome to Anxiety and Depression.")).to_be_visible()
    page.get_by_role("link", name="Start a thread").click()
    expect(page.get_by_label("Title")).to_be_visible()
    check_axe(page, label="new thread page")
    page.get_by_label("Title").fill("Mornings feel heavy lately")
    page.get_by_label("Your message").fill("Does anyone have a *gentle* morning routine that helps?")
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", name="Mornings feel heavy lately")).to_be_visible()
    expect(page.locator(".post-body em")).to_have_text("gentle")
    check_axe(page, label="thread page")
    thread_url = page.url

    # 3. Another member replies and sends a hug.
    make_member(community, username="KindBadger64")
    other = new_page()
    sign_in(other, base, "KindBadger64", check_axe)
    other.goto(thread_url)
    expect(
        other.get_by_text("by MellowFinch21").or_(other.locator(".author", has_text="MellowFinch21"))
    ).to_be_visible()
    other.get_by_label("Your reply").fill("Me too. A short walk before breakfast helps me.")
    other.get_by_role("button", name="Post reply").click()
    expect(other.get_by_text("A short walk before breakfast helps me.")).to_be_visible()
    hug = other.locator("#post-1 .reactions").get_by_role("button", name=re.compile(r"^Hug"))
    hug.click()
    # htmx swaps the reaction bar in place.
    expect(other.locator("#post-1 .reactions").get_by_role("button", name=re.compile(r"^Hug"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(other.locator("#post-1 .reactions").get_by_role("button", name="Hug 1")).to_be_visible()
    check_axe(other, label="thread page after replying")

    # 4. The first member sees the reply (marked new) and the hug.
    page.goto(thread_url)
    expect(page.get_by_text("A short walk before breakfast helps me.")).to_be_visible()
    expect(page.locator("#post-2 .badge.new")).to_have_text("New")
    expect(page.locator("#post-1 .reactions").get_by_role("button", name="Hug 1")).to_be_visible()
    check_axe(page, label="thread page seen by its author")


def test_content_warnings_collapse_and_open_without_javascript(live_server, browser, check_axe, settings):
    community = CommunityFactory(name="Recovery", slug="recovery")
    make_thread(
        community,
        title="A hard night",
        body="I got through it by calling a friend.",
        topics=[SensitiveTopic.SUBSTANCE_USE],
    )
    make_thread(community, title="Walking helps", body="Ten minutes outside, every day.")
    reader = make_member(community, username="SteadyWren40", muted_words=["walking"])
    assert SensitiveTopic.SUBSTANCE_USE in reader.hidden_topics

    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Pseudonym").fill("SteadyWren40")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_server.url}/communities/recovery/")
        check_axe_without_js = page.locator("details.content-warning")
        expect(check_axe_without_js).to_have_count(2)
        # Collapsed: the titles are not visible until the reader opens the warning on purpose.
        hard_night = page.get_by_role("link", name="A hard night")
        expect(hard_night).to_be_hidden()
        expect(page.get_by_text("Content warning: Substance use. Show thread")).to_be_visible()
        expect(page.get_by_role("link", name="Walking helps")).to_be_hidden()
        expect(page.get_by_text("Content warning: A word or phrase you muted. Show thread")).to_be_visible()
        page.get_by_text("Content warning: Substance use. Show thread").click()
        expect(hard_night).to_be_visible()
        hard_night.click()
        body = page.get_by_text("I got through it by calling a friend.")
        expect(body).to_be_hidden()
        page.get_by_text("Content warning: Substance use. Show post").click()
        expect(body).to_be_visible()
    finally:
        context.close()


def test_content_warning_pages_pass_axe(live_server, new_page, check_axe):
    community = CommunityFactory(name="Trauma", slug="trauma")
    make_thread(community, title="Something happened", body="Still processing.", topics=[SensitiveTopic.ABUSE])
    make_member(community, username="CalmCedar12")
    page = new_page()
    sign_in(page, live_server.url, "CalmCedar12")
    page.goto(f"{live_server.url}/communities/trauma/")
    check_axe(page, label="community page with a content warning")
    page.get_by_text("Show thread").click()
    page.get_by_role("link", name="Something happened").click()
    expect(page.get_by_text("Show post")).to_be_visible()
    check_axe(page, label="thread page with a content warning")
    page.get_by_text("Show post").click()
    expect(page.get_by_text("Still processing.")).to_be_visible()
    check_axe(page, label="thread page with the warning opened")


def test_quick_exit_leaves_and_back_does_not_return(live_server, new_page, check_axe, settings):
    community = CommunityFactory(name="Parents", slug="parents")
    make_member(community, username="BrightOwl77")
    page = new_page()
    sign_in(page, live_server.url, "BrightOwl77")
    page.get_by_role("link", name="Communities", exact=True).click()
    page.get_by_role("link", name="Parents").click()
    expect(page.get_by_role("heading", name="Parents")).to_be_visible()
    check_axe(page, label="community page")
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(settings.HEARTH_QUICK_EXIT_URL)
    expect(page).to_have_title("Weather")
    page.go_back()
    assert not page.url.startswith(live_server.url), f"Back returned to Hearth: {page.url}"


def test_escape_three_times_is_a_quick_exit(live_server, new_page, settings):
    page = new_page()
    page.goto(f"{live_server.url}/help/")
    expect(page.get_by_role("heading", name="Get help now")).to_be_visible()
    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url(settings.HEARTH_QUICK_EXIT_URL)


def test_get_help_page_is_reachable_signed_out_and_passes_axe(live_server, new_page, check_axe):
    page = new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Get help now").first.click()
    expect(page.get_by_role("heading", name="Get help now")).to_be_visible()
    expect(page.get_by_text("Samaritans").first).to_be_visible()
    check_axe(page, label="get help page")
    page.get_by_label("Show crisis lines for another country").select_option("US")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("988 Suicide & Crisis Lifeline")).to_be_visible()
    check_axe(page, label="get help page (US)")
