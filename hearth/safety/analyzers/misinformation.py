"""Harmful health misinformation, found with precompiled patterns (safety.md section 8).

Kinds:
- ``stop_medication``: telling someone to stop, quit, skip or go cold turkey on prescribed medication, or to do it
  without their prescriber. Tapering with a doctor is the NHS and NICE advice, so anything said with a prescriber
  or a gradual plan in the same sentence is left alone.
- ``pro_eating_disorder``: tips for restricting, purging or hiding eating, thinspiration and pro-ana material, and
  extreme calorie targets (under 1,000 kcal a day) given to others.
- ``unproven_cure``: claims that something cures depression, anxiety, bipolar and so on, or that you don't need
  treatment because something else will do ("you don't need meds, just...").
- ``anti_treatment``: telling others that therapy or medication is poison, a scam or useless, or that nobody needs it.

Only advice and claims aimed at others count. Personal experience ("I stopped my meds with my doctor's help"),
questions ("is it safe to stop?"), negated advice ("never stop your meds suddenly"), reported speech ("my mum says
meds are poison") and talk of recovery are not flagged. Advice patterns must sit at the start of a clause, optionally
after a lead such as "just", "you should" or "why don't you", so "I quit my meds" is a story, not an instruction.

The reason given to moderators never quotes the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hearth.safety.analyzers.base import Span

RESOURCES_FILE = Path(__file__).parent / "misinformation_resources.json"

STOP_MEDICATION = "stop_medication"
PRO_EATING_DISORDER = "pro_eating_disorder"
UNPROVEN_CURE = "unproven_cure"
ANTI_TREATMENT = "anti_treatment"
KINDS = (STOP_MEDICATION, PRO_EATING_DISORDER, UNPROVEN_CURE, ANTI_TREATMENT)

# A calorie target below this, given to someone else, is treated as an extreme target.
EXTREME_CALORIES = 1000


@dataclass(frozen=True)
class MisinformationFinding:
    kind: str
    spans: tuple[Span, ...]
    resource_title: str
    resource_url: str
    reason: str


@dataclass(frozen=True)
class Resource:
    kind: str
    title: str
    url: str
    source: str
    last_verified: str | None


@cache
def resources() -> dict[str, Resource]:
    raw = json.loads(RESOURCES_FILE.read_text(encoding="utf-8"))
    return {
        r["kind"]: Resource(
            kind=r["kind"], title=r["title"], url=r["url"], source=r["source"], last_verified=r["last_verified"]
        )
        for r in raw["resources"]
    }


# --- Vocabulary ----------------------------------------------------------------------------------------------

_MED = (
    r"(?:psych\s+meds|meds?|medications?|medicines?|pills|tablets|prescriptions?|scripts?|"
    r"anti-?depressants?|anti-?psychotics?|ssris?|snris?|mood\s+stabili[sz]ers?|benzos?|"
    r"lithium|sertraline|fluoxetine|citalopram|escitalopram|paroxetine|venlafaxine|duloxetine|mirtazapine|"
    r"bupropion|quetiapine|olanzapine|aripiprazole|risperidone|lamotrigine|valproate|clozapine|"
    r"prozac|zoloft|lexapro|celexa|paxil|effexor|cymbalta|wellbutrin|seroquel|abilify|lamictal|zyprexa)"
)
# "my" is left out on purpose: "quit my meds" is a story, "quit your meds" an instruction.
_DET = r"(?:(?:all\s+)?(?:of\s+)?(?:your|ur|yr|the|those|these|that|this|them|any)\s+)?"
_TREATMENT = rf"(?:{_MED}|therapy|therapists?|psychiatry|psychiatrists?|counsell?ing|counsell?ors?|cbt|dbt)"
_CONDITION = (
    r"(?:depression|anxiety|bipolar(?:\s+disorder)?|adhd|ocd|ptsd|c-?ptsd|schizophrenia|psychosis|bpd|"
    r"mental\s+illness(?:es)?|mental\s+health\s+(?:problems|issues|conditions)|eating\s+disorders?|anorexia|"
    r"bulimia|panic\s+(?:attacks|disorder)|suicidal\s+thoughts)"
)
_CALORIES = r"(?:cal(?:orie)?s?|kcals?)"

# Patterns run on lower-cased text (see _prepare): much faster than re.IGNORECASE.
_FLAGS = 0

# What may come before an instruction in its clause: fillers, then at most one lead, then adverbs.
_FILLER = (
    r"(?:and|then|so|ok|okay|honestly|seriously|srsly|tbh|imo|imho|ngl|look|listen|trust\s+me|please|pls|plz|"
    r"yeah|yes|no|well|hey|dude|mate|hun|babe|friend|fr|lol|like|i\s+mean|real\s+talk|my\s+advice|"
    r"if\s+i\s+were\s+you|pro\s+tip|tip|tips|i\s+(?:honestly\s+)?(?:think|reckon|believe|guess|feel\s+like))"
)
_LEAD = (
    r"(?:(?:you|u|ya)\s+(?:should|need\s+to|have\s+to|gotta|got\s+to|must|ought\s+to|could|can|might\s+as\s+well)|"
    r"(?:you'?d|you\s+would|u\s+would)\s+be\s+better\s+off|why\s+not|why\s+(?:don'?t|dont)\s+(?:you|u)|"
    r"i'?d|i\s+would|i\s+say|i'?d\s+(?:say|recommend|suggest)|i\s+(?:recommend|suggest)(?:\s+(?:you|u))?|"
    r"try\s+(?:to|and)|try|better\s+to|best\s+to|it'?s\s+(?:best|better|easier|fine|ok|okay)\s+to|"
    r"(?:everyone|everybody|people|we\s+all)\s+should|how\s+to|the\s+(?:trick|key|secret)\s+is(?:\s+to)?|"
    r"(?:is|was)\s+to|remember\s+to|make\s+sure\s+(?:you|u|to)|don'?t\s+be\s+afraid\s+to|go\s+ahead\s+and)"
)
_ADVERB = r"(?:just|simply|really|totally|definitely|literally|actually|seriously|always|also|immediately|now)"
_DIRECTIVE_PREFIX = re.compile(
    rf"(?:{_FILLER}[\s,:!]*)*(?:{_LEAD}\s*)?(?:{_ADVERB}\s*)*",
    _FLAGS,
)
_CLAUSE_BREAK = re.compile(r"[,;:()\-\u2013\u2014]|\b(?:but|so|because|cause|cuz|coz)\b", _FLAGS)
_WHY_NOT = re.compile(r"\bwhy\s+(?:not|don'?t\s+(?:you|u)|dont\s+(?:you|u))\b", _FLAGS)

_SUPERVISED = re.compile(
    r"\b(?:taper\w*|gradual\w*|slowly|wean\w*|step\s+down|reduc\w+|supervis\w*|with\s+(?:the\s+)?help|"
    r"(?:ask|talk\s+to|talking\s+to|speak\s+to|check\s+with|consult|see|tell|telling|with|under|through|plan\s+with|"
    r"guidance\s+(?:of|from))\s+(?:your\s+|ur\s+|a\s+|the\s+|my\s+)?"
    r"(?:doctor|dr|gp|psychiatrist|prescriber|pharmacist|nurse|care\s+team|physician|medical\s+team))",
    _FLAGS,
)
_UNSUPERVISED = re.compile(
    r"\bwithout\s+(?:\w+\s+){0,3}?(?:doctor|dr|gp|psychiatrist|prescriber|telling|asking)|"
    r"\b(?:don'?t|do\s+not|no\s+need\s+to|never|dont)\s+(?:bother\s+)?(?:tell|ask|consult|check\s+with|listen\s+to)\b",
    _FLAGS,
)
_NEGATION_BEFORE = re.compile(
    r"\b(?:not|no|never|don'?t|dont|doesn'?t|isn'?t|aren'?t|won'?t|can'?t|nothing|nobody|stop)\s+(?:\w+\s+){0,2}$",
    _FLAGS,
)
_REPORTED = re.compile(
    r"\b(?:says?|said|saying|told|tells|claims?|claimed|claiming|insists?|insisted|heard|apparently|myths?|"
    r"rumou?rs?|misconceptions?|stigma|used\s+to\s+(?:think|believe)|read\s+(?:that|somewhere|online)|"
    r"(?<!\bi\s)(?:thinks?|believes?|believed|thought))\b",
    _FLAGS,
)
_CONDITIONAL = re.compile(r"\b(?:if|whether|unless|wish|hope|hoping)\b", _FLAGS)
_PERSONAL_SCOPE = re.compile(
    r"\b(?:for\s+me|for\s+my|in\s+my\s+(?:case|experience)|personally|i\s+find|i\s+found|worked\s+for\s+me)\b",
    _FLAGS,
)
_PAST_STORY = re.compile(r"\b(?:ago|last\s+(?:week|month|year|time)|yesterday|back\s+then|back\s+in)\b", _FLAGS)
# Narration leading up to the words ("was prescribed X for years, quit cold turkey") makes them a story.
_NARRATED = re.compile(
    r"\b(?:was|were|had|did|been|used\s+to|for\s+(?:about\s+)?\d+\s+(?:years?|months?|weeks?))\b", _FLAGS
)
# After an overdose, "make yourself sick" or "get rid of the pills" is first aid or means safety, not misinformation.
_EMERGENCY = re.compile(
    r"\b(?:er|a&e|a\s*and\s*e|hospital|ambulance|poison\s+control|overdos\w*|od|911|999|112|emergency|"
    r"stockpil\w*|hoard\w*|self-?harm|suicid\w*|kill\s+(?:myself|yourself)|stay\s+safe|keep\s+(?:you|yourself)\s+safe)\b",
    _FLAGS,
)
_RECOVERY = re.compile(
    r"\b(?:recover\w*|relaps\w*|trigger\w*|used\s+to|stay\s+away|unfollow\w*|report\w*|block\w*|harmful|"
    r"dangerous|toxic|please\s+don'?t|dietitian|dietician|treatment\s+team|ed\s+team|nourish\w*|meal\s+plan)\b",
    _FLAGS,
)
_MED_CONTEXT = re.compile(rf"\b{_MED}\b", _FLAGS)
_PER_DAY = re.compile(r"(?:a|per|each|every)\s+day|daily|/\s*day|\bmax\b|\btops\b|or\s+less|total", _FLAGS)
_CALORIE_NUMBER = re.compile(rf"(\d{{2,4}})\s*{_CALORIES}", _FLAGS)
_UNDER = re.compile(r"\b(?:under|below|less\s+than|no\s+more\s+than|max(?:imum)?|at\s+most|only)\s*$", _FLAGS)


# --- Guards: each takes the normalised text and the match, and says whether the match counts ------------------


@dataclass(frozen=True)
class _Where:
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int

    @property
    def sentence(self) -> str:
        return self.text[self.sentence_start : self.sentence_end]

    @property
    def before(self) -> str:
        return self.text[self.sentence_start : self.start]

    @property
    def is_question(self) -> bool:
        return self.text[self.sentence_end : self.sentence_end + 1] == "?"

    @property
    def is_quoted_or_reported(self) -> bool:
        """Inside an open double quote, or after "says", "told me" and the like: someone else's words."""
        return self.before.count('"') % 2 == 1 or bool(_REPORTED.search(self.before))


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    sentence_start = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, end) for c in ".!?\n") if i != -1]
    return sentence_start, min(ends) if ends else len(text)


