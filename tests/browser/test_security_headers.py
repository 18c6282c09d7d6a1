"""Hearth's main pages and flows under its real Content-Security-Policy in Chromium: nothing is blocked, forms
post with no Referer at all, and the camera and microphone are reachable only where calls run."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import CommunityFactory, UserFactory, make_member, make_thread, totp_code
from hearth.listeners.services import accept_request, request_listener
from hearth.listeners.tests.conftest import make_listener
from tests.browser.test_forum_flow import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# Installed before any page script: records every violation the page reports.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""
CAMERA = """async () => {
  try {
    (await navigator.mediaDevices.getUserMedia({video: true})).getTracks().forEach((t) => t.stop());
    return "allowed";
  } catch (e) {
    return e.name;
  }
}"""


class CspWatch:
    """Collects CSP violations, console CSP errors and uncaught errors from every page of a context."""

    def __init__(self, context) -> None:
        self.problems: list[str] = []
        context.add_init_script(WATCH_CSP)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught: {error.error}"))

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"console on {message.page.url if message.page else '?'}: {message.text}")

    def check(self, page, label: str) -> None:
        page.wait_for_load_state("load")
        reported = page.evaluate("() => window.__cspViolations || []")
        problems, self.problems = [*self.problems, *reported], []
        assert not problems, f"{label}:\n" + "\n".join(problems)


def sign_in_as(page, base_url: str, pseudonym: str, *, code: bool = False) -> None:
    """Password, then (`code`) the authenticator code that moderators need (hearth.accounts.mfa)."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    signed_in = page.get_by_role("button", name="Sign out", exact=True)
    if not code:
        expect(signed_in).to_be_visible()
        return
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    # The next code too, in case the 30-second step turns over between making the code and checking it.
    for steps_ahead in (0, 1):
        page.get_by_label("Code").fill(totp_code(steps_ahead=steps_ahead))
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(signed_in.or_(page.locator(".errorlist"))).to_be_visible()
        if signed_in.is_visible():
            break
    expect(signed_in).to_be_visible()


def assert_headers(response, *, calls: bool = False) -> None:
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    media = "(self)" if calls else "()"
    assert f"camera={media}" in headers["permissions-policy"]
    assert f"microphone={media}" in headers["permissions-policy"]


