"""Crisis and self-harm risk: how likely it is that the writer is at risk now, and how severe, for one text.

Two layers, both interpretable:

1. Rules: first-person risk statements written for Hearth from the C-SSRS screener constructs (wish to be
   dead, active thoughts, method, intent, plan, behaviour) and the Suicide Risk Lexicon construct definitions,
   matched on normalised text (case, unicode look-alikes, leetspeak, contractions, common misspellings and
   slang such as "kms" or "unalive"). Each match is checked for framing in its clause: negated, another
   person, historical, hypothetical or quoted. Only unframed first-person matches become signals, and the
   signals alone set the level (docs/safety.md section 3).
2. Three small logistic regressions and a stacker, trained by tools/train_crisis.py (weights in crisis_model/, see
   PROVENANCE.md): a whole-text model over the rule signals and framings and the Suicide Risk Lexicon constructs,
   each term split by who it is about (the nearest person word before it: I / we / you / someone else / nobody)
   and by negation, past and hypothetical cues; a sentence model (negation-marked word n-grams and person-scoped
   lexicon terms) trained as multiple-instance learning, so that one risky sentence in a long post counts; and a
   character n-gram model of the negation-marked text (misspellings, word forms). The stacker, a logistic
   regression fitted on the three models' out-of-fold scores, combines their log-odds with structural cues (no
   risk sentence, risk words in a text never about suicide, one-sentence text, all risk language denied). It
   catches risk the rules miss, but on its own it can only raise the level to LOW, so framing that the rules
   recognised can never be pushed to HIGH by it.

No network, no database, no logging of text. The weights are read once per process.
"""

from __future__ import annotations

import bisect
import json
import math
import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from hearth.safety.analyzers.base import RiskLevel, Span

__all__ = [
    "SIGNALS",
    "CrisisAssessment",
    "assess_crisis",
    "char_grams",
    "extract_all",
    "extract_features",
    "meta_features",
    "normalise",
]

MODEL_DIR: Final = Path(__file__).resolve().parent / "crisis_model"
MODEL_FILE: Final = MODEL_DIR / "model.json"
LEXICON_FILE: Final = MODEL_DIR / "lexicon.json"

# Texts longer than this are analysed on their first MAX_CHARS characters plus their last TAIL_CHARS, so that
# latency stays bounded; a goodbye or a plan is most often at the start or the end of a long post.
MAX_CHARS: Final = 20_000
TAIL_CHARS: Final = 4_000

SIGNALS: Final[tuple[str, ...]] = (
    "wish_dead",  # C-SSRS 1: wish to be dead, not wake up, better off dead
    "active_thoughts",  # C-SSRS 2: present thoughts of killing oneself
    "method",  # C-SSRS 3: a method or means in a first-person risk statement
    "intent",  # C-SSRS 4: going to act
    "plan",  # C-SSRS 5: plan or preparation (note, date, obtaining means, giving things away)
    "behaviour_recent",  # C-SSRS 6 within about 3 months (or timing unstated while ideation is present)
    "behaviour_past",  # C-SSRS 6 longer ago
    "self_harm",  # non-suicidal self-injury, present
    "hopelessness",  # strong hopelessness or entrapment ("can't do this anymore", "no way out")
    "goodbye",  # farewell or last-message language
    # Added for Hearth:
    "in_progress",  # acting now: means taken, standing at a place, "doing it now"
    "means_access",  # means at hand ("the pills are next to me")
    "ideation_past",  # first-person thoughts described as past or recovered
    "self_harm_past",  # self-injury described as past or stopped
)

# The level each signal implies on its own (safety.md section 3); combinations are handled in _level_for.
_SIGNAL_LEVEL: Final[Mapping[str, RiskLevel]] = {
    "wish_dead": RiskLevel.LOW,
    "active_thoughts": RiskLevel.LOW,
    "hopelessness": RiskLevel.LOW,
    "ideation_past": RiskLevel.LOW,
    "self_harm_past": RiskLevel.LOW,
    "method": RiskLevel.MODERATE,
    "means_access": RiskLevel.MODERATE,
    "behaviour_past": RiskLevel.MODERATE,
    "self_harm": RiskLevel.MODERATE,
    "intent": RiskLevel.HIGH,
    "plan": RiskLevel.HIGH,
    "behaviour_recent": RiskLevel.HIGH,
    "goodbye": RiskLevel.HIGH,
    "in_progress": RiskLevel.IMMINENT,
}

_REASONS: Final[Mapping[str, str]] = {
    "wish_dead": "Writer expresses a wish to be dead or not to wake up.",
    "active_thoughts": "Writer describes current thoughts of suicide.",
    "method": "Writer mentions a method or means in a statement about ending their life.",
    "intent": "Writer states an intention to act on suicidal thoughts.",
    "plan": "Writer describes a plan or preparations.",
    "behaviour_recent": "Writer describes a recent suicide attempt or preparatory act.",
    "behaviour_past": "Writer describes a past suicide attempt.",
    "self_harm": "Writer describes current self-harm.",
    "hopelessness": "Writer expresses strong hopelessness or feeling trapped.",
    "goodbye": "Text reads like a goodbye or last message.",
    "in_progress": "Writer appears to be acting now or to have just acted.",
    "means_access": "Writer says the means are at hand.",
    "ideation_past": "Writer describes past suicidal thoughts.",
    "self_harm_past": "Writer describes past self-harm.",
}


@dataclass(frozen=True)
class CrisisAssessment:
    level: RiskLevel
    score: float
    signals: tuple[str, ...]
    method_spans: tuple[Span, ...]
    reasons: tuple[str, ...]


# --------------------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------------------

