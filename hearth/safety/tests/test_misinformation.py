"""Harmful health advice: advice and claims aimed at others are found; experience, questions and care are not."""

from __future__ import annotations

import json
import statistics
import time
from urllib.parse import urlsplit

import pytest

from hearth.safety.analyzers.base import Span
from hearth.safety.analyzers.misinformation import (
    ANTI_TREATMENT,
    KINDS,
    PRO_EATING_DISORDER,
    RESOURCES_FILE,
    STOP_MEDICATION,
    UNPROVEN_CURE,
    find_misinformation,
    resources,
)


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in find_misinformation(text)]


# --- What is flagged -------------------------------------------------------------------------------------------

FLAGGED = [
    # stop_medication
    ("Just stop taking them.", STOP_MEDICATION),
    ("You should quit your meds cold turkey.", STOP_MEDICATION),
    ("Honestly, just stop taking your sertraline, you'll feel better.", STOP_MEDICATION),
    ("Why don't you just stop taking them?", STOP_MEDICATION),
    ("Ditch the pills and don't tell your doctor.", STOP_MEDICATION),
    ("I'd come off the lithium if I were you.", STOP_MEDICATION),
    ("You can skip a few doses, it's fine.", STOP_MEDICATION),
    ("I quit my meds cold turkey and you should too.", STOP_MEDICATION),
    ("Throw away your antidepressants, you'll feel more like yourself.", STOP_MEDICATION),
    ("I think you should come off the venlafaxine.", STOP_MEDICATION),
    ("Don\u2019t take your antidepressants anymore.", STOP_MEDICATION),
    # pro_eating_disorder
    ("Drink lots of water so you don't feel hungry.", PRO_EATING_DISORDER),
    ("Tip: chew gum when the hunger kicks in.", PRO_EATING_DISORDER),
    ("You should eat under 800 calories a day.", PRO_EATING_DISORDER),
    ("Try to stay under 600 cals.", PRO_EATING_DISORDER),
    ("Tell your parents you already ate at school.", PRO_EATING_DISORDER),
    ("Wear baggy clothes so nobody can tell.", PRO_EATING_DISORDER),
    ("Here is some thinspo for you all.", PRO_EATING_DISORDER),
    ("Make yourself sick after dinner, it works.", PRO_EATING_DISORDER),
    ("Nothing tastes as good as skinny feels.", PRO_EATING_DISORDER),
    ("Don't eat anything until dinner.", PRO_EATING_DISORDER),
    # unproven_cure
    ("Turmeric cures depression.", UNPROVEN_CURE),
    ("You don't need meds, just go for a run every morning.", UNPROVEN_CURE),
    ("Instead of antidepressants, try cold showers.", UNPROVEN_CURE),
    ("Yoga works better than antidepressants.", UNPROVEN_CURE),
    ("Depression can be cured with a raw vegan diet.", UNPROVEN_CURE),
    # anti_treatment
    ("Nobody needs antidepressants.", ANTI_TREATMENT),
    ("Antidepressants are poison.", ANTI_TREATMENT),
    ("Therapy is a scam.", ANTI_TREATMENT),
    ("Psychiatrists just want to drug you.", ANTI_TREATMENT),
    ("You don't need therapy.", ANTI_TREATMENT),
]


@pytest.mark.parametrize(("text", "kind"), FLAGGED)
def test_advice_and_claims_aimed_at_others_are_flagged_with_their_kind(text, kind):
    assert kinds(text) == [kind]


# --- What is not flagged ---------------------------------------------------------------------------------------

