"""Personal details: phone numbers, emails, addresses, names, handles, links and workplaces in one text.

Rules only (compiled regular expressions, word lists and context cues), so the analyzer is fast, needs no model
and says why it fired. The word lists live in ``pii_data/`` (see PROVENANCE.md there); nothing reads a data set
at run time. Evaluation and tuning: ``tools/tune_pii.py``; figures: ``docs/safety-evaluation.md``.

Scores are the analyzer's confidence that the span is the kind it says. Full names, contact details and
addresses score at least ``WARN_MIN_SCORE``; a lone first name or an unknown capitalised word scores below it,
because peer-support posts name people all the time ("my therapist Sarah said ...") and a lone first name rarely
identifies anyone. Callers that warn or hold posts should ignore details under ``WARN_MIN_SCORE``; one-click
redaction may use them all.

``about_self`` is True only on a first-person cue ("my number is", "call me on", "I live at", "I work at",
"my name is"), False only on a clear other-person cue ("her address is", "my ex's number", "his name is"),
and None otherwise.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "DATASET_TYPE_MAP",
    "ENTITY_TYPES",
    "PLACEHOLDERS",
    "WARN_MIN_SCORE",
    "PersonalDetail",
    "PersonalDetails",
    "find_personal_details",
    "redact",
]

ENTITY_TYPES: Final = (
    "PHONE_NUMBER",  # phone and fax numbers: international (+44, 0044, +1 ...), UK, US, EU groupings
    "EMAIL_ADDRESS",
    "STREET_ADDRESS",  # a street line and whatever of flat/suite, city, region and postcode sits next to it
    "POSTCODE",  # UK postcodes, US ZIP with a state, other postcodes after "postcode"/"zip"
    "PERSON",  # personal names: full names, titled names, names given with "my name is"; lone first names
    "SOCIAL_HANDLE",  # @handles, u/handles, name#1234, and ids after "my insta/snap/tiktok/discord is"
    "PROFILE_URL",  # links to a profile on a social network (instagram.com/..., tiktok.com/@..., x.com/...)
    "ORGANIZATION",  # workplace or school: "I work at ...", "I go to ...", "... School/College/University/Ltd"
    "URL",  # any other link or bare domain (a personal site can identify its owner)
    "PAYMENT_CARD",  # 13-19 digit card numbers that pass the Luhn check
    "BANK_ACCOUNT",  # IBANs that pass the mod-97 check
    "GOVERNMENT_ID",  # US social security numbers (123-45-6789) and UK National Insurance numbers
    "IP_ADDRESS",  # IPv4 addresses
)

# Evaluation compatibility: for each entity type of the Presidio synthetic data set (and similar corpora), the
# kinds of ours that count as finding it. GPE (a city or country) is found only as part of a street address:
# a place name on its own is not flagged, because "I moved to Leeds" identifies nobody and warnings annoy.
# DATE_TIME, AGE, TITLE and NRP are not personal details for Hearth on their own and are never flagged.
DATASET_TYPE_MAP: Final[dict[str, frozenset[str]]] = {
    "PERSON": frozenset({"PERSON"}),
    "PHONE_NUMBER": frozenset({"PHONE_NUMBER"}),
    "EMAIL_ADDRESS": frozenset({"EMAIL_ADDRESS"}),
    "STREET_ADDRESS": frozenset({"STREET_ADDRESS", "POSTCODE"}),
    "ZIP_CODE": frozenset({"POSTCODE", "STREET_ADDRESS"}),
    "LOCATION": frozenset({"STREET_ADDRESS", "POSTCODE"}),
    "GPE": frozenset({"STREET_ADDRESS"}),
    "ORGANIZATION": frozenset({"ORGANIZATION"}),
    "DOMAIN_NAME": frozenset({"URL", "PROFILE_URL"}),
    "URL": frozenset({"URL", "PROFILE_URL"}),
    "CREDIT_CARD": frozenset({"PAYMENT_CARD"}),
    "IBAN_CODE": frozenset({"BANK_ACCOUNT"}),
    "US_SSN": frozenset({"GOVERNMENT_ID"}),
    "US_DRIVER_LICENSE": frozenset({"GOVERNMENT_ID"}),
    "UK_NHS": frozenset({"GOVERNMENT_ID", "PHONE_NUMBER"}),
    "IP_ADDRESS": frozenset({"IP_ADDRESS"}),
    "DATE_TIME": frozenset(),
    "AGE": frozenset(),
    "TITLE": frozenset({"PERSON"}),  # "Dr." is part of a titled name span; never flagged alone
    "NRP": frozenset(),
}

WARN_MIN_SCORE: Final = 0.5

PLACEHOLDERS: Final[dict[str, str]] = {
    "PHONE_NUMBER": "[phone number removed]",
    "EMAIL_ADDRESS": "[email address removed]",
    "STREET_ADDRESS": "[address removed]",
    "POSTCODE": "[postcode removed]",
    "PERSON": "[name removed]",
    "SOCIAL_HANDLE": "[social media handle removed]",
    "PROFILE_URL": "[profile link removed]",
    "ORGANIZATION": "[workplace or school removed]",
    "URL": "[link removed]",
    "PAYMENT_CARD": "[card number removed]",
    "BANK_ACCOUNT": "[bank details removed]",
    "GOVERNMENT_ID": "[ID number removed]",
    "IP_ADDRESS": "[IP address removed]",
}

# When two findings overlap, the earlier kind in this list wins.
_PRIORITY: Final = (
    "EMAIL_ADDRESS",
    "PROFILE_URL",
    "URL",
    "PAYMENT_CARD",
    "BANK_ACCOUNT",
    "GOVERNMENT_ID",
    "IP_ADDRESS",
    "SOCIAL_HANDLE",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "POSTCODE",
    "ORGANIZATION",
    "PERSON",
)
_RANK: Final = {kind: rank for rank, kind in enumerate(_PRIORITY)}

_ONE_FOR_ONE: Final = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)

# Texts are analysed whole up to this length; longer ones (rare: posts are capped well below) are cut so the
# cost stays linear and bounded.
MAX_CHARS: Final = 50_000


@dataclass(frozen=True)
class PersonalDetail:
    kind: str
    start: int
    end: int
    score: float
    about_self: bool | None


@dataclass(frozen=True)
class PersonalDetails:
    details: tuple[PersonalDetail, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(detail.kind for detail in self.details)


# --- word lists ---------------------------------------------------------------------------------------------

DATA_DIR: Final = Path(__file__).resolve().parent / "pii_data"


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


def _load_words(name: str) -> frozenset[str]:
    words: set[str] = set()
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


_COMMON: Final = _load_words("english_common.txt")
_ENGLISH: Final = _COMMON | _load_words("english_rare.txt")
_GIVEN: Final = _load_words("given_names.txt")
_SURNAMES: Final = _load_words("surnames.txt")
_PLACES: Final = _load_words("places.txt")
_NOT_NAMES: Final = _load_words("not_names.txt")


def _helpline_numbers() -> frozenset[str]:
    """Digits of the crisis lines Hearth itself lists: members pass these on to each other, and that is no leak."""
    numbers = {"116123", "988", "18002738255", "741741", "85258", "08457909090", "111", "999", "911", "112"}
    try:
        data = json.loads(RESOURCES_FILE.read_text(encoding="utf-8"))
        for country in data.get("countries", []):
            for service in country.get("services", []):
                for contact in service.get("contacts", []):
                    if contact.get("kind") in {"call", "text", "whatsapp"}:
                        digits = "".join(ch for ch in str(contact.get("value", "")) if ch.isdigit())
                        if digits:
                            numbers.add(digits)
    except (OSError, ValueError, AttributeError):
        pass  # the built-in numbers still apply
    return frozenset(numbers)


RESOURCES_FILE: Final = Path(__file__).resolve().parent.parent / "data" / "crisis_resources.json"
_HELPLINES: Final = _helpline_numbers()


@functools.lru_cache(maxsize=8192)
def _fold(word: str) -> str:
    """Lower-case ASCII key: "Łukasz" -> "lukasz", "O'Brien" -> "obrien"."""
    word = word.lower().replace("ł", "l").replace("ø", "o").replace("æ", "ae").replace("ß", "ss").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if ch.isalnum() and ch.isascii())


# --- shared pieces ------------------------------------------------------------------------------------------

# Upper-case letters for the scripts members are likely to use (Latin with diacritics, Greek, Cyrillic).
_UP: Final = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽΆΈ-ΏΑ-ΩЀ-Я"

_SENTENCE_BREAK: Final = re.compile(r"[.!?\n]\s")


def _clause_before(text: str, start: int, width: int = 90) -> str:
    """Up to ``width`` characters before ``start``, cut at the last sentence or line break."""
    window = text[max(0, start - width) : start]
    cut = 0
    for match in _SENTENCE_BREAK.finditer(window):
        cut = match.end()
    return window[cut:]


_RELATIONS: Final = (
    r"friend|bf|gf|ex|ex-\w+|mum|mom|mam|mother|dad|father|step-?\w+|brother|bro|sister|sis|son|daughter|kid|kids|"
    r"child|baby|partner|boyfriend|girlfriend|husband|wife|fianc[eé]e?|boss|manager|teacher|tutor|therapist|"
    r"counsell?or|psychiatrist|doctor|gp|nurse|neighbou?r|cousin|aunt|auntie|uncle|nan|nana|gran|granny|grandma|"
    r"grandmother|grandad|grandpa|grandfather|colleague|co-?worker|flatmate|roommate|housemate|classmate|"
    r"abuser|stalker|bully|family|parents?|sibling|niece|nephew|carer|landlord|landlady|crush"
)
_OTHER_CUE: Final = re.compile(
    rf"\b(?:his|her|hers|their|theirs|him|she|he|they|them|(?:my|our|a|the|this|that|your)\s+(?:\w+\s+)?"
    rf"(?:{_RELATIONS})(?:'s|s')?|[{_UP}]\w+(?:'s))(?=\W|$)",
    re.IGNORECASE,
)
_SELF_CUE: Final = re.compile(r"\b(?:my|mine|me|i|i'm|im|i've|ive|i'd|myself|our|we|us|we're)\b", re.IGNORECASE)


def _about_self(text: str, start: int) -> bool | None:
    """The closest person cue before ``start`` in the same clause decides; a relation cue beats a bare "my"."""
    clause = _clause_before(text, start)
    best_end, best = -1, None
    for match in _SELF_CUE.finditer(clause):
        if match.end() > best_end:
            best_end, best = match.end(), True
    for match in _OTHER_CUE.finditer(clause):
        # "my ex's" starts where "my" does but ends later, so it wins; ties go to the other person.
        if match.end() >= best_end:
            best_end, best = match.end(), False
    return best


class _Spans:
    """A union of character ranges with a logarithmic overlap test (texts can hold thousands of findings)."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(ranges):
            if self._ends and start <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self._ends, start)
        return index < len(self._starts) and self._starts[index] < end


