"""The seven parts of a personal safety plan, in Hearth's words.

The structure follows the Stanley-Brown safety planning approach: noticing the signs, coping alone, then with
others, then asking for help, then professionals, making surroundings safer, and what makes life worth living.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ITEMS = 10
MAX_ITEM_LENGTH = 300


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    help_text: str


WARNING_SIGNS = "warning_signs"
COPING_ALONE = "coping_alone"
DISTRACTIONS = "distractions"
PEOPLE_TO_ASK = "people_to_ask"
PROFESSIONALS = "professionals"
SAFER_SURROUNDINGS = "safer_surroundings"
REASONS_FOR_LIVING = "reasons_for_living"

SECTIONS: tuple[Section, ...] = (
    Section(
        WARNING_SIGNS,
        "My warning signs",
        "Thoughts, feelings, moments or things I do that tell me a hard time might be starting.",
    ),
    Section(
        COPING_ALONE,
        "Things I can do on my own to cope",
        "Small things that help me get through a difficult moment, even a little: a walk, music, a shower, a film.",
    ),
    Section(
        DISTRACTIONS,
        "People and places that take my mind off things",
        "People I like being around, and places where I feel a bit calmer, like a café, a park or a library.",
    ),
    Section(
        PEOPLE_TO_ASK,
        "People I can ask for help",
        "Who I can tell that I'm struggling, and how to reach them. Only you can see this.",
    ),
    Section(
        PROFESSIONALS,
        "Professionals and crisis lines I can contact",
        "My GP, therapist or care team, and lines that are there day and night. Change these to suit you.",
    ),
    Section(
        SAFER_SURROUNDINGS,
        "Making my surroundings safer",
        "Things I can do, or ask someone I trust to help with, so the place I'm in feels safer when things are hard.",
    ),
    Section(
        REASONS_FOR_LIVING,
        "My reasons for living, and what matters to me",
        "People, pets, hopes, plans and little things that are worth holding on to.",
    ),
)
SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
SECTIONS_BY_KEY = {s.key: s for s in SECTIONS}

# Shown first in the help panel after a post that shows risk: what helps, who to ask, and why it matters.
KEY_SECTIONS: tuple[str, ...] = (COPING_ALONE, PEOPLE_TO_ASK, REASONS_FOR_LIVING)
