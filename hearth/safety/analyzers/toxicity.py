"""Harassment and toxicity: a trained profanity model plus rules for who the language is aimed at.

The score is the larger of two judgements:

- alt-profanity-check's own trained model (TF-IDF + calibrated linear SVMs, MIT), scored here with
  numpy from the weights the package ships, sentence window by sentence window, so one abusive
  sentence in a long supportive post is not diluted away;
- a hand-written lexicon (toxicity_model/lexicon.json) for what a profanity model cannot see:
  threats, slurs, insults aimed at "you", @mentions or the replied-to person, and dehumanising or
  violent statements about a group of people.

The decision threshold is calibrated by tools/train_toxicity.py (stratified k-fold on the MIT
Davidson set) and shipped in toxicity_model/calibration.json. Nothing is read from the datasets at
run time, nothing goes over the network, and the text is never logged or quoted in reasons.
"""

from __future__ import annotations

import json
import math
import re
import threading
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from hearth.safety.analyzers.base import AnalysisContext, Span

MODEL_DIR = Path(__file__).with_name("toxicity_model")

# Longer texts are analysed up to here; posts are far shorter, and this bounds the work per call.
MAX_CHARS = 20_000
# Texts longer than this are scored by the profanity model in sentence windows of about this size.
WINDOW_CHARS = 400
# Words nearer than this (in words) count as one statement about a group.
GROUP_WINDOW = 10
# A profanity-model vocabulary word with a mean SVM weight above this is marked as a profanity span.
PROFANE_WEIGHT = 2.5

# Strength of each rule, as a fraction of the distance from the threshold to 1: a rule that fires
# always makes the text toxic, and stronger evidence scores higher.
RULE_STRENGTH = {
    "strong": 0.9,
    "threat": 0.85,
    "slur": 0.8,
    "group": 0.6,
    "insult": 0.5,
}


@dataclass(frozen=True)
class ToxicityAssessment:
    score: float
    is_toxic: bool
    targeted: bool
    self_directed: bool
    threat: bool
    harassment: bool
    spans: tuple[Span, ...]
    reasons: tuple[str, ...]


# --- the profanity model ---------------------------------------------------------------------------

_SK_TOKEN_RE = re.compile(r"(?u)\b\w\w+\b")


class ProfanityModel:
    """alt-profanity-check's model, evaluated with numpy.

    Same arithmetic as ``profanity_check.predict_prob`` (tests check they agree), but about ten
    times faster per call, and it also tells which words carried the score.
    """

    def __init__(self) -> None:
        # Importing the package loads its bundled joblib artefacts (it has no other format); we only
        # read the fitted arrays out of them.
        from profanity_check import profanity_check as pc  # type: ignore[import-untyped]  # noqa: PLC0415

        vectorizer: Any = pc.vectorizer
        model: Any = pc.model
        if (
            vectorizer.lowercase is not True
            or vectorizer.token_pattern != _SK_TOKEN_RE.pattern
            or vectorizer.ngram_range != (1, 1)
            or vectorizer.norm != "l2"
            or vectorizer.sublinear_tf
            or list(model.classes_) != [0, 1]
        ):
            raise RuntimeError("alt-profanity-check changed its model layout; update ProfanityModel")
        self.vocabulary: dict[str, int] = {str(word): int(col) for word, col in vectorizer.vocabulary_.items()}
        self.idf: npt.NDArray[np.float64] = np.asarray(vectorizer.idf_, dtype=np.float64)
        coefs, intercepts, slopes, offsets = [], [], [], []
        for calibrated in model.calibrated_classifiers_:
            (calibrator,) = calibrated.calibrators
            coefs.append(np.asarray(calibrated.estimator.coef_, dtype=np.float64).ravel())
            intercepts.append(float(calibrated.estimator.intercept_[0]))
            slopes.append(float(calibrator.a_))
            offsets.append(float(calibrator.b_))
        self.coef: npt.NDArray[np.float64] = np.vstack(coefs).T  # (vocabulary, folds)
        self.intercept = np.asarray(intercepts)
        self.slope = np.asarray(slopes)
        self.offset = np.asarray(offsets)
        self.mean_coef: npt.NDArray[np.float64] = self.coef.mean(axis=1)

    def ignore_words(self, words: set[str]) -> None:
        """Stop scoring these words. Used for identity terms, which the model learnt to treat as
        offensive ("gay", "muslim", "women" raise its score), so members can name who they are."""
        for word in words:
            self.vocabulary.pop(word, None)

    def probability(self, text: str) -> float:
        counts = Counter(
            col for col in (self.vocabulary.get(tok) for tok in _SK_TOKEN_RE.findall(text.lower())) if col is not None
        )
        if counts:
            cols = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts)) * self.idf[cols]
            values /= math.sqrt(float(values @ values))
            decision = values @ self.coef[cols] + self.intercept
        else:
            decision = self.intercept
        return float(np.mean(1.0 / (1.0 + np.exp(self.slope * decision + self.offset))))

    def is_profane_word(self, word: str) -> bool:
        col = self.vocabulary.get(word.lower())
        return col is not None and self.mean_coef[col] >= PROFANE_WEIGHT


