"""Turns an assessment and a community's settings into one decision. Pure: no database, no models run here.

Principles (docs/safety.md in the project):
- A person at risk is never refused or nudged away: their words are published or held for a moderator,
  and they always see help at once.
- Method details are never shown to other members before a moderator has looked.
- Harassment and personal details are first put back to the author (a nudge they may accept or override);
  threats, slurs and other people's details are held.
- Misinformation is published with a label that links to a vetted resource, and a moderator confirms it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING

from hearth.safety.analyzers.base import RiskLevel
from hearth.safety.analyzers.personal_details import WARN_MIN_SCORE

if TYPE_CHECKING:
    from hearth.safety.pipeline import Assessment


class Action(IntEnum):
    """Ordered by severity: when several concerns apply, the most severe action wins."""

    PUBLISH = 0
    PUBLISH_WITH_WARNING = 1
    NUDGE = 2
    HOLD = 3
    REFUSE = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class HighRiskPolicy:
    HOLD = "hold"
    PUBLISH_AND_ALERT = "publish_and_alert"
    choices = ((HOLD, "Hold for a moderator"), (PUBLISH_AND_ALERT, "Publish and alert moderators at once"))


@dataclass(frozen=True)
class CommunityPolicy:
    high_risk: str = HighRiskPolicy.HOLD
    first_posts_need_approval: bool = False


# Nudges an author can acknowledge ("post anyway") on a second submission.
NUDGE_OWN_DETAILS = "own_details"
NUDGE_HARSH_WORDS = "harsh_words"
# For text nobody should be asked to rewrite (reports, appeals, re-screening, moderators' edits).
ALL_NUDGES = frozenset({NUDGE_OWN_DETAILS, NUDGE_HARSH_WORDS})

# Moderator attention: how urgent the queue item is, and how soon someone should respond (minutes).
RESPONSE_TARGET_MINUTES = {
    RiskLevel.IMMINENT: 5,
    RiskLevel.HIGH: 15,
    RiskLevel.MODERATE: 60,
    RiskLevel.LOW: 240,
    RiskLevel.NONE: 24 * 60,
}


@dataclass(frozen=True)
class Decision:
    action: Action
    risk_level: RiskLevel
    reasons: tuple[str, ...]
    add_topics: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    nudges: tuple[str, ...] = ()
    show_help: bool = False
    needs_moderator: bool = False
    queue_kinds: tuple[str, ...] = field(default=())

    @property
    def is_visible_to_others(self) -> bool:
        return self.action in (Action.PUBLISH, Action.PUBLISH_WITH_WARNING)

    @property
    def response_minutes(self) -> int:
        return RESPONSE_TARGET_MINUTES[self.risk_level]


_SUICIDE_SIGNALS = {"wish_dead", "active_thoughts", "intent", "plan", "goodbye", "behaviour_recent", "behaviour_past"}


@dataclass
class _Draft:
    """A decision being built: each rule adds to it, and the most severe action wins."""

    action: Action = Action.PUBLISH
    reasons: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    nudges: list[str] = field(default_factory=list)
    queue: list[str] = field(default_factory=list)
    show_help: bool = False

    def escalate(self, to: Action) -> None:
        self.action = max(self.action, to)


def _crisis_rules(draft: _Draft, assessment: Assessment, policy: CommunityPolicy) -> None:
    crisis = assessment.crisis
    if crisis.level == RiskLevel.NONE:
        return
    draft.show_help = True
    draft.queue.append("crisis")
    draft.reasons.append(f"Crisis risk: {crisis.level.label}.")
    draft.reasons.extend(crisis.reasons)
    signals = set(crisis.signals)
    draft.topics.append("suicide" if signals & _SUICIDE_SIGNALS else "self_harm")
    if "self_harm" in signals:
        draft.topics.append("self_harm")
    draft.escalate(Action.PUBLISH_WITH_WARNING)
    if crisis.method_spans:
        draft.reasons.append("Describes a method: held so it is never shown before a moderator looks.")
        draft.escalate(Action.HOLD)
    if crisis.level >= RiskLevel.HIGH and policy.high_risk == HighRiskPolicy.HOLD:
        draft.escalate(Action.HOLD)


def _harassment_rules(draft: _Draft, assessment: Assessment, acknowledged: frozenset[str]) -> None:
    toxicity = assessment.toxicity
    if not toxicity.harassment:
        return
    draft.queue.append("harassment")
    draft.reasons.append("Harassment aimed at a person.")
    draft.reasons.extend(toxicity.reasons)
    if toxicity.threat or any(span.kind == "slur" for span in toxicity.spans):
        draft.escalate(Action.HOLD)
    elif NUDGE_HARSH_WORDS not in acknowledged:
        draft.nudges.append(NUDGE_HARSH_WORDS)
    else:
        draft.reasons.append("The author chose to post after a reminder.")


# Kinds that can identify a person. Plain links are not among them: sharing a helpful page is welcome.
IDENTIFYING_KINDS = frozenset(
    {
        "PHONE_NUMBER", "EMAIL_ADDRESS", "STREET_ADDRESS", "POSTCODE", "PERSON", "SOCIAL_HANDLE", "PROFILE_URL",
        "ORGANIZATION", "PAYMENT_CARD", "BANK_ACCOUNT", "GOVERNMENT_ID", "IP_ADDRESS",
    }
)  # fmt: skip


def _personal_details_rules(draft: _Draft, assessment: Assessment, acknowledged: frozenset[str]) -> None:
    details = [d for d in assessment.personal.details if d.kind in IDENTIFYING_KINDS and d.score >= WARN_MIN_SCORE]
    if any(d.about_self is False for d in details):
        draft.queue.append("personal_details")
        draft.reasons.append("Shares someone else's personal details.")
        draft.escalate(Action.HOLD)
    own = [d for d in details if d.about_self is not False]
    if own and NUDGE_OWN_DETAILS not in acknowledged:
        draft.nudges.append(NUDGE_OWN_DETAILS)


def _misinformation_rules(draft: _Draft, assessment: Assessment) -> None:
    for finding in assessment.misinformation:
        draft.queue.append("misinformation")
        draft.labels.append(finding.kind)
        draft.reasons.append(finding.reason)
    if assessment.misinformation:
        draft.escalate(Action.PUBLISH_WITH_WARNING)


def decide(
    assessment: Assessment,
    *,
    policy: CommunityPolicy | None = None,
    acknowledged: frozenset[str] = frozenset(),
    is_first_post: bool = False,
) -> Decision:
    policy = policy or CommunityPolicy()
    draft = _Draft()
    _crisis_rules(draft, assessment, policy)
    _harassment_rules(draft, assessment, acknowledged)
    _personal_details_rules(draft, assessment, acknowledged)
    _misinformation_rules(draft, assessment)
    if is_first_post and policy.first_posts_need_approval:
        draft.queue.append("first_post")
        draft.reasons.append("A new member's first post here: it waits for a moderator's approval.")
        draft.escalate(Action.HOLD)
    # Someone at risk is never asked to rewrite first: their words go through (or to a moderator) at once.
    if draft.nudges and assessment.crisis.level == RiskLevel.NONE:
        draft.escalate(Action.NUDGE)
    return Decision(
        action=draft.action,
        risk_level=assessment.crisis.level,
        reasons=tuple(dict.fromkeys(draft.reasons)),
        add_topics=tuple(dict.fromkeys(draft.topics)),
        labels=tuple(dict.fromkeys(draft.labels)),
        nudges=tuple(draft.nudges),
        show_help=draft.show_help,
        needs_moderator=bool(draft.queue),
        queue_kinds=tuple(dict.fromkeys(draft.queue)),
    )