def _clause_prefix(before: str) -> str:
    cut = 0
    for found in _CLAUSE_BREAK.finditer(before):
        cut = found.end()
    return before[cut:]


def _is_directive(w: _Where) -> bool:
    """The match is an instruction to someone else: at the start of its clause, after at most a lead."""
    prefix = _clause_prefix(w.before).strip()
    if (prefix and not _DIRECTIVE_PREFIX.fullmatch(prefix)) or w.is_quoted_or_reported:
        return False
    return not w.is_question or bool(_WHY_NOT.search(prefix))


def _is_claim(w: _Where) -> bool:
    """A general claim in the writer's own voice: not asked, negated, reported, or limited to the writer."""
    if w.is_question or w.is_quoted_or_reported or _NEGATION_BEFORE.search(w.before[-40:]):
        return False
    return not (_CONDITIONAL.search(w.before) or _PERSONAL_SCOPE.search(w.sentence))


def _medication_advice(w: _Where) -> bool:
    if not _is_directive(w) or _PAST_STORY.search(w.sentence) or _NARRATED.search(w.before):
        return False
    return not _SUPERVISED.search(w.sentence) or bool(_UNSUPERVISED.search(w.sentence))


def _medication_advice_in_context(w: _Where) -> bool:
    return _medication_advice(w) and bool(_MED_CONTEXT.search(w.text))


