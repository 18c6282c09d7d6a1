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
    return re.compile(r"(?<![\w'\u2019])(?:" + "|".join(parts) + r")(?![\w'\u2019])", re.IGNORECASE)


class Lexicon:
    def __init__(self, data: dict[str, Any]) -> None:
        self.words: dict[str, frozenset[str]] = {}
        self.phrases: dict[str, re.Pattern[str]] = {}
        by_word: dict[str, set[str]] = {}
        for category, entry in data.items():
            if category.startswith("_"):
                continue
            for word in entry.get("words", "").split():
                by_word.setdefault(word, set()).add(category)
            regex = _phrase_regex(entry.get("phrases", []))
            if regex is not None:
                self.phrases[category] = regex
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
            who = self._person(token)
            if who is not None:
                self._people.setdefault(token.sentence, []).append((i, who))
        self.hits: dict[str, list[_Hit]] = {}
        for i, token in enumerate(tokens):
            for category in token.categories:
                self.hits.setdefault(category, []).append(_Hit(token.start, token.end, category, i, token.sentence))
        for category, regex in lexicon.phrases.items():
            for m in regex.finditer(text):
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
    def _person(token: _Token) -> str | None:
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


def _group_subjects(doc: _Text) -> list[int]:
    """Token indexes that stand for a group of people the writer is talking about (not their own).

    A plural pronoun ("they", "them", "these"…) counts in a sentence that mentions such a group, or in
    the sentence right after one ("X are… . They should…")."""
    groups = [
        g.token if g.last < 0 else g.last
        for g in doc.get("group") + doc.get("slur")
        if not _self_identified(doc, g.token)
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
    if any("negator" in tokens[j].categories and tokens[j].sentence == sentence for j in range(first, hi)):
        return True
    if lo < hi and any("negator" in tokens[j].categories for j in range(lo + 1, hi)):
        return True
    if any("report" in tokens[k].categories for k in range(doc.sentence_first[sentence], hi)):
        return True
    start = doc.sentence_ends[sentence - 1] if sentence > 0 else 0
    before = doc.text[start : tokens[hi].start]
    return (before.count('"') + before.count("\u201c") + before.count("\u201d")) % 2 == 1


def _medical(doc: _Text, hit: _Hit) -> bool:
    """An illness word used literally ("getting cancer", "heart disease"), not as a metaphor for people."""
    tokens = doc.tokens
    if "illness_word" not in tokens[hit.token].categories:
        return False
    near = range(max(hit.token - 1, 0), min(hit.token + 2, len(tokens)))
    return any("illness_context" in tokens[j].categories for j in near if j != hit.token)


def _reported(doc: _Text, index: int) -> bool:
    """The words at index are negated just before, or reported or quoted: "he said…", "they called us…"."""
    return _distanced(doc, index, index)


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
        for p in range(verb + 1, min(verb + 5, len(tokens))):
            if tokens[p].sentence != tokens[g].sentence or "negator" in tokens[p].categories:
                break
            if tokens[p].categories & _TRAITS and not _distanced(doc, g, p):
                found.append(_Hit(tokens[p].start, tokens[p].end, "group", p, tokens[p].sentence))
                break
    return found


def _near_group(doc: _Text, subjects: list[int]) -> list[_Hit]:
    """Dehumanising, violent, eliminationist or subordinating language within GROUP_WINDOW words of
    the group, in its sentence or the next."""
    found: list[_Hit] = []
    for category in ("dehumanising", "violence", "elimination", "subordination"):
        for hit in doc.get(category):
            if _medical(doc, hit):
                continue
            if any(
                abs(g - hit.token) <= GROUP_WINDOW
                and g != hit.token
                and not _distanced(doc, g, hit.token, next_sentence=True)
                for g in subjects
            ):
                found.append(hit)
    return found


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


def _group_statements(doc: _Text) -> list[_Hit]:
    """Hostile claims about a group of people (not the writer's own), in three shapes:

    - a generalisation: "<group> are (all, just…) <negative trait>" (essentialist, dehumanising or
      insulting word);
    - dehumanising, violent, eliminationist ("deport", "get rid of") or subordinating ("are property",
      "less than human", "don't deserve rights") language near the group;
    - hatred aimed at the group: "I hate / can't stand / am sick of <group>", "<group> disgust me".
    A negator between the two, a reporting verb ("they told me…", "people say…") or an open
    quotation before them stops the match, so counter-speech and reports of abuse do not fire."""
    subjects = _group_subjects(doc)
    if not subjects:
        return []
    return _generalisations(doc, subjects) + _near_group(doc, subjects) + _hatred(doc, subjects)


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
    for hit in doc.get("insult"):
        if doc.inside(hit, self_pain):
            continue
        who = doc.addressee(hit)
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
