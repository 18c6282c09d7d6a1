"""Crisis analyzer: C-SSRS levels, signals, method spans, framing, misspellings and robustness.

All texts here were written for these tests.
"""

from __future__ import annotations

import threading

import pytest

from hearth.safety.analyzers import crisis as crisis_module
from hearth.safety.analyzers.base import RiskLevel
from hearth.safety.analyzers.crisis import (
    SIGNALS,
    CrisisAssessment,
    assess_crisis,
    char_grams,
    extract_features,
    meta_features,
    normalise,
)


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",
        "I don't want to wake up tomorrow",
        "everyone would be better off without me",
        "honestly I wish I was dead",
        "i'm so tired of living",
    ],
)
def test_wish_to_be_dead_is_low_with_signal(text: str) -> None:
    result = assess_crisis(text)
    assert result.level == RiskLevel.LOW
    assert "wish_dead" in result.signals


def test_current_suicidal_thoughts_are_low() -> None:
    result = assess_crisis("I've been having suicidal thoughts again this week")
    assert result.level == RiskLevel.LOW
    assert "active_thoughts" in result.signals


def test_cant_do_this_anymore_is_caught_as_hopelessness() -> None:
    result = assess_crisis("I can't do this anymore")
    assert result.level >= RiskLevel.LOW
    assert "hopelessness" in result.signals


def test_thought_of_method_without_intent_is_moderate_with_span() -> None:
    text = "I keep thinking about jumping off the bridge near my flat"
    result = assess_crisis(text)
    assert result.level == RiskLevel.MODERATE
    assert {"active_thoughts", "method"} <= set(result.signals)
    assert result.method_spans
    hidden = " ".join(text[s.start : s.end] for s in result.method_spans)
    assert "bridge" in hidden
    assert all(s.kind == "method" for s in result.method_spans)


def test_past_attempt_is_moderate() -> None:
    result = assess_crisis("I attempted suicide when I was seventeen and it still shapes me.")
    assert result.level == RiskLevel.MODERATE
    assert "behaviour_past" in result.signals


def test_current_self_harm_is_moderate() -> None:
    result = assess_crisis("I cut myself again last night")
    assert result.level == RiskLevel.MODERATE
    assert "self_harm" in result.signals


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("I'm going to kill myself", "intent"),
        ("I have written my suicide note", "plan"),
        ("I tried to kill myself last week", "behaviour_recent"),
        ("This is my last post. Goodbye everyone.", "goodbye"),
        ("I want to kill myself tonight", "intent"),
        ("i just wanna end it all today", "intent"),
        ("I want to die in a few hours", "intent"),
    ],
)
def test_intent_plan_recent_behaviour_and_goodbye_are_high(text: str, signal: str) -> None:
    result = assess_crisis(text)
    assert result.level >= RiskLevel.HIGH
    assert signal in result.signals


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to kill myself tonight, the pills are next to me",
        "I just took all of my sleeping pills",
        "goodbye everyone, it will be over tonight",
    ],
)
def test_acting_now_or_means_at_hand_with_intent_is_imminent(text: str) -> None:
    assert assess_crisis(text).level == RiskLevel.IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "My friend's brother died by suicide years ago.",
        "How can I help my friend who says she is suicidal?",
        "I used to feel suicidal but I'm doing much better now",
        "I would never kill myself",
        "I'm not suicidal, just exhausted after work",
        "I don't want to die, I want things to change",
        "If I ever felt suicidal I would call a helpline",
        'The film ends with the line "I want to die" and it stayed with me',
        "The article says suicide rates among veterans rose last year.",
        "We lost my uncle to suicide and the funeral was on Friday.",
        "My sister texted that she wants to kill herself tonight, what do I do?",
        "I want to die. I have a therapy appointment today and I will go.",
    ],
)
def test_framed_risk_is_never_high(text: str) -> None:
    assert assess_crisis(text).level < RiskLevel.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "I would never kill myself",
        "I'm not going to end it all",
        "I haven't been feeling suicidal",
    ],
)
def test_negated_statements_give_no_signal(text: str) -> None:
    assert assess_crisis(text).signals == ()


def test_historical_ideation_is_marked_past_not_present() -> None:
    result = assess_crisis("I used to feel suicidal but I'm doing better")
    assert "active_thoughts" not in result.signals
    assert result.level <= RiskLevel.LOW


def test_past_attempt_with_recovery_is_at_most_low() -> None:
    result = assess_crisis("Years ago I tried to kill myself. I got help and I'm doing great now.")
    assert result.level <= RiskLevel.LOW


@pytest.mark.parametrize(
    "text",
    [
        "thinking about sucide a lot lately",
        "i wanna kms",
        "i want to unalive myself",
        "i just want to dye",
        "I'm feeling suicdal",
        "i want to k1ll mysefl",
        "I w\u0430nt to die",  # Cyrillic a
        "I want to diiiie",
    ],
)
def test_misspellings_and_slang_are_caught(text: str) -> None:
    result = assess_crisis(text)
    assert result.level >= RiskLevel.LOW
    assert set(result.signals) & {"wish_dead", "active_thoughts"}