def _disposal_advice(w: _Where) -> bool:
    return _medication_advice(w) and not _EMERGENCY.search(w.text)


def _purging_tip(w: _Where) -> bool:
    return _eating_tip(w) and not _EMERGENCY.search(w.sentence)


def _medication_claim(w: _Where) -> bool:
    return _is_claim(w) and bool(_MED_CONTEXT.search(w.text)) and not _SUPERVISED.search(w.sentence)


def _follow_me(w: _Where) -> bool:
    return not w.is_question and bool(_MED_CONTEXT.search(w.sentence)) and not _SUPERVISED.search(w.sentence)


def _eating_tip(w: _Where) -> bool:
    return _is_directive(w) and not _RECOVERY.search(w.sentence)


def _eating_claim(w: _Where) -> bool:
    return _is_claim(w) and not _RECOVERY.search(w.sentence)


def _pro_ed_material(w: _Where) -> bool:
    return not _NEGATION_BEFORE.search(w.before[-40:]) and not _RECOVERY.search(w.sentence)


def _calorie_target(w: _Where) -> bool:
    if not _eating_tip(w):
        return False
    found = _CALORIE_NUMBER.search(w.text, w.start, w.end)
    if found is None or int(found.group(1)) >= EXTREME_CALORIES:
        return False
    after = w.text[found.end() : w.sentence_end][:25]
    return bool(_PER_DAY.search(after) or _UNDER.search(w.text[w.start : found.start()]))


