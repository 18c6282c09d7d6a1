"""Synthetic peer-support text for bench/seed.py: word lists and sentence templates written for Hearth.

Everyday coping, small wins, routines, appointments and kind replies; no crisis content, no method talk, no
personal details. Sentences are plain prose with no Markdown syntax and no `&`, `<` or `>`, so their HTML is
known without rendering each post (bench/seed.py checks that against hearth.lib.markdown on samples).
"""

from __future__ import annotations

import random

FEELINGS = [
    "anxious", "tired", "flat", "restless", "overwhelmed", "a bit lighter", "hopeful", "wobbly", "on edge",
    "worn out", "calmer", "low", "scattered", "unsettled", "more like myself", "foggy", "tense", "lonely",
    "steadier", "numb", "proud of myself", "frustrated", "drained", "quietly okay", "nervous", "grateful",
    "irritable", "stuck", "content", "fragile", "impatient", "relieved",
]  # fmt: skip
TIMES = [
    "since the weekend", "for a couple of weeks", "since I changed jobs", "all winter", "since the clocks went back",
    "for most of this month", "since my last appointment", "since the move", "on and off for years",
    "since the start of term", "since the holidays", "this past fortnight", "since spring", "lately",
    "since my birthday", "for a few days now", "since the summer", "every evening this week",
]  # fmt: skip
HELPERS = [
    "a short walk after lunch", "writing three lines in a notebook", "a warm shower before bed", "breathing slowly",
    "texting a friend", "making a proper breakfast", "keeping the curtains open", "a podcast on the bus",
    "gardening", "a library visit", "stretching for ten minutes", "a cup of tea outside", "the grounding exercise",
    "a playlist of calm music", "cooking something simple", "cleaning one small corner", "drawing",
    "knitting", "a crossword", "talking to my sister", "swimming", "yoga videos", "sitting with the cat",
    "feeding the birds", "a body scan recording", "colouring", "a weighted blanket", "reading poetry",
    "walking the dog", "a jigsaw puzzle", "journalling", "baking bread", "a gratitude list", "birdwatching",
    "volunteering at the food bank", "a cold glass of water", "repotting plants", "listening to the radio",
    "a slow cycle ride", "mindfulness", "photography", "singing in the car", "pottery class",
]  # fmt: skip
PEOPLE = [
    "my partner", "my mum", "my dad", "my brother", "my flatmate", "my GP", "my counsellor", "my therapist",
    "a colleague", "my best friend", "my neighbour", "my support worker", "my nurse", "my grandmother",
    "my son", "my daughter", "my manager", "the pharmacist", "my key worker", "an old friend",
]  # fmt: skip
PLACES = [
    "at work", "at home", "in the supermarket", "on the train", "at the gym", "in the park", "at college",
    "at the doctor's", "on the phone", "in the queue", "at family dinners", "in meetings", "at the school gate",
    "at night", "in the mornings", "at the weekend", "on busy streets", "in the waiting room",
]  # fmt: skip
THINGS = [
    "sleep", "appetite", "energy", "concentration", "motivation", "routine", "confidence", "patience",
    "mood", "focus", "worry", "panic", "overthinking", "procrastination", "self-care", "boundaries",
    "loneliness", "rest", "pacing", "fatigue", "tension", "nerves", "grief", "stress", "burnout",
]  # fmt: skip
EVENTS = [
    "a job interview", "an assessment", "the first day back", "a family visit", "an exam", "a hospital appointment",
    "the move", "a review meeting", "a long journey", "the wedding", "a court date", "the results",
    "a new medication review", "the appraisal", "the holidays", "a dentist appointment", "the funeral",
]  # fmt: skip
ADVERBS = ["really", "quite", "a little", "so", "honestly", "slowly", "gently", "still", "finally", "mostly"]
SMALL_WINS = [
    "got out of bed before nine", "answered an email I had been avoiding", "went to the shop on my own",
    "ate three meals", "made the phone call", "went to my appointment", "tidied the kitchen", "went for a walk",
    "said no to something", "asked for help", "sat in a cafe for half an hour", "finished a book",
    "cooked for the first time in weeks", "did the laundry", "opened the post", "went back to my class",
    "slept through the night", "took a day off without feeling guilty", "told someone how I feel",
]  # fmt: skip

