"""Pseudonyms: friendly suggestions, and refusal of anything that could identify a person."""

from __future__ import annotations

import re
import secrets
from functools import cache
from itertools import pairwise
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

_DATA = Path(__file__).parent / "data"

_ADJECTIVES = (
    "Quiet",
    "Gentle",
    "Brave",
    "Calm",
    "Kind",
    "Bright",
    "Steady",
    "Warm",
    "Hopeful",
    "Patient",
    "Soft",
    "Clear",
    "Golden",
    "Silver",
    "Misty",
    "Sunny",
    "Still",
    "Tender",
    "Wise",
    "Little",
    "Humble",
    "Peaceful",
    "Cosy",
    "Mellow",
    "Amber",
    "Velvet",
    "Rosy",
    "Dawn",
    "Evening",
    "Summer",
)
_NOUNS = (
    "Heron",
    "Otter",
    "Willow",
    "Fern",
    "River",
    "Robin",
    "Badger",
    "Sparrow",
    "Harbour",
    "Meadow",
    "Lantern",
    "Pebble",
    "Maple",
    "Wren",
    "Hedgehog",
    "Owl",
    "Finch",
    "Brook",
    "Cedar",
    "Fox",
    "Puffin",
    "Moth",
    "Kestrel",
    "Clover",
    "Acorn",
    "Tide",
    "Comet",
    "Lark",
    "Birch",
    "Seal",
)

RESERVED = frozenset(
    {
        "admin",
        "administrator",
        "moderator",
        "mod",
        "hearth",
        "staff",
        "support",
        "system",
        "anonymous",
        "anonymousmember",
        "removedmember",
        "listener",
        "professional",
        "help",
        "crisis",
        "root",
        "official",
        "team",
    }
)

_FORMAT = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9_-]{2,29}$",
    "Use 3 to 30 letters, numbers, hyphens or underscores, starting with a letter.",
    code="pseudonym_format",
)


@cache
def _words(name: str) -> frozenset[str]:
    return frozenset((_DATA / name).read_text(encoding="utf-8").split())


def suggest_pseudonyms(count: int = 4) -> list[str]:
    rng = secrets.SystemRandom()
    seen: set[str] = set()
    while len(seen) < count:
        candidate = f"{rng.choice(_ADJECTIVES)}{rng.choice(_NOUNS)}{rng.randint(10, 99)}"
        # Some pairs read as a real name ("AmberFox"): never suggest what sign-up would refuse.
        try:
            validate_pseudonym(candidate)
        except ValidationError:
            continue
        seen.add(candidate)
    return sorted(seen)


def _parts(pseudonym: str) -> list[str]:
    # "JohnSmith_82" -> ["john", "smith"]; "quiet-heron" -> ["quiet", "heron"]
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", pseudonym)
    return [p.lower() for p in re.split(r"[^A-Za-z]+", spaced) if p]


def looks_like_real_name(pseudonym: str) -> bool:
    given, surnames = _words("given_names.txt"), _words("surnames.txt")
    parts = _parts(pseudonym)
    if any(first in given and (second in surnames or second in given) for first, second in pairwise(parts)):
        return True
    # All one word, e.g. "johnsmith": try every split point.
    letters = "".join(parts)
    return any(letters[:i] in given and letters[i:] in surnames for i in range(2, len(letters) - 1))


def validate_not_identifying(pseudonym: str) -> None:
    if re.search(r"\d", pseudonym) and len(re.sub(r"\D", "", pseudonym)) >= 7:
        raise ValidationError(
            "That looks like it could contain a phone number. Choose a name that doesn't identify you.",
            code="pseudonym_phone",
        )
    if re.search(r"(gmail|hotmail|outlook|yahoo|icloud|proton)|(_at_|_dot_)", pseudonym, re.IGNORECASE):
        raise ValidationError(
            "That looks like an email address. Choose a name that doesn't identify you.",
            code="pseudonym_email",
        )
    if looks_like_real_name(pseudonym):
        raise ValidationError(
            "That looks like it could be a real name. "
            "To protect your privacy, choose a name that doesn't identify you.",
            code="pseudonym_real_name",
        )
    if re.sub(r"[^a-z]", "", pseudonym.lower()) in RESERVED:
        raise ValidationError("That name is reserved. Please choose another.", code="pseudonym_reserved")


def validate_pseudonym_format(pseudonym: str) -> None:
    if "@" in pseudonym:
        raise ValidationError(
            "That looks like an email address. Choose a name that doesn't identify you.",
            code="pseudonym_email",
        )
    if re.fullmatch(r"[\d\s()+.-]{7,}", pseudonym):
        raise ValidationError(
            "That looks like a phone number. Choose a name that doesn't identify you.",
            code="pseudonym_phone",
        )
    if " " in pseudonym.strip():
        raise ValidationError("Spaces aren't allowed. Try joining words, like QuietHeron42.", code="pseudonym_format")
    _FORMAT(pseudonym)


PSEUDONYM_VALIDATORS = [validate_pseudonym_format, validate_not_identifying]


def validate_pseudonym(pseudonym: str) -> None:
    for validator in PSEUDONYM_VALIDATORS:
        validator(pseudonym)
