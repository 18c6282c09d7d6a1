"""Security headers on pages and API responses, the CSRF check under no-referrer, request size limits and the
deployment checks."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrfViewMiddleware
from django.middleware.csrf import _get_new_csrf_string
from django.test import override_settings
from django.urls import reverse

from hearth.chat.services import lobby_for
from hearth.communities.models import Membership
from hearth.core.security import CsrfViewMiddleware
from hearth.core.testing.factories import UserFactory
from hearth.forums.models import Thread
from hearth.listeners.services import accept_request, request_listener
from hearth.listeners.tests.conftest import make_listener


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


def features(response) -> dict[str, str]:
    return dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))


def assert_hardened(response) -> None:
    csp = directives(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert features(response)["camera"] == "()"
    assert features(response)["microphone"] == "()"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
class TestHeaders:
    @pytest.mark.parametrize("path", ["/", "/guidelines/", "/accounts/login/", "/api/v1/docs", "/threads/999999/"])
    def test_pages_carry_every_header(self, client, path):
        assert_hardened(client.get(path))

    def test_signed_in_pages_carry_every_header(self, member_client, community):
        assert_hardened(member_client.get(reverse("communities:detail", args=[community.slug])))

    @pytest.mark.parametrize("path", ["/api/v1/communities", "/api/v1/me", "/api/v1/communities/no-such-community"])
    def test_api_responses_carry_every_header(self, client, path):
        response = client.get(path)
        assert response["Content-Type"].startswith("application/json")
        assert_hardened(response)

    def test_websockets_to_this_host_are_allowed_and_no_other(self, client):
        assert directives(client.get("/"))["connect-src"] == "'self' ws://testserver"
        assert directives(client.get("/", secure=True))["connect-src"] == "'self' wss://testserver"

    def test_hsts_is_on_by_default_when_debug_is_off_and_sent_over_https_only(self, client):
        assert not settings.DEBUG
        assert settings.SECURE_HSTS_SECONDS == 365 * 24 * 60 * 60
        assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"
        assert "Strict-Transport-Security" not in client.get("/")

    def test_cookies_are_secure_and_hidden_from_scripts(self):
        assert settings.SESSION_COOKIE_SECURE
        assert settings.CSRF_COOKIE_SECURE
        assert settings.SESSION_COOKIE_HTTPONLY
        assert settings.CSRF_COOKIE_HTTPONLY

    def test_a_page_without_inline_code_carries_no_nonce(self, member_client):
        assert "nonce" not in member_client.get("/")["Content-Security-Policy"]

    def test_an_inline_style_gets_a_fresh_nonce_for_each_response(self, member_client):
        nonces = []
        for _ in range(2):
            response = member_client.get(reverse("wellbeing:safety-plan-print"))
            nonce = directives(response)["style-src"].removeprefix("'self' 'nonce-").removesuffix("'")
            assert f'<style nonce="{nonce}">' in response.content.decode()
            # Styles only: an injected <script> could not borrow the nonce.
            assert directives(response)["script-src"] == "'self'"
            nonces.append(nonce)
        assert len(nonces[0]) >= 20
        assert nonces[0] != nonces[1]


@pytest.mark.django_db
class TestCallPermissions:
    def _support_room(self):
        member = UserFactory(username="QuietHeron42")
        listener = make_listener("GentleOwl55")
        room_id = accept_request(listener, request_listener(member, topics=[], language="en")).room_id
        return member, room_id

    def test_a_page_that_hosts_a_call_may_use_the_camera_and_microphone(self, client):
        member, room_id = self._support_room()
        client.force_login(member)
        response = client.get(reverse("chat:room", args=[room_id]))
        assert 'id="call"' in response.content.decode()
        assert features(response)["camera"] == "(self)"
        assert features(response)["microphone"] == "(self)"
        assert features(response)["geolocation"] == "()"

    def test_a_room_page_without_a_call_may_not(self, member_client, community):
        response = member_client.get(reverse("chat:room", args=[lobby_for(community).id]))
        assert response.status_code == 200
        assert 'id="call"' not in response.content.decode()
        assert features(response)["camera"] == "()"
        assert features(response)["microphone"] == "()"

    def test_earlier_messages_of_a_call_room_may_not(self, client):
        member, room_id = self._support_room()
        client.force_login(member)
        response = client.get(reverse("chat:room", args=[room_id]) + "?before=5")
        assert features(response)["camera"] == "()"

    def test_other_pages_may_not(self, member_client):
        for path in ["/", "/chat/", reverse("listeners:talk")]:
            assert features(member_client.get(path))["camera"] == "()", path


@pytest.mark.django_db
class TestCsrfWithoutReferrer:
    """Browsers send "Origin: null" on our own form posts; only "Sec-Fetch-Site: same-origin" vouches for it."""

    def _join(self, client, community, *, token: str | None, **headers: str):
        data = {"csrfmiddlewaretoken": token} if token else {}
        return client.post(reverse("communities:join", args=[community.slug]), data, **headers)

    @pytest.fixture
    def browser(self, csrf_client_for, outsider):
        client = csrf_client_for(outsider)
        token = _get_new_csrf_string()
        client.cookies["csrftoken"] = token
        return client, token

    def joined(self, outsider, community) -> bool:
        return Membership.objects.filter(user=outsider, community=community).exists()

    def test_null_origin_from_the_same_origin_with_the_token_passes(self, browser, outsider, community):
        client, token = browser
        response = self._join(client, community, token=token, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 302
        assert self.joined(outsider, community)

    def test_it_passes_over_https_too(self, browser, outsider, community):
        client, token = browser
        headers = {"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "same-origin", "secure": True}
        assert self._join(client, community, token=token, **headers).status_code == 302
        assert self.joined(outsider, community)

    def test_the_token_is_still_required(self, browser, outsider, community):
        client, _ = browser
        response = self._join(client, community, token=None, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 403
        assert not self.joined(outsider, community)

    def test_a_refusal_explains_itself_on_a_page_the_policy_allows(self, browser, community):
        client, _ = browser
        response = self._join(client, community, token=None)
        html = response.content.decode()
        assert response.status_code == 403
        assert "That form couldn't be sent" in html
        assert "<style" not in html
        assert "<script>" not in html
        assert_hardened(response)

    def test_a_wrong_token_is_refused(self, browser, outsider, community):
        client, _ = browser
        wrong = _get_new_csrf_string()
        response = self._join(client, community, token=wrong, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 403
        assert not self.joined(outsider, community)

    @pytest.mark.parametrize("site", ["cross-site", "same-site", "none", None])
    def test_null_origin_without_same_origin_fetch_metadata_is_refused(self, browser, outsider, community, site):
        client, token = browser
        headers = {"HTTP_ORIGIN": "null"} | ({"HTTP_SEC_FETCH_SITE": site} if site else {})
        response = self._join(client, community, token=token, **headers)
        assert response.status_code == 403
        assert not self.joined(outsider, community)

    @pytest.mark.parametrize("origin", ["https://evil.example", "http://testserver.evil.example", "https://testserver"])
    def test_a_foreign_origin_is_refused_whatever_else_is_sent(self, browser, outsider, community, origin):
        client, token = browser
        response = self._join(client, community, token=token, HTTP_ORIGIN=origin, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 403
        assert not self.joined(outsider, community)

    def test_our_own_origin_passes_as_before(self, browser, outsider, community):
        client, token = browser
        assert self._join(client, community, token=token, HTTP_ORIGIN="http://testserver").status_code == 302
        assert self.joined(outsider, community)

    def test_the_api_session_check_accepts_the_same_and_refuses_the_same(self, browser, outsider, community):
        client, token = browser
        url = f"/api/v1/communities/{community.slug}/join"
        refused = client.post(url, HTTP_X_CSRFTOKEN=token, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="cross-site")
        assert refused.status_code == 403
        assert refused.json()["code"] == "csrf_failed"
        assert not self.joined(outsider, community)
        passed = client.post(url, HTTP_X_CSRFTOKEN=token, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
        assert passed.status_code == 200
        assert self.joined(outsider, community)

    def test_our_middleware_replaces_djangos(self):
        assert "hearth.core.security.CsrfViewMiddleware" in settings.MIDDLEWARE
        assert "django.middleware.csrf.CsrfViewMiddleware" not in settings.MIDDLEWARE
        assert issubclass(CsrfViewMiddleware, DjangoCsrfViewMiddleware)


@pytest.mark.django_db
class TestRequestLimits:
    def test_no_page_takes_files(self, member_client, community):
        upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
        data = {"title": "With a file", "body": "Here is a file.", "attachment": upload}
        response = member_client.post(reverse("forums:new-thread", args=[community.slug]), data)
        assert response.status_code == 400
        assert not Thread.objects.exists()

    def test_a_body_over_a_megabyte_is_refused(self, member_client, community):
        data = {"title": "Too long", "body": "x" * (1024 * 1024)}
        response = member_client.post(reverse("forums:new-thread", args=[community.slug]), data)
        assert response.status_code == 400
        assert not Thread.objects.exists()

    def test_the_longest_post_fits(self, member_client, community):
        # 20,000 characters that each take four bytes and three percent-escapes: the worst case for a real post.
        data = {"title": "Long", "body": "\U0001f33b" * 20_000}
        response = member_client.post(reverse("forums:new-thread", args=[community.slug]), data)
        assert response.status_code == 302
        assert Thread.objects.get().title == "Long"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_https_redirect_spares_the_health_check(client):
    response = client.get("/guidelines/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/guidelines/"
    assert client.get("/healthz").status_code == 200


class TestDeploymentChecks:
    @override_settings(DEBUG=False, SECURE_SSL_REDIRECT=True, SECRET_KEY="k3-" + "x7Qp9" * 12)
    def test_only_the_opt_in_hsts_choices_remain(self):
        checks = run_checks(include_deployment_checks=True, tags=["security"])
        found = {m.id for m in checks if not m.is_silenced()}
        assert found <= {"security.W005", "security.W021"}, found