TEMPLATES = [
    "I've been feeling {feeling} {time}.",
    "Honestly I've felt {feeling} {time} and I'm not sure why.",
    "Today I {win}, which felt {adverb} big.",
    "Small win: I {win}.",
    "What has helped me most is {helper}.",
    "{helper_cap} has been helping {adverb}.",
    "I tried {helper} again and it took the edge off.",
    "My {thing} has been all over the place {time}.",
    "Does anyone else struggle with {thing} {place}?",
    "I find {place} the hardest, especially around {thing}.",
    "I talked to {person} about it and they listened.",
    "{person_cap} suggested {helper}, so I'm giving it a go.",
    "I have {event} coming up and I'm feeling {feeling}.",
    "After {event} I felt {feeling}, but I got through it.",
    "Thank you for sharing this, it means a lot to read.",
    "You're not alone in this, I've felt the same {time}.",
    "That sounds {adverb} hard, and you're doing better than you think.",
    "I'm glad you posted, it helps to know others understand.",
    "Sending you a hug, I hope tomorrow is a gentler day.",
    "Be kind to yourself, rest is allowed.",
    "It's okay to take things one small step at a time.",
    "I used to worry about {thing} too and {helper} made a difference for me.",
    "Has anyone tried {helper} for {thing}?",
    "I'd love to hear what helps others with {thing}.",
    "Checking in: how is everyone's {thing} this week?",
    "I noticed my {thing} improves when I keep up {helper}.",
    "Some days are better than others, and today was {adverb} okay.",
    "I'm learning that {thing} is something I need to plan around.",
    "It took me a while to ask {person} for support, but I'm glad I did.",
    "{person_cap} reminded me that progress isn't a straight line.",
    "I keep a note on my phone of things that help with {thing}.",
    "Well done for {win_ing}, that's a real step.",
    "Looking back, {event} wasn't as bad as my mind told me it would be.",
    "The waiting list is long but I have a first appointment now.",
    "I spoke with {person} and we made a plan for {event}.",
    "My routine slipped {time}, so I'm starting again with {helper}.",
    "I feel {feeling} {place}, and {helper} helps me reset.",
    "Reading this thread makes me feel less {feeling_neg}.",
    "I hope you find a moment of calm today.",
    "It's brave to share this, thank you for trusting us with it.",
    "What you wrote about {thing} really stayed with me.",
    "I'm {adverb} proud that I {win}.",
    "Tomorrow I'm going to try {helper} before {event}.",
    "I've noticed the shorter days affect my {thing}.",
    "Pacing myself has been the hardest lesson, but it helps my {thing}.",
    "I wrote down three things that went well today.",
    "My counsellor and I are working on {thing} at the moment.",
    "It helped to remember that feelings pass, even the heavy ones.",
]

FEELINGS_NEGATIVE = ["alone", "strange", "odd", "isolated", "different", "worried", "ashamed", "stuck"]

TITLE_TEMPLATES = [
    "Struggling with {thing} {time}",
    "Small win today",
    "How do you manage {thing} {place}?",
    "Feeling {feeling} before {event}",
    "Has anyone tried {helper}?",
    "Weekly check-in: how are you doing?",
    "{thing_cap} and routine",
    "Things that helped this week",
    "Nervous about {event}",
    "First post, saying hello",
    "Good news for once",
    "Tips for {thing}?",
    "After {event}",
    "Talking to {person} about how I feel",
    "What gets you through {place}?",
    "Rough week, but still here",
    "Celebrating a small step",
    "Anyone else find {place} hard?",
    "A gentle reminder to rest",
    "{helper_cap} really helps me",
]