@dataclass(frozen=True)
class _Hit:
    kind: str
    start: int
    end: int
    score: float
    about_self: bool | None = None
    self_known: bool = False  # about_self was decided by the finder (names, workplaces), not by _about_self


# --- emails, links, handles ---------------------------------------------------------------------------------

_EMAIL: Final = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}"
    r"[A-Za-z]{2,24}(?![\w-])"
)

_SOCIAL_DOMAINS: Final = (
    r"instagram\.com|instagr\.am|facebook\.com|fb\.com|fb\.me|m\.facebook\.com|tiktok\.com|vm\.tiktok\.com|"
    r"twitter\.com|x\.com|snapchat\.com|linkedin\.com|youtube\.com|youtu\.be|reddit\.com|threads\.net|"
    r"tumblr\.com|pinterest\.(?:com|co\.uk)|twitch\.tv|discord\.gg|discord\.com|discordapp\.com|t\.me|wa\.me|"
    r"onlyfans\.com|github\.com|bsky\.app|soundcloud\.com|open\.spotify\.com|vk\.com|mastodon\.social|"
    r"linktr\.ee|patreon\.com|ko-fi\.com|medium\.com|deviantart\.com|steamcommunity\.com|kik\.me|snap\.com"
)
_SOCIAL_HOST: Final = re.compile(rf"^(?:https?://)?(?:www\.|m\.|mobile\.)?(?:{_SOCIAL_DOMAINS})/.+", re.IGNORECASE)
_TLDS: Final = (
    r"com|org|net|edu|gov|io|co|me|tv|app|gg|ly|info|biz|xyz|online|site|blog|dev|uk|ie|de|fr|es|it|nl|be|ch|"
    r"at|se|no|dk|fi|is|pl|pt|cz|sk|hu|ro|gr|cy|ee|lv|lt|si|hr|eu|ca|us|au|nz|br|mx|ar|in|jp|kr|cn|ru|ua|za|"
    r"uy|ee|social|ee|link|page|art"
)
_URL: Final = re.compile(
    r"(?:\bhttps?://|(?<![\w@.-])www\.)[^\s<>\"'`]{1,2000}"
    rf"|(?<![\w@.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.){{1,6}}(?:{_TLDS})\b(?![.-]\w)"
    r"(?:/[^\s<>\"'`]{0,2000})?",
    re.IGNORECASE,
)
_URL_TRAILING: Final = ".,;:!?)]}'\""

