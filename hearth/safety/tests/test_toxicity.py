"""Toxicity analyzer. Every text here is written for these tests; none comes from a dataset."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from hearth.safety.analyzers import toxicity
from hearth.safety.analyzers.base import AnalysisContext
from hearth.safety.analyzers.toxicity import ToxicityAssessment, assess_toxicity

KINDS = {"insult", "slur", "threat", "profanity"}
REASONS = {
    "profanity model",
    "threat of violence or harm",
    "dehumanising language",
    "slur",
    "hostile statement about a group of people",
    "insult at a mentioned or addressed person",
    "insult in the second person",
    "insult in a reply",
    "swearing about own situation",
}


def check_invariants(text: str, result: ToxicityAssessment) -> None:
    assert 0.0 <= result.score <= 1.0
    assert result.is_toxic == (result.score >= toxicity.threshold())
    assert not result.harassment or result.is_toxic
    for span in result.spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.kind in KINDS
    assert set(result.reasons) <= REASONS
    if not result.is_toxic:
        assert result.spans == ()
        assert result.reasons == ()


@pytest.mark.parametrize(
    "text",
    [
        "You are a worthless idiot and nobody wants you here.",
        "you're so pathetic, just shut up",
        "Honestly ur a clown and a liar",
        "Nobody likes you. Go away.",
        "You\u2019re an idiot.",
    ],
)
def test_insults_at_you_are_harassment(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.is_toxic
    assert result.targeted
    assert result.harassment
    assert any(s.kind == "insult" for s in result.spans)


@pytest.mark.parametrize(
    "text",
    [
        "I feel like shit today.",
        "fuck this week, honestly",
        "I hate myself so much right now",
        "I'm such an idiot, I forgot my appointment again",
        "My sleep has been so shitty and I am fucking exhausted",
        "What the hell is wrong with me, I keep crying at work",
        "You know what, I'm a complete mess and a failure.",
    ],
)
def test_swearing_about_own_pain_is_not_harassment(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.self_directed
    assert not result.targeted
    assert not result.threat
    assert not result.harassment


def test_self_directed_swearing_in_a_reply_is_not_harassment() -> None:
    text = "Same here, this month has been shit and I feel like crap."
    result = assess_toxicity(text, context=AnalysisContext(is_reply=True, addressed=frozenset({"willow"})))
    assert result.self_directed
    assert not result.harassment


@pytest.mark.parametrize(
    "text",
    [
        "I will hurt you if you post here again.",
        "Kill yourself.",
        "you should just die",
        "I know where you live, watch your back.",
        "I'm going to find you and beat you up",
        "I hope you get hit by a bus",
    ],
)
def test_threats(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.is_toxic
    assert result.threat
    assert result.harassment
    assert any(s.kind == "threat" for s in result.spans)


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself tonight.",
        "I feel like I'm going to die of embarrassment",
        "This headache is killing me",
    ],
)
def test_own_crisis_or_figures_of_speech_are_not_threats(text: str) -> None:
    # Crisis language belongs to the crisis analyzer; here it must not read as a threat to others.
    result = assess_toxicity(text)
    assert not result.threat
    assert not result.harassment


def test_mention_insult() -> None:
    text = "@river is a pathetic loser"
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.targeted
    assert result.harassment
    assert "insult at a mentioned or addressed person" in result.reasons


def test_addressed_name_insult() -> None:
    text = "river is a moron, ignore everything they say"
    plain = assess_toxicity(text)
    addressed = assess_toxicity(text, context=AnalysisContext(addressed=frozenset({"river"})))
    assert not plain.targeted
    assert addressed.targeted
    assert addressed.harassment


def test_unaddressed_insult_is_harassment_only_in_a_reply() -> None:
    text = "What a moron."
    alone = assess_toxicity(text)
    reply = assess_toxicity(text, context=AnalysisContext(is_reply=True))
    assert alone.is_toxic
    assert not alone.harassment
    assert reply.targeted
    assert reply.harassment
    assert "insult in a reply" in reply.reasons


def test_hostile_statement_about_a_group_is_harassment() -> None:
    text = "Immigrants are vermin and should all be deported."
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.is_toxic
    assert result.targeted
    assert result.harassment
    assert "hostile statement about a group of people" in result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Sending you a big hug. You are not alone and it is okay to rest today.",
        "Thank you for sharing this, it took courage. How are you feeling now?",
        "I went for a short walk and made tea, small wins count.",
        "My therapist and I talked about grief and it helped a bit.",
        "You did really well getting through the week, be proud of yourself.",
    ],
)
def test_supportive_text_is_not_toxic(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert not result.is_toxic
    assert not result.harassment


@pytest.mark.parametrize(
    "text",
    [
        "As a gay man, finding this group has helped me a lot.",
        "I'm a Muslim woman and I finally feel understood here.",
        "I am autistic and loud rooms overwhelm me.",
        "Trans people deserve support and kindness.",
    ],
)
def test_naming_who_you_are_is_not_toxic(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert not result.is_toxic


@pytest.mark.parametrize("text", ["", " ", "\n\t  \n"])
def test_empty_text(text: str) -> None:
    result = assess_toxicity(text)
    assert result.score == 0.0
    assert not result.is_toxic
    assert result.spans == ()


def test_long_text_finds_an_insult_among_kind_words() -> None:
    kind = "Thank you for being here and listening to everyone in the group this week. " * 40
    text = kind + "You are a worthless idiot. " + kind
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.is_toxic
    assert result.harassment
    insult = next(s for s in result.spans if s.kind == "insult")
    assert text[insult.start : insult.end].lower() in {"worthless", "idiot"}


def test_very_long_text_is_bounded() -> None:
    text = "calm words about gardening and tea. " * 20_000
    result = assess_toxicity(text)
    assert not result.is_toxic


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f49c\U0001f33b\u2728",
        "\u202ehello\u202c \u200b\u200d\ufeff",
        "Z\u0361\u035c\u0327a\u0336l\u0335g\u0338o text",
        "\u0645\u0631\u062d\u0628\u0627 \u4f60\u597d \u3053\u3093\u306b\u3061\u306f",
        "\ud83d",  # a lone surrogate
        "\x00\x01\x7f",
        "\u0130stanbul \u0130\u0130\u0130 you idiot",  # characters whose lower case is longer
    ],
)
def test_odd_unicode(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)


def test_deterministic() -> None:
    texts = ["You are a worthless idiot.", "I feel like shit.", "Have a gentle evening everyone."]
    first = [assess_toxicity(t) for t in texts]
    assert [assess_toxicity(t) for t in texts] == first


def test_thread_safe() -> None:
    texts = ["You are a worthless idiot.", "I feel like shit.", "Have a gentle evening everyone."] * 50
    expected = [assess_toxicity(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(assess_toxicity, texts)) == expected


def test_reasons_never_quote_the_text() -> None:
    text = "@river you are a pathetic zorblax and I will hurt you"
    result = assess_toxicity(text)
    assert result.reasons
    assert all("zorblax" not in r and "river" not in r for r in result.reasons)


def test_numpy_scoring_matches_profanity_check() -> None:
    from profanity_check import predict_prob

    texts = [
        "You are a worthless idiot.",
        "Have a gentle evening everyone.",
        "what the hell, this is such a shitty day",
        "I will hurt you",
        "",
        "the the the and of",
        "TEA and Biscuits and TEA",
    ]
    model = toxicity.ProfanityModel()
    ours = [model.probability(t) for t in texts]
    theirs = list(predict_prob(texts))
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_shipped_artefacts_are_json() -> None:
    calibration = json.loads((toxicity.MODEL_DIR / "calibration.json").read_text(encoding="utf-8"))
    assert 0.0 < calibration["threshold"] < 1.0
    lexicon = json.loads((toxicity.MODEL_DIR / "lexicon.json").read_text(encoding="utf-8"))
    assert {"group", "insult", "slur", "threat", "self_pain"} <= set(lexicon)


@pytest.mark.parametrize("prefix", ["", "\u0130stanbul \u0130\u0130 was lovely. "])
def test_phrases_match_whatever_the_case(prefix: str) -> None:
    # Phrases are matched on lower-cased text; a character whose lower case is longer (U+0130) takes
    # the case-insensitive path, and spans must still point at the original text.
    text = prefix + "I WILL Hurt You if you come back."
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.threat
    threat = next(s for s in result.spans if s.kind == "threat")
    assert text[threat.start : threat.end].lower().startswith("i will hurt you")