COMMUNITY_THEMES = [
    ("Anxiety", "Anxiety, worry and panic"),
    ("Low Mood", "Low mood and depression"),
    ("Carers", "Supporting someone you love"),
    ("Recovery", "Recovery from addiction and substance use"),
    ("Chronic Illness", "Long-term physical health and mental health"),
    ("Students", "Studying, exams and growing up"),
    ("Sleep", "Sleep problems and tiredness"),
    ("Grief", "Bereavement and loss"),
    ("Parents", "Parenting and mental health"),
    ("Work Stress", "Stress, burnout and work"),
    ("Loneliness", "Isolation and connection"),
    ("Body Image", "Body image and self-esteem"),
    ("New Parents", "Life after a new baby"),
    ("Neurodiversity", "ADHD, autism and everyday life"),
    ("Mindfulness", "Mindfulness and calm"),
    ("Men's Circle", "Men talking about mental health"),
    ("Later Life", "Mental health in later life"),
    ("Creative Coping", "Art, music and writing for wellbeing"),
    ("Social Anxiety", "Shyness and social anxiety"),
    ("Moving Forward", "Rebuilding after hard times"),
]
COMMUNITY_QUALIFIERS = [
    "", "Night Owls", "Morning Circle", "Quiet Corner", "Over 50s", "Young Adults", "Peer Support", "Check-ins",
    "Wins and Setbacks", "Weekends", "Newcomers", "North", "South", "Coast", "City", "Rural", "Evening Group",
]  # fmt: skip

REPORT_DETAILS = [
    "",
    "",
    "",
    "This reads like an advert for a product.",
    "The reply felt unkind to the person who posted.",
    "Posted the same message in several threads.",
    "I think this gives health advice that could be risky.",
    "Not sure this fits the community guidelines.",
]

TOPICS_BY_THEME = {
    "Recovery": "substance_use",
    "Body Image": "eating_disorders",
    "Grief": "graphic",
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ing(win: str) -> str:
    verb, _, rest = win.partition(" ")
    irregular = {"got": "getting", "went": "going", "ate": "eating", "made": "making", "did": "doing",
                 "said": "saying", "sat": "sitting", "told": "telling", "slept": "sleeping", "took": "taking",
                 "asked": "asking", "answered": "answering", "tidied": "tidying", "finished": "finishing",
                 "cooked": "cooking", "opened": "opening"}  # fmt: skip
    return f"{irregular.get(verb, verb + 'ing')} {rest}".strip()


def sentence(rng: random.Random) -> str:
    template = rng.choice(TEMPLATES)
    helper, person, thing, win = rng.choice(HELPERS), rng.choice(PEOPLE), rng.choice(THINGS), rng.choice(SMALL_WINS)
    return template.format(
        feeling=rng.choice(FEELINGS),
        feeling_neg=rng.choice(FEELINGS_NEGATIVE),
        time=rng.choice(TIMES),
        helper=helper,
        helper_cap=_cap(helper),
        person=person,
        person_cap=_cap(person),
        place=rng.choice(PLACES),
        thing=thing,
        event=rng.choice(EVENTS),
        adverb=rng.choice(ADVERBS),
        win=win,
        win_ing=_ing(win),
    )


def title(rng: random.Random) -> str:
    helper, thing = rng.choice(HELPERS), rng.choice(THINGS)
    return rng.choice(TITLE_TEMPLATES).format(
        thing=thing,
        thing_cap=_cap(thing),
        time=rng.choice(TIMES),
        place=rng.choice(PLACES),
        feeling=rng.choice(FEELINGS),
        event=rng.choice(EVENTS),
        helper=helper,
        helper_cap=_cap(helper),
        person=rng.choice(PEOPLE),
    )


def rare_word(rng: random.Random) -> str:
    """A made-up word for a few posts, so searches for rare terms have something realistic to find."""
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))


PSEUDONYM_ADJECTIVES = [
    "Quiet", "Gentle", "Brave", "Calm", "Kind", "Bright", "Steady", "Warm", "Hopeful", "Patient", "Soft", "Clear",
    "Golden", "Silver", "Misty", "Sunny", "Still", "Tender", "Wise", "Little", "Humble", "Peaceful", "Cosy",
    "Mellow", "Amber", "Velvet", "Rosy", "Dawn", "Evening", "Summer", "Autumn", "Winter", "Spring", "Willing",
]  # fmt: skip
PSEUDONYM_NOUNS = [
    "Heron", "Otter", "Willow", "Fern", "River", "Robin", "Badger", "Sparrow", "Harbour", "Meadow", "Lantern",
    "Pebble", "Maple", "Wren", "Hedgehog", "Owl", "Finch", "Brook", "Cedar", "Fox", "Puffin", "Moth", "Kestrel",
    "Clover", "Acorn", "Tide", "Comet", "Lark", "Birch", "Seal", "Thistle", "Harebell", "Starling", "Hazel",
]  # fmt: skip
