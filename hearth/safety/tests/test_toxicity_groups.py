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


@pytest.mark.parametrize(
    "text",
    [
        # an insulting label straight before the group
        "Typical lazy Mexicans, nothing ever changes.",
        "Stupid feminists ruin every discussion.",
        "She is the dumbest autistic I have ever met.",
        # a judging word after "<group> is/are", when the group is people or a belief
        "Catholicism is a toxic faith.",
        "Vegan Buddhists are hypocrites, all of them.",
        # likening a group to animals
        "Refugees breed like rats.",
        "Those Romanians remind me of cockroaches.",
        # shame attached to who someone is
        "You should be ashamed of being Muslim.",
        "Aren't you ashamed of your skin colour?",
        "He ought to feel shame for being gay.",
        # delight in harm to a group
        "I love watching immigrants drown.",
        "Throwing rocks at Jews is my favourite hobby.",
        # blaming a group, ranking kinds of people, telling people they do not belong
        "Feminists are to blame for every broken marriage.",
        "Men are the superior gender and always will be.",
        "Go back to your own country.",
        # mocking a disability in one person
        "He walks like he has Down's syndrome.",
    ],
)
def test_more_shapes_of_group_hate(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.is_toxic
    assert result.harassment
    assert GROUP_REASON in result.reasons


@pytest.mark.parametrize(
    "text",
    [
        # the writer's own shame about who they are
        "My own shame about being gay kept me quiet for years.",
        "I used to be ashamed of being autistic, and this group helped.",
        # asking is not shaming
        "Are you ashamed of being bisexual? You don't have to be.",
        # a group word inside a name, or modifying a thing rather than naming people
        "The White House announced new rules today.",
        "I left my dirty black boots by the door again.",
        "My autistic son laughs like a little monkey when he is tickled.",
        # history and news: what happened, not a call for it
        "My grandparents were deported in 1942 and I still think about them.",
        "Millions of Jews were murdered in the camps and we must remember them.",
        "My grandfather killed two German soldiers in the war and never spoke of it.",
        # how a group is treated, and circumstances rather than traits
        "They treat refugees like animals at the border.",
        "Migrants are under threat at sea every summer.",
        # judging a place or a condition, not people
        "Autism is awful some days, I'm exhausted.",
        "Israel is a horrible place to be a teenager with no friends.",
        # naming an idea in order to reject it
        "The myth of a superior race has done so much harm.",
        # one person, a thing or a skill, not the group; a blame that is denied
        "Haha my trans sister is dying to meet you all.",
        "lol my gay best friend is dead tired after the march.",
        "Catholic guilt is a horrible thing to grow up with.",
        "My Christian parents are toxic and I had to cut contact.",
        "Men are awful at talking about feelings, my dad included.",
        "Women are why I got through my divorce, my sisters saved me.",
        "Immigrants are to blame for nothing, stop scapegoating them.",
        # real animals
        "My dog looks like a sloth when he sleeps.",
        "You remind me of my cat, she hates mornings too.",
        "My mum went back to her country to look after my gran.",
    ],
)
def test_new_shapes_keep_their_guards(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert GROUP_REASON not in result.reasons
    assert not result.harassment


@pytest.mark.parametrize(
    "text",
    [
        "You look like a pig in a wig.",
        "You act like you've got a screw loose.",
        "@river reminds me of a rat.",
    ],
)
def test_likening_a_person_to_an_animal_or_disability_is_an_insult(text: str) -> None:
    result = assess_toxicity(text)
    check_invariants(text, result)
    assert result.is_toxic
    assert result.targeted
    assert result.harassment
    assert any(s.kind == "insult" for s in result.spans)


def test_being_likened_to_an_animal_by_someone_else_is_not_self_abuse_at_them() -> None:
    # "you treat me like a dog" tells how the writer is treated; the insult is not aimed at "you".
    result = assess_toxicity("Sometimes you treat me like a dog and it hurts.")
    assert "insult in the second person" not in result.reasons
