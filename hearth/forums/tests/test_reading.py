"""What a reader sees: hidden topics and muted words become warnings."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from hearth.accounts.models import SensitiveTopic
from hearth.core.testing.factories import UserFactory
from hearth.forums.reading import ALL_TOPICS, ReaderFilter, compile_muted, topic_labels

MUTED = "A word or phrase you muted"


def matches(words: list[str], text: str) -> bool:
    pattern = compile_muted(words)
    assert pattern is not None
    return pattern.search(text) is not None


class TestCompileMuted:
    def test_compile_muted_returns_none_without_words(self):
        assert compile_muted([]) is None
        assert compile_muted(["", "   "]) is None

    @pytest.mark.parametrize("text", ["my ex called", "EX", "Ex.", "(ex)", "ex-partner", "call my ex"])
    def test_compile_muted_matches_a_whole_word_in_any_case(self, text):
        assert matches(["ex"], text)

    @pytest.mark.parametrize("text", ["next", "exercise", "annex", "flex", "ex2"])
    def test_compile_muted_ignores_the_word_inside_another_word(self, text):
        assert not matches(["ex"], text)

    @pytest.mark.parametrize("text", ["a panic attack", "Panic  Attack", "panic\nattack!", "PANIC\t attack"])
    def test_compile_muted_matches_a_phrase_across_any_spacing(self, text):
        assert matches(["panic attack"], text)

    def test_compile_muted_does_not_match_part_of_a_phrase(self):
        assert not matches(["panic attack"], "panic, then an attack")

    def test_compile_muted_treats_regex_characters_literally(self):
        assert matches(["c++"], "learning c++ now")
        assert matches(["a.b"], "a.b")
        assert not matches(["a.b"], "axb")
        assert not matches(["(sad"], "sad")

    def test_compile_muted_matches_any_of_several_words(self):
        assert matches(["grief", "loss"], "after the loss")
        assert not matches(["grief", "loss"], "glossy")

    def test_compile_muted_matches_words_with_accents(self):
        assert matches(["café"], "at the Café today")


class TestReaderFilter:
    def test_reader_filter_hides_every_topic_from_a_visitor(self):
        reader = ReaderFilter.for_user(AnonymousUser())

        assert reader.hidden_topics == ALL_TOPICS
        assert reader.muted is None

    @pytest.mark.django_db
    def test_reader_filter_uses_the_members_preferences(self):
        user = UserFactory(hidden_topics=["graphic"], muted_words=["hospital"])

        reader = ReaderFilter.for_user(user)

        assert reader.warnings(["graphic", "abuse"], "A visit to the Hospital") == ["Graphic content", MUTED]
        assert reader.warnings(["abuse"], "A visit") == []

    @pytest.mark.django_db
    def test_reader_filter_is_built_once_per_user_object(self):
        user = UserFactory(hidden_topics=["graphic"])

        assert ReaderFilter.for_user(user) is ReaderFilter.for_user(user)

    def test_warnings_ignores_empty_texts_and_unknown_topics(self):
        reader = ReaderFilter(hidden_topics=frozenset({"suicide", "spoilers"}), muted=compile_muted(["sad"]))

        assert reader.warnings(["spoilers"], "", "happy") == []
        assert reader.warnings(["suicide"], "", "so sad") == ["Suicide", MUTED]

    def test_warnings_names_the_muted_reason_once_however_many_texts_match(self):
        reader = ReaderFilter(hidden_topics=frozenset(), muted=compile_muted(["sad"]))

        assert reader.warnings([], "sad title", "sad body") == [MUTED]


def test_topic_labels_gives_readable_labels_in_the_given_order():
    assert topic_labels(["suicide", "self_harm", "unknown"]) == ["Suicide", "Self-harm"]


def test_all_topics_covers_every_sensitive_topic():
    assert frozenset(SensitiveTopic.values) == ALL_TOPICS