@pytest.mark.parametrize(
    "text",
    [
        "I want to dye my hair blue this summer",
        "I take my pills every morning with breakfast",
        "This budget spreadsheet is killing me",
        "Our team won the match and I could die of happiness",
        "I need advice on refinancing my mortgage.",
    ],
)
def test_everyday_text_gives_no_signal(text: str) -> None:
    result = assess_crisis(text)
    assert result.signals == ()
    assert result.level <= RiskLevel.LOW


def test_medication_talk_has_no_method_span() -> None:
    assert assess_crisis("I take my pills every morning with breakfast").method_spans == ()


def test_method_spans_point_into_the_original_text_with_odd_unicode() -> None:
    text = "\u200b\uff29 \uff4b\uff45\uff45\uff50 thinking about taking all my pills \U0001f614"
    result = assess_crisis(text)
    assert result.method_spans
    for span in result.method_spans:
        assert 0 <= span.start < span.end <= len(text)
    assert "pills" in text[result.method_spans[0].start : result.method_spans[0].end]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "🙂🙂🙂", "\x00\x01", "a" * 50_000])
def test_odd_input_is_handled(text: str) -> None:
    result = assess_crisis(text)
    assert isinstance(result, CrisisAssessment)
    assert 0.0 <= result.score <= 1.0


def test_empty_text_is_none() -> None:
    assert assess_crisis("") == CrisisAssessment(RiskLevel.NONE, 0.0, (), (), ())


def test_very_long_text_with_risk_at_the_end_is_caught() -> None:
    text = "Today I went for a walk and then made some lunch. " * 800 + "I want to die."
    assert assess_crisis(text).level >= RiskLevel.LOW


def test_result_is_deterministic_and_thread_safe() -> None:
    text = "I keep thinking about ending my life and I have a plan"
    expected = assess_crisis(text)
    results: list[CrisisAssessment] = []

    def run() -> None:
        results.extend(assess_crisis(text) for _ in range(20))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r == expected for r in results)


def test_signals_and_reasons_are_from_the_documented_set_and_never_quote_text() -> None:
    text = "I'm going to kill myself tonight, the pills are next to me"
    result = assess_crisis(text)
    assert set(result.signals) <= set(SIGNALS)
    assert result.reasons
    for reason in result.reasons:
        assert "pills" not in reason
        assert "tonight" not in reason


def test_score_rises_with_level() -> None:
    none = assess_crisis("I need advice on refinancing my mortgage.")
    low = assess_crisis("I want to die")
    high = assess_crisis("I'm going to kill myself")
    assert none.score < low.score <= high.score
    assert high.score >= 0.75


def test_normalise_expands_contractions_and_keeps_offsets() -> None:
    norm = normalise("I\u2019M gonna be OK")
    assert norm.text == "i am going to be ok"
    assert norm.original_span(0, 4) == (0, 3)


@pytest.mark.parametrize(
    "text",
    [
        'My sister texted me and said "I am going to kill myself tonight" so I called for help.',
        'People don\'t just wake up and say "I am going to kill myself today", there is always a story.',
        'At the funeral we said "goodbye forever" to him.',
        "The police came. Took all my meds for my back and drove me to the hospital.",
        "After the divorce I decided to take my life back and moved to the coast.",
    ],
)
def test_quoted_speech_other_subjects_and_idioms_are_never_high(text: str) -> None:
    assert assess_crisis(text).level < RiskLevel.HIGH


def test_subjectless_acting_now_after_another_sentence_is_still_imminent() -> None:
    assert assess_crisis("He left. Took all my pills").level == RiskLevel.IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "My friend tried to kill himself last year and I still worry about him.",
        "I love my life too much to ever commit suicide.",
        "Our unit lost two soldiers to suicide this spring.",
    ],
)
def test_other_people_and_negated_suicide_talk_is_at_most_low(text: str) -> None:
    assert assess_crisis(text).level <= RiskLevel.LOW


def test_sentence_model_sees_risk_in_one_sentence_of_a_long_post() -> None:
    filler = "We drove to the coast for the weekend and the weather was good. " * 20
    text = filler + "Honestly I don't see the point of going on and I think about ending it every night."
    assert assess_crisis(text).level >= RiskLevel.LOW


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("I have been thinking about suicide for weeks and I am going to go through with it", "intent"),
        ("I just don't want to be here anymore.", "wish_dead"),
        ("I can't imagine myself being alive much longer", "wish_dead"),
        ("Some nights I picture a rope around my neck", "active_thoughts"),
        ("It would be easier to just end it all", "active_thoughts"),
        ("As someone who has struggled with suicidal thoughts, this post helps", "active_thoughts"),
        ("Honestly nobody would miss me", "hopelessness"),
        ("I was hospitalised twice for attempts", "behaviour_past"),
        ("I came close to ending it last month", "behaviour_recent"),
        ("I know what it is like to want to die", "ideation_past"),
        ("I've been there too. Suicidal thoughts lie to you.", "ideation_past"),
    ],
)
def test_euphemisms_and_indirect_first_person_statements_are_caught(text: str, signal: str) -> None:
    result = assess_crisis(text)
    assert signal in result.signals
    assert result.level >= RiskLevel.LOW