_AT_HANDLE: Final = re.compile(r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@]|\.\w)")
# "@everyone" in a chat, "@import" or "@media" in pasted CSS: words after an @ that name nobody.
_NOT_HANDLES: Final = frozenset(
    {
        "everyone", "here", "channel", "all", "import", "media", "font", "keyframes", "charset", "supports",
        "namespace", "page", "layer", "container",
    }
)  # fmt: skip
_REDDIT_HANDLE: Final = re.compile(r"(?<![\w/])u/[A-Za-z0-9_-]{3,20}\b")
_DISCORD_TAG: Final = re.compile(r"(?<![\w#])[A-Za-z0-9_.]{2,32}#\d{4}\b")
_PLATFORMS: Final = (
    r"insta(?:gram)?|ig|snap(?:chat)?|tik\s?tok|twitter|x|discord|telegram|kik|whats\s?app|reddit|twitch|steam|"
    r"xbox|psn|gamertag|threads|bluesky|bsky|tumblr|youtube|yt|fb|facebook|skype|signal|wechat|roblox|"
    r"spotify|pinterest|mastodon|onlyfans|linkedin|soundcloud"
)
_HANDLE_CUE: Final = re.compile(
    rf"\b(?:(?:(?P<self>my|add\s+me\s+on|follow\s+me\s+on|find\s+me\s+on|dm\s+me\s+on|message\s+me\s+on|"
    rf"hmu\s+on|i'?m|i\s+am)|(?P<other>his|her|their|(?:my|our)\s+(?:{_RELATIONS})(?:'s)?))\s+"
    rf"(?:{_PLATFORMS})(?:\s+(?:name|id|handle|username|user|tag|account|acc|@))?"
    rf"|(?:{_PLATFORMS})\s+(?:name|id|handle|username|user|tag|account|acc)"
    rf"|user\s?name|gamertag|handle)"
    r"(?:\s*(?:is|=|:|-|at|on|@|'s)\s*|\s+)",
    re.IGNORECASE,
)
_HANDLE_TOKEN: Final = re.compile(r"@?[A-Za-z0-9_.](?:[A-Za-z0-9_.-]{0,30}[A-Za-z0-9_])?(?:#\d{4})?")


def _find_web(text: str) -> Iterator[_Hit]:  # noqa: PLR0912 - one short loop per pattern reads best
    for match in _EMAIL.finditer(text):
        yield _Hit("EMAIL_ADDRESS", match.start(), match.end(), 0.95)
    for match in _URL.finditer(text):
        start, end = match.start(), match.end()
        while end > start and text[end - 1] in _URL_TRAILING:
            end -= 1
        value = text[start:end]
        if "." not in value or value.lower().rstrip("/") in {"http:", "https:"}:
            continue
        if _SOCIAL_HOST.match(value):
            yield _Hit("PROFILE_URL", start, end, 0.9)
        else:
            explicit = value[:4].lower() in {"http", "www."}
            # Most links are to articles and services, not to the writer: below WARN_MIN_SCORE.
            yield _Hit("URL", start, end, 0.45 if explicit else 0.4)
    for match in _AT_HANDLE.finditer(text):
        if match.end() - match.start() >= 3 and match.group()[1:].lower() not in _NOT_HANDLES:
            yield _Hit("SOCIAL_HANDLE", match.start(), match.end(), 0.7)
    for match in _REDDIT_HANDLE.finditer(text):
        yield _Hit("SOCIAL_HANDLE", match.start(), match.end(), 0.8)
    for match in _DISCORD_TAG.finditer(text):
        yield _Hit("SOCIAL_HANDLE", match.start(), match.end(), 0.8)
    for match in _HANDLE_CUE.finditer(text):
        token = _HANDLE_TOKEN.match(text, match.end())
        if token is None:
            continue
        value = token.group().lstrip("@")
        key = value.lower()
        plain = value.isalpha()
        if not any(ch.isalpha() for ch in value) or len(value) < 2:
            continue
        if plain and (key in _ENGLISH or key in _NOT_NAMES or key in _PLACES):
            continue
        if match.group("other"):
            about: bool | None = False
        elif match.group("self"):
            about = True
        else:
            about = _about_self(text, match.start())
        yield _Hit("SOCIAL_HANDLE", token.start(), token.end(), 0.9 if not plain else 0.8, about, True)


# --- numbers: cards, IBANs, IDs, IPs, phones ----------------------------------------------------------------

_CARD: Final = re.compile(r"(?<![\d+-])\d(?:[ -]?\d){12,18}(?![\d-])")
_IBAN: Final = re.compile(r"\b[A-Z]{2}\d{2}[ ]?(?:[A-Z0-9]{4}[ ]?){2,7}[A-Z0-9]{1,4}\b")
_SSN: Final = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
_UK_NINO: Final = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
)
_ID_CUE: Final = re.compile(
    r"\b(?:driver'?s?\s+licen[cs]e|driving\s+licen[cs]e|licen[cs]e\s+(?:number|no\.?)|passport(?:\s+(?:number|no\.?))?|"
    r"national\s+insurance(?:\s+(?:number|no\.?))?|NI\s+(?:number|no\.?)|social\s+security(?:\s+(?:number|no\.?))?|"
    r"SSN|NHS\s+(?:number|no\.?)|medicare(?:\s+(?:number|no\.?))?|ID\s+(?:number|no\.?)|identity\s+card(?:\s+number)?)"
    r"(?:\s+(?:number|no\.?|num)|\s*#)?(?:\s+is|\s*[:=-])?\s*"
    r"(?P<code>(?=[A-Z0-9-]{0,20}\d{3})[A-Z0-9][A-Z0-9-]{3,18}[A-Z0-9]|\d{2,4}(?:[ ]\d{2,4}){1,4})\b",
    re.IGNORECASE,
)
_CARD_CUE: Final = re.compile(
    r"\b(?:card|cc|credit\s+card|debit\s+card|card\s+number|card\s+no\.?)\s*(?:number|no\.?|#)?\s*(?:is|:|-)?\s*"
    r"(?P<code>\d(?:[ -]?\d){11,18})(?![\d-])",
    re.IGNORECASE,
)
_IPV4: Final = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])"
)

_PHONE: Final = re.compile(
    r"(?<![\w+/.@:,-])"
    r"(?:(?:\+|00)\d{1,3}[ .-]?(?:\(0\)[ .-]?)?)?"
    r"(?:\(\d{1,5}\)[ .-]?)?"
    r"\d{1,12}+"
    r"(?:[ .-]\(?\d{1,12}+\)?){0,6}+"
    r"(?:[ ]?(?:x|ext\.?|extn\.?)[ ]?\d{1,6})?"
    r"(?![\w@]|[.,:-]\d|/\d)"
)
_PHONE_CUE: Final = re.compile(
    r"\b(?:phone|ph|tel|telephone|mobile|mob|cell|cellphone|landline|number|no|num|nr|fax|desk|office|call|calls|"
    r"calling|ring|text|texts|txt|sms|whatsapp|dial|reach|contact|answer|answering|registered|helpline|hotline|"
    r"line|extension|ext)\b",
    re.IGNORECASE,
)
_PHONE_LABEL_AFTER: Final = re.compile(
    r"^[ \t]*(?:\(?(?:office|fax|mobile|mob|cell|home|work|desk|landline|tel|phone|whatsapp)\b)", re.IGNORECASE
)
_UNIT_AFTER: Final = re.compile(
    r"^[ \t]?(?:%|percent|mg|mcg|µg|ug|ml|g|kg|lbs?|st|stone|kcal|cal|calories|mins?|minutes?|hrs?|hours?|"
    r"days?|weeks?|months?|years?|yrs?|am|pm|people|times|steps|miles|km|m|cm|ft|£|\$|€|x)\b",
    re.IGNORECASE,
)
_THOUSANDS: Final = re.compile(r"^\d{1,3}(?:[ .]\d{3})+$")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _iban_ok(value: str) -> bool:
    compact = value.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _looks_like_date(groups: list[str]) -> bool:
    if len(groups) not in (2, 3):
        return False
    values = [int(group) for group in groups]
    years = [i for i, group in enumerate(groups) if len(group) == 4 and 1900 <= int(group) <= 2099]
    if len(groups) == 2:
        return len(years) == 2 or (len(years) == 1 and all(len(g) <= 2 for i, g in enumerate(groups) if i != years[0]))
    if years:
        rest = [values[i] for i in range(3) if i != years[0]]
        return all(len(groups[i]) <= 2 for i in range(3) if i != years[0]) and min(rest) >= 1 and min(rest) <= 12
    day_month = [v for v in values[:2] if 1 <= v <= 31]
    return len(day_month) == 2 and min(values[:2]) <= 12 and len(groups[2]) in (2, 4)


