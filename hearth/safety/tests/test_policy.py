"""The posting policy on hand-built assessments, so each rule is tested apart from the analyzers' models."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from hearth.safety.analyzers.base import RiskLevel, Span
from hearth.safety.policy import (
    NUDGE_HARSH_WORDS,
    NUDGE_OWN_DETAILS,
    Action,
    CommunityPolicy,
    HighRiskPolicy,
    decide,
)


@dataclass(frozen=True)
class Crisis:
    level: RiskLevel = RiskLevel.NONE
    score: float = 0.0
    signals: tuple[str, ...] = ()
    method_spans: tuple[Span, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Toxicity:
    score: float = 0.0
    is_toxic: bool = False
    targeted: bool = False
    self_directed: bool = False
    threat: bool = False
    harassment: bool = False
    spans: tuple[Span, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Detail:
    kind: str
    start: int = 0
    end: int = 5
    score: float = 1.0
    about_self: bool | None = None


@dataclass(frozen=True)
class Personal:
    details: tuple[Detail, ...] = ()


@dataclass(frozen=True)
class Misinfo:
    kind: str
    reason: str = "Advises stopping medication without a prescriber."
    spans: tuple[Span, ...] = ()
    resource_title: str = ""
    resource_url: str = ""


@dataclass(frozen=True)
class FakeAssessment:
    crisis: Crisis = field(default_factory=Crisis)
    toxicity: Toxicity = field(default_factory=Toxicity)
    personal: Personal = field(default_factory=Personal)
    misinformation: tuple[Misinfo, ...] = ()


def test_ordinary_text_is_published():
    decision = decide(FakeAssessment())
    assert decision.action == Action.PUBLISH
    assert not decision.show_help
    assert not decision.needs_moderator


def test_low_risk_is_published_behind_a_warning_with_help_for_the_author():
    decision = decide(FakeAssessment(crisis=Crisis(level=RiskLevel.LOW, signals=("wish_dead",))))
    assert decision.action == Action.PUBLISH_WITH_WARNING
    assert decision.add_topics == ("suicide",)
    assert decision.show_help
    assert decision.queue_kinds == ("crisis",)


@pytest.mark.parametrize("level", [RiskLevel.HIGH, RiskLevel.IMMINENT])
def test_high_and_imminent_risk_are_held_by_default(level):
    decision = decide(FakeAssessment(crisis=Crisis(level=level, signals=("intent",))))
    assert decision.action == Action.HOLD
    assert decision.show_help
    assert decision.response_minutes <= 15


def test_a_community_may_publish_high_risk_and_alert_moderators_instead():
    policy = CommunityPolicy(high_risk=HighRiskPolicy.PUBLISH_AND_ALERT)
    decision = decide(FakeAssessment(crisis=Crisis(level=RiskLevel.HIGH, signals=("plan",))), policy=policy)
    assert decision.action == Action.PUBLISH_WITH_WARNING
    assert decision.needs_moderator


def test_method_details_are_always_held_even_at_moderate_risk():
    crisis = Crisis(level=RiskLevel.MODERATE, signals=("method",), method_spans=(Span(0, 4, "method"),))
    policy = CommunityPolicy(high_risk=HighRiskPolicy.PUBLISH_AND_ALERT)
    assert decide(FakeAssessment(crisis=crisis), policy=policy).action == Action.HOLD


def test_someone_at_risk_is_never_nudged_or_refused():
    assessment = FakeAssessment(
        crisis=Crisis(level=RiskLevel.MODERATE, signals=("self_harm",)),
        personal=Personal(details=(Detail("PHONE_NUMBER", about_self=True),)),
    )
    decision = decide(assessment)
    assert decision.action == Action.PUBLISH_WITH_WARNING
    assert "self_harm" in decision.add_topics


def test_an_insult_at_someone_is_put_back_to_the_author_first():
    toxicity = Toxicity(is_toxic=True, targeted=True, harassment=True, spans=(Span(0, 5, "insult"),))
    decision = decide(FakeAssessment(toxicity=toxicity))
    assert decision.action == Action.NUDGE
    assert decision.nudges == (NUDGE_HARSH_WORDS,)


def test_after_the_reminder_the_author_may_post_and_a_moderator_is_told():
    toxicity = Toxicity(is_toxic=True, targeted=True, harassment=True, spans=(Span(0, 5, "insult"),))
    decision = decide(FakeAssessment(toxicity=toxicity), acknowledged=frozenset({NUDGE_HARSH_WORDS}))
    assert decision.action == Action.PUBLISH
    assert decision.queue_kinds == ("harassment",)


@pytest.mark.parametrize("kind", ["threat", "slur"])
def test_threats_and_slurs_are_held(kind):
    toxicity = Toxicity(
        is_toxic=True, targeted=True, harassment=True, threat=kind == "threat", spans=(Span(0, 5, kind),)
    )
    decision = decide(FakeAssessment(toxicity=toxicity), acknowledged=frozenset({NUDGE_HARSH_WORDS}))
    assert decision.action == Action.HOLD


def test_self_directed_swearing_is_not_harassment():
    toxicity = Toxicity(is_toxic=True, self_directed=True, harassment=False)
    assert decide(FakeAssessment(toxicity=toxicity)).action == Action.PUBLISH


def test_own_personal_details_are_a_nudge_that_can_be_overridden():
    personal = Personal(details=(Detail("PHONE_NUMBER", about_self=True),))
    assert decide(FakeAssessment(personal=personal)).nudges == (NUDGE_OWN_DETAILS,)
    assert decide(FakeAssessment(personal=personal), acknowledged=frozenset({NUDGE_OWN_DETAILS})).action == (
        Action.PUBLISH
    )


def test_unclear_whose_details_counts_as_own():
    personal = Personal(details=(Detail("EMAIL_ADDRESS", about_self=None),))
    assert decide(FakeAssessment(personal=personal)).action == Action.NUDGE


def test_someone_elses_details_are_held():
    personal = Personal(details=(Detail("STREET_ADDRESS", about_self=False),))
    decision = decide(FakeAssessment(personal=personal), acknowledged=frozenset({NUDGE_OWN_DETAILS}))
    assert decision.action == Action.HOLD
    assert "personal_details" in decision.queue_kinds


def test_misinformation_is_published_with_a_label_for_a_moderator_to_confirm():
    decision = decide(FakeAssessment(misinformation=(Misinfo("stop_medication"),)))
    assert decision.action == Action.PUBLISH_WITH_WARNING
    assert decision.labels == ("stop_medication",)
    assert decision.queue_kinds == ("misinformation",)


def test_the_most_severe_action_wins():
    assessment = FakeAssessment(
        crisis=Crisis(level=RiskLevel.HIGH, signals=("intent",)),
        misinformation=(Misinfo("stop_medication"),),
    )
    decision = decide(assessment)
    assert decision.action == Action.HOLD
    assert decision.labels == ("stop_medication",)
    assert set(decision.queue_kinds) == {"crisis", "misinformation"}