# --- the lexicon -----------------------------------------------------------------------------------


def _phrase_regex(phrases: list[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    # Phrases are written with single spaces and straight apostrophes; texts have neither reliably.
    parts = [p.replace("'", "['\u2019]").replace(" ", r"\s+") for p in phrases]
    return re.compile(r"(?<![\w'\u2019])(?:" + "|".join(parts) + r")(?![\w'\u2019])")


class Lexicon:
    def __init__(self, data: dict[str, Any]) -> None:
        self.words: dict[str, frozenset[str]] = {}
        # Phrases are lower case. Matching them against lower-cased text is about twice as fast as
        # IGNORECASE; the IGNORECASE set is for the rare text whose lower case changes its length.
        self.phrases: dict[str, re.Pattern[str]] = {}
        self.phrases_any_case: dict[str, re.Pattern[str]] = {}
        by_word: dict[str, set[str]] = {}
        for category, entry in data.items():
            if category.startswith("_"):
                continue
            for word in entry.get("words", "").split():
                by_word.setdefault(word, set()).add(category)
            regex = _phrase_regex(entry.get("phrases", []))
            if regex is not None:
                self.phrases[category] = regex
                self.phrases_any_case[category] = re.compile(regex.pattern, re.IGNORECASE)
        self.words = {word: frozenset(cats) for word, cats in by_word.items()}


@dataclass(frozen=True)
class Calibration:
    threshold: float


class _Resources:
    def __init__(self) -> None:
        self.model = ProfanityModel()
        self.lexicon = Lexicon(json.loads((MODEL_DIR / "lexicon.json").read_text(encoding="utf-8")))
        self.model.ignore_words(
            {
                w
                for w, cats in self.lexicon.words.items()
                if "group" in cats and "slur" not in cats and "insult" not in cats
            }
        )
        calibration = json.loads((MODEL_DIR / "calibration.json").read_text(encoding="utf-8"))
        self.calibration = Calibration(threshold=float(calibration["threshold"]))


_resources: _Resources | None = None
_resources_lock = threading.Lock()


def _get_resources() -> _Resources:
    global _resources  # noqa: PLW0603 -- loaded once per process, on first use
    if _resources is None:
        with _resources_lock:
            if _resources is None:
                _resources = _Resources()
    return _resources


def threshold() -> float:
    return _get_resources().calibration.threshold


def profanity_probability(text: str) -> float:
    """The plain profanity-model probability for the whole text (for evaluation and tuning)."""
    return _get_resources().model.probability(text)


# --- analysis --------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*|@\w+")
_SENTENCE_END_RE = re.compile(r"[.!?\n]+")
_POSSESSIVE_RE = re.compile(r"'s?$")
# Up to three words before a group word ("I'm a proud…", "as an…", "being…"), or the word right
# before it ("we women", "us autistics", "fellow…").
_SELF_IDENTITY = frozenset({"i'm", "im", "am", "as", "being", "we're", "myself"})
_SELF_BEFORE = frozenset({"we", "us", "our", "fellow", "i"})
_GROUP_PRONOUNS = frozenset({"they", "them", "they're", "theyre", "these", "those", "em"})
_PRONOUN_COPULAS = frozenset({"they're", "theyre"})
_COPULAS = frozenset({"are", "is", "were", "was", "r", "be", "being", "become", "becomes", "remain"})
# Words that, after "<group> are…", make a generalisation hostile.
_TRAITS = frozenset({"essentialist", "dehumanising", "insult", "slur"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# What a person or group is likened to in a comparison ("like", "reminds me of") that makes it an insult.
_LIKENED = frozenset({"animal", "dehumanising", "disability"})
# Words that may follow a noun without making it a modifier ("dirty immigrants are…", "stupid women who…"),
# so "<insulting word> <group word>" names people, unlike "dirty black shoes".
_FUNCTION_WORDS = _words(
    "a an and are as at be because but by can could did do does for from had has have he her him his i if"
    " in is it just like may me might must my of on or our she should so than that the their them then"
    " there these they this those to too was we were what when where which who will with would you your"
    " all always never ever here now i've i'm"
)
# Words that, right after a group word, say what its people are called ("<group> trash").
_PEOPLE_AS = frozenset({"group", "slur", "dehumanising", "insult", "essentialist", "animal"})
_PERSON_HEADS = _words(
    "people person persons men women man woman kids kid children child guy guys folk folks bloke blokes"
    " dude dudes girl girls boy boys lady ladies community communities family families one ones lot"
)
# A reporting verb ("told me") or a word naming an idea ("the myth that…") earlier in the sentence.
_REPORTING = frozenset({"report", "framing"})
_QUESTION_SUBJECTS = frozenset({"you", "u", "they", "we", "he", "she", "it", "i"})
_PREPOSITIONS = frozenset({"in", "under", "at", "from", "of", "for", "about", "with", "by", "to"})
_POSSESSIVES = frozenset({"my", "our", "your", "his", "her", "their", "ur"})
# Words allowed between an insulting word and the group it labels ("filthy little…").
_DENIALS = frozenset({"nothing", "none", "no", "not", "never"})
_FILLERS = frozenset({"little", "old", "young", "bloody", "fucking", "damn"})
_GENDER = _words("woman women man men girl girls boy boys lady ladies female females male males guys")
_TREATMENT = frozenset({"treat", "treats", "treated", "treating"})
_THIRD_SINGULAR = frozenset({"he", "she", "him", "her", "he's", "she's"})
# Before a past participle these make a violent word prescriptive again ("should have been…").
_MODALS = _words("should shall must ought need needs deserve deserves deserved wish hope want wants let lets let's")
_FIRST = "first_person"
_SECOND = "second_person"


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str  # lower-case, straight apostrophe
    sentence: int
    categories: frozenset[str]


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    category: str
    token: int  # index of the first token it covers
    sentence: int
    last: int = -1  # index of the last token it covers (-1: same as token)


class _Text:
    def __init__(self, text: str, lexicon: Lexicon, addressed: frozenset[str]) -> None:
        self.text = text
        ends = [m.end() for m in _SENTENCE_END_RE.finditer(text)]
        self.sentence_ends = ends
        tokens: list[_Token] = []
        for m in _WORD_RE.finditer(text):
            word = m.group().lower().replace("\u2019", "'")
            cats = lexicon.words.get(word) or lexicon.words.get(_POSSESSIVE_RE.sub("", word), frozenset())
            if word.startswith("@") or word in addressed:
                cats = cats | {"mention"}
            tokens.append(_Token(m.start(), m.end(), word, bisect_right(ends, m.start()), cats))
        self.tokens = tokens
        self.token_starts = [t.start for t in tokens]
        self.sentence_first: dict[int, int] = {}  # sentence -> index of its first token
        for i, token in enumerate(tokens):
            self.sentence_first.setdefault(token.sentence, i)
        self._people: dict[int, list[tuple[int, str]]] = {}
        for i, token in enumerate(tokens):
            who = self.person(token)
            if who is not None:
                self._people.setdefault(token.sentence, []).append((i, who))
        self.hits: dict[str, list[_Hit]] = {}
        for i, token in enumerate(tokens):
            for category in token.categories:
                self.hits.setdefault(category, []).append(_Hit(token.start, token.end, category, i, token.sentence))
        lower = text.lower()
        phrases = lexicon.phrases if len(lower) == len(text) else lexicon.phrases_any_case
        for category, regex in phrases.items():
            for m in regex.finditer(lower if phrases is lexicon.phrases else text):
                index = max(bisect_right(self.token_starts, m.start()) - 1, 0)
                last = max(bisect_right(self.token_starts, m.end() - 1) - 1, index)
                hit = _Hit(m.start(), m.end(), category, index, bisect_right(ends, m.start()), last)
                self.hits.setdefault(category, []).append(hit)

    def get(self, category: str) -> list[_Hit]:
        return self.hits.get(category, [])

    def addressee(self, hit: _Hit) -> str | None:
        """Who a hit is aimed at: a person word inside it, else the nearest before it in its sentence, else after."""
        people = self._people.get(hit.sentence, [])
        inside = {who for i, who in people if hit.start <= self.tokens[i].start < hit.end}
        for who in ("mention", "second", "first"):
            if who in inside:
                return who
        before = [who for i, who in people if i < hit.token]
        if before:
            return before[-1]
        after = [who for i, who in people if i > hit.token]
        return after[0] if after else None

    @staticmethod
    def person(token: _Token) -> str | None:
        if "mention" in token.categories:
            return "mention"
        if _SECOND in token.categories:
            return "second"
        if _FIRST in token.categories:
            return "first"
        return None

    def inside(self, hit: _Hit, others: list[_Hit]) -> bool:
        return any(o.start <= hit.start and hit.end <= o.end for o in others)


def _windows(text: str) -> list[tuple[int, int]]:
    if len(text) <= WINDOW_CHARS:
        return [(0, len(text))]
    windows: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        if m.end() - start >= WINDOW_CHARS:
            windows.append((start, m.end()))
            start = m.end()
    if start < len(text):
        windows.append((start, len(text)))
    # A single sentence longer than the window is cut at word boundaries.
    result: list[tuple[int, int]] = []
    for a, b in windows:
        left = a
        while b - left > 2 * WINDOW_CHARS:
            cut = text.rfind(" ", left, left + WINDOW_CHARS)
            cut = cut if cut > left else left + WINDOW_CHARS
            result.append((left, cut))
            left = cut
        result.append((left, b))
    return result


def _self_identified(doc: _Text, index: int) -> bool:
    """The writer names their own group: "I am (a proud)…", "as a…", "being…", "we…", "fellow…"."""
    tokens = doc.tokens
    if index > 0 and tokens[index - 1].word in _SELF_BEFORE:
        return True
    return any(tokens[j].word in _SELF_IDENTITY for j in range(max(index - 3, 0), index))


def _in_a_name(doc: _Text, hit: _Hit) -> bool:
    """A one-word group term that starts a capitalised name ("White House", "Islamic State", "Swedish
    Cancer Register") names a place or an organisation, not people."""
    if hit.last > hit.token:
        return False
    tokens = doc.tokens
    i = hit.token
    if i + 1 >= len(tokens) or tokens[i + 1].sentence != tokens[i].sentence:
        return False
    here, following = doc.text[tokens[i].start : tokens[i].end], doc.text[tokens[i + 1].start : tokens[i + 1].end]
    if not (here[:1].isupper() and following[:1].isupper()) or following.isupper():
        return False
    return not ("group" in tokens[i + 1].categories or tokens[i + 1].word in _PERSON_HEADS)


def _group_subjects(doc: _Text) -> list[int]:
    """Token indexes that stand for a group of people the writer is talking about (not their own).

    A plural pronoun ("they", "them", "these"…) counts in a sentence that mentions such a group, or in
    the sentence right after one ("X are… . They should…")."""
    groups = [
        g.token if g.last < 0 else g.last
        for g in doc.get("group") + doc.get("slur")
        if not _self_identified(doc, g.token)
        and not _in_a_name(doc, g)
        and not (g.token > 0 and doc.tokens[g.token - 1].word == "no")
    ]
    if not groups:
        return []
    group_sentences = {doc.tokens[g].sentence for g in groups}
    context = group_sentences | {s + 1 for s in group_sentences}
    pronouns = [i for i, t in enumerate(doc.tokens) if t.word in _GROUP_PRONOUNS and t.sentence in context]
    return sorted(set(groups) | set(pronouns))


def _distanced(doc: _Text, a: int, b: int, *, next_sentence: bool = False) -> bool:
    """True when tokens a and b are NOT one claim: they are in different sentences (unless
    next_sentence and the later one's sentence directly follows), a negator stands between them (or,
    when a == b, in the three words before), or a reporting verb or an open quotation mark comes
    earlier in the later one's sentence ("they told me…", "he shouted that…")."""
    tokens = doc.tokens
    lo, hi = min(a, b), max(a, b)
    sentence = tokens[hi].sentence
    if tokens[lo].sentence != sentence and not (next_sentence and tokens[lo].sentence == sentence - 1):
        return True
    first = lo + 1 if lo < hi else max(hi - 3, 0)
    if any(_negates(doc, j) and tokens[j].sentence == sentence for j in range(first, hi)):
        return True
    if lo < hi and any(_negates(doc, j) for j in range(lo + 1, hi)):
        return True
    if any(tokens[k].categories & _REPORTING for k in range(doc.sentence_first[sentence], hi)):
        return True
    start = doc.sentence_ends[sentence - 1] if sentence > 0 else 0
    before = doc.text[start : tokens[hi].start]
    return (before.count('"') + before.count("\u201c") + before.count("\u201d")) % 2 == 1


def _negates(doc: _Text, index: int) -> bool:
    """A negator, except in a negative question ("Aren't you…?", "Don't they…?"), which asserts."""
    tokens = doc.tokens
    if "negator" not in tokens[index].categories:
        return False
    if index + 1 < len(tokens) and tokens[index + 1].word in _QUESTION_SUBJECTS:
        sentence = tokens[index].sentence
        end = doc.sentence_ends[sentence] if sentence < len(doc.sentence_ends) else len(doc.text)
        return "?" not in doc.text[tokens[index].end : end]
    return True


def _medical(doc: _Text, hit: _Hit) -> bool:
    """An illness word used literally ("getting cancer", "heart disease"), not as a metaphor for people."""
    tokens = doc.tokens
    if "illness_word" not in tokens[hit.token].categories:
        return False
    near = range(max(hit.token - 1, 0), min(hit.token + 2, len(tokens)))
    return any("illness_context" in tokens[j].categories for j in near if j != hit.token)


def _described_event(doc: _Text, hit: _Hit) -> bool:
    """A violent or eliminationist verb in the past, as a report of what happened ("were deported",
    "has deported", "killed 20 men"), with nothing before it in the sentence that calls for it
    ("should have been…", "deserve to be…", "hope they get…"): history and news, not advocacy."""
    tokens = doc.tokens
    word = tokens[hit.token].word
    if not word.endswith("ed") or hit.last > hit.token:
        return False
    if hit.token > 0 and tokens[hit.token - 1].word in {"get", "gets", "be", "to"}:
        return False  # "get killed", "to be deported": not a past event
    first = doc.sentence_first[tokens[hit.token].sentence]
    return not any(tokens[j].word in _MODALS for j in range(first, hit.token))


def _reported(doc: _Text, index: int) -> bool:
    """The words at index are negated just before, or reported or quoted: "he said…", "they called us…"."""
    return _distanced(doc, index, index)


def _followed_by(doc: _Text, index: int, word: str) -> bool:
    """ "awful at talking": a judgement of a skill, not of the people."""
    tokens = doc.tokens
    return index + 1 < len(tokens) and tokens[index + 1].word == word


def _generalisations(doc: _Text, subjects: list[int]) -> list[_Hit]:
    """ "<group> are (all, just…) <trait>": a trait word within four words after the verb."""
    tokens = doc.tokens
    found: list[_Hit] = []
    for g in subjects:
        if tokens[g].word in _PRONOUN_COPULAS:
            verb: int | None = g
        else:
            verb = next((c for c in range(g + 1, min(g + 4, len(tokens))) if tokens[c].word in _COPULAS), None)
        if verb is None:
            continue
        if not _names_people(doc, g):
            continue  # "Catholic guilt is…", "my Christian parents are…": not the group
        people = "not_people" not in tokens[g].categories
        for p in range(verb + 1, min(verb + 5, len(tokens))):
            if tokens[p].sentence != tokens[g].sentence or "negator" in tokens[p].categories:
                break
            if tokens[p - 1].word in _PREPOSITIONS:
                continue  # "are in danger", "are under threat": what happens to them, not what they are
            judged = people and "evaluative" in tokens[p].categories and not _followed_by(doc, p, "at")
            trait = tokens[p].categories & _TRAITS or judged
            if trait and not _distanced(doc, g, p):
                found.append(_Hit(tokens[p].start, tokens[p].end, "group", p, tokens[p].sentence))
                break
    return found


def _near_group(doc: _Text, subjects: list[int]) -> list[_Hit]:
    """Dehumanising, violent, eliminationist or subordinating language within GROUP_WINDOW words of
    the group, in its sentence or the next."""
    found: list[_Hit] = []
    for category in ("dehumanising", "violence", "elimination", "subordination"):
        for hit in doc.get(category):
            if _medical(doc, hit) or (category in {"violence", "elimination"} and _described_event(doc, hit)):
                continue
            if any(
                abs(g - hit.token) <= GROUP_WINDOW
                and g != hit.token
                and not (category == "dehumanising" and "not_people" in doc.tokens[g].categories)
                and _names_people(doc, g)
                and not _distanced(doc, g, hit.token, next_sentence=True)
                and not (category == "dehumanising" and _mistreated(doc, g, hit.token))
                for g in subjects
            ):
                found.append(hit)
    return found


def _mistreated(doc: _Text, g: int, index: int) -> bool:
    """ "<someone> treats <group> like dogs": the words describe how the group is treated."""
    return any(doc.tokens[j].word in _TREATMENT for j in range(max(min(g, index) - 3, 0), max(g, index)))


def _hatred(doc: _Text, subjects: list[int]) -> list[_Hit]:
    """ "I hate / can't stand / am sick of <group>" (group at most four words after, in the same
    clause) and "<group> disgust me" (at most two words before)."""
    found: list[_Hit] = []
    for hit in doc.get("hostile_emotion"):
        end = hit.last if hit.last >= 0 else hit.token
        for g in subjects:
            if g > hit.token:
                if g - hit.token > 4 or any("clause_break" in doc.tokens[j].categories for j in range(end, g)):
                    continue
            elif not 0 < hit.token - g <= 2:
                continue
            if not _distanced(doc, g, hit.token):
                found.append(hit)
                break
    return found


def _names_people(doc: _Text, index: int) -> bool:
    """The token at index names people: it is not a one-word group term used as a modifier of the next
    word ("black boots", "autistic son", "Muslim Brotherhood"). A plural ("immigrants"), a word before
    punctuation or a function word, one followed by a person noun ("Muslim women") or by what the
    people are called ("<group> trash", "<group> animals") names people."""
    tokens = doc.tokens
    token = tokens[index]
    plural = token.word.endswith("s") and not token.word.endswith(("ss", "ous")) and token.word != "trans"
    if "group" not in token.categories or plural or token.word in _PERSON_HEADS:
        return True
    if index + 1 >= len(tokens) or tokens[index + 1].sentence != token.sentence:
        return True
    following = tokens[index + 1]
    if doc.text[token.end : following.start].strip():
        return True
    return (
        following.word in _FUNCTION_WORDS or following.word in _PERSON_HEADS or bool(following.categories & _PEOPLE_AS)
    )


def _labelled_groups(doc: _Text) -> list[_Hit]:
    """An insulting word put straight before a group: "filthy <group>", "lazy <group> are…", "the
    weirdest <group> I've seen". The group word must name people (see _names_people) and not be a
    gender word."""
    tokens = doc.tokens
    found: list[_Hit] = []
    for group in doc.get("group") + doc.get("slur"):
        g, last = group.token, group.last if group.last >= 0 else group.token
        if tokens[last].word in _GENDER or "not_people" in tokens[last].categories or not _names_people(doc, last):
            continue  # "the nasty old men at the bar" is usually about the men someone met, not all men
        i = g - 1
        if i > 0 and tokens[i].word in _FILLERS:
            i -= 1
        if i < 0 or tokens[i].sentence != tokens[g].sentence or "pejorative" not in tokens[i].categories:
            continue
        if not _self_identified(doc, i) and not _reported(doc, i):
            found.append(_Hit(tokens[i].start, tokens[i].end, "group", i, tokens[i].sentence))
    return found


def _heads_phrase(doc: _Text, index: int) -> bool:
    """The word at index ends its noun phrase ("like a pig.", "like pigs in…"), unlike "like a dog owner"."""
    tokens = doc.tokens
    if index + 1 >= len(tokens) or tokens[index + 1].sentence != tokens[index].sentence:
        return True
    following = tokens[index + 1]
    return following.word in _FUNCTION_WORDS or bool(following.categories & (_LIKENED | {"enjoy"}))


def _comparisons(doc: _Text, subjects: list[int]) -> tuple[list[_Hit], list[tuple[_Hit, str]]]:
    """Likening people to animals, vermin or a disability: "<group> … like <animals>", "<group> remind me
    of <animals>", "you look like <a disability>". Returns (hits about a group, (hit, "second" or
    "mention") for hits at a person).

    The likened word must head its phrase and not be someone's own ("like my dog"), and "treat <group>
    like animals" describes mistreatment, so it does not count."""
    tokens = doc.tokens
    about_group: list[_Hit] = []
    at_person: list[tuple[_Hit, str]] = []
    disability_phrases = {h.token for h in doc.get("disability")}
    for marker in doc.get("comparison"):
        end = marker.last if marker.last >= 0 else marker.token
        sentence = tokens[marker.token].sentence
        target = None
        for t in range(end + 1, min(end + 6, len(tokens))):
            if tokens[t].sentence != sentence or tokens[t].word in _POSSESSIVES:
                break
            if t in disability_phrases or tokens[t].categories & _LIKENED:
                target = t
                break
        if target is None or _reported(doc, marker.token):
            continue
        disability = target in disability_phrases or "disability" in tokens[target].categories
        if target not in disability_phrases and not _heads_phrase(doc, target):
            continue
        hit = _Hit(tokens[target].start, tokens[target].end, "group", target, sentence)
        group = [
            g
            for g in subjects
            if 0 < marker.token - g <= GROUP_WINDOW
            and _names_people(doc, g)
            and not _distanced(doc, g, target)
            and not _mistreated(doc, g, marker.token)
        ]
        if group:
            about_group.append(hit)
            continue
        # The person likened is the subject just before the comparison ("you look like…", "he acts like…").
        near = range(max(marker.token - 4, doc.sentence_first[sentence]), marker.token)
        if any("clause_break" in tokens[i].categories for i in near):
            near = range(max(i for i in near if "clause_break" in tokens[i].categories), marker.token)
        person = next((p for p in (doc.person(tokens[i]) for i in reversed(near)) if p is not None), None)
        if person in {"mention", "second"}:  # "you treat me like…" likens the writer, not "you"
            at_person.append((hit, person))
        elif disability and any(tokens[i].word in _THIRD_SINGULAR for i in near):
            about_group.append(hit)
    return about_group, at_person


def _plain_question(doc: _Text, index: int) -> bool:
    """The sentence is a question with no negator before index: "Are you ashamed of…?" asks, while
    "Aren't you ashamed of…?" accuses."""
    tokens = doc.tokens
    sentence = tokens[index].sentence
    end = doc.sentence_ends[sentence] if sentence < len(doc.sentence_ends) else len(doc.text)
    if "?" not in doc.text[tokens[index].end : end]:
        return False
    return not any("negator" in tokens[j].categories for j in range(doc.sentence_first[sentence], index))


def _shaming(doc: _Text) -> list[_Hit]:
    """Shame attached to who someone else is: "should be ashamed of being <group>", "ashamed of your
    <skin colour, religion…>". The writer's own shame ("makes me ashamed of being…") does not count."""
    tokens = doc.tokens
    found: list[_Hit] = []
    for hit in doc.get("shame"):
        end = hit.last if hit.last >= 0 else hit.token
        if doc.addressee(hit) == "first" or _plain_question(doc, hit.token):
            continue
        for t in range(end + 1, min(end + 6, len(tokens))):
            if tokens[t].sentence != hit.sentence:
                break
            if tokens[t].categories & {"group", "identity_trait", "slur"}:
                if not _reported(doc, hit.token):
                    found.append(hit)
                break
    return found


def _enjoyed_harm(doc: _Text, subjects: list[int]) -> list[_Hit]:
    """Delight in harm to a group: an enjoyment word ("my favourite hobby", "I love watching…", "lol")
    in the sentence, and a word of harm within three words of a group ("dead <group>", "<group> get
    killed"), with no negation between them. "my trans sister is dying to…" names one person."""
    found: list[_Hit] = []
    enjoyment = doc.get("enjoy")
    if not enjoyment:
        return found
    for category in ("harm", "violence"):
        for hit in doc.get(category):
            if _medical(doc, hit) or _described_event(doc, hit):
                continue
            last = max(hit.last, hit.token)
            joy = [e for e in enjoyment if e.sentence == hit.sentence and not _distanced(doc, e.token, hit.token)]
            if joy and any(
                min(abs(g - hit.token), abs(g - last)) <= 3
                and _names_people(doc, g)
                and not _distanced(doc, g, hit.token)
                for g in subjects
            ):
                found.append(hit)
    return found


def _blame(doc: _Text, subjects: list[int]) -> list[_Hit]:
    """ "<group> are to blame for…": a group made the cause of what is wrong, unless denied ("…for
    nothing")."""
    tokens = doc.tokens
    return [
        hit
        for hit in doc.get("blame")
        if not any(t.word in _DENIALS for t in tokens[hit.token + 1 : hit.token + 6])
        and any(
            0 < hit.token - g <= 2 and doc.tokens[g].word not in _GROUP_PRONOUNS and not _distanced(doc, g, hit.token)
            for g in subjects
        )
    ]


def _supremacy(doc: _Text) -> list[_Hit]:
    """ "the superior race", "the weaker sex": ranking kinds of people; and "go back to your country":
    telling people they do not belong. Both stand on their own, unless negated, reported or quoted."""
    tokens = doc.tokens
    return [
        hit
        for hit in doc.get("supremacy") + doc.get("go_back")
        if not _reported(doc, hit.token)
        # "the myth of a superior race", "master race ideology": naming the idea, not holding it
        and not any(
            "framing" in tokens[j].categories
            for j in range(max(hit.token - 3, 0), min(max(hit.last, hit.token) + 4, len(tokens)))
        )
    ]


def _group_statements(doc: _Text) -> list[_Hit]:
    """Hostile claims about a group of people (not the writer's own), in these shapes:

    - a generalisation: "<group> are (all, just…) <negative trait>" (essentialist, dehumanising or
      insulting word; a judging word such as "horrible" only about people, not a place or a condition);
    - dehumanising, violent, eliminationist ("deport", "get rid of") or subordinating ("are property",
      "less than human", "don't deserve rights") language near the group, unless it reports a past
      event ("were deported in…") or how the group is treated ("treat them like dogs");
    - hatred aimed at the group: "I hate / can't stand / am sick of <group>", "<group> disgust me";
    - an insulting label straight before the group ("filthy <group>"), a likening to animals or a
      disability, shame attached to who people are, delight in harm to the group, blaming the group,
      ranking kinds of people ("the superior race") and "go back to your country".
    A negator between the two, a reporting verb ("they told me…", "people say…") or an open
    quotation before them stops the match, so counter-speech and reports of abuse do not fire."""
    subjects = _group_subjects(doc)
    found = _labelled_groups(doc) + _shaming(doc) + _supremacy(doc) + _comparisons(doc, subjects)[0]
    if not subjects:
        return found
    return (
        found
        + _generalisations(doc, subjects)
        + _near_group(doc, subjects)
        + _hatred(doc, subjects)
        + _enjoyed_harm(doc, subjects)
        + _blame(doc, subjects)
    )


def _mask_praise(doc: _Text) -> str:
    """The text with intensifiers that qualify praise ("fucking awesome", "so damn proud") blanked
    out, so enthusiasm is not read as abuse. Other swear words, and any insult, are left in place."""
    tokens = doc.tokens
    spans = [
        (t.start, t.end)
        for i, t in enumerate(tokens)
        if "intensifier" in t.categories
        and any(
            "positive" in tokens[j].categories and tokens[j].sentence == t.sentence
            for j in range(max(i - 1, 0), min(i + 3, len(tokens)))
        )
    ]
    if not spans:
        return doc.text
    parts, last = [], 0
    for a, b in spans:
        parts.append(doc.text[last:a])
        parts.append(" " * (b - a))
        last = b
    parts.append(doc.text[last:])
    return "".join(parts)


@dataclass
class Evidence:
    """What the text shows before the threshold is applied (tools/train_toxicity.py tunes on this)."""

    model_score: float = 0.0
    rule_strength: float = 0.0  # 0 when no rule fired, else 0 < s <= 1 (see RULE_STRENGTH)
    targeted: bool = False
    self_directed: bool = False
    threat: bool = False
    slur: bool = False
    profanity_spans: list[Span] = field(default_factory=list)
    rule_spans: list[Span] = field(default_factory=list)
    rule_reasons: list[str] = field(default_factory=list)

    def fire(self, rule: str, reason: str, hits: list[_Hit], kind: str) -> None:
        self.rule_strength = max(self.rule_strength, RULE_STRENGTH[rule])
        self.rule_reasons.append(reason)
        self.rule_spans.extend(Span(h.start, h.end, kind) for h in hits)


def _threat_rules(doc: _Text, context: AnalysisContext, ev: Evidence) -> None:
    threats = doc.get("threat")
    if threats:
        ev.threat = True
        ev.fire("threat", "threat of violence or harm", threats, "threat")
        if context.is_reply or any(doc.addressee(h) in {"second", "mention"} for h in threats):
            ev.targeted = True
    strong = [h for h in doc.get("strong") if not _reported(doc, h.token)]
    if strong:
        ev.fire("strong", "dehumanising language", strong, "insult")


def _group_rules(doc: _Text, ev: Evidence) -> None:
    slurs = []
    for hit in doc.get("slur"):
        if doc.addressee(hit) == "first" and not doc.get("group"):
            ev.self_directed = True  # a member using a slur about themselves
        else:
            slurs.append(hit)
    if slurs:
        ev.slur = ev.targeted = True
        ev.fire("slur", "slur", slurs, "slur")
    group = _group_statements(doc)
    if group:
        ev.targeted = True
        ev.fire("group", "hostile statement about a group of people", group, "insult")


def _insult_rules(doc: _Text, context: AnalysisContext, ev: Evidence) -> None:
    self_pain = doc.get("self_pain")
    aimed: dict[str | None, list[_Hit]] = {}
    likened = dict(_comparisons(doc, [])[1])
    for hit in doc.get("insult") + list(likened):
        if doc.inside(hit, self_pain):
            continue
        who = likened.get(hit) or doc.addressee(hit)
        if who == "first":
            ev.self_directed = True
        elif who in {"second", "mention"} or (who is None and context.is_reply):
            aimed.setdefault(who, []).append(hit)
    reasons = {
        "mention": "insult at a mentioned or addressed person",
        "second": "insult in the second person",
        None: "insult in a reply",
    }
    for who, hits in aimed.items():
        ev.targeted = True
        ev.fire("insult", reasons[who], hits, "insult")


def gather_evidence(text: str, *, context: AnalysisContext | None = None) -> Evidence:
    if not text or not text.strip():
        return Evidence()
    context = context or AnalysisContext()
    res = _get_resources()
    text = text[:MAX_CHARS]
    doc = _Text(text, res.lexicon, context.addressed)
    ev = Evidence(self_directed=bool(doc.get("self_pain")))
    # The trained model, window by window, with swearing used as praise masked out.
    scored = _mask_praise(doc)
    for a, b in _windows(text):
        ev.model_score = max(ev.model_score, res.model.probability(scored[a:b]))
    ev.profanity_spans = [
        Span(t.start, t.end, "profanity", round(ev.model_score, 3))
        for t in doc.tokens
        if res.model.is_profane_word(t.word)
    ]
    _threat_rules(doc, context, ev)
    _group_rules(doc, ev)
    _insult_rules(doc, context, ev)
    return ev


def assess_toxicity(text: str, *, context: AnalysisContext | None = None) -> ToxicityAssessment:
    ev = gather_evidence(text, context=context)
    cut = threshold()
    rule_score = cut + (1.0 - cut) * ev.rule_strength if ev.rule_strength > 0 else 0.0
    score = max(ev.model_score, rule_score)
    if score < cut:
        return ToxicityAssessment(
            score=score,
            is_toxic=False,
            targeted=False,
            self_directed=ev.self_directed,
            threat=False,
            harassment=False,
            spans=(),
            reasons=(),
        )
    spans = list(ev.rule_spans)
    reasons = list(ev.rule_reasons)
    if ev.model_score >= cut:
        spans.extend(ev.profanity_spans)
        reasons.insert(0, "profanity model")
    if ev.self_directed:
        reasons.append("swearing about own situation")
    return ToxicityAssessment(
        score=score,
        is_toxic=True,
        targeted=ev.targeted,
        self_directed=ev.self_directed,
        threat=ev.threat,
        harassment=ev.targeted or ev.threat or ev.slur,
        spans=tuple(sorted(set(spans), key=lambda s: (s.start, s.end, s.kind))),
        reasons=tuple(dict.fromkeys(reasons)),
    )
