from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from hearth.accounts.models import ApiToken, User
from hearth.accounts.services import create_api_token
from hearth.api.tests.helpers import bearer, delete, get, patch, post
from hearth.communities.models import Membership, MembershipMode
from hearth.core.testing.factories import CommunityFactory, MembershipFactory, UserFactory

SIGNUP = {
    "pseudonym": "MistyFern55",
    "password": "a long and unusual pass phrase",
    "confirm_age": True,
    "accept_guidelines": True,
}


@pytest.mark.django_db
class TestSignup:
    def test_it_creates_an_account(self, client):
        response = post(client, "/accounts/signup", {**SIGNUP, "email": "fern@example.org"})
        assert response.status_code == 201
        body = response.json()
        assert body["pseudonym"] == "MistyFern55"
        assert body["has_email"] is True
        assert "fern@example.org" not in response.content.decode()
        user = User.objects.get(username="MistyFern55")
        assert user.check_password("a long and unusual pass phrase")
        assert user.age_confirmed_at is not None

    def test_an_identifying_pseudonym_is_400_with_the_reason(self, client):
        response = post(client, "/accounts/signup", {**SIGNUP, "pseudonym": "JohnSmith"})
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_pseudonym"
        assert "real name" in response.json()["detail"]

    def test_a_taken_pseudonym_is_409(self, client):
        UserFactory(username="MistyFern55")
        response = post(client, "/accounts/signup", {**SIGNUP, "pseudonym": "mistyfern55"})
        assert response.status_code == 409
        assert response.json() == {
            "detail": "That pseudonym is taken. Try one of the suggestions.",
            "code": "pseudonym_taken",
        }

    @pytest.mark.parametrize(
        ("missing", "code"), [("confirm_age", "age_not_confirmed"), ("accept_guidelines", "guidelines_not_accepted")]
    )
    def test_missing_consent_is_400(self, client, missing, code):
        data = {k: v for k, v in SIGNUP.items() if k != missing}
        response = post(client, "/accounts/signup", data)
        assert response.status_code == 400
        assert response.json()["code"] == code
        assert not User.objects.filter(username="MistyFern55").exists()

    def test_consent_must_be_a_real_boolean(self, client):
        response = post(client, "/accounts/signup", {**SIGNUP, "confirm_age": "yes"})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "payload", "confirm_age"]

    def test_a_weak_password_is_400(self, client):
        response = post(client, "/accounts/signup", {**SIGNUP, "password": "short"})
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_password"

    def test_validation_errors_never_echo_the_password(self, client):
        response = post(client, "/accounts/signup", {**SIGNUP, "password": ["secret-in-a-list"]})
        assert response.status_code == 422
        assert "secret-in-a-list" not in response.content.decode()

    @override_settings(HEARTH_API_RATE_LIMITS={"signup": (2, 3600)})
    def test_sign_ups_from_one_address_are_limited(self, client):
        for i in range(2):
            post(client, "/accounts/signup", {**SIGNUP, "pseudonym": f"MistyFern{i}x"})
        response = post(client, "/accounts/signup", {**SIGNUP, "pseudonym": "MistyFern9x"})
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"
        assert int(response["Retry-After"]) > 0
        # Another address is not affected.
        response = post(client, "/accounts/signup", {**SIGNUP, "pseudonym": "MistyFern8x"}, REMOTE_ADDR="10.1.2.3")
        assert response.status_code == 201

    @override_settings(HEARTH_API_RATE_LIMITS={"signup": (1, 3600)})
    def test_the_limit_keeps_no_address_in_clear(self, client):
        post(client, "/accounts/signup", SIGNUP, REMOTE_ADDR="203.0.113.77")
        keys = list(cache._cache.keys())  # type: ignore[attr-defined]  # LocMemCache internals
        assert keys
        assert not any("203.0.113.77" in k for k in keys)

    def test_it_works_from_a_signed_in_browser_without_csrf_token(self, csrf_client_for, member):
        # Sign-up needs no authentication, so the session (and its CSRF check) is not involved.
        response = post(csrf_client_for(member), "/accounts/signup", SIGNUP)
        assert response.status_code == 201


