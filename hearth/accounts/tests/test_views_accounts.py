from __future__ import annotations

import pytest
from django.urls import reverse

from hearth.accounts.models import ApiToken, SensitiveTopic, User
from hearth.core.testing.factories import CommunityFactory, UserFactory, make_member

PASSWORD = "correct horse battery staple"


def signup_data(**overrides):
    data = {
        "username": "MellowFinch21",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "confirm_age": "on",
        "accept_guidelines": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
class TestSignup:
    def test_the_form_suggests_pseudonyms_and_prefills_one(self, client):
        response = client.get(reverse("account_signup"))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="suggestions"' in html
        assert response.context["form"].initial["username"] in response.context["pseudonym_suggestions"]

    def test_a_pseudonym_and_password_are_enough(self, client):
        response = client.post(reverse("account_signup"), signup_data())
        assert response.status_code == 302
        user = User.objects.get(username="MellowFinch21")
        assert user.email == ""
        assert user.age_confirmed_at is not None
        assert user.guidelines_accepted_at is not None
        assert set(user.hidden_topics) == set(SensitiveTopic.values)
        assert user.password.startswith("md5$")  # the test hasher; production uses argon2 (see settings test)

    @pytest.mark.parametrize(
        ("pseudonym", "message"),
        [
            ("JohnSmith", "looks like it could be a real name"),
            ("07700900123", "looks like a phone number"),
            ("someone@example.com", "looks like an email address"),
        ],
    )
    def test_identifying_pseudonyms_are_refused(self, client, pseudonym, message):
        response = client.post(reverse("account_signup"), signup_data(username=pseudonym))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not User.objects.exists()

    def test_the_pseudonym_must_not_match_the_email(self, client):
        response = client.post(
            reverse("account_signup"), signup_data(username="CalmRiver", email="calm.river@example.com")
        )
        assert "matches your email address" in response.content.decode()
        assert not User.objects.exists()

    def test_age_and_guidelines_must_be_confirmed(self, client):
        response = client.post(reverse("account_signup"), signup_data(confirm_age=None, accept_guidelines=None))
        html = response.content.decode()
        assert "16 or older to join" in html
        assert "accept the community guidelines" in html
        assert not User.objects.exists()

    def test_the_minimum_age_is_configurable(self, client, settings):
        settings.HEARTH_MIN_AGE = 18
        assert "I am 18 or older" in client.get(reverse("account_signup")).content.decode()

    def test_a_taken_pseudonym_is_refused_whatever_its_case(self, client):
        UserFactory(username="MellowFinch21")
        response = client.post(reverse("account_signup"), signup_data(username="mellowfinch21"))
        assert "That pseudonym is taken" in response.content.decode()
        assert User.objects.count() == 1


@pytest.mark.django_db
class TestSignIn:
    def test_sign_in_with_the_pseudonym(self, client):
        UserFactory(username="QuietHeron42")
        response = client.post(reverse("account_login"), {"login": "QuietHeron42", "password": PASSWORD})
        assert response.status_code == 302
        assert "_auth_user_id" in client.session

    def test_repeated_failures_lock_the_pseudonym_out_even_with_the_right_password(self, client, settings):
        UserFactory(username="QuietHeron42")
        for i in range(settings.AXES_FAILURE_LIMIT):
            # Changing the case of the pseudonym does not reset the count.
            login = "QuietHeron42" if i % 2 else "quietheron42"
            client.post(reverse("account_login"), {"login": login, "password": "wrong password"})
        response = client.post(reverse("account_login"), {"login": "QuietHeron42", "password": PASSWORD})
        assert "_auth_user_id" not in client.session
        html = response.content.decode()
        assert "Too many failed login attempts" in html or "Too many sign-in attempts" in html

    def test_the_lockout_also_guards_any_other_password_check(self, client, settings, rf):
        """Axes counts failures of every authenticate() call (e.g. the admin sign-in), not only allauth's form."""
        from axes.models import AccessAttempt
        from django.contrib.auth import authenticate

        UserFactory(username="QuietHeron42")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            authenticate(rf.post("/admin/login/", {"username": "QuietHeron42"}), username="QuietHeron42", password="no")
        assert AccessAttempt.objects.filter(username="quietheron42").exists()
        request = rf.post("/admin/login/", {"username": "QuietHeron42"})
        assert authenticate(request, username="QuietHeron42", password=PASSWORD) is None

    def test_session_and_csrf_cookies_are_http_only_and_same_site(self, client, settings):
        UserFactory(username="QuietHeron42")
        response = client.post(reverse("account_login"), {"login": "QuietHeron42", "password": PASSWORD})
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"
        assert settings.CSRF_COOKIE_HTTPONLY

    def test_production_settings_hash_passwords_with_argon2_and_use_secure_cookies(self):
        from config import settings as production

        assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
        assert production.SESSION_COOKIE_SECURE is (not production.DEBUG) or production.SECURE_COOKIES is False


@pytest.mark.django_db
class TestProfiles:
    def test_a_profile_never_shows_the_email(self, member_client):
        from hearth.accounts.services import update_profile

        update_profile(
            UserFactory(username="GentleMoth5", email="private@example.com"),
            bio="Hello **there**",
            show_communities=False,
        )
        html = member_client.get(reverse("member-profile", args=["GentleMoth5"])).content.decode()
        assert "private@example.com" not in html
        assert "<strong>there</strong>" in html

    def test_communities_are_shown_only_when_the_member_allows_it(self, member_client, community):
        shy = make_member(community, username="ShyHeron9", show_communities=False)
        open_ = make_member(community, username="OpenHeron9", show_communities=True)
        name = community.name.replace("&", "&amp;")
        assert name not in member_client.get(reverse("member-profile", args=[shy.username])).content.decode()
        assert name in member_client.get(reverse("member-profile", args=[open_.username])).content.decode()

    def test_private_communities_are_not_revealed_to_outsiders(self, outsider_client, private_community):
        member = make_member(private_community, username="OpenHeron9", show_communities=True)
        html = outsider_client.get(reverse("member-profile", args=[member.username])).content.decode()
        assert private_community.name.replace("&", "&amp;") not in html

    def test_visitors_must_sign_in_to_see_profiles(self, client, member):
        response = client.get(reverse("member-profile", args=[member.username]))
        assert response.status_code == 302

    def test_editing_the_profile(self, member, member_client):
        response = member_client.post(reverse("accounts:profile-edit"), {"bio": "Gardener.", "show_communities": "on"})
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.bio == "Gardener."
        assert member.show_communities


@pytest.mark.django_db
class TestPreferences:
    def test_saving_preferences_applies_theme_and_text_size(self, member, member_client):
        response = member_client.post(
            reverse("accounts:preferences"),
            {
                "hidden_topics": ["suicide", "self_harm"],
                "muted_words": "hospital\n  night shift \nHospital",
                "theme": "contrast",
                "text_size": "larger",
                "reduce_motion": "on",
            },
        )
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.hidden_topics == ["self_harm", "suicide"]
        assert member.muted_words == ["hospital", "night shift"]
        html = member_client.get(reverse("accounts:preferences")).content.decode()
        assert 'data-theme="contrast"' in html
        assert 'data-text-size="larger"' in html
        assert "data-reduce-motion" in html

    def test_an_unknown_theme_is_refused_and_nothing_changes(self, member, member_client):
        response = member_client.post(
            reverse("accounts:preferences"), {"theme": "neon", "text_size": "normal", "muted_words": "keep me"}
        )
        assert response.status_code == 400
        assert "keep me" in response.content.decode()
        member.refresh_from_db()
        assert member.theme == "system"


@pytest.mark.django_db
class TestApiTokens:
    def test_a_token_is_shown_once_and_only_its_hash_is_stored(self, member, member_client):
        response = member_client.post(reverse("accounts:api-tokens"), {"name": "My phone"})
        secret = response.context["secret"]
        assert secret.startswith("hth_")
        token = ApiToken.objects.get(user=member)
        assert secret not in token.key_hash
        assert secret not in member_client.get(reverse("accounts:api-tokens")).content.decode()

    def test_revoking_another_members_token_fails(self, member_client, other_member):
        from hearth.accounts.services import create_api_token

        token, _ = create_api_token(other_member, name="theirs")
        member_client.post(reverse("accounts:api-tokens"), {"revoke": token.id})
        assert ApiToken.objects.filter(id=token.id).exists()


@pytest.mark.django_db
class TestSafetyOnEveryPage:
    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/communities/",
            "/guidelines/",
            "/help/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
        ],
    )
    def test_signed_out_pages_have_get_help_and_quick_exit(self, client, url):
        html = client.get(url).content.decode()
        assert 'href="/help/">Get help now</a>' in html
        assert 'id="quick-exit"' in html

    def test_signed_in_pages_have_get_help_and_quick_exit(self, member_client, community):
        from hearth.core.testing.factories import make_thread

        thread = make_thread(community)
        for url in [
            "/communities/",
            f"/communities/{community.slug}/",
            f"/communities/{community.slug}/new/",
            f"/threads/{thread.id}/",
            "/search/?q=sleep",
            "/accounts/preferences/",
            "/accounts/profile/",
            "/accounts/tokens/",
        ]:
            response = member_client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert 'href="/help/">Get help now</a>' in html, url
            assert 'id="quick-exit"' in html, url
            assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_healthz_answers_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_search_keeps_muted_results_warned(member, member_client, community):
    from hearth.core.testing.factories import make_thread

    member.muted_words = ["insomnia"]
    member.save()
    make_thread(community, title="Sleep again", body="Insomnia is back.")
    html = member_client.get("/search/?q=sleep").content.decode()
    assert "A word or phrase you muted. Show result" in html


@pytest.mark.django_db
def test_search_never_shows_communities_the_reader_cannot_read(outsider_client, private_community):
    from hearth.core.testing.factories import make_thread

    make_thread(private_community, title="Private sleep thread")
    CommunityFactory()
    html = outsider_client.get("/search/?q=sleep").content.decode()
    assert "Private sleep thread" not in html