def _phone_hit(text: str, start: int, end: int) -> _Hit | None:  # noqa: PLR0911, PLR0912 - one rule per early return
    value = text[start:end]
    main = re.split(r"[ ]?(?:x|ext\.?|extn\.?)[ ]?(?=\d)", value, maxsplit=1)[0]
    digits = "".join(ch for ch in main if ch.isdigit())
    international = main.startswith(("+", "00"))
    groups = re.findall(r"\d+", main)
    if len(digits) < 7 or len(digits) > 15:
        return None
    if digits in _HELPLINES or (digits.startswith("1") and digits[1:] in _HELPLINES):
        return None
    if not international and _looks_like_date(groups):
        return None
    if all(len(group) == 4 and 1900 <= int(group) <= 2099 for group in groups):
        return None  # a run of years
    if _UNIT_AFTER.match(text, end):
        return None
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 40) : start]
    cue = bool(_PHONE_CUE.search(before)) or bool(_PHONE_LABEL_AFTER.match(text[end : end + 20]))
    if len(groups) == 2 and not international and not cue and "(" not in main:
        return None  # "600-1000", "2 4567": ranges and pairs of numbers, unless something says phone
    if _THOUSANDS.match(main) and not international and not cue:
        return None  # 1 000 000 or 250.000
    body = groups[1:] if international else groups
    if len(digits) >= 10 or international:
        score = 0.9
    elif len(digits) == 9:
        score = 0.8 if cue or len(groups) == 1 or "(" in main else 0.6
    elif cue:
        score = 0.7
    elif "(" in main or (len(body) >= 3 and all(len(g) >= 2 for g in body)) or re.fullmatch(r"\d{3}-\d{4}", main):
        score = 0.55
    else:
        return None
    if len(groups) > 1 and not international and min(len(g) for g in groups) == 1 and not cue:
        return None  # "3 4 55 67 8" is a list of numbers
    return _Hit("PHONE_NUMBER", start, end, score)


def _find_numbers(text: str, taken: _Spans) -> Iterator[_Hit]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn(digits) and len(set(digits)) > 2:
            yield _Hit("PAYMENT_CARD", match.start(), match.end(), 0.9)
    for match in _CARD_CUE.finditer(text):
        yield _Hit("PAYMENT_CARD", match.start("code"), match.end("code"), 0.7)
    for match in _IBAN.finditer(text):
        if _iban_ok(match.group()):
            yield _Hit("BANK_ACCOUNT", match.start(), match.end(), 0.95)
    for match in _SSN.finditer(text):
        yield _Hit("GOVERNMENT_ID", match.start(), match.end(), 0.7)
    for match in _UK_NINO.finditer(text):
        yield _Hit("GOVERNMENT_ID", match.start(), match.end(), 0.8)
    for match in _ID_CUE.finditer(text):
        yield _Hit("GOVERNMENT_ID", match.start("code"), match.end("code"), 0.8)
    for match in _IPV4.finditer(text):
        yield _Hit("IP_ADDRESS", match.start(), match.end(), 0.7)
    for match in _PHONE.finditer(text):
        start, end = match.start(), match.end()
        if taken.overlaps(start, end):
            continue
        hit = _phone_hit(text, start, end)
        if hit is not None:
            yield hit


# --- addresses and postcodes --------------------------------------------------------------------------------

_STREET_SUFFIXES: Final = (
    r"Street|St|Str|Road|Rd|Avenue|Ave|Av|Lane|Ln|Drive|Dr|Drv|Close|Court|Ct|Crescent|Cres|Way|Place|Pl|"
    r"Terrace|Tce|Terr|Gardens|Gdns|Grove|Gr|Boulevard|Blvd|Parade|Pde|Square|Sq|Row|Mews|Hill|Hills|Park|Walk|"
    r"Highway|Hwy|Parkway|Pkwy|Circle|Cir|Trail|Trl|Green|Rise|View|Vale|Gate|Gateway|Wharf|Quay|Causeway|"
    r"Embankment|Broadway|Alley|Bypass|Chase|Croft|Dale|End|Fields?|Heights|Hollow|Junction|Jct|Loop|"
    r"Meadows?|Mount|Orchard|Pass|Path|Pike|Plaza|Point|Ridge|Spur|Summit|Turnpike|Valley|Villas|Vista|Wood|"
    r"Woods|Yard|Estate|Brook|Crossing|Forge|Forges|Harbou?r|Haven|Knoll|Landing|Lodge|Manor|Mills?|Mission|"
    r"Oval|Parks|Pines?|Plains?|Ranch|Rapids|Springs?|Stream|Unions?|Creek|Cove|Canyon|Commons?|Corners?|"
    r"Expressway|Falls|Ferry|Freeway|Glen|Inlet|Islands?|Keys?|Lights?|Locks|Neck|Overpass|Passage|Radial|"
    r"Roads|Shoals?|Skyway|Squares|Stravenue|Throughway|Trace|Trafficway|Tunnel|Underpass|Viaduct|Villages?|"
    r"Ways|Wynd|Brae|Loan|Gait|Hey|Fold|Garth|Nook|Side|Bank|Walkway|Circus|Approach|Bridge|Cottages|Wells?"
)
_STREET_PREFIXES: Final = (
    r"Rua|Avenida|Avda|Av|Calle|C/|Carrer|Camino|Paseo|Plaza|Praça|Praca|Travessa|Largo|Via|Viale|Vicolo|"
    r"Strada|Piazza|Piazzale|Corso|Contrada|Rue|Boulevard|Bd|Bld|Chemin|Allée|Allee|Impasse|Quai|Route|Rúa|"
    r"Avinguda|Passeig|Ronda|Ul|ul|Ulica|Ulice|Aleja|Al|Calea|Bulevardul|Odos|Leoforos|Utca|Rruga|Ulitsa|Prospekt"
)
_COMPOUND_SUFFIXES: Final = (
    r"vej|vejen|gade|gaden|gasse|straße|strasse|str|weg|laan|straat|gracht|plein|kade|singel|dreef|katu|tie|"
    r"kuja|polku|raitti|väylä|vägen|väg|gatan|gata|gränd|backe|stigen|veien|vei|veg|vegen|gaten|stræde|"
    r"allé|alle|torv|plads|platz|damm|ufer|gässli|stígur|vegur|braut|utca|ulice|ulica|tänav|iela|cesta|"
    r"steeg|allee|chaussee|pfad|stieg|zeile"
)
_MID: Final = (
    rf"(?:(?:[{_UP}][\w'.-]*|de|del|della|di|da|do|dos|das|du|des|la|le|les|el|los|las|der|den|van|von|am|an|im|"
    r"zum|zur|y|e|i|of|the|on)[ \t]+)"
)
_NUM: Final = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?"

