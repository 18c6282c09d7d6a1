"""A moderator sets up an authenticator app through the pages, signs in with it and reaches the queue; the 2FA
and session pages pass axe-core."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import CommunityFactory, make_member

from .test_forum_flow import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def code_for(secret: str, steps_ahead: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps_ahead))


def test_moderator_enrols_totp_signs_in_with_it_and_moderates(live_server, new_page, check_axe):
    community = CommunityFactory(name="Carers", slug="carers")
    moderator = make_member(community, role=MembershipRole.MODERATOR, username="SteadySeal8")
    Authenticator.objects.filter(user=moderator).delete()
    base = live_server.url

    page = new_page()
    sign_in(page, base, moderator.username)  # no second step yet
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Set up two-factor authentication first")).to_be_visible()
    check_axe(page, label="2FA required page")

    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    check_axe(page, label="password confirmation")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    check_axe(page, label="authenticator set-up")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill(code_for(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    check_axe(page, label="recovery codes")
    page.goto(f"{base}/accounts/2fa/")
    expect(page.get_by_text("On. Signing in asks for a code from your app.")).to_be_visible()
    check_axe(page, label="2FA settings")

    # The session that enrolled may moderate straight away.
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Pseudonym").fill(moderator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    check_axe(page, label="sign-in code page")
    page.get_by_label("Code").fill(code_for(secret, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()


def test_sessions_page_signs_out_the_other_browser(live_server, new_page, check_axe):
    community = CommunityFactory(name="Carers", slug="carers")
    member = make_member(community, username="AmberWren30")
    base = live_server.url
    laptop, phone = new_page(), new_page()
    sign_in(laptop, base, member.username)
    sign_in(phone, base, member.username)

    laptop.goto(f"{base}/accounts/sessions/")
    expect(laptop.get_by_role("heading", name="Where you're signed in")).to_be_visible()
    expect(laptop.get_by_role("row")).to_have_count(3)  # a header and two sessions
    check_axe(laptop, label="sessions page")
    laptop.get_by_role("button", name="Sign out all other sessions").click()
    expect(laptop.get_by_text("Signed out of 1 other session.")).to_be_visible()

    phone.goto(f"{base}/accounts/preferences/")
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