def _treatment_claim(w: _Where) -> bool:
    return _is_claim(w)


# --- Rules -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    check: Callable[[_Where], bool]
    reason: str


_STOP_VERB = r"(?:stop|quit|ditch|drop|get\s+off|come\s+off|go\s+off)"
_DISPOSE_VERB = r"(?:flush|bin|chuck|toss|dump|throw\s+(?:away|out))"
# Generic "pills" and "tablets" are left out: "flush the pills" is usually means safety in a crisis.
_TREATMENT_MED = _MED.replace("pills|tablets|", "")

_RULES: tuple[_Rule, ...] = (
    # --- stop_medication
    _Rule(
        STOP_MEDICATION,
        re.compile(rf"\b{_STOP_VERB}(?:\s+(?:taking|using))?\s+{_DET}{_MED}\b", _FLAGS),
        _medication_advice,
        "Tells someone to stop prescribed medication without their prescriber.",
    ),
    _Rule(
        STOP_MEDICATION,
        re.compile(
            r"\b(?:stop|quit)\s+taking\s+(?:them|it|those|these)\b"
            r"(?!\s+(?:so\s+)?(?:seriously|personally|for\s+granted|to\s+heart|literally|at\s+face\s+value))",
            _FLAGS,
        ),
        _medication_advice,
        "Tells someone to stop prescribed medication without their prescriber.",
    ),
    _Rule(
        STOP_MEDICATION,
        re.compile(rf"\b{_DISPOSE_VERB}\s+(?:all\s+)?(?:of\s+)?(?:your|ur|yr)\s+{_TREATMENT_MED}\b", _FLAGS),
        _disposal_advice,
        "Tells someone to get rid of prescribed medication.",
    ),
    _Rule(
        STOP_MEDICATION,
        re.compile(r"\b(?:go|quit|stop|come\s+off|get\s+off|drop)\b[^.!?\n]{0,40}?\bcold[\s-]?turkey\b", _FLAGS),
        _medication_advice_in_context,
        "Tells someone to stop medication abruptly (cold turkey).",
    ),
    _Rule(
        STOP_MEDICATION,
        re.compile(r"\bcold[\s-]?turkey\s+is\s+(?:the\s+)?(?:best|only|fine|easiest|way\s+to\s+go|the\s+way)", _FLAGS),
        _medication_claim,
        "Presents stopping medication abruptly as safe or best.",
    ),
    _Rule(
        STOP_MEDICATION,
        re.compile(rf"\bskip\s+(?:{_DET}|a\s+few\s+|some\s+|a\s+)(?:doses?|{_MED})\b", _FLAGS),
        _medication_advice,
        "Tells someone to skip prescribed doses.",
    ),
    _Rule(
        STOP_MEDICATION,
        re.compile(
            rf"\b(?:don'?t|dont|do\s+not|never)\s+(?:take|touch)\s+{_DET}{_MED}"
            r"(?=\s*(?:$|[.!,;]|\banymore\b|\bany\s+more\b|\bagain\b|\bat\s+all\b|\bthey\b|\bit'?s\b))",
            _FLAGS,
        ),
        _medication_advice,
        "Tells someone not to take prescribed medication.",
    ),
    _Rule(
        STOP_MEDICATION,
        re.compile(
            r"\b(?:stopped|quit|came\s+off|ditched|dropped|binned|flushed)\b[^.!?\n]{0,80}?"
            r"\b(?:you|u|everyone|everybody)\s+should\s+(?:too|as\s+well|also|do\s+the\s+same)\b",
            _FLAGS,
        ),
        _follow_me,
        "Urges others to copy stopping medication.",
    ),
    # --- pro_eating_disorder
    _Rule(
        PRO_EATING_DISORDER,
        re.compile(
            r"#?\b(?:thinspo|thinspiration|meanspo|bonespo|bone-?spo|pro-?ana|pro-?mia|ana\s+(?:buddy|buddies|coach)|"
            r"ana\s+tips|mia\s+tips)\b",
            _FLAGS,
        ),
        _pro_ed_material,
        "Shares or seeks pro-eating-disorder material (thinspiration or pro-ana).",
    ),
    _Rule(
        PRO_EATING_DISORDER,
        re.compile(
            r"\b(?:purg(?:e|ing)|restrict(?:ing)?|starv(?:e|ing)|fasting|hiding|throwing\s+up)\s+tips\b|"
            r"\btips?\s+(?:for|on|to)\s+(?:purg(?:e|ing)|restrict(?:ing)?|starv(?:e|ing)|hid(?:e|ing)\s+(?:not\s+)?eating|"
            r"throw(?:ing)?\s+up)",
            _FLAGS,
        ),
        _pro_ed_material,
        "Shares or seeks tips for restricting, purging or hiding eating.",
    ),
    _Rule(
        PRO_EATING_DISORDER,
        re.compile(
            r"\b(?:make\s+yourself|making\s+yourself)\s+(?:sick|throw\s+up|vomit|puke|purge)\b|"
            r"\b(?:stick|put)\s+(?:your\s+|ur\s+|two\s+|2\s+)?fingers\s+down\s+(?:your|ur)\s+throat\b|"
            r"\b(?:take|use|try)\s+(?:some\s+)?(?:laxatives|diuretics|lax)\b[^.!?\n]{0,40}?"
            r"\b(?:lose|drop|weight|flush|empty|purge|get\s+rid)",
            _FLAGS,
        ),
        _purging_tip,
        "Gives purging instructions.",
    ),
    _Rule(
        PRO_EATING_DISORDER,
        re.compile(
            r"\b(?:suppress|kill|numb|ignore|trick|fool|silence|shut\s+up)\s+(?:your|ur|the)\s+(?:hunger|appetite|stomach)\b|"
            r"\b(?:drink|chew|have)\s+(?:lots\s+of\s+|a\s+lot\s+of\s+|some\s+)?(?:water|ice|gum|black\s+coffee|coffee|"
            r"diet\s+(?:coke|soda)|green\s+tea)\b[^.!?\n]{0,40}?\b(?:instead\s+of\s+eating|hunger|hungry|appetite|"
            r"cravings?|not\s+eat)",
            _FLAGS,
        ),
        _eating_tip,
        "Gives tips for ignoring hunger or restricting food.",
    ),
    _Rule(
        PRO_EATING_DISORDER,
        re.compile(
            r"\b(?:don'?t|dont|do\s+not|never|stop)\s+eat(?:ing)?\s+(?:anything|at\s+all|for\s+(?:\d+|a|two|three|several|"
            r"a\s+few)\s+(?:days?|weeks?)|after\s+\d|until\s+(?:you|dinner|tomorrow))|"
            r"\beat\s+as\s+little\s+as\s+(?:possible|you\s+can)\b|"
            r"\b(?:starve|starving)\s+yourself\b|"
            r"\bfast\s+for\s+(?:\d+|two|three|several|a\s+few)\s+days\b|"
            r"\b(?:burn|work)\s+off\s+(?:everything|every\s+(?:calorie|bite)|all\s+(?:of\s+)?(?:it|the\s+calories|you\s+eat))|"
            r"\b(?:lose|drop)\s+\d+\s*(?:lbs?|pounds|kgs?|kilos?|stone)\s+in\s+(?:a|one|\d+|two|three)\s+(?:days?|weeks?)\b",
            _FLAGS,
        ),
        _eating_tip,
        "Gives tips for restricting food or rapid weight loss.",
    ),
    _Rule(
        PRO_EATING_DISORDER,
        re.compile(
            r"\b(?:hide|conceal)\b[^.!?\n]{0,40}?\bfrom\s+(?:your\s+|ur\s+)?(?:parents|mum|mom|dad|family|"
            r"doctor|therapist|treatment\s+team|dietitian|everyone|them)\b|"
            r"\b(?:tell|say\s+to)\s+(?:them|your\s+parents|your\s+family|everyone|people)\s+(?:that\s+)?(?:you\s+)?"
            r"(?:already\s+)?(?:ate|had\s+(?:lunch|dinner|breakfast)|eaten)\b|"
            r"\b(?:pretend|say|lie\s+and\s+say)\s+(?:that\s+)?you(?:'ve|\s+have)?\s+(?:already\s+)?(?:ate|eaten)\b|"
            r"\bwear\s+(?:baggy|loose|oversized|layers)\b[^.!?\n]{0,40}?\b(?:notice|tell|see|know)\b|"
            r"\b(?:water\s*load(?:ing)?|drink\s+(?:lots\s+of\s+)?water\s+before\s+(?:the\s+|your\s+)?weigh)|"
            r"\b(?:weights|coins|batteries)\s+in\s+your\s+(?:pockets|bra|clothes|socks)\b",
            _FLAGS,
        ),
        _eating_tip,
        "Gives tips for hiding eating or weight from others.",
    ),
    _Rule(
        PRO_EATING_DISORDER,
        re.compile(
            r"\bnothing\s+tastes\s+as\s+good\s+as\s+(?:skinny|thin)\s+feels\b|"
            r"\bhunger\s+is\s+(?:just\s+)?(?:your\s+friend|good|weakness|a\s+good\s+sign|success)\b|"
            r"\bempty\s+is\s+(?:good|clean|pure|beautiful)\b|"
            r"\b(?:hip\s*bones|collar\s*bones|ribs|thigh\s+gaps?|bones)\s+(?:are|is)\s+(?:beautiful|goals?|the\s+goal|perfect)\b",
            _FLAGS,
        ),
        _eating_claim,
        "Repeats a pro-eating-disorder slogan.",
    ),
    _Rule(
        PRO_EATING_DISORDER,
        re.compile(
            r"\b(?:eat|stay|keep|stick|aim|limit|cap|restrict|get\s+(?:by|down)|have|consume|go)\b"
            rf"[^.!?\n\d]{{0,30}}?\b\d{{2,4}}\s*{_CALORIES}\b",
            _FLAGS,
        ),
        _calorie_target,
        "Gives someone an extreme calorie target.",
    ),
    # --- unproven_cure
    _Rule(
        UNPROVEN_CURE,
        re.compile(
            r"(?<!to\s)\b(?:cures?|will\s+cure|can\s+cure|fix(?:es)?|will\s+fix|heals?|will\s+heal|reverses?|"
            rf"eliminates?|gets?\s+rid\s+of)\s+(?:your\s+|ur\s+|all\s+|any\s+)?{_CONDITION}\b",
            _FLAGS,
        ),
        _treatment_claim,
        "Claims a cure for a mental health condition.",
    ),
    _Rule(
        UNPROVEN_CURE,
        re.compile(
            rf"\b(?:the\s+)?(?:only|real|true|natural)\s+cure\s+(?:for|to)\s+(?:your\s+)?{_CONDITION}\s+is\b|"
            rf"\b{_CONDITION}\s+(?:can|will)\s+be\s+(?:cured|healed|fixed)\s+(?:by|with|through)\b",
            _FLAGS,
        ),
        _treatment_claim,
        "Claims a cure for a mental health condition.",
    ),
    _Rule(
        UNPROVEN_CURE,
        re.compile(
            rf"\b(?:you|u)\s+(?:don'?t|dont|do\s+not)\s+need\s+{_DET}{_TREATMENT}\b[^.!?\n]{{0,40}}?"
            r"\b(?:just|instead|all\s+(?:you|u)\s+need|only\s+need)\b|"
            rf"\b(?:instead\s+of|rather\s+than|forget(?:\s+about)?|ditch|screw)\s+{_DET}{_TREATMENT}\b[,\s]*"
            r"(?:just\s+)?(?:try|take|use|do|eat|drink|go)\b",
            _FLAGS,
        ),
        _treatment_claim,
        "Tells someone to replace treatment with an unproven alternative.",
    ),
    _Rule(
        UNPROVEN_CURE,
        re.compile(
            rf"\b(?:works?|is|are)\s+(?:way\s+|much\s+|far\s+|so\s+much\s+)?better\s+than\s+(?:any\s+)?{_DET}{_TREATMENT}\b",
            _FLAGS,
        ),
        _treatment_claim,
        "Claims an alternative works better than proven treatment.",
    ),
    # --- anti_treatment
    _Rule(
        ANTI_TREATMENT,
        re.compile(
            rf"\b{_TREATMENT}\s+(?:is|are|=)\s+(?:just\s+|all\s+|literally\s+|basically\s+|nothing\s+but\s+|pure\s+|"
            r"such\s+|a\s+|total\s+|complete\s+)*(?:poison|toxic|scams?|con|racket|hoax|lies?|sham|fraud|brainwashing|"
            r"fake|placebos?|useless|bullshit|bs|for\s+the\s+weak|for\s+weak\s+people|crutch|big\s+pharma|money\s+grab|"
            r"poisoning\s+(?:you|us|people))\b",
            _FLAGS,
        ),
        _treatment_claim,
        "Tells others that proven treatment is harmful or a scam.",
    ),
    _Rule(
        ANTI_TREATMENT,
        re.compile(
            rf"\b(?:nobody|no\s*one|no-one)\s+(?:really\s+|actually\s+|ever\s+)?needs?\s+{_DET}{_TREATMENT}\b|"
            rf"\b(?:you|u)\s+(?:don'?t|dont|do\s+not)\s+need\s+{_DET}{_TREATMENT}\b"
            r"(?![^.!?\n]{0,40}?\b(?:just|instead|all\s+(?:you|u)\s+need|only\s+need)\b)",
            _FLAGS,
        ),
        _treatment_claim,
        "Tells others they do not need proven treatment.",
    ),
    _Rule(
        ANTI_TREATMENT,
        re.compile(
            r"\b(?:don'?t|dont|never)\s+trust\s+(?:your\s+|any\s+|a\s+)?(?:doctors?|psychiatrists?|therapists?|gps?|"
            r"big\s+pharma|pharma)\b|"
            r"\b(?:psychiatrists|doctors|therapists|big\s+pharma|pharma)\s+(?:just\s+|only\s+)?wants?\s+to\s+"
            r"(?:drug|dope|poison|sedate|zombify|medicate|make\s+money\s+off)\s+(?:you|us|people|everyone)\b|"
            rf"\b{_MED}\s+(?:will|just|only)\s+(?:turn\s+you\s+into\s+a\s+zombie|make\s+you\s+a\s+zombie|"
            r"rot\s+your\s+brain|fry\s+your\s+brain|destroy\s+your\s+brain|poison\s+you)\b",
            _FLAGS,
        ),
        _treatment_claim,
        "Tells others to distrust or avoid proven treatment.",
    ),
)

