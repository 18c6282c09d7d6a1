"""A moderator adds a passkey through the pages and signs in with it, in Chromium with a virtual authenticator.

The live server is http://localhost: browsers treat localhost as a secure context, and the WebAuthn server accepts
it as an origin, so MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN (DEBUG only) stays off, as in production over HTTPS.
(127.0.0.1 would not do: an IP address cannot be a WebAuthn relying party id.)"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import CommunityFactory, make_member

from .test_forum_flow import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def add_virtual_authenticator(page):
    """A platform authenticator (like a phone's screen lock) that always verifies the user, without a prompt."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    authenticator_id = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    return cdp, authenticator_id


def watch_csp(page):
    """Collect Content-Security-Policy violations: the passkey scripts must all load from our own origin."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def sign_out(page, base):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(f"{base}/accounts/login/")


def fill_password(page, pseudonym):
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_moderator_adds_a_passkey_and_signs_in_with_it(live_server, new_page, check_axe):
    assert live_server.url.startswith("http://localhost:")
    community = CommunityFactory(name="Carers", slug="carers")
    moderator = make_member(community, role=MembershipRole.MODERATOR, username="QuietHeron12")
    Authenticator.objects.filter(user=moderator).delete()
    base = live_server.url

    page = new_page()
    csp_violations = watch_csp(page)
    cdp, authenticator_id = add_virtual_authenticator(page)
    sign_in(page, base, moderator.username)  # no second step yet
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Set up two-factor authentication first")).to_be_visible()
    page.get_by_role("link", name="Other ways").click()
    expect(page.get_by_role("heading", name="Two-factor authentication", exact=True)).to_be_visible()
    page.get_by_role("link", name="Add a passkey").click()
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Add a passkey or security key")).to_be_visible()
    check_axe(page, label="add a passkey")
    page.get_by_label("Name").fill("My phone")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add", exact=True).click()
    # The first passkey also makes recovery codes, shown once.
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    passkey = Authenticator.objects.get(user=moderator, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"]

    page.goto(f"{base}/accounts/2fa/")
    expect(page.get_by_text("You have 1 passkey or security key.")).to_be_visible()
    page.get_by_role("link", name="Manage passkeys").click()
    expect(page.get_by_role("heading", name="Passkeys and security keys")).to_be_visible()
    expect(page.get_by_role("cell", name="My phone", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Passkey", exact=True)).to_be_visible()
    check_axe(page, label="passkey list")

    # The session that added the passkey may moderate straight away.
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()

    # Password, then the passkey as the second step.
    sign_out(page, base)
    fill_password(page, moderator.username)
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    check_axe(page, label="second step with a passkey")
    page.get_by_role("button", name="Use a passkey or security key").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()

    # The passkey alone: it verified the person (screen lock), so it is both steps.
    sign_out(page, base)
    check_axe(page, label="sign-in page with passkey button")
    page.get_by_role("button", name="Use a passkey instead").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert not csp_violations


def test_a_passkey_on_another_device_does_not_sign_in(live_server, new_page):
    """A browser whose authenticator holds no passkey for the account gets nowhere: no session, no queue."""
    community = CommunityFactory(name="Carers", slug="carers")
    moderator = make_member(community, role=MembershipRole.MODERATOR, username="QuietHeron12")
    Authenticator.objects.filter(user=moderator).delete()
    base = live_server.url

    owner = new_page()
    add_virtual_authenticator(owner)
    sign_in(owner, base, moderator.username)
    owner.goto(f"{base}/accounts/2fa/webauthn/add/")
    owner.get_by_label("Password").fill(PASSWORD)
    owner.get_by_role("button", name="Confirm").click()
    owner.get_by_label("Name").fill("My phone")
    owner.get_by_label("Passwordless").check()
    owner.get_by_role("button", name="Add", exact=True).click()
    expect(owner.get_by_role("heading", name="Recovery codes")).to_be_visible()

    stranger = new_page()
    add_virtual_authenticator(stranger)  # its own, empty authenticator
    stranger.goto(f"{base}/accounts/login/")
    # The browser finds no passkey for this site, so nothing is sent; allauth's script logs why.
    with stranger.expect_console_message(lambda message: message.type == "error"):
        stranger.get_by_role("button", name="Use a passkey instead").click()
    expect(stranger.get_by_role("heading", name="Sign in")).to_be_visible()
    stranger.goto(f"{base}/moderation/")
    expect(stranger.get_by_role("button", name="Sign out")).to_have_count(0)


def test_an_older_session_confirms_with_the_passkey_before_moderating(live_server, new_page, check_axe):
    """A browser signed in before the passkey existed has not passed 2FA; the passkey (synced to it) lets it in."""
    community = CommunityFactory(name="Carers", slug="carers")
    moderator = make_member(community, role=MembershipRole.MODERATOR, username="QuietHeron12")
    Authenticator.objects.filter(user=moderator).delete()
    base = live_server.url

    laptop, phone = new_page(), new_page()
    laptop_cdp, laptop_authenticator = add_virtual_authenticator(laptop)
    phone_cdp, phone_authenticator = add_virtual_authenticator(phone)
    sign_in(laptop, base, moderator.username)
    sign_in(phone, base, moderator.username)
    phone.goto(f"{base}/accounts/2fa/webauthn/add/")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Confirm").click()
    phone.get_by_label("Name").fill("My phone")
    phone.get_by_label("Passwordless").check()
    phone.get_by_role("button", name="Add", exact=True).click()
    expect(phone.get_by_role("heading", name="Recovery codes")).to_be_visible()
    # The passkey syncs to the laptop, as passkeys in a password manager do.
    (credential,) = phone_cdp.send("WebAuthn.getCredentials", {"authenticatorId": phone_authenticator})["credentials"]
    laptop_cdp.send("WebAuthn.addCredential", {"authenticatorId": laptop_authenticator, "credential": credential})

    laptop.get_by_role("link", name="Moderation").click()
    expect(laptop.get_by_role("heading", name="Confirm it's you with your second step")).to_be_visible()
    laptop.get_by_role("link", name="Confirm with my second step").click()
    expect(laptop.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    check_axe(laptop, label="code confirmation with alternatives")
    laptop.get_by_role("link", name="Use a security key").click()
    expect(laptop.get_by_role("button", name="Use a passkey or security key")).to_be_visible()
    check_axe(laptop, label="passkey confirmation")
    laptop.get_by_role("button", name="Use a passkey or security key").click()
    expect(laptop.get_by_role("heading", name="Moderation queue")).to_be_visible()
