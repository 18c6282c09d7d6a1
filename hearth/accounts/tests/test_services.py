"""Account services: sign-up, profile, preferences and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import IntegrityError, transaction

from config import settings as real_settings
from hearth.accounts.models import ApiToken, SensitiveTopic, TextSize, Theme, User
from hearth.accounts.services import (
    MAX_MUTED_WORD_LENGTH,
    MAX_MUTED_WORDS,
    authenticate_api_token,
    check_pseudonym_against_email,
    clean_muted_words,
    create_api_token,
    revoke_api_token,
    sign_up,
    update_preferences,
    update_profile,
)
from hearth.core.errors import ApplicationError, ConflictError
from hearth.core.testing.factories import UserFactory

PASSWORD = "correct horse battery staple"
NOON = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def do_sign_up(**overrides) -> User:
    fields = {
        "pseudonym": "QuietHeron42",
        "password": PASSWORD,
        "email": "",
        "confirm_age": True,
        "accept_guidelines": True,
    }
    fields.update(overrides)
    return sign_up(**fields)


def error_code(excinfo: pytest.ExceptionInfo[ApplicationError]) -> str:
    return excinfo.value.code


# --- Passwords ----------------------------------------------------------------------------------------


def test_real_settings_hash_passwords_with_argon2_first():
    # The test settings swap in MD5 for speed; the real ones must lead with Argon2.
    assert real_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_library_is_installed_so_the_configured_hasher_works():
    encoded = Argon2PasswordHasher().encode(PASSWORD, "somesaltvalue1")

    assert encoded.startswith("argon2$")
    assert Argon2PasswordHasher().verify(PASSWORD, encoded)


# --- Sign-up ------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSignUp:
    def test_sign_up_creates_a_member_with_a_hashed_password(self):
        user = do_sign_up()

        user.refresh_from_db()
        assert user.username == "QuietHeron42"
        assert user.password != PASSWORD
        assert user.check_password(PASSWORD)
        assert user.is_active
        assert not user.is_staff

    def test_sign_up_records_when_age_and_guidelines_were_confirmed(self):
        with time_machine.travel(NOON, tick=False):
            user = do_sign_up()

        user.refresh_from_db()
        assert user.age_confirmed_at == NOON
        assert user.guidelines_accepted_at == NOON

    def test_sign_up_fails_if_age_not_confirmed(self):
        with pytest.raises(ApplicationError) as excinfo:
            do_sign_up(confirm_age=False)

        assert error_code(excinfo) == "age_not_confirmed"
        assert not User.objects.exists()

    def test_sign_up_fails_if_guidelines_not_accepted(self):
        with pytest.raises(ApplicationError) as excinfo:
            do_sign_up(accept_guidelines=False)

        assert error_code(excinfo) == "guidelines_not_accepted"
        assert not User.objects.exists()

    def test_sign_up_hides_every_sensitive_topic_by_default(self):
        user = do_sign_up()

        user.refresh_from_db()
        assert user.hidden_topics == list(SensitiveTopic.values)
        assert user.muted_words == []

    def test_sign_up_strips_spaces_around_the_pseudonym(self):
        user = do_sign_up(pseudonym="  QuietHeron42 ")

        assert user.username == "QuietHeron42"

    def test_sign_up_fails_if_pseudonym_is_a_real_name(self):
        with pytest.raises(ApplicationError) as excinfo:
            do_sign_up(pseudonym="JohnSmith")

        assert error_code(excinfo) == "invalid_pseudonym"
        assert not User.objects.exists()

    def test_sign_up_fails_if_pseudonym_is_taken_in_another_case(self):
        do_sign_up(pseudonym="QuietHeron42")

        with pytest.raises(ConflictError) as excinfo:
            do_sign_up(pseudonym="quietheron42")

        assert error_code(excinfo) == "pseudonym_taken"
        assert User.objects.count() == 1

    def test_database_refuses_pseudonyms_that_differ_only_in_case(self):
        UserFactory(username="QuietHeron42")

        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="QUIETHERON42")

    def test_sign_up_fails_if_password_is_too_short(self):
        with pytest.raises(ApplicationError) as excinfo:
            do_sign_up(password="short")

        assert error_code(excinfo) == "invalid_password"
        assert not User.objects.exists()

    def test_sign_up_fails_if_password_is_the_pseudonym(self):
        with pytest.raises(ApplicationError) as excinfo:
            do_sign_up(password="QuietHeron42")

        assert error_code(excinfo) == "invalid_password"

    def test_sign_up_without_email_stores_none(self):
        user = do_sign_up(email="")

        user.refresh_from_db()
        assert user.email == ""
        assert not EmailAddress.objects.exists()

    def test_sign_up_with_email_keeps_it_on_the_account_only(self):
        user = do_sign_up(email="heron.person@example.org")

        user.refresh_from_db()
        assert user.email == "heron.person@example.org"
        # allauth's table would hold it in clear: the address lives only on the account, encrypted.
        assert not EmailAddress.objects.exists()
        assert User.objects.get(email="Heron.Person@example.org ") == user

    def test_sign_up_fails_if_email_is_malformed(self):
        with pytest.raises(ApplicationError) as excinfo:
            do_sign_up(email="not-an-email")

        assert error_code(excinfo) == "invalid_email"

    def test_sign_up_with_an_email_already_in_use_succeeds_without_attaching_it(self):
        first = do_sign_up(pseudonym="QuietHeron42", email="shared@example.org")

        # No error: sign-up must not reveal that someone already uses this address.
        second = do_sign_up(pseudonym="BraveOtter17", email="Shared@Example.org")

        second.refresh_from_db()
        assert second.email == ""
        assert list(User.objects.filter(email="shared@example.org")) == [first]

    def test_sign_up_with_an_email_only_on_another_user_record_does_not_attach_it(self):
        UserFactory(username="CalmHarbour1", email="owner@example.org")  # e.g. made by createsuperuser

        user = do_sign_up(email="owner@example.org")

        user.refresh_from_db()
        assert user.email == ""
        assert not EmailAddress.objects.exists()

    def test_sign_up_fails_if_pseudonym_matches_email_local_part(self):
        with pytest.raises(ApplicationError) as excinfo:
            do_sign_up(pseudonym="QuietHeron42", email="quiet.heron42@example.org")

        assert error_code(excinfo) == "pseudonym_matches_email"
        assert not User.objects.exists()


class TestCheckPseudonymAgainstEmail:
    @pytest.mark.parametrize("email", ["quietheron42@example.org", "Quiet.Heron42@example.org", "quiet_heron-42@x.io"])
    def test_check_pseudonym_against_email_fails_if_they_match(self, email):
        with pytest.raises(ApplicationError) as excinfo:
            check_pseudonym_against_email("QuietHeron42", email)

        assert error_code(excinfo) == "pseudonym_matches_email"

    @pytest.mark.parametrize("email", ["", "someone.else@example.org"])
    def test_check_pseudonym_against_email_allows_a_different_local_part(self, email):
        check_pseudonym_against_email("QuietHeron42", email)


# --- Profile ------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestUpdateProfile:
    def test_update_profile_renders_and_sanitises_the_bio(self):
        user = UserFactory()

        update_profile(user, bio="I like **walks**. <script>alert(1)</script>", show_communities=True)

        user.refresh_from_db()
        assert user.bio == "I like **walks**. <script>alert(1)</script>"
        assert "<strong>walks</strong>" in user.bio_html
        assert "<script" not in user.bio_html
        assert user.show_communities is True

    def test_update_profile_strips_the_bio_and_clears_html_when_empty(self):
        user = UserFactory()
        update_profile(user, bio="Hello", show_communities=False)

        update_profile(user, bio="   ", show_communities=False)

        user.refresh_from_db()
        assert (user.bio, user.bio_html) == ("", "")

    def test_update_profile_fails_if_bio_too_long(self):
        user = UserFactory()

        with pytest.raises(ApplicationError) as excinfo:
            update_profile(user, bio="x" * 501, show_communities=True)

        assert error_code(excinfo) == "bio_too_long"
        user.refresh_from_db()
        assert (user.bio, user.show_communities) == ("", False)

    def test_update_profile_accepts_a_bio_of_exactly_500_characters(self):
        user = UserFactory()

        update_profile(user, bio="x" * 500, show_communities=False)

        user.refresh_from_db()
        assert len(user.bio) == 500


# --- Preferences --------------------------------------------------------------------------------------


def preferences(**overrides) -> dict:
    fields = {
        "hidden_topics": [],
        "muted_words": [],
        "theme": Theme.SYSTEM,
        "text_size": TextSize.NORMAL,
        "reduce_motion": False,
    }
    fields.update(overrides)
    return fields


class TestCleanMutedWords:
    def test_clean_muted_words_collapses_spaces_drops_empties_and_dedupes_ignoring_case(self):
        assert clean_muted_words(["  bad   days ", "Bad Days", "", "   ", "grief", "GRIEF"]) == ["bad days", "grief"]

    def test_clean_muted_words_accepts_a_word_of_the_maximum_length(self):
        word = "x" * MAX_MUTED_WORD_LENGTH

        assert clean_muted_words([word]) == [word]

    def test_clean_muted_words_fails_if_a_word_is_too_long(self):
        with pytest.raises(ApplicationError) as excinfo:
            clean_muted_words(["x" * (MAX_MUTED_WORD_LENGTH + 1)])

        assert error_code(excinfo) == "muted_word_too_long"

    def test_clean_muted_words_accepts_the_maximum_number_of_words(self):
        words = [f"word{i}" for i in range(MAX_MUTED_WORDS)]

        assert clean_muted_words(words) == words

    def test_clean_muted_words_counts_words_after_removing_duplicates(self):
        words = [f"word{i}" for i in range(MAX_MUTED_WORDS)] * 2

        assert len(clean_muted_words(words)) == MAX_MUTED_WORDS

    def test_clean_muted_words_fails_if_too_many_words(self):
        with pytest.raises(ApplicationError) as excinfo:
            clean_muted_words([f"word{i}" for i in range(MAX_MUTED_WORDS + 1)])

        assert error_code(excinfo) == "too_many_muted_words"


@pytest.mark.django_db
class TestUpdatePreferences:
    def test_update_preferences_saves_every_choice(self):
        user = UserFactory()

        update_preferences(
            user,
            **preferences(
                hidden_topics=[SensitiveTopic.GRAPHIC, SensitiveTopic.SELF_HARM, SensitiveTopic.GRAPHIC],
                muted_words=[" panic  attack ", "Panic attack"],
                theme=Theme.CONTRAST,
                text_size=TextSize.LARGER,
                reduce_motion=True,
            ),
        )

        user.refresh_from_db()
        # Topics are deduplicated and kept in the canonical order.
        assert user.hidden_topics == ["self_harm", "graphic"]
        assert user.muted_words == ["panic attack"]
        assert (user.theme, user.text_size, user.reduce_motion) == ("contrast", "larger", True)

    def test_update_preferences_fails_if_topic_unknown(self):
        user = UserFactory()

        with pytest.raises(ApplicationError) as excinfo:
            update_preferences(user, **preferences(hidden_topics=["self_harm", "spiders"]))

        assert error_code(excinfo) == "unknown_topic"
        user.refresh_from_db()
        assert user.hidden_topics == list(SensitiveTopic.values)

    def test_update_preferences_fails_if_theme_unknown(self):
        user = UserFactory()

        with pytest.raises(ApplicationError) as excinfo:
            update_preferences(user, **preferences(theme="neon"))

        assert error_code(excinfo) == "unknown_theme"
        user.refresh_from_db()
        assert user.theme == Theme.SYSTEM

    def test_update_preferences_fails_if_text_size_unknown(self):
        user = UserFactory()

        with pytest.raises(ApplicationError) as excinfo:
            update_preferences(user, **preferences(text_size="huge"))

        assert error_code(excinfo) == "unknown_text_size"

    def test_update_preferences_fails_if_muted_words_invalid_and_saves_nothing(self):
        user = UserFactory()

        with pytest.raises(ApplicationError):
            update_preferences(user, **preferences(theme=Theme.DARK, muted_words=["x" * 61]))

        user.refresh_from_db()
        assert (user.theme, user.muted_words) == (Theme.SYSTEM, [])


# --- API tokens ---------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestApiTokens:
    def test_create_api_token_stores_only_a_hash_of_the_secret(self):
        user = UserFactory()

        token, raw = create_api_token(user, name="My script")

        assert raw.startswith("hth_")
        stored = ApiToken.objects.filter(id=token.id).values().get()
        assert stored["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()
        assert stored["prefix"] == raw[4:10]
        assert stored["name"] == "My script"
        # The secret itself appears nowhere in the row, so it can't be shown again.
        assert not any(raw in str(value) or raw[4:] in str(value) for value in stored.values())

    def test_create_api_token_returns_a_different_secret_each_time(self):
        user = UserFactory()

        _, first = create_api_token(user, name="one")
        _, second = create_api_token(user, name="two")

        assert first != second

    @pytest.mark.parametrize("name", ["", "   ", "x" * 61])
    def test_create_api_token_fails_if_name_empty_or_too_long(self, name):
        user = UserFactory()

        with pytest.raises(ApplicationError) as excinfo:
            create_api_token(user, name=name)

        assert error_code(excinfo) == "invalid_token_name"
        assert not ApiToken.objects.exists()

    def test_authenticate_api_token_returns_the_owner_and_records_use(self):
        user = UserFactory()
        token, raw = create_api_token(user, name="cli")

        with time_machine.travel(NOON, tick=False):
            assert authenticate_api_token(raw) == user

        token.refresh_from_db()
        assert token.last_used_at == NOON

    def test_authenticate_api_token_records_use_at_most_hourly(self, django_assert_num_queries):
        user = UserFactory()
        token, raw = create_api_token(user, name="cli")
        with time_machine.travel(NOON, tick=False):
            authenticate_api_token(raw)

        # * fetch token with its user (no update: last use was 30 minutes ago)
        with time_machine.travel(NOON + dt.timedelta(minutes=30), tick=False), django_assert_num_queries(1):
            assert authenticate_api_token(raw) == user
        with time_machine.travel(NOON + dt.timedelta(hours=2), tick=False):
            authenticate_api_token(raw)

        token.refresh_from_db()
        assert token.last_used_at == NOON + dt.timedelta(hours=2)

    def test_authenticate_api_token_fails_if_secret_unknown(self):
        user = UserFactory()
        _, raw = create_api_token(user, name="cli")

        assert authenticate_api_token(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None

    def test_authenticate_api_token_fails_without_touching_the_database_if_prefix_wrong(
        self, django_assert_num_queries
    ):
        user = UserFactory()
        _, raw = create_api_token(user, name="cli")

        with django_assert_num_queries(0):
            assert authenticate_api_token(raw.removeprefix("hth_")) is None

    def test_authenticate_api_token_fails_if_revoked(self):
        user = UserFactory()
        token, raw = create_api_token(user, name="cli")

        revoke_api_token(user, token_id=token.id)

        assert authenticate_api_token(raw) is None
        assert not ApiToken.objects.exists()

    def test_authenticate_api_token_fails_if_user_inactive(self):
        user = UserFactory()
        _, raw = create_api_token(user, name="cli")
        User.objects.filter(id=user.id).update(is_active=False)

        assert authenticate_api_token(raw) is None

    def test_revoke_api_token_fails_if_token_belongs_to_someone_else(self):
        owner, stranger = UserFactory(), UserFactory()
        token, raw = create_api_token(owner, name="cli")

        with pytest.raises(ApplicationError) as excinfo:
            revoke_api_token(stranger, token_id=token.id)

        assert error_code(excinfo) == "not_found"
        assert authenticate_api_token(raw) == owner


@pytest.mark.parametrize(
    ("pseudonym", "email"),
    [
        ("QuietHeron", "quietheron42@example.com"),
        ("QuietHeron42", "quiet.heron@example.com"),
        ("Heron", "heron@example.com"),
    ],
)
def test_check_pseudonym_against_email_refuses_near_echoes(pseudonym, email):
    from hearth.accounts.services import check_pseudonym_against_email
    from hearth.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        check_pseudonym_against_email(pseudonym, email)


def test_check_pseudonym_against_email_allows_unrelated_names():
    from hearth.accounts.services import check_pseudonym_against_email

    check_pseudonym_against_email("QuietHeron42", "sam@example.com")
