"""Pseudonyms: friendly suggestions, and refusal of anything that could identify a person."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from hearth.accounts import pseudonyms
from hearth.accounts.pseudonyms import (
    looks_like_real_name,
    suggest_pseudonyms,
    validate_pseudonym,
)

FRIENDLY = re.compile(r"^[A-Z][a-z]+[A-Z][a-z]+[1-9][0-9]$")


def refusal_code(pseudonym: str) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_pseudonym(pseudonym)
    return excinfo.value.error_list[0].code


class TestSuggestPseudonyms:
    def test_suggest_pseudonyms_returns_the_requested_number_of_distinct_names(self):
        names = suggest_pseudonyms(count=6)

        assert len(names) == 6
        assert len(set(names)) == 6

    def test_suggest_pseudonyms_match_the_friendly_pattern_and_pass_validation(self):
        for name in suggest_pseudonyms(count=40):
            assert FRIENDLY.match(name), name
            validate_pseudonym(name)

    def test_suggest_pseudonyms_never_offers_a_pair_that_reads_as_a_real_name(self, monkeypatch):
        # "Amber" is a given name and "Fox" a surname: AmberFox42 would be refused at sign-up.
        assert looks_like_real_name("AmberFox42")
        monkeypatch.setattr(pseudonyms, "_ADJECTIVES", ("Amber", "Quiet"))
        monkeypatch.setattr(pseudonyms, "_NOUNS", ("Fox",))

        names = suggest_pseudonyms(count=30)

        assert all(name.startswith("QuietFox") for name in names)

    def test_suggest_pseudonyms_never_returns_a_real_name_with_the_shipped_word_lists(self):
        for name in suggest_pseudonyms(count=200):
            assert not looks_like_real_name(name), name


class TestValidatePseudonym:
    @pytest.mark.parametrize(
        "pseudonym",
        ["QuietHeron42", "BraveOtter17", "Quiet_Heron", "quiet-heron", "StillMeadow88", "Mark", "Holly", "Wren"],
    )
    def test_validate_pseudonym_accepts_friendly_names(self, pseudonym):
        validate_pseudonym(pseudonym)

    @pytest.mark.parametrize(
        "pseudonym",
        ["JohnSmith", "john_smith", "sarah-jones", "MariaLopez", "johnsmith", "JohnSmith_82", "SARAH_JONES"],
    )
    def test_validate_pseudonym_refuses_real_full_names(self, pseudonym):
        assert refusal_code(pseudonym) == "pseudonym_real_name"

    @pytest.mark.parametrize(
        "pseudonym", ["john@example.com", "quietheron@gmail", "heron_gmail", "heron_at_mail_dot_com", "HotmailHeron"]
    )
    def test_validate_pseudonym_refuses_email_addresses(self, pseudonym):
        assert refusal_code(pseudonym) == "pseudonym_email"

    @pytest.mark.parametrize("pseudonym", ["07700900123", "+44 7700 900123", "(555) 123-4567", "Heron07700900123"])
    def test_validate_pseudonym_refuses_phone_numbers(self, pseudonym):
        assert refusal_code(pseudonym) == "pseudonym_phone"

    def test_validate_pseudonym_accepts_a_few_digits(self):
        validate_pseudonym("Heron123456")  # six digits: not a phone number

    @pytest.mark.parametrize(
        "pseudonym",
        ["admin", "Admin", "Moderator_1", "hearth", "Anonymous_Member", "anonymous-member", "mod", "Crisis"],
    )
    def test_validate_pseudonym_refuses_reserved_names(self, pseudonym):
        assert refusal_code(pseudonym) == "pseudonym_reserved"

    @pytest.mark.parametrize("pseudonym", ["ab", "x" * 31, "1Heron", "_heron", "Quiet Heron", "Quiet.Heron", "Héron"])
    def test_validate_pseudonym_refuses_malformed_names(self, pseudonym):
        assert refusal_code(pseudonym) == "pseudonym_format"


class TestLooksLikeRealName:
    def test_looks_like_real_name_finds_a_given_name_followed_by_a_surname(self):
        assert looks_like_real_name("MariaLopez")
        assert looks_like_real_name("marialopez")

    def test_looks_like_real_name_ignores_a_lone_given_name(self):
        assert not looks_like_real_name("Maria")

    def test_looks_like_real_name_ignores_a_surname_before_a_given_name_in_one_word(self):
        assert not looks_like_real_name("smithjohnny")