def test_not_wanting_to_be_here_anymore_is_present_not_past() -> None:
    assert "ideation_past" not in assess_crisis("I don't want to live anymore").signals


@pytest.mark.parametrize(
    "text",
    [
        "The venue is booked and we are going to go through with it.",
        "The robber held a gun to my head and took my wallet",
        "He thinks it would be easier to just end it all",
        "Self harm is common among teenagers.",
        "I scratched my head at the instructions",
        "I have been there twice and the food is great",
    ],
)
def test_euphemisms_without_suicide_context_or_for_someone_else_give_no_signal(text: str) -> None:
    assert assess_crisis(text).signals == ()


def test_char_grams_are_padded_word_ngrams_of_two_to_five_characters() -> None:
    assert char_grams("ab") == {" a": 1, "ab": 1, "b ": 1, " ab": 1, "ab ": 1, " ab ": 1}
    counts = char_grams("ok ok")
    assert counts[" ok "] == 2
    assert all(2 <= len(gram) <= 5 for gram in counts)


def test_char_grams_mark_words_after_a_negation() -> None:
    counts = char_grams(normalise("I do not want this").text)
    assert " ~wan" in counts
    assert " want" not in counts
    assert " want" in char_grams(normalise("I want this").text)


def test_meta_features_flag_short_texts_without_risk_sentences() -> None:
    text_features, sentences = extract_features("I keep thinking about selling my old guitar")
    meta = meta_features(text_features, len(sentences), 0.6, 0.7, 0.4)
    assert meta["short"] == 1.0
    assert meta["no_risk_sentence"] == 1.0
    assert meta["rules"] == 0.0
    assert meta["sentence*short"] == pytest.approx(meta["sentence"])
    assert meta["char"] < 0 < meta["sentence"]


def test_meta_features_mark_text_whose_risk_language_is_all_denied() -> None:
    denied = extract_features("I would never just kill myself")
    meta = meta_features(denied[0], len(denied[1]), 0.5, 0.5, 0.5)
    assert meta["framed_only"] == 1.0
    stated = extract_features("I want to kill myself")
    assert meta_features(stated[0], len(stated[1]), 0.5, 0.5, 0.5)["framed_only"] == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "I would never just kill myself",
        "I really shouldn't kill myself, I know that",
        "Honestly I do not ever want to die",
    ],
)
def test_denials_the_statement_patterns_do_not_spell_out_are_framed_not_signals(text: str) -> None:
    result = assess_crisis(text)
    assert result.signals == ()
    assert any("negated" in reason for reason in result.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "I'm not okay and I want to kill myself",
        "I don't know why, I just want to die",
        "I can't stop thinking about killing myself",
    ],
)
def test_a_negator_elsewhere_does_not_hide_a_stated_risk(text: str) -> None:
    assert assess_crisis(text).level >= RiskLevel.LOW


@pytest.mark.parametrize(
    "text",
    [
        "Quitting without another offer lined up would be career suicide for me.",
        "Everyone in the platoon called that patrol a suicide mission.",
        "The news covered the suicide bombers who attacked the market.",
    ],
)
def test_figurative_and_attack_uses_of_suicide_are_not_risk_words(text: str) -> None:
    result = assess_crisis(text)
    assert result.signals == ()
    assert "figurative_suicide" in normalise(text).text
    assert result.level == RiskLevel.NONE


def test_suicide_in_a_first_person_statement_is_still_read() -> None:
    assert "figurative_suicide" not in normalise("I have been thinking about suicide every day").text
    assert "active_thoughts" in assess_crisis("I have been thinking about suicide every day").signals


def test_shipped_model_scores_with_the_stacker_over_three_models() -> None:
    model = crisis_module._get_model()
    assert model.char is not None
    assert model.stacker is not None
    assert 0.0 < model.threshold < 1.0
    text = "We went camping last weekend. Lately I feel like a burden and I keep thinking everyone is tired of me."
    analysis = crisis_module._analyse(text)
    features = crisis_module._features_from(analysis, model.lexicon)
    assert model.sentence is not None
    meta = meta_features(
        features.text,
        len(features.sentences),
        model.text.probability(features.text),
        max(model.sentence.probability(s) for s in features.sentences),
        model.char.probability(char_grams(analysis.norm.text)),
    )
    assert assess_crisis(text).score == pytest.approx(model.stacker.probability(meta), abs=1e-4)