@pytest.mark.django_db
def test_pseudonym_suggestions_work_without_signing_in(client):
    response = get(client, "/accounts/pseudonym-suggestions")
    assert response.status_code == 200
    assert len(response.json()["suggestions"]) == 4


@pytest.mark.django_db
class TestMe:
    def test_it_needs_authentication(self, client):
        response = get(client, "/me")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_it_shows_roles_and_preferences_but_never_the_email(self, member_client, member):
        member.email = "heron@example.org"
        member.is_listener = True
        member.save()
        response = get(member_client, "/me")
        assert response.status_code == 200
        body = response.json()
        assert body["roles"] == ["member", "listener"]
        assert body["has_email"] is True
        assert body["preferences"]["theme"] == "system"
        assert "heron@example.org" not in response.content.decode()
        assert "email" not in body

    def test_updating_the_profile(self, member_client, member):
        response = patch(member_client, "/me/profile", {"bio": "I like **walks**.", "show_communities": True})
        assert response.status_code == 200
        assert response.json()["bio_html"] == "<p>I like <strong>walks</strong>.</p>\n"
        member.refresh_from_db()
        assert member.show_communities is True
        # Leaving a field out keeps it.
        patch(member_client, "/me/profile", {"show_communities": False})
        member.refresh_from_db()
        assert member.bio == "I like **walks**."

    def test_a_long_bio_is_400(self, member_client):
        response = patch(member_client, "/me/profile", {"bio": "x" * 501})
        assert response.status_code == 400
        assert response.json()["code"] == "bio_too_long"

    def test_updating_preferences(self, member_client, member):
        response = patch(
            member_client,
            "/me/preferences",
            {"hidden_topics": ["suicide"], "muted_words": ["exam", " exam "], "theme": "dark", "reduce_motion": True},
        )
        assert response.status_code == 200
        assert response.json() == {
            "hidden_topics": ["suicide"],
            "muted_words": ["exam"],
            "theme": "dark",
            "text_size": "normal",
            "reduce_motion": True,
        }
        member.refresh_from_db()
        assert member.hidden_topics == ["suicide"]
        assert member.theme == "dark"

    @pytest.mark.parametrize(
        "data", [{"theme": "neon"}, {"hidden_topics": ["cats"]}, {"text_size": 3}, {"muted_words": "exam"}]
    )
    def test_unknown_preference_values_are_422(self, member_client, data):
        assert patch(member_client, "/me/preferences", data).status_code == 422

    def test_too_many_muted_words_is_400(self, member_client):
        response = patch(member_client, "/me/preferences", {"muted_words": [f"word{i}" for i in range(51)]})
        assert response.status_code == 400
        assert response.json()["code"] == "too_many_muted_words"


@pytest.mark.django_db
class TestProfiles:
    def test_a_profile_shows_no_email_and_no_private_roles(self, outsider_client, member):
        member.email = "heron@example.org"
        member.is_global_moderator = True
        member.is_professional = True
        member.save()
        response = get(outsider_client, f"/members/{member.username}")
        assert response.status_code == 200
        assert response.json() == {
            "pseudonym": "QuietHeron42",
            "bio_html": "",
            "badges": ["professional"],
            "communities": None,
        }
        assert "heron@example.org" not in response.content.decode()

    def test_communities_are_shown_only_if_chosen_and_only_readable_ones(
        self, outsider_client, member, community, private_community
    ):
        Membership.objects.create(user=member, community=private_community)
        MembershipFactory(user=member, community=CommunityFactory(membership_mode=MembershipMode.INVITE))
        assert get(outsider_client, f"/members/{member.username}").json()["communities"] is None
        member.show_communities = True
        member.save()
        communities = get(outsider_client, f"/members/{member.username}").json()["communities"]
        assert communities == [{"slug": community.slug, "name": community.name}]

    def test_unknown_and_deactivated_members_are_404(self, outsider_client, member):
        assert get(outsider_client, "/members/NoSuchOne99").status_code == 404
        member.is_active = False
        member.save()
        assert get(outsider_client, f"/members/{member.username}").status_code == 404

    def test_profiles_need_authentication(self, client, member):
        assert get(client, f"/members/{member.username}").status_code == 401


