"""Types shared by the analyzers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class RiskLevel(IntEnum):
    """Crisis risk, ordered so levels compare (RiskLevel.HIGH > RiskLevel.LOW)."""

    NONE = 0
    LOW = 1
    MODERATE = 2
    HIGH = 3
    IMMINENT = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> RiskLevel:
        return cls[label.upper()]


@dataclass(frozen=True)
class Span:
    """A stretch of the analysed text, by character offsets (end exclusive), with what was found there."""

    start: int
    end: int
    kind: str
    score: float = 1.0


@dataclass(frozen=True)
class AnalysisContext:
    """What an analyzer may know besides the text. Never the author's identity."""

    is_reply: bool = False
    # Pseudonyms of people the text is addressed to or mentions (e.g. the replied-to author), lower-cased.
    addressed: frozenset[str] = field(default_factory=frozenset)