def test_main_pages_and_forms_work_under_the_policy(asgi_server, browser, check_axe):
    community = CommunityFactory(name="Carers", slug="carers")
    member = make_member(community, role=MembershipRole.MODERATOR, username="AmberWren30")
    thread = make_thread(community, title="Respite tips", body="What helped you *rest*?", replies=1)
    base = asgi_server

    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    watch = CspWatch(context)
    page = context.new_page()
    sign_in_as(page, base, member.username, code=True)
    watch.check(page, "sign-in")

    for path, ready in [
        ("/", page.get_by_role("button", name="Sign out", exact=True)),
        ("/communities/carers/", page.get_by_role("heading", name="Carers")),
        (f"/threads/{thread.id}/", page.get_by_role("heading", name="Respite tips")),
        ("/listeners/", page.get_by_role("heading", level=1)),
        ("/moderation/", page.get_by_role("heading", level=1)),
        (f"/members/{member.username}/", page.get_by_role("heading", level=1)),
        ("/accounts/profile/", page.get_by_role("heading", level=1)),
        ("/safety-plan/print/", page.get_by_role("heading", name="My safety plan")),
    ]:
        assert_headers(page.goto(base + path))
        expect(ready).to_be_visible()
        watch.check(page, path)

    # A thread posted through the form: no Referer, and the CSRF check still passes. (Chromium sends the page's
    # origin here; browsers that send "Origin: null" instead are covered by the unit tests.)
    page.goto(f"{base}/communities/carers/new/")
    page.get_by_label("Title").fill("Evenings")
    page.get_by_label("Your message").fill("What do you do to wind down?")
    with page.expect_request(re.compile(r"/communities/carers/new/$")) as posted:
        page.get_by_role("button", name="Post thread").click()
    sent = posted.value.all_headers()
    assert posted.value.method == "POST"
    assert not sent.get("referer")
    assert sent["origin"] in ("null", base)
    assert sent["sec-fetch-site"] == "same-origin"
    expect(page.get_by_role("heading", name="Evenings")).to_be_visible()
    watch.check(page, "new thread")

    # htmx swaps the reaction bar (a POST of its own) without inline styles or eval.
    hug = page.locator("#post-1 .reactions").get_by_role("button", name=re.compile(r"^Hug"))
    hug.click()
    expect(page.locator("#post-1 .reactions").get_by_role("button", name="Hug 1")).to_have_attribute(
        "aria-pressed", "true"
    )
    watch.check(page, "reaction")

    # Preferences save through an ordinary form.
    assert_headers(page.goto(f"{base}/accounts/preferences/"))
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    watch.check(page, "preferences")

    # The community's live chat: its websocket is allowed by connect-src.
    page.goto(f"{base}/chat/communities/carers/")
    expect(page.locator("#chat-status")).to_contain_text("Live")
    assert_headers(page.reload())
    expect(page.locator("#chat-status")).to_contain_text("Live")
    page.get_by_role("textbox", name="Message").fill("Hello, everyone")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#chat-log")).to_contain_text("Hello, everyone")
    watch.check(page, "chat room")

    # The API docs (Swagger UI) render from our own static files.
    assert_headers(page.goto(f"{base}/api/v1/docs"))
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Hearth API")
    expect(page.locator(".opblock").first).to_be_visible()
    watch.check(page, "API docs")

    # A form sent without its CSRF cookie is refused on a page of ours that the policy allows.
    page.goto(f"{base}/accounts/preferences/")
    context.clear_cookies(name="csrftoken")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("heading", name="That form couldn't be sent")).to_be_visible()
    check_axe(page, label="CSRF failure page")
    watch.check(page, "CSRF failure page")

    page.goto(f"{base}/")
    check_axe(page, label="home page with the meta tags")
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()
    watch.check(page, "sign out")
    context.close()


def test_only_a_call_page_may_use_the_camera(asgi_server, media_browser):
    member = UserFactory(username="MellowFinch21")
    listener = make_listener("GentleOwl55")
    listener.set_password(PASSWORD)
    listener.save()
    room_id = accept_request(listener, request_listener(member, topics=[], language="en")).room_id

    context = media_browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    watch = CspWatch(context)
    page = context.new_page()
    sign_in_as(page, asgi_server, member.username)

    # Chromium grants every request here (fake devices, no prompt), so only the policy can refuse.
    assert_headers(page.goto(f"{asgi_server}/"))
    assert page.evaluate(CAMERA) == "NotAllowedError"
    watch.check(page, "home page")

    assert_headers(page.goto(f"{asgi_server}/chat/rooms/{room_id}/"), calls=True)
    expect(page.locator("#chat-status")).to_contain_text("Live")
    page.get_by_role("button", name="Join the call").click()
    page.get_by_role("button", name="Turn camera on").click()
    expect(page.get_by_role("button", name="Turn camera off")).to_be_visible()
    assert page.evaluate("() => !!document.getElementById('call-local').srcObject")
    watch.check(page, "call page")
    context.close()


def test_repeated_sign_ins_and_resets_say_to_slow_down(live_server, new_page, check_axe, settings):
    UserFactory(username="QuietHeron42", email="heron@example.org")
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "20/h/ip,1/h/key"}
    page = new_page()
    for _ in range(5):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Pseudonym").fill("QuietHeron42")
        page.get_by_label("Password").fill("not my password")
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.locator(".form-error")).to_be_visible()
    page.get_by_label("Pseudonym").fill("QuietHeron42")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Too many failed")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_have_count(0)

    for expected in ("password_reset_done", "limited"):
        page.goto(f"{live_server.url}/accounts/password/reset/")
        page.get_by_label("Email").fill("heron@example.org")
        page.get_by_role("button", name=re.compile("reset", re.IGNORECASE)).click()
        if expected == "limited":
            expect(page.get_by_role("heading", name="Please slow down a little")).to_be_visible()
            expect(page.get_by_text("too many times in a short while")).to_be_visible()
            check_axe(page, label="429 page")
        else:
            expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