_ADDR_NUMBER_FIRST: Final = re.compile(
    rf"(?<![\w.,-]){_NUM},?[ \t]+{_MID}{{0,4}}[{_UP}][\w'-]*[ \t]+(?:{_STREET_SUFFIXES})\b\.?"
)
_ADDR_PREFIX_STREET: Final = re.compile(
    rf"(?<![\w-])(?:{_STREET_PREFIXES})\.?[ \t]+{_MID}{{0,4}}[\w'-]+[ \t]+\d{{1,5}}[A-Za-z]?\b\.?"
    rf"|(?<![\w.,-]){_NUM},?[ \t]+(?:{_STREET_PREFIXES}|rue|avenue|via|calle|rua|avenida|piazza|strada|"
    rf"boulevard|chemin|place|route|allée|carrer)\.?[ \t]+{_MID}{{0,3}}[\w'-]+\b",
)
_ADDR_COMPOUND: Final = re.compile(
    rf"(?<![\w-])(?:[{_UP}][\w'-]*[ \t]+)?"
    rf"(?:[{_UP}][^\W\d_]{{2,}}(?i:{_COMPOUND_SUFFIXES})|(?i:{_COMPOUND_SUFFIXES}))\.?[ \t]+"
    rf"(?!(?:19|20)\d\d\b)\d{{1,4}}[A-Za-z]?\b\.?(?![\d%])",
)
# A building number, one to three capitalised words and a house number: "0138 Brisas 6802", "5586 Þórunnarstræti 31".
_ADDR_NUMBER_NAME_NUMBER: Final = re.compile(
    rf"(?<![\w.,:/-])(?!(?:19|20)\d\d\b)\d{{3,5}}[ \t]+(?:(?:ul\.|u\.)[ \t]+)?[{_UP}][^\W\d_]*(?:['.-][^\W\d_]+)*\.?"
    rf"(?:[ \t]+[{_UP}][^\W\d_]*(?:['.-][^\W\d_]+)*\.?){{0,2}}[ \t]+\d{{1,4}}[A-Za-z]?\b\.?(?![\d:/-])"
)
# Hungarian "Kálmán Imre u. 12." and similar separate-word suffixes.
_ADDR_SUFFIX_WORD: Final = re.compile(
    rf"(?<![\w-])(?:[{_UP}][\w'-]*[ \t]+){{1,3}}(?:u\.|utca|út|útja|tér|körút|sor|köz|kapu|Baan|Laan|Straat|"
    r"Strasse|Straße|Gasse|Weg|Allee|Platz|Vej|Gade)[ \t]+\d{1,4}[A-Za-z]?\b\.?"
)
_ADDR_CORNER: Final = re.compile(
    r"\b(?:the[ \t]+)?corner[ \t]+of[ \t]+(?:[\w'.-]+[ \t]+){1,5}?(?:and|&)[ \t]+"
    rf"[{_UP}][\w'.-]*(?:[ \t]+[{_UP}][\w'.-]*){{0,3}}",
    re.IGNORECASE,
)
# A named street without a number ("Baker Street"): a street but not yet a home, so it scores under WARN_MIN_SCORE.
_ADDR_STREET_NAME: Final = re.compile(
    rf"(?<![\w-])(?P<name>[{_UP}][\w'-]*)(?:[ \t]+[{_UP}][\w'-]*)?[ \t]+(?:Street|Road|Avenue|Lane|Drive|Close|"
    rf"Crescent|Terrace|Boulevard|Gardens|Grove|Mews|Gateway|Loop|Mall|Bypass|Parkway|Highway|Square)\b"
)
_ADDR_UNIT: Final = re.compile(
    r"\b(?:Apt|Apartment|Suite|Ste|Flat|Unit)\.?[ \t]*#?[ \t]*\d{1,5}[A-Za-z]?\b"
    r"|\b(?:apt|suite)\.?[ \t]*#?\d{1,5}\b",
)
_ADDR_MILITARY: Final = re.compile(
    r"\b(?:PSC|CMR|Unit)[ \t]+\d{3,5},?[ \t]+Box[ \t]+\d{3,5}\b"
    r"|\b(?:USNS|USNV|USS|USCGC)[ \t]+[A-Z][a-z]+\b"
    r"|\b(?:APO|FPO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+\d{5}\b"
    r"|\bP\.?[ \t]?O\.?[ \t]+Box[ \t]+\d{1,6}\b|\bPost[ \t]+Office[ \t]+Box[ \t]+\d{1,6}\b",
    re.IGNORECASE,
)
_ADDRESS_CUE: Final = re.compile(
    r"\b(?:(?P<self>i|we|i'm|im|i've)\s+(?:(?:still|currently|now|also|used\s+to|just)\s+)?"
    r"(?:live|living|lived|stay|staying|moved|move|reside|am\s+staying|am\s+living)|"
    r"(?:lives|living|lived|stays|staying|moved|resides)|(?:address|addy)(?:\s+is|\s*:|\s*-)|"
    r"(?:send|sent|post|posted|deliver|delivered|ship|shipped|mail|mailed|come|meet\s+me|return|returned|forward)\s+(?:it\s+|them\s+|this\s+)?"
    r"(?:to|at))"
    r"\s+(?:(?:at|on|in)\s+)?",
    re.IGNORECASE,
)
_ADDR_AFTER_CUE: Final = re.compile(
    rf"(?:(?:flat|apt\.?|apartment|unit|suite)\s*\d{{1,5}}[a-z]?,?\s+)?{_NUM},?[ \t]+"
    rf"(?:[\w'.-]+[ \t]+){{0,4}}?(?:{_STREET_SUFFIXES})\b\.?"
    rf"|(?-i:(?:{_NUM}[ \t]+)?(?:(?:ul\.|u\.)[ \t]+)?(?:[{_UP}][\w'.-]*[ \t]+){{1,4}}\d{{1,5}}[A-Za-z]?\b)",
    re.IGNORECASE,
)
_US_STATES: Final = (
    r"AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|"
    r"OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR|GU|VI|AS|MP"
)
_US_ZIP: Final = re.compile(rf"\b(?:{_US_STATES}),?[ \t]*\n?[ \t]*\d{{5}}(?:-\d{{4}})?\b")
_UK_POSTCODE: Final = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2})\b"
    r"|\b(?:[a-pr-uwyz][a-hk-y]?\d[a-hjkpstuw\d]?[ \t]\d[abd-hjlnp-uw-z]{2})\b"
)
_POSTCODE_CUE: Final = re.compile(
    r"\b(?:zip(?:\s*code)?|post\s*code|postal\s*code|plz|cap|eircode)\s*(?:is|:|-|=)?\s*"
    r"(?P<code>\d{3,6}(?:[- ]\d{2,4})?|\d{4}[ ]?[A-Z]{2}|[A-Z]\d{2}[ ]?[A-Z0-9]{4}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d)\b",
    re.IGNORECASE,
)
# What may sit between two address pieces, or follow one, in the same address: city, region, country, codes.
_ADDR_GAP: Final = re.compile(
    rf"[\s,>?]*(?:(?:[{_UP}][\w'().-]*|\d{{1,6}}(?:[- ]\d{{2,4}})?|nan|de|del|la|le|di|du|am|an|im|upon|on|"
    rf"\([\w ]+\))[ \t,]*(?:\n[\s>?]*)?){{0,6}}",
)
_ADDR_TAIL_SEGMENT: Final = re.compile(
    rf"(?:[ \t]*,[ \t]*(?:\n[\s>?,]*)?|[ \t]*\n[\s>?,]*|[ \t]+(?=\d))"
    rf"(?:(?:[{_UP}][\w'().-]*|\d{{3,6}}(?:[- ]\d{{2,4}})?|[A-Z]{{1,2}}\d[A-Z\d]?[ ]?\d[A-Z]{{2}}|nan|"
    rf"de|del|la|le|di|du|am|an|im|upon|on|\([\w ]+\))[ \t]*){{1,5}}"
    rf"(?=[ \t]*(?:[\n,.;!?)]|$))",
)
_FULL_STOP: Final = re.compile(r"(?:\d|[^\W\d_]{4,})\.$")
_LEADING_NUMBER: Final = re.compile(r"(?:^|(?<=[\s>?,]))\d{1,6}[ \t]+$")


