"""What a particular reader sees of a post: content warnings from hidden topics and muted words, and who wrote it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hearth.accounts.models import SensitiveTopic

if TYPE_CHECKING:
    from hearth.permissions import AnyUser

ANONYMOUS_LABEL = "Anonymous member"
TOPIC_LABELS = dict(SensitiveTopic.choices)
# A visitor who is not signed in, and every new member, hides every sensitive topic until they choose otherwise.
ALL_TOPICS = frozenset(SensitiveTopic.values)


@dataclass(frozen=True)
class ReaderFilter:
    hidden_topics: frozenset[str]
    muted: re.Pattern[str] | None = field(default=None)

    @classmethod
    def for_user(cls, user: AnyUser) -> ReaderFilter:
        if not user.is_authenticated:
            return cls(hidden_topics=ALL_TOPICS)
        cached: ReaderFilter | None = getattr(user, "_hearth_reader_filter", None)
        if cached is None:
            cached = cls(hidden_topics=frozenset(user.hidden_topics), muted=compile_muted(user.muted_words))
            setattr(user, "_hearth_reader_filter", cached)  # noqa: B010 (a per-request cache)
        return cached

    def warnings(self, topics: list[str], *texts: str) -> list[str]:
        """Why this content is collapsed for this reader; empty when it can be shown openly."""
        reasons = [TOPIC_LABELS[t] for t in topics if t in self.hidden_topics and t in TOPIC_LABELS]
        if self.muted is not None and any(self.muted.search(t) for t in texts if t):
            reasons.append("A word or phrase you muted")
        return reasons


def compile_muted(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    # Whole words and phrases, any case, any run of spaces between the words of a phrase.
    alternatives = [r"\s+".join(re.escape(part) for part in w.split()) for w in words if w.strip()]
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def topic_labels(topics: list[str]) -> list[str]:
    return [TOPIC_LABELS[t] for t in topics if t in TOPIC_LABELS]