NOT_FLAGGED = [
    # experience with medication, questions and safe advice
    "I stopped my meds with my doctor's help.",
    "Is it safe to stop?",
    "My GP helped me taper.",
    "Please don't just stop taking them, talk to your doctor first.",
    "Never stop your meds suddenly.",
    "You should talk to your GP before you stop taking them.",
    "I quit my meds last year and had awful withdrawal.",
    "Should I stop taking my sertraline?",
    "You could come off them slowly with your psychiatrist's plan.",
    "When I felt better my psychiatrist and I decided to taper slowly.",
    "My doctor told me to stop taking lithium because of my kidneys.",
    "Was on lithium for six years, quit cold turkey, and I'm still paying for it.",
    'People keep telling me "just get off your meds" and it drives me mad.',
    # means safety and first aid, not advice to stop treatment
    "Flush the pills and call 999 if you took too many.",
    "If you've taken too many, go to A&E now and tell them what you took.",
    # other meanings of the same words
    "Just stop taking it personally, they were rude to everyone.",
    "Stop it, you're scaring me.",
    "I went cold turkey on smoking.",
    "Go cold turkey on caffeine, you'll sleep better.",
    # reported, negated, asked, or about the writer only
    "My mum says antidepressants are poison and it really hurts.",
    "Antidepressants are not poison.",
    "It's a myth that meds are poison.",
    "Is therapy a scam?",
    "Therapy was useless for me at first, but the second therapist was great.",
    "There is no cure for depression but it can be managed.",
    "If that's the only way to cure anxiety, I'm in trouble.",
    "The charity hopes to eliminate PTSD stigma in the armed forces.",
    "Yoga really helped my anxiety alongside my meds.",
    "Running cured my depression, but I know that's not everyone.",
    # eating: disclosure, recovery and ordinary advice
    "I eat 600 calories a day and I'm scared.",
    "Thinspo used to trigger me so badly, I'm in recovery now.",
    "My dietitian says to have a 200 calorie snack between meals.",
    "Eat regular meals so you don't feel hungry later.",
    "Don't starve yourself, it's dangerous.",
    "Aim for about 2000 calories a day, that's what my meal plan says.",
    "Hiding snacks from my flatmates like a gremlin again lol.",
]


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_experience_questions_and_safe_advice_are_not_flagged(text):
    assert find_misinformation(text) == ()


def test_empty_and_ordinary_text_has_no_findings():
    assert find_misinformation("") == ()
    assert find_misinformation("Had a rough day but the walk by the river helped. Thanks for listening, all.") == ()


# --- Shape of a finding ----------------------------------------------------------------------------------------


def test_spans_index_the_original_text_and_cover_the_advice():
    text = "Rough week for you. Honestly, just stop taking your Sertraline. Hugs x"

    (finding,) = find_misinformation(text)

    assert finding.kind == STOP_MEDICATION
    (span,) = finding.spans
    assert span == Span(start=text.index("stop"), end=text.index(". Hugs"), kind=STOP_MEDICATION)


def test_one_finding_per_kind_with_every_span_in_order():
    text = "Just stop taking them. I mean it, quit your meds. Also antidepressants are poison."

    findings = find_misinformation(text)

    assert [f.kind for f in findings] == [STOP_MEDICATION, ANTI_TREATMENT]
    stop = findings[0]
    assert [text[s.start : s.end] for s in stop.spans] == ["stop taking them", "quit your meds"]


def test_curly_apostrophes_and_non_ascii_text_keep_offsets_right():
    text = "İstanbul friend here \u2014 why don\u2019t you just stop taking them?"

    (finding,) = find_misinformation(text)

    (span,) = finding.spans
    assert text[span.start : span.end] == "stop taking them"


def test_reason_never_quotes_the_text_and_the_resource_matches_the_kind():
    text = "You should quit your fluoxetine cold turkey."

    (finding,) = find_misinformation(text)

    assert "fluoxetine" not in finding.reason.lower()
    assert finding.resource_url == resources()[STOP_MEDICATION].url
    assert finding.resource_title == resources()[STOP_MEDICATION].title


@pytest.mark.parametrize(("text", "kind"), FLAGGED)
def test_no_reason_repeats_four_words_of_the_text(text, kind):
    (finding,) = find_misinformation(text)
    words = text.lower().replace(".", "").split()
    runs = {" ".join(words[i : i + 4]) for i in range(len(words) - 3)}

    assert not any(run in finding.reason.lower() for run in runs)


# --- The resource file -----------------------------------------------------------------------------------------


def test_every_kind_has_exactly_one_resource_with_a_source_and_verification_date_field():
    raw = json.loads(RESOURCES_FILE.read_text(encoding="utf-8"))
    listed = [r["kind"] for r in raw["resources"]]

    assert sorted(listed) == sorted(KINDS)
    for record in raw["resources"]:
        assert record["title"].strip()
        assert urlsplit(record["url"]).scheme == "https"
        assert urlsplit(record["source"]).scheme in {"http", "https"}
        assert "last_verified" in record


# --- Speed -----------------------------------------------------------------------------------------------------


def test_median_time_is_at_most_2_ms_per_1000_characters():
    paragraph = (
        "I've been on sertraline for about eight months now and my GP says we can start to taper in spring. "
        "Some days are harder than others, but the group here has helped a lot, and my therapist is lovely. "
        "Does anyone else find mornings the worst? I try to walk before work, and I keep a journal. "
    )
    text = (paragraph * 4)[:1000]
    find_misinformation(text)
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        find_misinformation(text)
        timings.append((time.perf_counter() - started) * 1000)

    assert statistics.median(timings) <= 2.0