def _find_addresses(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for pattern, score in (
        (_ADDR_NUMBER_FIRST, 0.8),
        (_ADDR_PREFIX_STREET, 0.75),
        (_ADDR_COMPOUND, 0.75),
        (_ADDR_MILITARY, 0.8),
        (_ADDR_UNIT, 0.5),
        (_ADDR_NUMBER_NAME_NUMBER, 0.6),
        (_ADDR_SUFFIX_WORD, 0.75),
        (_ADDR_CORNER, 0.6),
    ):
        for match in pattern.finditer(text):
            hits.append(_Hit("STREET_ADDRESS", match.start(), match.end(), score))
    for match in _ADDR_STREET_NAME.finditer(text):
        if _fold(match.group("name")) not in _GIVEN:
            hits.append(_Hit("STREET_ADDRESS", match.start(), match.end(), 0.4))
    for match in _ADDRESS_CUE.finditer(text):
        found = _ADDR_AFTER_CUE.match(text, match.end())
        if found is not None:
            about = True if match.group("self") else None
            hits.append(_Hit("STREET_ADDRESS", found.start(), found.end(), 0.9, about, about is not None))
    for match in _US_ZIP.finditer(text):
        hits.append(_Hit("POSTCODE", match.start(), match.end(), 0.7))
    for match in _UK_POSTCODE.finditer(text):
        hits.append(_Hit("POSTCODE", match.start(), match.end(), 0.85 if match.group().isupper() else 0.6))
    for match in _POSTCODE_CUE.finditer(text):
        hits.append(_Hit("POSTCODE", match.start("code"), match.end("code"), 0.8))
    if not hits:
        return hits
    return _merge_address_blocks(text, hits)


def _merge_address_blocks(text: str, hits: list[_Hit]) -> list[_Hit]:
    """Join pieces of one address (street, flat, city, postcode) into one span and extend it over the tail."""
    hits.sort(key=lambda hit: (hit.start, -hit.end))
    blocks: list[list[_Hit]] = []
    last_end = -1
    for hit in hits:
        if blocks:
            if hit.start <= last_end:
                blocks[-1].append(hit)
                last_end = max(last_end, hit.end)
                continue
            gap = text[last_end : hit.start]
            if len(gap) <= 80 and gap.count("\n") <= 3 and _ADDR_GAP.fullmatch(gap):
                blocks[-1].append(hit)
                last_end = max(last_end, hit.end)
                continue
        blocks.append([hit])
        last_end = hit.end
    merged: list[_Hit] = []
    for block in blocks:
        start = min(h.start for h in block)
        end = max(h.end for h in block)
        kinds = {h.kind for h in block}
        score = max(h.score for h in block)
        about = next((h.about_self for h in block if h.self_known), None)
        self_known = any(h.self_known for h in block)
        if kinds == {"POSTCODE"}:
            merged.append(_Hit("POSTCODE", start, end, score, about, self_known))
            continue
        if len(block) > 1:
            score = min(0.95, score + 0.1)
        lead = _LEADING_NUMBER.search(text, max(0, start - 8), start)
        if lead is not None:
            start = lead.start()
        for _ in range(4):
            tail = _ADDR_TAIL_SEGMENT.match(text, end)
            if tail is None or tail.end() == end:
                break
            end = tail.end()
        while end > start and text[end - 1] in " \t,":
            end -= 1
        if text[end - 1] == "." and _FULL_STOP.search(text, start, end):
            end -= 1  # a sentence's full stop, not "St." or "u. 12."
        merged.append(_Hit("STREET_ADDRESS", start, end, score, about, self_known))
    return merged


# --- workplaces and schools ---------------------------------------------------------------------------------

_ORG_SUFFIXES: Final = (
    r"School|Academy|College|University|Uni|Polytechnic|Institute|Hospital|Clinic|Surgery|Practice|Inc|Ltd|LLC|"
    r"LLP|PLC|plc|GmbH|AG|SA|BV|AB|Oy|AS|Corp|Corporation|Company|Co|Group|Partners|Associates|Solutions|"
    r"Technologies|Technology|Systems|Services|Bank|Trust|Foundation|Council|Church|Cafe|Café|Restaurant|Hotel|"
    r"Pharmacy|Nursery|Primary|Agency|Studios?|Labs?|Industries|Holdings|Enterprises|Consulting|Logistics|"
    r"Media|Motors|Airlines|Insurance|Centre|Center|Prison|Barracks"
)
_ORG_GENERIC: Final = _words(
    "primary secondary high middle grammar medical nursing grad graduate summer sunday law art arts "
    "boarding business driving state public private catholic elementary junior senior community night the "
    "my our a an this that new old local special sixth form free independent comprehensive nhs general "
    "mental health psychiatric children's childrens dental eye walk-in walk in gp university college "
    "school hospital clinic"
)
_ORG_WORD: Final = rf"(?:[{_UP}0-9][\w'&.-]*|&|and|of|the|for|de|la|du|St\.?)"
_ORG_SUFFIXED: Final = re.compile(
    rf"(?<![\w-])(?:[{_UP}][\w'&.-]*[ \t]+)(?:{_ORG_WORD}[ \t]+){{0,4}}?(?:{_ORG_SUFFIXES})\b\.?"
    rf"|(?<![\w-])(?:University|College|Academy|Institute)[ \t]+of[ \t]+(?:the[ \t]+)?[{_UP}][\w'-]*"
    rf"(?:[ \t]+[{_UP}][\w'-]*){{0,3}}",
)
_ORG_CUE: Final = re.compile(
    r"\b(?:(?P<self>i|i'm|im|i\s+am|we|we're|i've|ive)\s+(?:\w+\s+){0,2}?|(?P<other>he|she|they|his|her|"
    rf"their|(?:my|our)\s+(?:{_RELATIONS}))\s+(?:\w+\s+){{0,2}}?)?"
    r"(?:(?P<work>work|works|worked|working|volunteer|volunteers|volunteering|intern|interning|teach|teaches|"
    r"employed|job|placement|apprenticeship)|go|goes|going|went|study|studies|studying|attend|attends|attending|"
    r"student|pupil|enrolled|year\s+\d+|year\s+(?:seven|eight|nine|ten|eleven|twelve|thirteen))\s+"
    r"(?:at|for|to|by|in|with)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_ORG_AFTER_CUE: Final = re.compile(
    rf"[{_UP}][\w'&.-]*(?:(?:[ \t]+|,[ \t]+)(?:{_ORG_WORD}))*",
)


_ORG_TOKENS: Final = _words(
    "inc ltd llc llp plc gmbh corp corporation company co group partners associates solutions "
    "technologies systems services bank trust foundation council school academy college university "
    "hospital clinic"
)


def _find_organizations(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for match in _ORG_SUFFIXED.finditer(text):
        words = [_fold(word) for word in match.group().split()]
        if words[-1] in _ORG_TOKENS and all(word in _ORG_GENERIC or word in _COMMON for word in words[:-1]):
            continue  # "Private School", "IT Company", headings in Title Case
        if words[0] in _NOT_NAMES or words[0] in {"i", "im", "my", "our"}:
            continue
        hits.append(_Hit("ORGANIZATION", match.start(), match.end(), 0.6))
    for match in _ORG_CUE.finditer(text):
        found = _ORG_AFTER_CUE.match(text, match.end())
        if found is None:
            continue
        end = found.end()
        value = found.group()
        # Trim trailing joiners ("... and", "... of the").
        trimmed = re.sub(r"(?:[ \t,]+(?:and|of|the|for|&|de|la|du))+$", "", value)
        end = found.start() + len(trimmed)
        words = trimmed.split()
        if not match.group("work") and not any(_fold(word) in _ORG_TOKENS for word in words):
            continue  # "went to the ER", "go to Leeds": only schools and colleges count after go/study/attend
        if len(words) > 6 or (words and words[0].isupper() and len(words[0]) <= 3 and len(words) == 1):
            continue
        first = _fold(words[0]) if words else ""
        if not first or (first in _NOT_NAMES and first not in {"amazon", "google", "apple"}) or first in _PLACES:
            continue
        if match.group("other"):
            about: bool | None = False
        elif match.group("self"):
            about = True
        else:
            about = _about_self(text, match.start())
        hits.append(_Hit("ORGANIZATION", found.start(), end, 0.8, about, True))
    return hits


# --- names --------------------------------------------------------------------------------------------------

_TOKEN: Final = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_PARTICLES: Final = _words("van von de der den da di del della dos das du la le bin ibn al el ter ten y st")
_SUFFIXES: Final = _words("jr sr ii iii iv")
_TITLES: Final = _words(
    "mr mrs ms miss mx dr prof professor sir dame lady lord rev reverend father sister brother nurse"
)
_TITLE_ALWAYS: Final = _words("mr mrs ms miss mx dr prof")
_NAME_CUE: Final = re.compile(
    r"(?:\bmy\s+name\s+is|\bmy\s+name's|\bname\s*:|\bi\s+am\s+called|\bi'?m\s+called|"
    r"\bcall\s+me|\bcalls\s+me|\bknown\s+as|\bi\s+go\s+by|\bi'?m|\bi\s+am|\bthis\s+is|"
    r"\bsigned|\bregards,|\bthanks,|\blove,)\s*$",
    re.IGNORECASE,
)
_SELF_NAME_CUE: Final = re.compile(
    r"(?:\bmy\s+name\s+is|\bmy\s+name's|\bi\s+am\s+called|\bi'?m\s+called|\bcall\s+me|\bcalls\s+me|"
    r"\bi\s+go\s+by|\bi'?m|\bi\s+am|\bthis\s+is|\bsigned|\bregards,|\bthanks,|\blove,|\bname\s*:)\s*$",
    re.IGNORECASE,
)
_OTHER_NAME_CUE: Final = re.compile(
    rf"(?:\b(?:his|her|their)\s+name\s+is|\b(?:my|our|a|his|her|their)\s+(?:\w+\s+)?(?:{_RELATIONS})(?:'s)?"
    rf"(?:\s+name\s+is|,)?|\b(?:named|called))\s*$",
    re.IGNORECASE,
)
_AFTER_PREPOSITION: Final = re.compile(r"\b(?:in|from|to|near|at|visit|visiting|into|around|of)\s+$", re.IGNORECASE)


_MAX_RUN: Final = 6
_CONTRACTION: Final = re.compile(r"'(?:t|re|ve|ll|d|m|s|mon|em|all)$", re.IGNORECASE)


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    key: str


def _classify(token: _Tok) -> str:
    """N: known name; A: name that is also an ordinary word; U: unknown word; C: ordinary word, place or stop."""
    key = token.key
    if _CONTRACTION.search(token.text):
        return "C"
    if key in _NOT_NAMES and key not in _GIVEN:
        return "C"
    named = key in _GIVEN or key in _SURNAMES
    if named:
        return "A" if key in _COMMON or key in _NOT_NAMES else "N"
    if key in _ENGLISH or key in _PLACES or len(key) < 2:
        return "C"
    return "U"


def _is_sentence_start(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and text[index] in " \t\"'(*_>?-•":
        index -= 1
    return index < 0 or text[index] in ".!?\n:;…"


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _find_names(text: str, blocked: _Spans) -> list[_Hit]:
    tokens: list[_Tok] = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        end = match.end()
        if word.endswith("'s"):
            word, end = word[:-2], end - 2
        tokens.append(_Tok(match.start(), end, word, _fold(word)))
    hits: list[_Hit] = []
    index = 0
    count = len(tokens)
    while index < count:
        token = tokens[index]
        title = token.key in _TITLES and (token.text[:1].isupper() or token.key in _TITLE_ALWAYS)
        if not (_capitalised(token.text) or title):
            cue_hit = _lowercase_cued_name(text, tokens, index)
            if cue_hit is not None:
                hits.append(cue_hit[0])
                index = cue_hit[1]
                continue
            index += 1
            continue
        # Collect a run of capitalised words joined by single spaces (particles and initials allowed inside).
        run = [token]
        j = index + 1
        while j < count:
            prev, nxt = run[-1], tokens[j]
            gap = text[prev.end : nxt.start]
            if text[prev.end : prev.end + 2] == "'s":
                break
            initial = len(prev.text) == 1 and gap in {". ", "."}
            if not (gap == " " or initial or (gap == ". " and prev.key in _TITLES)):
                break
            if _capitalised(nxt.text) or (nxt.key in _PARTICLES and j + 1 < count and _capitalised(tokens[j + 1].text)):
                if len(run) <= _MAX_RUN:  # longer runs are headings and are dropped; stop collecting them
                    run.append(nxt)
                j += 1
                continue
            if nxt.key in _SUFFIXES:
                run.append(nxt)
                j += 1
            break
        index = j
        hit = _score_run(text, run)
        if hit is not None and not blocked.overlaps(hit.start, hit.end):
            hits.append(hit)
    return hits


def _lowercase_cued_name(text: str, tokens: list[_Tok], index: int) -> tuple[_Hit, int] | None:
    """'my name is sam okafor', 'call me jj': lower-case names right after a strong name cue."""
    token = tokens[index]
    before = text[max(0, token.start - 25) : token.start]
    if not re.search(r"(?:\bmy\s+name\s+is|\bmy\s+name's|\bcall\s+me|\bcalls\s+me|\bname\s*:)\s*$", before, re.I):
        return None
    run: list[_Tok] = []
    j = index
    while j < len(tokens) and len(run) < 3:
        candidate = tokens[j]
        if run and text[run[-1].end : candidate.start] != " ":
            break
        ordinary = candidate.key in _ENGLISH or candidate.key in _NOT_NAMES or candidate.key in _PLACES
        if ordinary and candidate.key not in _GIVEN and candidate.key not in _SURNAMES:
            break
        run.append(candidate)
        j += 1
    if not run:
        return None
    score = 0.8 if len(run) > 1 else 0.45
    about = _self_for_name(text, run[0].start)
    return _Hit("PERSON", run[0].start, run[-1].end, score, about, True), j


def _self_for_name(text: str, start: int) -> bool | None:
    before = text[max(0, start - 40) : start]
    if _OTHER_NAME_CUE.search(before):
        return False
    if _SELF_NAME_CUE.search(before):
        return True
    return None


def _score_run(text: str, run: list[_Tok]) -> _Hit | None:  # noqa: PLR0911, PLR0912, PLR0915 - the name rules, in order
    titled = run[0].key in _TITLES and len(run) > 1
    body = run[1:] if titled else run
    if titled and body and body[0].key in _TITLES:
        body = body[1:]
    if not body:
        return None
    classes = [
        "P"
        if tok.key in _PARTICLES or tok.key in _SUFFIXES or (len(tok.text) == 1 and tok is not body[0])
        else _classify(tok)
        for tok in body
    ]
    # Drop ordinary words at the edges ("Yesterday Sarah Jones", "Sarah Jones Today"); keep titled names whole.
    while not titled and body and classes[0] in "CP":
        body, classes = body[1:], classes[1:]
    while not titled and body and classes[-1] in "CP" and body[-1].key not in _SUFFIXES:
        body, classes = body[:-1], classes[:-1]
    if not body:
        return None
    if len(body) > 4:
        return None  # a capitalised title or heading, not a name
    if any(tok.key in _NOT_NAMES and tok.key not in _GIVEN and len(tok.text) > 1 for tok in body) or any(
        tok.key in _ORG_TOKENS for tok in run
    ):
        return None
    if "C" in classes and not titled:
        return None  # "Sarah Went Home", "Leeds City Council": mixed with ordinary words
    start = run[0].start if titled else body[0].start
    end = body[-1].end
    sentence_start = _is_sentence_start(text, start)
    before = text[max(0, start - 40) : start]
    cued = bool(_NAME_CUE.search(before)) or bool(_OTHER_NAME_CUE.search(before))
    strong = sum(1 for c in classes if c in "NU")
    named = sum(1 for c in classes if c in "NA")
    first_given = body[0].key in _GIVEN
    if titled:
        score = 0.8 if strong or named else 0.6
    elif len(body) >= 2:
        if strong == 0:
            if not (first_given and named == len(body)):
                return None  # "Will Rose", "Grace Hill": ambiguous words only, unless both are known names
            score = 0.6
        elif named >= 1:
            score = 0.9 if first_given else 0.8
        else:
            # Unknown words only: foreign names, but also places and brands.
            if any(tok.key in _PLACES for tok in body):
                return None
            score = 0.6 if not sentence_start else 0.5
    else:
        cls = classes[0]
        if _SELF_NAME_CUE.search(before):
            score = 0.55 if cls in "NU" else 0.4
        elif cued:
            score = 0.35 if cls in "NU" else 0.25
        elif cls == "N":
            if _AFTER_PREPOSITION.search(before) and body[0].key in _PLACES:
                return None
            score = 0.35
        elif cls == "A":
            if sentence_start or _AFTER_PREPOSITION.search(before):
                return None
            score = 0.25
        else:  # unknown capitalised word: a name, or a brand, place or typo
            score = 0.2 if sentence_start else 0.3
    if titled:
        about = None
    else:
        about = _self_for_name(text, start)
        if about is False and len(body) < 2:
            about = None  # "my friend Sarah": a first name alone is not someone else's identifying detail
    return _Hit("PERSON", start, end, score, about, True)


# --- entry points -------------------------------------------------------------------------------------------


def _resolve(hits: Iterable[_Hit]) -> list[_Hit]:
    """Keep the higher-priority finding where two overlap; an address beats a short, uncued phone number."""
    ordered = sorted(hits, key=lambda h: (_RANK[h.kind], -(h.end - h.start), h.start))
    # Kept findings never overlap, so sorted by start they are also sorted by end.
    starts: list[int] = []
    kept: list[_Hit] = []
    for hit in ordered:
        index = bisect.bisect_left(starts, hit.start)
        low = index
        while low > 0 and kept[low - 1].end > hit.start:
            low -= 1
        high = index
        while high < len(kept) and kept[high].start < hit.end:
            high += 1
        clash = kept[low:high]
        if clash and not (
            hit.kind == "STREET_ADDRESS" and all(k.kind == "PHONE_NUMBER" and k.score < 0.9 for k in clash)
        ):
            continue
        kept[low:high] = [hit]
        starts[low:high] = [hit.start]
    return kept


def find_personal_details(text: str) -> PersonalDetails:
    if not text:
        return PersonalDetails(())
    # Curly quotes and dashes become their ASCII forms one for one, so offsets still point into the original.
    text = text[:MAX_CHARS].translate(_ONE_FOR_ONE)
    hits: list[_Hit] = list(_find_web(text))
    taken = _Spans((h.start, h.end) for h in hits)
    hits.extend(_find_numbers(text, taken))
    hits.extend(_find_addresses(text))
    hits.extend(_find_organizations(text))
    blocked = _Spans((h.start, h.end) for h in hits if h.kind != "ORGANIZATION")
    hits.extend(_find_names(text, blocked))
    details = []
    for hit in _resolve(hits):
        about = hit.about_self if hit.self_known else _about_self(text, hit.start)
        details.append(PersonalDetail(hit.kind, hit.start, hit.end, round(hit.score, 2), about))
    return PersonalDetails(tuple(details))


def redact(text: str, details: PersonalDetails | tuple[PersonalDetail, ...]) -> str:
    """Replace each detail with a placeholder like [phone number removed]; used for one-click redaction."""
    items = details.details if isinstance(details, PersonalDetails) else details
    spans: list[tuple[int, int, str]] = []
    for detail in sorted(items, key=lambda d: (d.start, -d.end)):
        start, end = max(0, detail.start), min(len(text), detail.end)
        if start >= end:
            continue
        if spans and start < spans[-1][1]:
            last_start, last_end, last_kind = spans[-1]
            kind = last_kind if _RANK.get(last_kind, 99) <= _RANK.get(detail.kind, 99) else detail.kind
            spans[-1] = (last_start, max(last_end, end), kind)
        else:
            spans.append((start, end, detail.kind))
    out: list[str] = []
    position = 0
    for start, end, kind in spans:
        out.append(text[position:start])
        out.append(PLACEHOLDERS.get(kind, "[personal detail removed]"))
        position = end
    out.append(text[position:])
    return "".join(out)
