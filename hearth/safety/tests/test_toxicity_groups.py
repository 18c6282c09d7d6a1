"""Hate against groups of people, and the ways members talk about groups that must not fire.

Every text here was written for these tests; none comes from a dataset.
"""

from __future__ import annotations

import pytest

from hearth.safety.analyzers.toxicity import assess_toxicity
from hearth.safety.tests.test_toxicity import check_invariants

GROUP_REASON = "hostile statement about a group of people"


@pytest.mark.parametrize(
    "text",
    [
        # generalisations: "<group> are (all, just…) <trait>", with no swear word
        "Muslims are just violent, every single one of them.",
        "Disabled people are useless and a burden.",
        "Autistic kids are so annoying and weird.",
        "Asians are an inferior race.",
        "Romanians ruin everything. They are thieves.",
        # dehumanising, subordinating, denying humanity or rights
        "Immigrants are all parasites.",
        "Women are property and belong in the kitchen.",
        "Gay people are not fully human.",
        "Refugees don't deserve rights.",
        "women deserve to be beaten",
        # eliminationist
        "We should get rid of the Roma, every last one.",
        "People with autism should be sterilised.",
        # hatred aimed at the group
        "I can't stand trans people.",
        "I despise Jews.",
        "These immigrants disgust me.",
    ],
)
def test_hate_against_a_group_without_profanity(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.is_toxic
    assert result.targeted
    assert result.harassment
    assert GROUP_REASON in result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Deport them all, those migrants.",
        "Expel these leeches from our country.",
    ],
)
def test_calls_to_expel_people_are_harassment(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.is_toxic
    assert result.harassment


@pytest.mark.parametrize(
    "text",
    [
        # members naming who they are
        "As a trans woman I am so tired today.",
        "I'm a proud Black woman and this group means a lot to me.",
        "We autistic people need quiet spaces.",
        "The queer kids at my school are the kindest people I know.",
        # telling the group about discrimination they met, quoting it to report it
        "Someone at work told me gay people are disgusting and I cried all night.",
        "My dad says immigrants are parasites, and it hurts because my mum is one.",
        "People called us animals when we arrived as refugees.",
        "He shouted that Jews should be deported, so I reported him to the police.",
        'Is it normal to feel scared after someone wrote "go back to your country" on our door?',
        "I'm gay and my family says I am sick. I don't believe them any more.",
        "Being bipolar is hard, people think we are dangerous.",
        # counter-speech, negation and kind statements
        "Disabled people are not a burden.",
        "Trans people deserve respect and safety.",
        "Immigrants are the reason our hospital runs at all.",
        "I hate how people treat disabled folks in this town.",
        # literal illness and statistics
        "My grandmother died of cancer and women in my family get tested early.",
        "Men are more likely to die by suicide, which worries me.",
    ],
)
def test_talking_about_groups_is_not_toxic(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert not result.is_toxic
    assert not result.harassment


@pytest.mark.parametrize(
    "text",
    [
        "Muslims are not terrorists, and saying so is cruel.",
        "Nobody should call autistic people broken.",
        "My brother was told women are inferior at his new job and he walked out.",
    ],
)
def test_counter_speech_is_not_harassment(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert GROUP_REASON not in result.reasons
    assert not result.harassment


@pytest.mark.parametrize(
    "text",
    [
        "That song is fucking amazing, thank you for sharing it!",
        "You are so damn brave, I'm proud of you.",
        "Your drawing is freaking beautiful.",
    ],
)
def test_swearing_as_praise_is_not_toxic(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert not result.is_toxic


def test_praise_does_not_hide_an_insult() -> None:
    text = "You are fucking amazing at being a worthless idiot."
    result = assess_toxicity(text)
    assert result.is_toxic
    assert result.harassment


def test_a_slur_names_a_group_for_later_sentences() -> None:
    text = "Those trannies are everywhere now. They should not be allowed to exist."
    result = assess_toxicity(text)
    assert result.harassment
    assert "slur" in result.reasons
    assert GROUP_REASON in result.reasons