# Cyrillic and Greek letters that look like Latin ones, used to dodge filters.
_CONFUSABLES: Final = str.maketrans(
    {
        "\u0430": "a",
        "\u0435": "e",
        "\u043e": "o",
        "\u0440": "p",
        "\u0441": "c",
        "\u0443": "y",
        "\u0445": "x",
        "\u0456": "i",
        "\u0455": "s",
        "\u043a": "k",
        "\u043c": "m",
        "\u0442": "t",
        "\u043d": "h",
        "\u03b1": "a",
        "\u03bf": "o",
        "\u03b9": "i",
        "\u03ba": "k",
        "\u03bd": "v",
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_INVISIBLE: Final = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_LEET: Final = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_TOKEN_RE: Final = re.compile(r"[a-z0-9@$]+(?:[-'][a-z0-9@$]+)*|\n|[^\sa-z0-9]")

# One token in, one or more normalised words out. Slang, misspellings and contractions.
_REWRITES: Final[Mapping[str, str]] = {
    # contractions (apostrophes may be missing)
    "i'm": "i am",
    "im": "i am",
    "i've": "i have",
    "ive": "i have",
    "i'll": "i will",
    "i'd": "i would",
    "id've": "i would have",
    "don't": "do not",
    "dont": "do not",
    "doesn't": "does not",
    "doesnt": "does not",
    "didn't": "did not",
    "didnt": "did not",
    "can't": "can not",
    "cant": "can not",
    "cannot": "can not",
    "couldn't": "could not",
    "couldnt": "could not",
    "won't": "will not",
    "wont": "will not",
    "wouldn't": "would not",
    "wouldnt": "would not",
    "isn't": "is not",
    "isnt": "is not",
    "aren't": "are not",
    "wasn't": "was not",
    "wasnt": "was not",
    "haven't": "have not",
    "havent": "have not",
    "hasn't": "has not",
    "hadn't": "had not",
    "shouldn't": "should not",
    "ain't": "am not",
    "it's": "it is",
    "that's": "that is",
    "there's": "there is",
    "wanna": "want to",
    "wana": "want to",
    "wanted2": "wanted to",
    "want2": "want to",
    "gonna": "going to",
    "gunna": "going to",
    "gotta": "got to",
    "finna": "going to",
    "tryna": "trying to",
    "u": "you",
    "ur": "your",
    "r": "are",
    "rn": "right now",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tomorow": "tomorrow",
    "tommorow": "tomorrow",
    "tommorrow": "tomorrow",
    "2morrow": "tomorrow",
    "tonite": "tonight",
    "2nite": "tonight",
    "2night": "tonight",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "myslef": "myself",
    "mysef": "myself",
    "mself": "myself",
    "meself": "myself",
    "myselfe": "myself",
    "kil": "kill",
    "kll": "kill",
    "killl": "kill",
    "kiling": "killing",
    "killin": "killing",
    "dieing": "dying",
    "dyin": "dying",
    "ded": "dead",
    "deaad": "dead",
    # slang for suicide and self-harm
    "kms": "kill myself",
    "kmsl": "kill myself",
    "ctb": "kill myself",
    "unalive": "die",
    "unaliving": "dying",
    "unalived": "died",
    "sewerslide": "suicide",
    "suicide'": "suicide",
    "selfharm": "self harm",
    "self-harm": "self harm",
    "self-harming": "self harming",
    "selfharming": "self harming",
    "self-injury": "self injury",
    "self-hate": "self hate",
    "self-delete": "kill myself",
    "selfdelete": "kill myself",
    "self-deleting": "killing myself",
    "overdosing": "overdosing",
    "oding": "overdosing",
    "od'd": "overdosed",
    "odd'd": "overdosed",
    "oded": "overdosed",
}

# Misspellings caught by edit distance 1 (deletions on both sides, as in SymSpell) for these longer key words.
_FUZZY_TARGETS: Final = (
    "suicide",
    "suicidal",
    "suicides",
    "myself",
    "overdose",
    "overdosed",
    "overdosing",
    "killing",
    "hopeless",
)
# Real words one edit away from a target that must stay as they are.
_FUZZY_STOP: Final = frozenset({"herself", "itself", "suicided", "overdoses"})


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


def _build_fuzzy() -> dict[str, str]:
    table: dict[str, str] = {}
    for target in _FUZZY_TARGETS:
        for variant in _deletes(target):
            table.setdefault(variant, target)
    return table


_FUZZY: Final = _build_fuzzy()
_EXTRA_MISSPELLINGS: Final[Mapping[str, str]] = {
    "sucide": "suicide",
    "suiside": "suicide",
    "suacide": "suicide",
    "sucidal": "suicidal",
    "suisidal": "suicidal",
    "suicidial": "suicidal",
    "sucicidal": "suicidal",
    "suecide": "suicide",
    "suicde": "suicide",
    "suiced": "suicide",
    "suicdal": "suicidal",
    "suicidle": "suicidal",
    "sucidle": "suicidal",
    "overdoze": "overdose",
    "ovrdose": "overdose",
    "hopless": "hopeless",
}


def _fuzzy(word: str) -> str | None:
    if word in _EXTRA_MISSPELLINGS:
        return _EXTRA_MISSPELLINGS[word]
    if len(word) < 5 or word in _FUZZY_STOP or word in _FUZZY_TARGETS:
        return None
    for variant in _deletes(word):
        target = _FUZZY.get(variant)
        if target is not None and abs(len(target) - len(word)) <= 1:
            return target
    return None


_REPEATS: Final = re.compile(r"(.)\1{2,}")
_DIE_AFTER: Final = frozenset(
    {"to", "just", "should", "could", "gonna", "wanna", "i", "and", "gladly", "ready", "rather"}
)
_DIE_BEFORE_OK: Final = frozenset(
    {"", ".", "!", "?", ",", "\n", "now", "already", "tonight", "today", "soon", "alone", "please"}
)


@dataclass(frozen=True)
class Normalised:
    """Text as single-spaced lower-case words, with each word's position in the original text."""

    text: str
    starts: tuple[int, ...]  # start of each word in `text`
    origin: tuple[tuple[int, int], ...]  # (start, end) of the same word in the original

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        first = max(bisect.bisect_right(self.starts, start) - 1, 0)
        last = max(bisect.bisect_right(self.starts, max(end - 1, start)) - 1, first)
        return self.origin[first][0], self.origin[last][1]


def _fold(text: str) -> tuple[str, list[int]]:
    """Lower-case, strip accents and look-alikes, character by character, keeping where each came from."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        if char.isascii():
            folded = char.lower()
        else:
            folded = unicodedata.normalize("NFKD", char.translate(_CONFUSABLES))
            folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold().translate(_CONFUSABLES)
        for piece in folded:
            out.append(piece)
            where.append(index)
    return "".join(out), where


def normalise(text: str) -> Normalised:
    folded, where = _fold(text)
    raw: list[tuple[str, int, int]] = []
    for match in _TOKEN_RE.finditer(folded):
        token = match.group()
        start, end = where[match.start()], where[match.end() - 1] + 1
        raw.append((token, start, end))

    words: list[str] = []
    starts: list[int] = []
    origin: list[tuple[int, int]] = []
    position = 0
    for index, (token, start, end) in enumerate(raw):
        word = _normalise_token(token, raw, index)
        if not word:
            continue
        words.append(word)
        starts.append(position)
        origin.append((start, end))
        position += len(word) + 1
    return Normalised(" ".join(words), tuple(starts), tuple(origin))


def _normalise_token(  # noqa: PLR0911 - one early return per kind of rewrite reads best here
    token: str, raw: list[tuple[str, int, int]], index: int
) -> str:
    if len(token) == 1 and not token.isalnum():
        return token
    if any(c.isalpha() for c in token) and any(c in "013457@$" for c in token):
        token = token.translate(_LEET)
    token = _REPEATS.sub(r"\1\1", token)
    if token == "unalive" and index + 1 < len(raw) and raw[index + 1][0] in {"myself", "meself"}:  # noqa: S105
        return "kill"
    if token in _REWRITES:
        return _REWRITES[token]
    if token.endswith("'s") and len(token) > 2:
        token = token[:-2]
    stripped = token.replace("'", "")
    if stripped in _REWRITES:
        return _REWRITES[stripped]
    if stripped in {"dye", "dy", "di", "diee", "diie", "dii"}:
        before = raw[index - 1][0] if index > 0 else ""
        after = raw[index + 1][0] if index + 1 < len(raw) else ""
        if before in _DIE_AFTER and after in _DIE_BEFORE_OK:
            return "die"
    if stripped == "sh":
        neighbours = {raw[i][0] for i in (index - 1, index + 1) if 0 <= i < len(raw)}
        if neighbours & {"my", "relapse", "relapsed", "urges", "urge", "scars", "again", "clean", "free", "do", "did"}:
            return "self harm"
    if stripped in {"od", "o.d"}:
        neighbours = {raw[i][0] for i in (index - 1, index + 1) if 0 <= i < len(raw)}
        if neighbours & {"to", "on", "tried", "i", "gonna", "wanna", "going", "attempted"}:
            return "overdose"
    fixed = _fuzzy(stripped)
    return _figurative(fixed if fixed is not None else stripped, raw, index)


def _figurative(word: str, raw: list[tuple[str, int, int]], index: int) -> str:
    """ "career suicide", "a suicide mission", "suicide bombers" are not anyone's own risk: one token that no risk
    pattern, lexicon term or suicide-word count matches."""
    if word in {"suicide", "suicides", "suicidal"}:
        before = raw[index - 1][0] if index > 0 else ""
        after = raw[index + 1][0] if index + 1 < len(raw) else ""
        if before in _FIGURATIVE_BEFORE or after in _FIGURATIVE_AFTER:
            return "figurative_suicide"
    return word


# Words that make "suicide" figurative or about an attack, not a person's own risk.
_FIGURATIVE_BEFORE: Final = frozenset(
    {"career", "political", "social", "financial", "professional", "commercial", "economic", "electoral", "academic"}
)
_FIGURATIVE_AFTER: Final = frozenset(
    {
        "mission", "missions", "squad", "door", "doors", "drill", "drills", "bomber", "bombers", "bombing",
        "bombings", "bomb", "bombs", "vest", "vests", "attack", "attacks", "attacker", "attackers", "jockey", "knot",
        "knots", "run", "runs", "dive", "dives",
    }
)  # fmt: skip


# --------------------------------------------------------------------------------------------------------------
# Clauses and framing
# --------------------------------------------------------------------------------------------------------------

_SENTENCE_SPLIT: Final = re.compile(r" ?(?:[.!?;\n]|\|) ?")
_CLAUSE_SPLIT: Final = re.compile(r" ?(?:,|:| - | but | however | although | though | whereas | yet ) ?")


@dataclass(frozen=True)
class _Clause:
    text: str
    offset: int  # of the clause in the normalised text
    sentence: str
    sentence_offset: int
    quoted: bool
    # Whether the text at the start of `text` is inside quotation marks (a quote may open in the stripped lead).
    quote_open: bool = False
    previous_sentence: str = ""  # the sentence before, for subjectless clauses ("took all my meds")


def _clauses(norm: str) -> Iterator[_Clause]:
    in_quote = False
    previous = ""
    for sentence_match in re.finditer(r"[^.!?;\n|]+", norm):
        sentence = sentence_match.group()
        base = sentence_match.start()
        if not sentence.strip(' "'):
            continue
        for clause_match in re.finditer(r"(?:(?! but | however | although | though | whereas | yet )[^,:])+", sentence):
            text = clause_match.group()
            quotes = text.count('"')
            quoted = in_quote or (quotes >= 2 and len(text.strip(' "')) < len(text) - 2)
            lead = len(text) - len(text.lstrip(' "'))
            quote_open = in_quote != (text[:lead].count('"') % 2 == 1)
            if quotes % 2 == 1:
                in_quote = not in_quote
            stripped = text.strip(' "')
            if len(stripped) < 2:
                continue
            yield _Clause(stripped, base + clause_match.start() + lead, sentence, base, quoted, quote_open, previous)
        previous = sentence.strip(' "')


_ADV: Final = (
    r"(?:(?:really|just|honestly|seriously|truly|literally|sometimes|often|still|actually|kind of|sort of|kinda|"
    r"almost|already|even|also|always|constantly|so|only|now|then|lately|secretly|genuinely|definitely|probably|"
    r"totally|badly|desperately|simply|fucking|freaking|frequently|occasionally|constantly|keep|kept|start|started|"
    r"starting|begin|began|beginning|end up|wind up|ending up) )*"
)
# First-person subject, or none at the start of a clause ("feeling suicidal tonight").
_I: Final = (
    r"(?:^|\bi )(?:(?:have|had|am|was|do|did|will|would|could|might|may|must|should|keep|kept|been|used to|"
    r"sometimes|still|often|always|really|just|honestly|(?P<neg>not|never|no longer|hardly|barely|ever)) )*"
)

_NEGATORS: Final = re.compile(
    r"\b(?:not|never|no|nor|without|nothing|nobody|none|neither|deny|denies|denied|zero|hardly|barely)\b"
)
_NEGATION_EXCEPTIONS: Final = re.compile(
    r"\b(?:can not stop|could not stop|not sure|not ready|not afraid|not scared|no one|nobody|not even|"
    r"do not know|did not know|no idea|not care|not caring|nothing left|no reason|no point|no way|no longer|"
    r"not anymore|no hope|not going to lie|not gonna lie|no matter|no choice|not worth|nothing matters)\b"
)
_HISTORICAL: Final = re.compile(
    r"\b(?:used to|use to|years ago|year ago|\d+ years|decades? ago|long time ago|long ago|back then|back in|"
    r"in the past|at one point|at one time|at that time|at the time|when i was|as a (?:teen|teenager|kid|child|"
    r"young)|in (?:high school|college|my teens|my twenties|19\d\d|20\d\d)|in (?:19|20)\d\d|no longer|not anymore|"
    r"any more|anymore|years back|once upon|several years|many years|after (?:my|the) (?:deployment|tour|divorce)|"
    r"(?:four|five|six|seven|eight|nine|ten|eleven|twelve|\d{2}|several|many) months ago|last year|"
    r"(?:survived|got through|got past|overcame|recovered|stopped|quit|clean for|sober for|free for))\b"
)
_RECENT: Final = re.compile(
    r"\b(?:last night|yesterday|today|tonight|this morning|this afternoon|this evening|this week|last week|"
    r"this month|last month|recently|lately|just now|right now|earlier|(?:a|one|two|three|few|couple of|couple|"
    r"\d) (?:days?|weeks?|hours?) ago|(?:one|two|three|a|1|2|3) months? ago|again|still|these days|currently|"
    r"at the moment|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|every day|everyday|"
    r"every night|all the time)\b"
)
_RECOVERY: Final = re.compile(
    r"\b(?:(?:i am|i have been|i feel|things are|life is|i am doing) (?:so |much |a lot |way )?(?:better|good|"
    r"great|well|okay|ok|happy|grateful|stable|safe)(?: now| these days| today)?|glad i (?:am still here|survived|"
    r"did not)|(?:got|getting|get|sought|found|seeking) (?:the )?help|in recovery|recovered|(?:clean|sober|free) "
    r"for|(?:\d+|a|two|three|many|several) (?:years?|months?) (?:clean|sober|free))\b"
)
_THIRD_PERSON: Final = re.compile(
    r"\b(?:he|she|they|him|her|them|his|hers|their|someone|somebody|anyone|anybody|people|person|friend|friends|"
    r"brother|sister|son|daughter|mom|mother|dad|father|wife|husband|partner|boyfriend|girlfriend|cousin|uncle|"
    r"aunt|grandfather|grandmother|grandpa|grandma|buddy|soldier|soldiers|veteran|veterans|vets|marine|marines|"
    r"sailor|airman|member|members|comrade|battle buddy|kid|kids|child|children|student|students|patient|"
    r"patients|colleague|coworker|neighbor|neighbour|guy|girl|man|woman|men|women|teen|teens|celebrity|actor|"
    r"singer|character|author|everyone|everybody|nobody|you|your|yourself|we|our|us|himself|herself|themselves)\b"
)
_FIRST_PERSON: Final = re.compile(r"\b(?:i|me|my|myself|mine)\b")
# A sentence whose subject is someone who takes things from or does things to the writer (police, medical staff).
# Deliberately narrow: "He left. Took all my pills" must still read as the writer acting.
_OTHER_SUBJECT: Final = re.compile(
    r"(?:they|(?:the )?(?:police|cops|officers?|doctors?|nurses?|medics|paramedics|staff|ems))\b"
)
_HYPOTHETICAL: Final = re.compile(
    r"\b(?:if i (?:ever |was |were |had |have |am |did |do |could |felt |feel |get |got )?|what if|imagine|"
    r"hypothetically|suppose|supposing|pretend|would you|should someone|if someone|if anyone|in case)\b"
)
_NEWS: Final = re.compile(
    r"\b(?:according to|article|study|studies|research|statistics|stats|rate|rates|percent|per day|a day|"
    r"report|reported|news|survey|awareness|prevention|hotline|lifeline|documentary|movie|film|song|lyrics|book|"
    r"novel|episode|show|series|ptsd awareness|22 a day)\b"
)

# Advice to or about someone else at risk: talking to "you" or about getting someone help.
_ADVICE: Final = re.compile(
    r"\b(?:if you (?:are|feel|have|know|or someone)|reach out|call (?:the |a )?(?:hotline|lifeline|988|crisis line|"
    r"veterans crisis line)|(?:you|they) (?:should|need to|can|could) (?:talk|call|reach|get help|seek)|"
    r"(?:help|helping|support|supporting|check on|checking on) (?:him|her|them|a friend|a buddy|your|others|"
    r"each other|someone)|warning signs|are you ok|you are not alone|stay strong|hang in there)\b"
)


# --------------------------------------------------------------------------------------------------------------
# Risk statements
# --------------------------------------------------------------------------------------------------------------

_DIE: Final = (
    r"(?:die|be dead|dead|not (?:be )?(?:alive|here|around|exist|existing|living)|disappear(?: forever)?|"
    r"(?:never |not )wake up|sleep forever|go to sleep (?:forever|and never wake up)|cease to exist|stop existing|"
    r"stop living|not exist|never (?:have )?been born|fall asleep and (?:never|not) wake up|be gone|end it all|"
    r"end everything|just end|vanish|be with (?:god|jesus)|go home to (?:god|jesus))"
)
_KILL_SELF: Final = (
    r"(?:kill|killing|kills|off|offing|end|ending|hang|hanging|shoot|shooting|drown|drowning|poison|poisoning|"
    r"stab|stabbing|suffocate|suffocating|electrocute|electrocuting|gas|gassing|starve|starving|burn|burning) "
    r"myself\b(?! (?:with work|laughing|at work|at the gym|to death at work))|"
    r"(?:take|taking|end|ending) (?:my|my own) life(?! back| seriously| in my| into| for granted)|"
    r"commit(?:ting)? suicide|end(?:ing)? it all|end(?:ing)? things|"
    r"suicide|blow(?:ing)? my (?:brains|head) (?:out|off)|put(?:ting)? (?:a|this|the) bullet (?:in|through) my|"
    r"eat(?:ing)? (?:my|a) (?:gun|bullet)|pull(?:ing)? the trigger|be(?:ing)? unalive|do(?:ing)? myself in|"
    r"put(?:ting)? (?:me|myself) out of (?:my|this) misery|end(?:ing)? (?:my|this) (?:pain|suffering) (?:for good|"
    r"forever|permanently)"
)
_METHOD: Final = (
    r"(?:(?:all|a bunch|a handful|bottle|bottles|box|enough|\d+) (?:of )?(?:my |the |these |those )?"
    r"(?:sleeping |pain |anxiety )?(?:pills|tablets|meds|medication|medications|painkillers|sleeping pills)|"
    r"(?:sleeping pills|painkillers|pills|tablets)|overdos(?:e|ed|ing)|\brope\b|\bnoose\b|hang(?:ing|ed)? myself|"
    r"(?:a |the |my )?(?:gun|pistol|rifle|shotgun|revolver|firearm|handgun|glock|9mm|\.45|45)(?= |$)|bullet|"
    r"pull(?:ing)? the trigger|shoot(?:ing)? myself|blow(?:ing)? my (?:brains|head)|"
    r"jump(?:ing)? (?:off|from|in front of) (?:a |the |my |this )?[a-z]+|"
    r"(?:step|walk|run)(?:ping|ing)? in front of (?:a |the )?(?:train|bus|car|truck|traffic)|"
    r"(?:bridge|roof|rooftop|ledge|cliff|train tracks|overpass|balcony)|razor(?:s| blades?)?|blades?|knife|"
    r"slit(?:ting)? my (?:wrists?|throat)|cut(?:ting)? (?:my )?(?:wrists?|throat|deep|deeper|vertically)|"
    r"bleach|antifreeze|poison|carbon monoxide|car exhaust|drown(?:ing)? myself|crash(?:ing)? my (?:car|truck)|"
    r"drive (?:my (?:car|truck) )?(?:off|into) (?:a |the )?[a-z]+|(?:gun|knife|blade|barrel|bullet|razor|"
    r"pistol|\d+) (?:to|at|in|against|into) my (?:head|temple|throat|mouth|brain|wrists?|chest))"
)

# Everyday phrases that stand for suicide when the text is about it ("I'm going to go through with it").
_EUPHEMISM: Final = (
    r"(?:go(?:ing)? through with it|get(?:ting)? it (?:all )?over with|finish(?:ing)? the job|do(?:ing)? myself in|"
    r"tak(?:e|ing) matters into my own hands|check(?:ing)? out (?:early|for good|permanently)|"
    r"(?:become|becoming|be) one of the (?:22|twenty two)|join(?:ing)? the (?:22|twenty two)|"
    r"put(?:ting)? (?:me|myself) out of (?:my|this) misery)"
)
# A method pictured as an act on oneself ("walk into the sea", "a belt around my neck").
_METHOD_ACT: Final = (
    r"(?:(?:walk|walking|swim|swimming|wade|wading|drive|driving|run|running|step|stepping|turn|turning|swerve|"
    r"swerving|jump|jumping) (?:out )?(?:into|in front of|off) (?:the |a |an |oncoming )?(?:water|sea|ocean|tide|lake|"
    r"river|traffic|train|truck|bus|cliff|bridge|roof|building|overpass)|"
    r"(?:drink|drinking|swallow|swallowing) (?:the |some |a bottle of )?(?:bleach|antifreeze|poison)|"
    r"(?:belt|rope|cord|noose|wire|cable) (?:around|round) my (?:neck|throat)|"
    r"(?:gun|barrel|pistol|muzzle|shotgun|rifle|revolver|45|9mm|glock) (?:to|at|in|against|into|under) my "
    r"(?:head|temple|throat|mouth|chin))"
)


@dataclass(frozen=True)
class _Pattern:
    signal: str
    regex: re.Pattern[str]
    # The pattern contains its own negation ("do not want to live"): a negator before it is not a denial.
    self_negating: bool = False
    # The pattern only counts when the sentence is already about suicide or self-harm.
    needs_context: bool = False
    # Tense handling: "thoughts" (present unless past-framed), "behaviour" (recent or past by time cues),
    # "self_harm", or "" (no tense handling).
    tense: str = ""
    # The pattern only counts when the whole text is about suicide or self-harm (for euphemisms such as "go through
    # with it", which are everyday phrases elsewhere).
    needs_text_context: bool = False
    # The pattern names no subject: it is someone else's when the clause names another person and not the writer.
    no_other_agent: bool = False
    # The pattern names no person at all ("self harm"): it counts only in a clause that mentions the writer.
    needs_first_person: bool = False
    # The pattern describes the writer's experience as over ("I have been there too"): always ideation_past.
    past: bool = False


def _p(signal: str, pattern: str, **kwargs: Any) -> _Pattern:
    return _Pattern(signal, re.compile(pattern), **kwargs)


_WANT: Final = (
    r"(?:want|wanted|wish|wished|would like|would rather|need|needed|long|longing|hope|hoping|pray|praying|"
    r"am ready|ready|deserve|should|just want|want so badly|crave|craving)"
)

_PATTERNS: Final[tuple[_Pattern, ...]] = (
    # --- in progress and means at hand (imminent when combined with intent)
    _p(
        "in_progress",
        _I + _ADV + r"(?:just |already )?(?:took|taken|swallowed|downed|had) (?:all|a bunch|a handful|a bottle|"
        r"bottles|the whole|every|enough|too many|\d+)(?: of)? (?:my |the |these |those )?(?:pills|tablets|meds|"
        r"medication|painkillers|sleeping pills)",
        tense="now",
    ),
    _p(
        "in_progress",
        _I + _ADV + r"(?:standing|sitting|am) (?:on|at) (?:the )?(?:edge|ledge|bridge|roof|rooftop|railing|tracks|"
        r"train tracks|cliff|balcony)",
    ),
    _p("in_progress", _I + _ADV + r"(?:doing it|going to do it|am going to kill myself|will do it) (?:right )?now"),
    _p("in_progress", r"\b(?:it is|it will be) (?:over|done) (?:soon|tonight|in (?:a few|an) (?:minutes|hours?))"),
    _p("in_progress", _I + r"am (?:bleeding (?:out|a lot|badly)|losing (?:a lot of )?blood)"),
    _p(
        "means_access",
        r"\b(?:the |my |a )?(?:gun|pistol|rifle|rope|noose|pills|knife|blade|razor)s? (?:is |are )?(?:in my hand|"
        r"next to me|in front of me|beside me|ready|loaded|on my lap|in my mouth|against my)",
        needs_context=True,
    ),
    _p(
        "means_access",
        _I + _ADV + r"(?:have|got|bought|loaded|am holding|holding|saved up|stockpiled|hoarded|collected) "
        r"(?:a |the |my |enough |all |some )?(?:gun|pistol|rope|noose|pills|bullets?|razor|blade|knife)s?"
        r"(?: (?:ready|here|loaded|with me|next to me|in my hand))",
        needs_context=True,
    ),
    # --- goodbye
    _p(
        "goodbye",
        r"\b(?:this (?:is|will be) my (?:last|final) (?:post|message|words|note|time)|my (?:last|final) "
        r"(?:post|message|words) (?:here|ever)|(?:goodbye|good bye|bye) (?:everyone|all|world|forever|cruel world|"
        r"my friends|friends|guys|everybody)|i (?:just )?(?:want|wanted) to say (?:goodbye|good bye|bye)|"
        r"by the time (?:you|anyone|someone|people) (?:read|reads|see|sees|find|finds) this|"
        r"(?:will not|am not going to) be (?:around|here|alive) (?:much longer|tomorrow|anymore|for long|"
        r"by morning|next week)|see you (?:all )?(?:on the other side|in the next life|in another life)|"
        r"(?:tell|let) my (?:family|mom|mum|dad|kids|wife|husband|parents|children|son|daughter) (?:that )?i "
        r"(?:love|loved|am sorry)|i will be going dark|this is (?:my )?goodbye|farewell (?:everyone|all|world))",
    ),
    # --- intent
    _p(
        "intent",
        _I + _ADV + r"(?:am going to|going to|am about to|about to|will|am planning to|planning to|plan to|intend to|"
        r"have decided to|decided to|made up my mind to|am finally going to|am gonna|am ready to|"
        r"am determined to|am doing|am getting ready to) "
        + _ADV
        + r"(?:"
        + _KILL_SELF
        + r"|overdose|hang myself|jump)",
    ),
    _p(
        "intent",
        _I + _ADV + r"(?:am going to|will|am about to|am finally going to|have decided to) (?:do it|end it|go "
        r"through with it)(?: (?:tonight|today|tomorrow|this weekend|soon|now))?",
        needs_context=True,
    ),
    # Wanting to die at a near, named time is an intention with a time frame, not a thought alone (C-SSRS 4).
    _p(
        "intent",
        _I
        + _ADV
        + r"(?:want to|wanna|need to|have to|am going to|gonna) "
        + _ADV
        + r"(?:"
        + _KILL_SELF
        + r"|die|end it(?: all)?) (?:tonight|today|right now|this (?:morning|afternoon|evening|weekend)|tomorrow|"
        r"in (?:a few|an|\d+) (?:minutes|hours?))\b",
    ),
    _p(
        "intent",
        r"\b(?:tonight is the night|today is the day|i have made (?:my|the) decision|my mind is made up|"
        r"i am done fighting|i am done trying|i have decided to go|i am not going to be here)",
        needs_context=True,
    ),
    # --- plan
    _p(
        "plan",
        _I + _ADV + r"(?:have|had|got|made|wrote|written|am writing|writing|finished|drafted|left) (?:a |the |my )?"
        r"(?:suicide note|goodbye (?:note|letter)s?|note for my (?:family|kids|wife|husband|parents)|"
        r"plan to (?:kill myself|end (?:it|my life)|die))",
    ),
    _p(
        "plan",
        _I + _ADV + r"(?:have|had|got|made|have made|worked out|figured out|know) (?:a |the |my |out )?(?:plan|"
        r"how (?:i will|i am going to|to) (?:do it|end it)|when (?:i will|i am going to) (?:do it|end it)|"
        r"where (?:i will|i am going to) (?:do it|end it)|the date|a date|the day)",
        needs_context=True,
    ),
    _p(
        "plan",
        _I + _ADV + r"(?:have been |am |been )?(?:saving up|stockpiling|hoarding|collecting|stocking up on|buying|"
        r"bought|researching|looked up|googled|googling|research) (?:my |the |enough |some |a )?(?:pills|meds|"
        r"medication|painkillers|rope|gun|pistol|bullets|ways to|how to|methods|lethal dose|"
        r"how many (?:pills|tablets))",
        needs_context=True,
    ),
    _p(
        "plan",
        _I
        + _ADV
        + r"(?:gave away|have given away|am giving away|giving away|started giving away) (?:all )?(?:my |of my )"
        r"(?:stuff|things|belongings|possessions|pets?|dog|cat|guns)",
    ),
    _p(
        "plan",
        _I + _ADV + r"(?:wrote|written|updated|made|finished) my (?:will|last will)",
        needs_context=True,
    ),
    # --- behaviour (attempts and preparatory acts)
    _p(
        "behaviour",
        _I + _ADV + r"(?:tried|attempted|try|attempt|survived|made) (?:to |at |an |my |a )?(?:suicide|kill myself|"
        r"killing myself|end my life|take my (?:own )?life|end it|end it all|hang myself|overdose|od|shoot "
        r"myself|suicide attempt|attempts? on my (?:own )?life|drown myself|jump)",
        tense="behaviour",
    ),
    _p(
        "behaviour",
        r"\bmy (?:first |second |third |last |latest |recent |most recent |previous |prior |\d+(?:st|nd|rd|th) )?"
        r"(?:suicide )?attempts?\b|\b(?:my|i survived (?:a|an|my)|after (?:my|an|a)) (?:suicide )?attempt",
        tense="behaviour",
        needs_context=True,
    ),
    _p(
        "behaviour",
        _I + _ADV + r"(?:overdosed|took an overdose|slit my wrists?|hanged myself|hung myself|shot myself|"
        r"jumped (?:off|from|in front of)|swallowed (?:a bottle|all|a bunch|a handful|too many))",
        tense="behaviour",
    ),
    _p(
        "behaviour",
        _I + _ADV + r"(?:was|got|been|ended up) (?:hospitali[sz]ed|admitted|committed|sectioned|baker acted|"
        r"put (?:on|in) (?:suicide watch|a psych ward|the psych ward|a mental ward|the mental ward)|in (?:the |a )?"
        r"(?:psych ward|mental ward|mental hospital|psych hospital)|on suicide watch)"
        r"(?: [a-z]+){0,4} (?:for|after|because) (?:trying|attempting|an attempt|attempts|my attempts?|overdosing|"
        r"being suicidal|suicidal|a suicide|suicide|cutting|self harm)",
        tense="behaviour",
    ),
    # --- active thoughts
    _p(
        "active_thoughts",
        _I + _ADV + r"(?:am|feel|feeling|have been|been|get|getting|got|become|becoming|was|felt|became|"
        r"go|went) " + _ADV + r"(?:very |so |really |extremely |a bit |a little |kind of |pretty |quite |"
        r"incredibly |increasingly |more |really really )?suicidal",
        tense="thoughts",
    ),
    _p(
        "active_thoughts",
        _I + _ADV + r"(?:have|had|am having|was having|been having|get|got|getting|keep getting|struggle with|"
        r"struggled with|struggling with|battle|battled|battling|deal with|dealt with|dealing with|fight|fought|"
        r"fighting|live with|lived with|living with|suffer from|suffered from|suffering from|experience|"
        r"experienced|experiencing) (?:with )?(?:a lot of |many |some |constant |daily |frequent |intrusive |"
        r"recurring |these |the |my )?(?:suicidal (?:thoughts|ideation|ideations|feelings|urges|tendencies|"
        r"thinking)|thoughts (?:of|about) (?:suicide|killing myself|ending (?:it|my life|things)|dying|death|"
        r"taking my (?:own )?life)|urges to (?:kill myself|die|end it))",
        tense="thoughts",
    ),
    _p(
        "active_thoughts",
        r"\bmy (?:suicidal (?:thoughts|ideation|feelings|urges|tendencies)|thoughts (?:of|about) suicide|"
        r"suicidality|depression and suicidal)",
        tense="thoughts",
    ),
    _p(
        "active_thoughts",
        _I + _ADV + r"(?:think|thought|thinking|am thinking|have been thinking|been thinking|keep thinking|"
        r"considered|consider|considering|contemplate|contemplating|contemplated|fantasi[sz]e|fantasi[sz]ing|"
        r"dream|dreaming|obsess|obsessing|plan|planning|planned|am tempted|tempted|wonder|wondering|toy with|"
        r"toying with|research|researching|think a lot|think constantly) " + _ADV + r"(?:about |of |to )?"
        r"(?:how to |ways to |just )?(?:suicide|killing myself|kill myself|ending (?:it|it all|my life|things|"
        r"everything)|taking my (?:own )?life|offing myself|not being here|not being alive|being dead|"
        r"hanging myself|shooting myself|overdosing|doing it|jumping|(?:taking|swallowing) (?:all|a bunch|a handful|"
        r"every one|the rest) (?:of )?(?:my |the )?(?:pills|tablets|meds|painkillers)|"
        r"(?:hurting|harming|cutting|injuring) myself|" + _EUPHEMISM + r"|" + _METHOD_ACT + r")",
        tense="thoughts",
    ),
    _p(
        "active_thoughts",
        _I + _ADV + r"(?:" + _WANT + r"|could|would|might|may|feel like|am tempted to|tempted to|am going to|"
        r"urge to|urges to|thought of|thought about) "
        + _ADV
        + r"(?:to )?(?:just )?(?:go |going )?(?:"
        + _KILL_SELF
        + r")",
        tense="thoughts",
    ),
    _p(
        "active_thoughts",
        r"\b(?:suicide|killing myself|ending it all) (?:is|seems|sounds) (?:like )?(?:the only|my "
        r"only|the best|a good|an) (?:way|option|answer|choice|solution|escape|way out)",
        tense="thoughts",
    ),
    _p(
        "active_thoughts",
        r"\b(?:the )?(?:thought|thoughts|idea) of (?:suicide|killing myself|ending it) "
        r"(?:is|are|keeps|keep|has been|have been|comforts|comfort)",
        tense="thoughts",
    ),
    # --- wish to be dead
    _p(
        "wish_dead",
        _I + _ADV + r"(?:" + _WANT + r") " + _ADV + r"(?:to |that i (?:could |would |was |were |had )?|i (?:could |"
        r"would |was |were |had )?|for )?" + _ADV + r"(?:to )?(?:" + _DIE + r")(?! (?:of|from|laughing|for (?:a|the|"
        r"this|that|some)|to see|my hair))",
        tense="thoughts",
    ),
    _p(
        "wish_dead",
        _I
        + _ADV
        + r"(?:do not|did not|no longer|never|dont|really do not|just do not|am not sure i) "
        + _ADV
        + r"(?:want|wanna|wish|care) (?:to )?(?:live|be alive|exist|wake up|be here|be around|go on|continue|"
        r"keep going|keep living|continue living|see tomorrow|see another day|be in this world)",
        self_negating=True,
        tense="thoughts",
    ),
    _p(
        "wish_dead",
        r"\b(?:better off dead|rather be dead|would rather die|(?:would|will) be better off without me|better off "
        r"without me|world (?:would|will) be (?:a )?better (?:place )?without me|nobody would (?:miss|notice|care) "
        r"(?:me )?if i (?:died|was gone|were gone|disappeared|was dead)|no one would (?:miss|notice|care) (?:me )?if "
        r"i (?:died|was gone|were gone|disappeared|was dead)|(?:would not|do not|wouldn't) mind (?:dying|being dead|"
        r"not waking up|if i died)|death (?:would be|sounds|seems|feels) (?:like )?(?:a relief|peaceful|better|"
        r"nice|easier|welcome|like the only)|(?:tired|sick) of (?:living|being alive|life|existing|being here)|"
        r"(?:i|me) (?:just )?(?:want|wish) (?:it|everything|all of this|this|life|it all) to (?:end|be over|stop)|"
        r"let me die|take me (?:now|away|home)|i hope i (?:die|do not wake up|never wake up)|"
        r"(?:why|what is the point of) (?:am i|being) (?:still )?alive|i am (?:so )?done with (?:life|living|"
        r"everything|it all|this life|existing))",
        tense="thoughts",
    ),
    # --- euphemisms and indirect statements (Suicide Risk Lexicon: passive ideation, burdensomeness, entrapment)
    _p(
        "intent",
        _I + _ADV + r"(?:am going to|going to|am about to|will|am planning to|planning to|plan to|intend to|"
        r"have decided to|decided to|am gonna|am ready to|am sure i am going to|know i will) " + _ADV + _EUPHEMISM,
        needs_text_context=True,
    ),
    _p(
        "active_thoughts",
        r"\b(?:" + _METHOD_ACT + r"|suck(?:ing)? on (?:a |the |my )?(?:end of (?:a |the |my )?)?(?:shotgun|gun|barrel|"
        r"pistol|rifle|revolver))",
        tense="thoughts",
        no_other_agent=True,
    ),
    _p(
        "active_thoughts",
        r"\b(?:easier|simpler|quicker|cheaper) (?:for me )?(?:to|if i) (?:just )?(?:go |would )?(?:"
        + _KILL_SELF
        + r"|end it|"
        + _EUPHEMISM
        + r")",
        tense="thoughts",
        no_other_agent=True,
    ),
    _p(
        "active_thoughts",
        r"\b(?:dying|death|suicide|killing myself|ending it|ending my life|taking my (?:own )?life) (?:is|has been|"
        r"was) (?:always |constantly |never far |often |still )?(?:on|in|from) my mind",
        tense="thoughts",
    ),
    _p(
        "active_thoughts",
        r"\bas (?:someone|a person|one|somebody|a (?:vet|veteran|soldier)) who (?:has |have |had |is |was )?(?:been )?"
        r"(?:(?:deals?|dealt|dealing|struggles?|struggled|struggling|lives?|lived|living|suffers?|suffered|suffering|"
        r"battles?|battled|battling|fights?|fought|fighting|copes?|coped|coping) with )?(?:suicidal(?: (?:thoughts|"
        r"ideation|feelings|urges))?|(?:attempted|tried) suicide|survived (?:a |an |my )?(?:suicide )?attempt)",
        tense="thoughts",
        no_other_agent=False,
    ),
    _p(
        "active_thoughts",
        r"\b(?:those of us|many of us|most of us|some of us|all of us|us) (?:who|that) (?:have|had|are|were|get|"
        r"got)(?: been)? (?:suicidal|(?:attempted|tried) suicide)",
        tense="thoughts",
    ),
    _p(
        "active_thoughts",
        _I + _ADV + r"(?:act|acted|acting|almost acted|nearly acted) on (?:it|them|these thoughts|those thoughts|my "
        r"thoughts|the urges?|my urges?|the thoughts)",
        needs_text_context=True,
        tense="thoughts",
    ),
    _p(
        "wish_dead",
        r"\b(?:want|wanted|wish|wished|pray|prayed|praying|hope|hoping|ask|asked|asking|beg|begged|begging) "
        r"(?:for )?god to (?:just )?(?:take (?:me|my life)|let me die|end (?:it|my life))",
        tense="thoughts",
    ),
    _p(
        "wish_dead",
        _I + _ADV + r"(?:do not|did not|can not|could not|no longer) (?:see|imagine|picture) (?:my life going on|"
        r"(?:myself|me) (?:living|being alive|being here|alive|here) (?:much )?(?:longer|next year|in a year)|"
        r"a future for (?:myself|me))",
        self_negating=True,
        tense="thoughts",
    ),
    _p(
        "wish_dead",
        r"\b(?:how (?:do|can|would) i (?:start |ever )?(?:want|wanting) to (?:live|be alive|stay alive)|i (?:wonder|"
        r"am wondering|keep wondering|ask myself) (?:if|whether|why) i (?:should|even want to|want to) (?:keep "
        r"living|keep going|go on|stay alive|live|be alive|bother living)|i (?:do not|did not) (?:deserve|think i "
        r"deserve) to (?:live|be alive|be here)|"
        r"(?:why|how) (?:did|do) i (?:get to )?(?:survive|keep living))",
        self_negating=True,
        tense="thoughts",
    ),
    _p(
        "hopelessness",
        r"\b(?:nobody|no one|not anybody|not anyone|anybody|anyone) (?:would|will) (?:even |really |ever )?(?:miss|"
        r"notice|care about) me|would (?:anyone|anybody) (?:even |really )?(?:miss|notice|care about) me",
        self_negating=True,
    ),
    _p(
        "behaviour",
        _I + _ADV + r"(?:came|come|got|get|have come|had come|was) (?:so |very |really |pretty )?close to (?:doing "
        r"it|ending it|killing myself|suicide|taking my (?:own )?life|pulling the trigger|acting on (?:it|them)|"
        r"going through with it|ending my life)",
        tense="behaviour",
    ),
    _p(
        "behaviour",
        _I + _ADV + r"(?:have |had )?(?:almost |nearly )?(?:attempted(?: (?:once|twice|before|again|several times|"
        r"many times|a few times|a couple (?:of )?times|more than once|multiple times))?|tried (?:once|twice|several "
        r"times|a few times|a couple (?:of )?times|more than once|multiple times))"
        r"(?= ?$| but| and| so| because| in \d)",
        tense="behaviour",
        needs_text_context=True,
    ),
    _p(
        "behaviour",
        _I + _ADV + r"(?:almost|nearly) (?:did it|went through with it|ended it|killed myself|took my (?:own )?life)",
        tense="behaviour",
        needs_text_context=True,
    ),
    _p(
        "ideation_past",
        _I + _ADV + r"(?:have been|been) (?:there|in that (?:place|spot|position)|to that (?:place|point)|"
        r"down that (?:road|path))(?: (?:too|myself|before|as well))?",
        needs_text_context=True,
        past=True,
    ),
    _p(
        "ideation_past",
        r"\b(?:what|who|the only thing that|the only reason i did not|which) (?:kept|keeps|stopped|stops|saved) me "
        r"(?:from )?(?:doing it|killing myself|ending it|going through with it|pulling the trigger|acting on it)",
        needs_text_context=True,
        past=True,
    ),
    _p(
        "active_thoughts",
        r"\bi know what it is like to (?:want to (?:die|kill myself|end it|not be here|not exist)|feel suicidal|be "
        r"suicidal|think about (?:suicide|killing myself|ending it))",
        past=True,
    ),
    # --- self-harm
    _p(
        "self_harm",
        _I + _ADV + r"(?!scratch(?:ed|ing)? my head)(?:cut|cuts|cutting|burn|burned|burnt|burning|carve|carved|carving|"
        r"scratch|scratched|scratching|hit|hitting|punch|punched|punching|bang|banged|banging|hurt|hurting|harm|harmed|harming|"
        r"injure|injured|injuring|bruise|bruised|bite|bit|biting|starve|starved|starving) " + _ADV + r"(?:myself|"
        r"my (?:arms?|wrists?|legs?|thighs?|skin|stomach|body|hips?|hands?|head))"
        r"(?! (?:at work|at the gym|playing|lifting|by accident|accidentally|running|shaving|cooking|on the|in the))",
        tense="self_harm",
    ),
    _p(
        "self_harm",
        _I + _ADV + r"(?:self harm|self harmed|self harming|relapsed|relapse|self injure|self injured|"
        r"have self harmed|engage in self harm|struggle with self harm|struggled with self harm|"
        r"have (?:a |an )?(?:self harm|cutting) (?:problem|addiction|habit))"
        r"(?! (?:is|was|are|can|could|has|had|among|rates?|awareness|and suicide|prevention|in (?:teens|young|"
        r"children|adolescents|the)))",
        tense="self_harm",
        needs_context=True,
    ),
    _p(
        "self_harm",
        r"\bmy (?:self harm|cutting|cuts|scars|self harm scars|wounds|burns)\b|\b(?:urges?|want|wanting|need|"
        r"needing|itching|craving) to (?:cut|self harm|hurt myself|harm myself|burn myself)",
        tense="self_harm",
    ),
    _p("self_harm", r"\bself harm(?:ing)?\b", tense="self_harm", needs_first_person=True),
    # --- hopelessness
    _p(
        "hopelessness",
        _I + _ADV + r"(?:can not|could not|can no longer|am unable to|am not able to) " + _ADV + r"(?:do this|"
        r"take (?:it|this|the pain)|go on|keep going|keep doing this|live like this|bear (?:it|this)|continue|"
        r"handle (?:it|this|life)|cope|deal with (?:it|this|life)|carry on|keep fighting|fight (?:it|this) "
        r"(?:anymore|any longer)|hold on|survive this)(?: any ?more| any longer| much longer| for much longer)?"
        r"(?= ?$| any ?more| any longer| much longer| for much longer)",
        self_negating=True,
    ),
    _p(
        "hopelessness",
        r"\b(?:no (?:point|reason) (?:in |to )?(?:living|going on|being alive|life|existing|trying anymore|"
        r"carrying on|anything anymore|in anything)|nothing (?:left )?to live for|no reason to live|no way out|"
        r"(?:there is )?no hope (?:left|for me)|i (?:am|feel) (?:so |completely |utterly |totally )?(?:hopeless|"
        r"trapped|worthless and hopeless)|life is (?:pointless|meaningless|not worth (?:living|it))|not worth "
        r"living|i (?:have )?(?:give|gave|given) up on (?:life|living|everything|myself)|nothing will ever (?:get "
        r"better|change)|it will never get better|i am a burden|i am such a burden|i am nothing but a burden|"
        r"everyone would be happier without me|i have nothing left)",
        self_negating=True,
    ),
)

# Sentences "about" suicide or self-harm, for patterns that are ambiguous alone ("I have a plan").
_CONTEXT: Final = re.compile(
    r"\b(?:suicide|suicidal|kill myself|killing myself|end my life|end it all|die|dying|dead|death|overdose|"
    r"self harm|cut myself|cutting|hurt myself|take my (?:own )?life|goodbye|not be here|pills|gun|rope|noose|"
    r"end it|do it|jump|trigger|bullet|live|living|alive|wrists?)\b"
)
# Texts about suicide or self-harm at all, for euphemisms that are everyday phrases elsewhere.
_TEXT_CONTEXT: Final = re.compile(
    r"\b(?:suicide|suicidal|suicides|kill myself|killing myself|kill themselves|end my life|ending my life|take my "
    r"(?:own )?life|taking my (?:own )?life|self harm|overdose|overdosed|want to die|wanted to die|wish i was dead|"
    r"better off dead|end it all|ending it all|(?:do|did) not want to (?:live|be alive|be here)|attempts?|"
    r"attempted|the 22|twenty two a day|22 a day|ideation|ideations)\b"
)
_GENERIC_TERMS: Final = re.compile(
    r"\b(?:suicide|suicides|suicidal|kill (?:him|her)self|killed (?:him|her|them)sel(?:f|ves)|took (?:his|her|"
    r"their) (?:own )?lives?|died by suicide|committed suicide|overdose|overdosed|self harm|hanged|want to die)\b"
)
_PAST_VERB: Final = re.compile(
    r"\b(?:was|were|felt|had|wanted|thought|wished|became|got|used to|tried|attempted|considered|contemplated|"
    r"went through|struggled|battled|dealt|suffered|fought|did)\b"
)


@dataclass(frozen=True)
class _Hit:
    signal: str
    start: int  # in the normalised text
    end: int
    framing: str  # "" when the writer's own present risk, else negated/third_person/hypothetical/quoted/past


def _framing(clause: _Clause, pattern: _Pattern, match: re.Match[str]) -> str:  # noqa: PLR0911
    start, end = match.start(), match.end()
    before = clause.text[:start]
    window = " ".join(before.split()[-6:])
    if clause.quoted or clause.quote_open != (before.count('"') % 2 == 1):
        return "quoted"
    if _HYPOTHETICAL.search(window) and not re.search(r"\bif i (?:do not|can not|don't)\b", window):
        return "hypothetical"
    # A subjectless clause continues the previous sentence's subject: "the police came. took all my meds".
    subjectless = start == 0 and clause.offset - clause.sentence_offset <= 2 and not match.group().startswith("i ")
    if subjectless and _OTHER_SUBJECT.match(clause.previous_sentence):
        return "third_person"
    if pattern.no_other_agent and not re.search(r"\bi\b", before) and set(before.split()) - _FILLER:
        # Someone else is the subject ("the robber held a gun to my head").
        return "third_person"
    if pattern.needs_first_person and not _FIRST_PERSON.search(clause.text):
        return "third_person"
    if not pattern.self_negating:
        if _NEGATORS.search(window) and not _NEGATION_EXCEPTIONS.search(window):
            return "negated"
        if "neg" in match.re.groupindex and match.group("neg"):
            # The group keeps only its last repetition: "i do not ever want to" ends on "ever", so read the whole
            # subject prefix up to it.
            prefix = match.string[match.start() : match.end("neg")]
            if re.search(r"\b(?:not|never|no longer|hardly|barely)\b", prefix):
                return "negated"
    after = clause.text[end : end + 40]
    if re.match(r" ?(?:no more|any ?more|never again)\b", after) and not pattern.self_negating:
        # "I don't want to die anymore" is caught above; "suicidal no more" is recovery.
        return "past"
    return ""


def _tense(clause: _Clause, pattern: _Pattern, matched: str, present_elsewhere: bool) -> str:  # noqa: PLR0911
    """'present', 'recent' or 'past' for a match, from cues in its clause and sentence."""
    if pattern.tense == "":
        return "present"
    sentence = clause.sentence
    clause_text = clause.text
    if pattern.self_negating:
        # "I don't want to live anymore" is present: "anymore" belongs to the statement, not to its time.
        clause_text = re.sub(r"\b(?:any ?more|no longer|not anymore)\b", "", clause_text)
    historical = bool(_HISTORICAL.search(clause_text))
    recent = bool(_RECENT.search(sentence))
    if pattern.tense == "behaviour":
        if recent and not historical:
            return "recent"
        if historical or _HISTORICAL.search(sentence):
            return "past"
        return "recent" if present_elsewhere else "past"
    # Only the subject and verb decide ("I was suicidal" is past, "I wish I was dead" is not).
    head = " ".join(matched.split()[:3])
    past_verb = bool(_PAST_VERB.search(head)) or bool(re.search(r"\bused to\b", clause_text))
    if historical and not (recent and not re.search(r"\b(?:used to|years ago|when i was)\b", clause_text)):
        return "past"
    if past_verb and not recent:
        return "past"
    return "present"


@dataclass(frozen=True)
class _Analysis:
    hits: tuple[_Hit, ...]
    method_spans: tuple[tuple[int, int], ...]  # normalised offsets
    generic_terms: int  # suicide-related words not in a first-person statement
    third_person_mentions: int
    recovery: bool
    norm: Normalised
    about_suicide: bool = False  # the text mentions suicide, self-harm or wanting to die anywhere


def _analyse(text: str) -> _Analysis:  # noqa: PLR0912 - one pass over clauses per kind of finding
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - TAIL_CHARS] + "\n" + text[-TAIL_CHARS:]
    norm = normalise(text)
    clauses = list(_clauses(norm.text))
    raw_hits: list[tuple[_Clause, _Pattern, re.Match[str]]] = []
    text_context = bool(_TEXT_CONTEXT.search(norm.text))
    for clause in clauses:
        in_context = bool(_CONTEXT.search(clause.sentence))
        for pattern in _PATTERNS:
            if (pattern.needs_context and not in_context) or (pattern.needs_text_context and not text_context):
                continue
            for match in pattern.regex.finditer(clause.text):
                raw_hits.append((clause, pattern, match))

    present_thoughts = any(
        p.signal in {"active_thoughts", "wish_dead"}
        and _framing(c, p, m) == ""
        and _tense(c, p, m.group(), False) == "present"
        for c, p, m in raw_hits
    )
    hits: list[_Hit] = []
    for clause, pattern, match in raw_hits:
        framing = _framing(clause, pattern, match)
        signal = pattern.signal
        if not framing:
            tense = _tense(clause, pattern, match.group(), present_thoughts)
            if pattern.past:
                signal = "ideation_past"
            elif pattern.tense == "behaviour":
                signal = "behaviour_recent" if tense == "recent" else "behaviour_past"
            elif pattern.tense == "thoughts" and tense == "past":
                signal = "ideation_past"
            elif pattern.tense == "self_harm" and tense == "past":
                signal = "self_harm_past"
        elif pattern.tense == "behaviour":
            signal = "behaviour_past"
        start = clause.offset + match.start()
        hits.append(_Hit(signal, start, start + match.end() - match.start(), framing))

    hits += _denials(clauses, hits)

    # Method details are hidden whoever they concern (safe messaging), but only in sentences about suicide or
    # self-harm, so that "I take my pills every morning" is left alone.
    method_spans: list[tuple[int, int]] = []
    hit_starts = [clause.offset + match.start() for clause, _, match in raw_hits]
    for clause in clauses:
        sentence_start = clause.sentence_offset
        sentence_end = sentence_start + len(clause.sentence)
        about_risk = _GENERIC_TERMS.search(clause.sentence) or any(
            sentence_start <= s < sentence_end for s in hit_starts
        )
        if not about_risk:
            continue
        for match in _METHOD_RE.finditer(clause.text):
            start = clause.offset + match.start()
            method_spans.append((start, start + match.end() - match.start()))
    # Method as a signal: a method in the same clause as the writer's own present risk statement.
    present = [
        h for h in hits if not h.framing and h.signal not in {"ideation_past", "self_harm_past", "behaviour_past"}
    ]
    for clause in clauses:
        lo, hi = clause.offset, clause.offset + len(clause.text)
        if any(lo <= h.start < hi for h in present) and _METHOD_RE.search(clause.text):
            hits.append(_Hit("method", lo, hi, ""))

    generic = 0
    third = 0
    for clause in clauses:
        for match in _GENERIC_TERMS.finditer(clause.text):
            start = clause.offset + match.start()
            if any(h.start <= start < h.end for h in hits):
                continue
            generic += 1
            if _THIRD_PERSON.search(clause.text) and not _FIRST_PERSON.search(clause.text):
                third += 1
    return _Analysis(
        tuple(hits),
        _merge(method_spans),
        generic,
        third,
        bool(_RECOVERY.search(norm.text)),
        norm,
        text_context,
    )


_METHOD_RE: Final = re.compile(_METHOD)
_DENIABLE: Final = re.compile(
    r"\b(?:" + _KILL_SELF + r"|suicidal|die|dying|be dead|(?:hurt|harm|cut)(?:ing)? myself|self harm(?:ing)?)\b"
)
_DENIAL: Final = re.compile(r"\b(?:not|never|no longer|hardly|barely)\b")
_DENIAL_BREAK: Final = re.compile(r"\b(?:and|but|so|because|until|unless|if|when|or|then)\b")


def _denials(clauses: list[_Clause], hits: list[_Hit]) -> list[_Hit]:
    """Denials the statement patterns do not spell out ("I would never just kill myself", "I shouldn't kill
    myself"): a risk phrase with a negator shortly before it in the same clause and no conjunction between. They
    are never signals; they tell the model and the moderator that this risk language is denied."""
    found: list[_Hit] = []
    for clause in clauses:
        for match in _DENIABLE.finditer(clause.text):
            start = clause.offset + match.start()
            end = start + len(match.group())
            if any(h.start < end and start < h.end for h in hits):
                continue
            window = " ".join(clause.text[: match.start()].split()[-6:])
            negators = list(_DENIAL.finditer(window))
            if not negators or _NEGATION_EXCEPTIONS.search(window):
                continue
            if _DENIAL_BREAK.search(window[negators[-1].end() :]):
                continue
            found.append(_Hit("active_thoughts", start, end, "negated"))
    return found


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


# --------------------------------------------------------------------------------------------------------------
# Features and model
# --------------------------------------------------------------------------------------------------------------


def _ngrams(words: list[str]) -> Iterator[str]:
    for i, word in enumerate(words):
        yield word
        if i + 1 < len(words):
            yield f"{word} {words[i + 1]}"


def _features_from(analysis: _Analysis, lexicon: _Lexicon) -> _Features:  # noqa: PLR0912, PLR0915 - one pass per clause
    """Text-level features (rule signals and framings, lexicon constructs split by framing) and, per sentence,
    the sentence model's features (negation-marked word n-grams and person-scoped lexicon constructs)."""
    features: dict[str, float] = {}
    present: set[str] = set()
    for hit in analysis.hits:
        if hit.framing:
            key = f"framed:{hit.framing}"
            features[key] = features.get(key, 0.0) + 1.0
        else:
            present.add(hit.signal)
    for signal in present:
        features[f"signal:{signal}"] = 1.0
    if analysis.generic_terms:
        features["generic_terms"] = float(analysis.generic_terms)
    if analysis.third_person_mentions:
        features["third_person_terms"] = float(analysis.third_person_mentions)
    if analysis.method_spans:
        features["method_mentions"] = float(len(analysis.method_spans))

    words = [w for w in analysis.norm.text.split(" ") if w]
    n_words = max(len(words), 1)
    first = sum(1 for w in words if w in _FIRST_WORDS)
    for construct, count in lexicon.count(words).items():
        features[f"lex:{construct}"] = float(count)

    hit_starts = [h.start for h in analysis.hits]
    sentences: dict[int, dict[str, float]] = {}
    risk_sentences: set[int] = set()
    norm_text = analysis.norm.text
    # Means and despair words in a text that never mentions suicide (a gun review, a hard week) are a different
    # feature from the same words in a text about suicide.
    context = "" if analysis.about_suicide else "x"
    for clause in _clauses(norm_text):
        clause_words = [w for w in clause.text.split(" ") if w]
        sentence = sentences.setdefault(clause.sentence_offset, {})
        for gram in _ngrams(_mark_negation(clause_words)):
            sentence[f"w:{gram}"] = 1.0
        frame = _clause_frame(clause.text)
        end = clause.sentence_offset + len(clause.sentence)
        question = norm_text[end : end + 1] == "?"
        risky = bool(_GENERIC_TERMS.search(clause.text)) or any(
            clause.offset <= s < clause.offset + len(clause.text) for s in hit_starts
        )
        for i, n, constructs in lexicon.find(clause_words):
            if _RISK_CONSTRUCTS.isdisjoint(constructs):
                for construct in constructs:
                    _add(features, f"lxf:{construct}:{frame}")
                    sentence[f"lx:{construct}"] = 1.0
                continue
            risky = True
            scope = _term_scope(clause_words, i, n) + context
            for construct in constructs:
                _add(features, f"lxf:{construct}:{frame}")
                _add(features, f"lxa:{construct}:{scope}")
                sentence[f"lxa:{construct}:{scope.replace('h', '')}"] = 1.0
            _add(features, f"ag:{scope}")
            sentence[f"ag:{scope.replace('h', '')}"] = 1.0
        if risky:
            risk_sentences.add(clause.sentence_offset)
            _add(features, f"riskclause:{frame}")
            if question:
                # Asking about suicide ("is it normal to...?", "how do I help him?") rather than stating it.
                _add(features, f"riskquestion:{frame}")
                sentence["riskquestion"] = 1.0

    news = len(_NEWS.findall(norm_text))
    if news:
        features["informational_terms"] = float(news)
    advice = len(_ADVICE.findall(norm_text))
    if advice:
        features["advice_terms"] = float(advice)
    for name in list(features):
        if not name.startswith("signal:"):
            features[name] = math.log1p(features[name])
    if analysis.recovery:
        features["recovery"] = 1.0
    features["log_length"] = math.log1p(n_words) / 8.0
    features["first_person_rate"] = min(first / n_words * 10.0, 3.0)
    features["n_risk_sentences"] = math.log1p(len(risk_sentences))
    if not risk_sentences:
        features["no_risk_sentence"] = 1.0
    return _Features(features, tuple(sentences.values()) or ({},))


def _add(features: dict[str, float], name: str) -> None:
    features[name] = features.get(name, 0.0) + 1.0


# Suicide Risk Lexicon constructs that describe suicidal thoughts, behaviour, means or exposure, or the closest risk
# factors; their terms are scoped to a person (who is at risk?) rather than to a clause.
_RISK_CONSTRUCTS: Final = frozenset(
    {
        "Active suicidal ideation & suicidal planning",
        "Passive suicidal ideation",
        "Other suicidal language",
        "Direct self-injury",
        "Lethal means for suicide",
        "Suicide exposure",
        "Hopelessness",
        "Burdensomeness",
        "Entrapment & desire to escape",
    }
)
_FIRST_WORDS: Final = frozenset({"i", "me", "my", "myself", "mine"})
_GROUP_WORDS: Final = frozenset({"we", "us", "our", "ourselves"})
_SECOND_WORDS: Final = frozenset({"you", "your", "yourself", "yourselves"})
_OTHER_WORDS: Final = frozenset(
    {
        "he", "she", "they", "him", "her", "them", "his", "hers", "their", "himself", "herself", "themselves",
        "who", "whom", "someone", "somebody", "anyone", "anybody", "people", "person", "friend", "friends",
        "brother", "sister", "son", "daughter", "mom", "mother", "dad", "father", "wife", "husband", "partner",
        "boyfriend", "girlfriend", "cousin", "uncle", "aunt", "buddy", "buddies", "soldier", "soldiers", "veteran",
        "veterans", "vets", "vet", "marine", "marines", "sailor", "airman", "member", "members", "sm", "sms",
        "troops", "comrade", "kid", "kids", "child", "children", "guy", "guys", "man", "woman", "men", "women",
        "everyone", "everybody", "nobody", "those", "others", "family", "individual", "individuals",
        "servicemember", "servicemembers", "patient", "patients",
    }
)  # fmt: skip
_WINDOW_NEGATORS: Final = frozenset(
    {"not", "never", "no", "nor", "without", "nothing", "nobody", "none", "neither", "hardly", "barely", "too"}
)
_WINDOW_PAST: Final = frozenset(
    {
        "was", "were", "had", "did", "tried", "attempted", "thought", "felt", "wanted", "considered",
        "contemplated", "used", "went", "became", "got", "been", "ago", "survived", "struggled", "years",
    }
)  # fmt: skip
_WINDOW_HYPOTHETICAL: Final = frozenset({"if", "would", "could", "should", "might", "whether"})


def _clause_frame(text: str) -> str:
    """Who a clause is about and how: i(first person) / o(ther person) / z(none), plus n(egated), p(ast),
    h(ypothetical)."""
    person = "i" if _FIRST_PERSON.search(text) else ("o" if _THIRD_PERSON.search(text) else "z")
    negated = bool(_NEGATORS.search(text)) and not _NEGATION_EXCEPTIONS.search(text)
    past = bool(_HISTORICAL.search(text)) or bool(_PAST_VERB.search(text))
    return person + ("n" if negated else "") + ("p" if past else "") + ("h" if _HYPOTHETICAL.search(text) else "")


def _term_scope(words: list[str], i: int, n: int) -> str:
    """Framing of one lexicon term at words[i:i+n]: whose it is (the nearest person word before it, up to eight
    words back: i / w(e) / y(ou) / o(ther) / z(none)), then n(egated), p(ast), h(ypothetical) from the six words
    before it."""
    term = words[i : i + n]
    if any(w in _FIRST_WORDS for w in term):
        agent = "i"
    elif any(w in _OTHER_WORDS for w in term):
        agent = "o"
    else:
        agent = "z"
        for word in reversed(words[max(0, i - 8) : i]):
            if word in _FIRST_WORDS:
                agent = "i"
            elif word in _GROUP_WORDS:
                agent = "w"
            elif word in _SECOND_WORDS:
                agent = "y"
            elif word in _OTHER_WORDS:
                agent = "o"
            else:
                continue
            break
    window = words[max(0, i - 6) : i]
    negated = any(w in _WINDOW_NEGATORS for w in window)
    past = any(w in _WINDOW_PAST for w in window) or any(w in _WINDOW_PAST for w in term)
    hypothetical = any(w in _WINDOW_HYPOTHETICAL for w in window)
    return agent + ("n" if negated else "") + ("p" if past else "") + ("h" if hypothetical else "")


# Words that can stand before a subjectless risk phrase without naming anyone ("it would be easier to ...").
_FILLER: Final = frozenset(
    {
        "it", "that", "this", "would", "will", "could", "be", "is", "was", "just", "maybe", "sometimes", "seems",
        "feels", "like", "so", "much", "a", "lot", "way", "honestly", "really", "and", "then", "now", "even",
        "probably", "definitely", "some", "nights", "days", "often", "still", "to", "or",
    }
)  # fmt: skip
_SCOPE_NEGATORS: Final = frozenset({"not", "never", "no", "nor", "without"})
_SCOPE_ENDS: Final = frozenset({".", ",", "!", "?", ";", ":", "but", "\n", "|", "however", "because"})


def _mark_negation(words: list[str]) -> list[str]:
    """Prefix words in a negation's scope (up to the end of the clause) with "~", so "want to die" after "not"
    is a different feature from "want to die"."""
    out: list[str] = []
    negated = False
    for word in words:
        if word in _SCOPE_ENDS:
            negated = False
            out.append(word)
        elif word in _SCOPE_NEGATORS:
            negated = True
            out.append(word)
        else:
            out.append("~" + word if negated else word)
    return out


class _Lexicon:
    """Suicide Risk Lexicon terms (Low et al., Apache-2.0), matched as whole normalised word sequences."""

    def __init__(self, constructs: Mapping[str, list[str]]) -> None:
        self._terms: dict[str, list[str]] = {}
        self._max_len = 1
        for construct, terms in constructs.items():
            for term in terms:
                words = normalise(term).text
                if not words:
                    continue
                self._terms.setdefault(words, []).append(construct)
                self._max_len = max(self._max_len, words.count(" ") + 1)

    def count(self, words: list[str]) -> dict[str, int]:
        """Every term occurrence, overlapping ones included, counted per construct."""
        counts: dict[str, int] = {}
        terms = self._terms
        for i in range(len(words)):
            for n in range(1, self._max_len + 1):
                if i + n > len(words):
                    break
                key = words[i] if n == 1 else " ".join(words[i : i + n])
                for construct in terms.get(key, ()):
                    counts[construct] = counts.get(construct, 0) + 1
        return counts

    def find(self, words: list[str]) -> list[tuple[int, int, list[str]]]:
        """The longest term starting at each word: (start, length, constructs)."""
        found: list[tuple[int, int, list[str]]] = []
        terms = self._terms
        for i in range(len(words)):
            for n in range(min(self._max_len, len(words) - i), 0, -1):
                constructs = terms.get(words[i] if n == 1 else " ".join(words[i : i + n]))
                if constructs:
                    found.append((i, n, constructs))
                    break
        return found


@dataclass(frozen=True)
class _Features:
    text: dict[str, float]
    sentences: tuple[dict[str, float], ...]


@dataclass(frozen=True)
class _Linear:
    weights: Mapping[str, float]
    bias: float

    def probability(self, features: Mapping[str, float]) -> float:
        weights = self.weights
        z = self.bias + sum(weights.get(name, 0.0) * value for name, value in features.items())
        z = max(min(z, 30.0), -30.0)
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class _CharModel:
    """Logistic regression over TF-IDF character n-grams (2-5, within words, sublinear tf, L2-normalised) of the
    negation-marked normalised text: robust to misspellings and word forms the lexicon and rules do not list."""

    grams: Mapping[str, tuple[float, float]]  # n-gram -> (idf, weight)
    bias: float

    def probability(self, counts: Mapping[str, int]) -> float:
        grams = self.grams
        norm = 0.0
        z = 0.0
        for gram, count in counts.items():
            entry = grams.get(gram)
            if entry is None:
                continue
            value = (1.0 + math.log(count)) * entry[0]
            norm += value * value
            z += value * entry[1]
        z = self.bias + (z / math.sqrt(norm) if norm else 0.0)
        z = max(min(z, 30.0), -30.0)
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class _Model:
    text: _Linear  # whole-text model
    sentence: _Linear | None  # per-sentence model; the text's sentence score is its highest sentence
    threshold: float  # model-only LOW at or above this probability
    lexicon: _Lexicon
    char: _CharModel | None = None  # character n-gram model
    # Combines the three models' log-odds with a few structural cues (see _meta); None: plain mean of two.
    stacker: _Linear | None = None


_model_lock = threading.Lock()
_model: _Model | None = None


def _load_lexicon() -> _Lexicon:
    if not LEXICON_FILE.exists():
        return _Lexicon({})
    data: dict[str, Any] = json.loads(LEXICON_FILE.read_text(encoding="utf-8"))
    return _Lexicon(data["constructs"])


def _linear(data: Mapping[str, Any]) -> _Linear:
    return _Linear({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]))


def _char_model(data: Mapping[str, Any]) -> _CharModel:
    return _CharModel({str(k): (float(v[0]), float(v[1])) for k, v in data["grams"].items()}, float(data["bias"]))


def _get_model() -> _Model:
    global _model  # noqa: PLW0603 - loaded once per process, on first use
    if _model is not None:
        return _model
    with _model_lock:
        if _model is None:
            lexicon = _load_lexicon()
            if MODEL_FILE.exists():
                data: dict[str, Any] = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
                _model = _Model(
                    _linear(data["text"]),
                    _linear(data["sentence"]) if data.get("sentence") else None,
                    float(data["threshold"]),
                    lexicon,
                    _char_model(data["char"]) if data.get("char") else None,
                    _linear(data["stacker"]) if data.get("stacker") else None,
                )
            else:
                # Rules only (e.g. before the first training run): the model never fires.
                _model = _Model(_Linear({}, -10.0), None, 1.0, lexicon)
    return _model


def extract_features(text: str) -> tuple[dict[str, float], tuple[dict[str, float], ...]]:
    """The models' input for one text (whole-text features, then one dict per sentence); tools/train_crisis.py
    trains on exactly this."""
    features = _features_from(_analyse(text), _get_model().lexicon)
    return features.text, features.sentences


def extract_all(text: str) -> tuple[dict[str, float], tuple[dict[str, float], ...], dict[str, int]]:
    """extract_features plus the character n-gram counts, from one analysis (for tools/train_crisis.py)."""
    analysis = _analyse(text)
    features = _features_from(analysis, _get_model().lexicon)
    return features.text, features.sentences, char_grams(analysis.norm.text)


_CHAR_MIN: Final = 2
_CHAR_MAX: Final = 5


def char_grams(norm_text: str) -> dict[str, int]:
    """Counts of the character 2-5-grams inside each negation-marked word, padded with a space on each side."""
    words: dict[str, int] = {}
    for word in _mark_negation(norm_text.split(" ")):
        if word:
            words[word] = words.get(word, 0) + 1
    counts: dict[str, int] = {}
    for word, times in words.items():  # each distinct word once: most words repeat
        padded = f" {word} "
        length = len(padded)
        for n in range(_CHAR_MIN, min(_CHAR_MAX, length) + 1):
            for i in range(length - n + 1):
                gram = padded[i : i + n]
                counts[gram] = counts.get(gram, 0) + times
    return counts


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


def meta_features(
    text_features: Mapping[str, float], n_sentences: int, text_p: float, sentence_p: float, char_p: float
) -> dict[str, float]:
    """The stacker's input: the three models' log-odds and the cues that say how far to trust each. A text with
    no risk sentence, one whose risk words never meet suicide or self-harm (a gun review), or a one-sentence text
    (where a single word swap turns a risk statement into a harmless one) weighs the models differently."""
    no_risk = 1.0 if "no_risk_sentence" in text_features else 0.0
    not_about = 1.0 if any(k.startswith("lxa:") and k.endswith("x") for k in text_features) else 0.0
    short = 1.0 if n_sentences <= 1 else 0.0
    rules = 1.0 if any(k.startswith("signal:") for k in text_features) else 0.0
    # All the risk language the rules found is denied, hypothetical, quoted or someone else's.
    framed_only = 1.0 if not rules and any(k.startswith("framed:") for k in text_features) else 0.0
    t, s, c = _logit(text_p), _logit(sentence_p), _logit(char_p)
    return {
        "text": t,
        "sentence": s,
        "char": c,
        "rules": rules,
        "no_risk_sentence": no_risk,
        "not_about_suicide": not_about,
        "short": short,
        "log_length": text_features.get("log_length", 0.0),
        "first_person_rate": text_features.get("first_person_rate", 0.0),
        "n_risk_sentences": text_features.get("n_risk_sentences", 0.0),
        "framed": 1.0 if any(k.startswith("framed:") for k in text_features) else 0.0,
        "sentence*short": s * short,
        "sentence*no_risk_sentence": s * no_risk,
        "text*no_risk_sentence": t * no_risk,
        "sentence*not_about_suicide": s * not_about,
        "text*not_about_suicide": t * not_about,
        "framed_only": framed_only,
        "framed_only*short": framed_only * short,
        "sentence*framed_only": s * framed_only,
        "char*framed_only": c * framed_only,
    }


def _probability(model: _Model, features: _Features, norm_text: str) -> float:
    """The stacker over the three models; without one, the mean of the whole-text model and the best sentence."""
    text = model.text.probability(features.text)
    if model.sentence is None:
        return text
    sentence = max(model.sentence.probability(s) for s in features.sentences)
    if model.stacker is None or model.char is None:
        return (text + sentence) / 2.0
    char = model.char.probability(char_grams(norm_text))
    return model.stacker.probability(meta_features(features.text, len(features.sentences), text, sentence, char))


# --------------------------------------------------------------------------------------------------------------
# Level
# --------------------------------------------------------------------------------------------------------------

_TIMING: Final = re.compile(
    r"\b(?:tonight|today|right now|now|in (?:a few|an|\d+) (?:minutes|hours?)|this evening|soon)\b"
)
# Floors keep the score consistent with the level: a HIGH text never scores below 0.75.
_LEVEL_FLOOR: Final[Mapping[RiskLevel, float]] = {
    RiskLevel.NONE: 0.0,
    RiskLevel.LOW: 0.5,
    RiskLevel.MODERATE: 0.6,
    RiskLevel.HIGH: 0.75,
    RiskLevel.IMMINENT: 0.9,
}


def _level_for(signals: set[str], analysis: _Analysis) -> RiskLevel:
    level = max((_SIGNAL_LEVEL[s] for s in signals), default=RiskLevel.NONE)
    intent = bool(signals & {"intent", "plan"})
    if "means_access" in signals and (intent or "active_thoughts" in signals):
        level = RiskLevel.IMMINENT
    if "goodbye" in signals and _TIMING.search(analysis.norm.text):
        level = RiskLevel.IMMINENT
    if "intent" in signals and "method" in signals and re.search(r"\b(?:tonight|right now|now)\b", analysis.norm.text):
        level = RiskLevel.IMMINENT
    # Past behaviour with clear recovery and nothing current: the C-SSRS "ever" item only.
    current = signals - {"behaviour_past", "ideation_past", "self_harm_past", "method"}
    if not current and analysis.recovery and level > RiskLevel.LOW:
        level = RiskLevel.LOW
    return level


def assess_crisis(text: str) -> CrisisAssessment:
    if not text or not text.strip():
        return CrisisAssessment(RiskLevel.NONE, 0.0, (), (), ())
    model = _get_model()
    analysis = _analyse(text)
    features = _features_from(analysis, model.lexicon)
    probability = _probability(model, features, analysis.norm.text)

    signals = {h.signal for h in analysis.hits if not h.framing}
    level = _level_for(signals, analysis)
    reasons = [_REASONS[s] for s in SIGNALS if s in signals]
    if level == RiskLevel.NONE and probability >= model.threshold:
        level = RiskLevel.LOW
        reasons.append("Language associated with suicide risk (statistical model); no explicit statement found.")
    framings = sorted({h.framing for h in analysis.hits if h.framing})
    if framings:
        reasons.append("Some risk language is framed as " + ", ".join(f.replace("_", " ") for f in framings) + ".")

    spans = tuple(Span(*analysis.norm.original_span(start, end), kind="method") for start, end in analysis.method_spans)
    score = max(probability, _LEVEL_FLOOR[level])
    return CrisisAssessment(
        level=level,
        score=round(score, 4),
        signals=tuple(s for s in SIGNALS if s in signals),
        method_spans=spans,
        reasons=tuple(reasons),
    )