# Curly quotes and apostrophes become straight ones; one character for one, so offsets stay valid.
_NORMALISE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _prepare(text: str) -> str:
    """Lower-cased, with straight quotes, and exactly as long as the input so spans index the original."""
    text = text.translate(_NORMALISE)
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def find_misinformation(text: str) -> tuple[MisinformationFinding, ...]:
    """Findings in KINDS order, at most one per kind, each with every matching span."""
    text = _prepare(text)
    spans: dict[str, list[Span]] = {}
    reasons: dict[str, str] = {}
    for rule in _RULES:
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            where = _Where(text, start, end, *_sentence_bounds(text, start, end))
            if not rule.check(where):
                continue
            spans.setdefault(rule.kind, []).append(Span(start=start, end=end, kind=rule.kind))
            reasons.setdefault(rule.kind, rule.reason)
    found = []
    for kind in KINDS:
        if kind not in spans:
            continue
        resource = resources()[kind]
        found.append(
            MisinformationFinding(
                kind=kind,
                spans=_merge(spans[kind]),
                resource_title=resource.title,
                resource_url=resource.url,
                reason=reasons[kind],
            )
        )
    return tuple(found)


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(start=last.start, end=max(last.end, span.end), kind=last.kind)
        else:
            merged.append(span)
    return tuple(merged)