@pytest.mark.django_db
class TestApiTokens:
    def test_creating_listing_and_revoking(self, member_client, member):
        response = post(member_client, "/me/tokens", {"name": "My phone"})
        assert response.status_code == 201
        created = response.json()
        assert created["secret"].startswith("hth_")
        assert created["secret"][4:10] == created["prefix"]

        listed = get(member_client, "/me/tokens").json()
        assert [t["name"] for t in listed] == ["My phone"]
        assert "secret" not in listed[0]

        response = delete(member_client, f"/me/tokens/{created['id']}")
        assert response.status_code == 204
        assert not ApiToken.objects.filter(user=member).exists()

    def test_a_token_authenticates(self, client, member_token):
        response = get(client, "/me", **bearer(member_token))
        assert response.status_code == 200
        assert response.json()["pseudonym"] == "QuietHeron42"

    def test_a_token_can_write_without_csrf(self, member_token, community):
        # A CSRF-enforcing client, but no session: the token alone authenticates.
        client = Client(enforce_csrf_checks=True)
        response = post(
            client,
            f"/communities/{community.slug}/threads",
            {"title": "From my app", "body": "Hello"},
            **bearer(member_token),
        )
        assert response.status_code == 201

    @pytest.mark.parametrize("secret", ["hth_not-a-real-token", "nonsense", ""])
    def test_a_bad_token_is_401(self, client, secret):
        response = get(client, "/me", **bearer(secret))
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_a_bad_token_is_401_even_with_a_session(self, member_client, community):
        response = post(member_client, f"/communities/{community.slug}/join", **bearer("hth_revoked"))
        assert response.status_code == 401

    def test_a_revoked_token_stops_working(self, client, member, member_token):
        token = ApiToken.objects.get(user=member)
        assert delete(client, f"/me/tokens/{token.id}", **bearer(member_token)).status_code == 204
        assert get(client, "/me", **bearer(member_token)).status_code == 401

    def test_a_deactivated_members_token_is_401(self, client, member, member_token):
        member.is_active = False
        member.save()
        assert get(client, "/me", **bearer(member_token)).status_code == 401

    def test_a_token_cannot_create_more_tokens(self, client, member_token):
        response = post(client, "/me/tokens", {"name": "another"}, **bearer(member_token))
        assert response.status_code == 401

    def test_someone_elses_token_is_404(self, member_client, outsider):
        token, _ = create_api_token(outsider, name="theirs")
        assert delete(member_client, f"/me/tokens/{token.id}").status_code == 404
        assert ApiToken.objects.filter(id=token.id).exists()

    def test_a_bad_name_is_400(self, member_client):
        response = post(member_client, "/me/tokens", {"name": "   "})
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_token_name"

    @override_settings(HEARTH_API_RATE_LIMITS={"token": (2, 3600)})
    def test_token_creation_is_rate_limited(self, member_client):
        for i in range(2):
            assert post(member_client, "/me/tokens", {"name": f"t{i}"}).status_code == 201
        response = post(member_client, "/me/tokens", {"name": "t3"})
        assert response.status_code == 429
        assert "Retry-After" in response


@pytest.mark.django_db
def test_the_email_address_appears_in_no_response(client, community):
    address = "someone.private@example.org"
    assert post(client, "/accounts/signup", {**SIGNUP, "email": address}).status_code == 201
    user = User.objects.get(username="MistyFern55")
    client.force_login(user)
    post(client, f"/communities/{community.slug}/join")
    created = post(client, f"/communities/{community.slug}/threads", {"title": "Hello all", "body": "Hi"})
    thread_id = created.json()["thread"]["id"]
    paths = [
        "/me",
        "/me/tokens",
        "/me/invitations",
        f"/members/{user.username}",
        "/communities",
        f"/communities/{community.slug}",
        f"/communities/{community.slug}/threads",
        f"/threads/{thread_id}",
        "/search?q=hello",
    ]
    for path in paths:
        response = get(client, path)
        assert response.status_code == 200, path
        text = response.content.decode().lower()
        assert address not in text, path
        assert "misty.fern.private" not in text, path
