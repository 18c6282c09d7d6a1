"""Property-based tests of the safety pipeline: any text a member can send is analysed without an exception, and
the assessment, decision, redaction and stored summary are well formed.

A crash here would be worse than a wrong answer: the post would fail to save, or (in a catch-all) skip screening.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hearth.chat.services import MAX_MESSAGE
from hearth.core.errors import ApplicationError
from hearth.forums.services import MAX_BODY
from hearth.safety.analyzers.base import AnalysisContext, RiskLevel
from hearth.safety.analyzers.personal_details import PLACEHOLDERS, redact
from hearth.safety.pipeline import Assessment, analyze
from hearth.safety.policy import Action, CommunityPolicy, HighRiskPolicy, decide
from hearth.safety.services import NudgeRequired, redact_own_details, screen_text, summarise

from .xss_payloads import PAYLOADS

PROPERTIES = settings(max_examples=100, deadline=None, database=None, derandomize=True)
LONG = settings(max_examples=8, deadline=None, database=None, derandomize=True)

any_character = st.characters(exclude_categories=("Cs",))
# Words the analyzers react to, so examples reach their deeper branches, not only the "nothing found" path.
TRIGGERS = [
    "I want to kill myself",
    "unalive myself",
    "k1ll mys3lf",
    "i have pills saved up",
    "tonight",
    "goodbye everyone",
    "you're worthless, go die",
    "I'll hurt you",
    "call me on 07700 900123",
    "+44 20 7946 0958",
    "my email is sam@example.org",
    "I live at 12 Acacia Avenue, Leeds LS1 4AB",
    "my name is Sam Jones",
    "@QuietHeron42",
    "my NHS number is 943 476 5919",
    "stop taking your meds",
    "vaccines cause autism",
    "bleach cures it",
    "http://evil.example/x",
    "\u202e",
    "\u200b",
    "\x00",
    "\ufeff",
    "\uff41\uff42\uff43",  # full-width letters
    "\u0430",
    "!!!???",
    "\n",
    " ",
]
texty = st.lists(st.sampled_from(TRIGGERS) | st.text(any_character, max_size=30), max_size=20).map(" ".join)
any_text = st.text(any_character, max_size=600) | texty
contexts = st.builds(
    AnalysisContext,
    is_reply=st.booleans(),
    addressed=st.frozensets(st.text(any_character, max_size=30).map(str.lower), max_size=3),
)
policies = st.builds(
    CommunityPolicy,
    high_risk=st.sampled_from([HighRiskPolicy.HOLD, HighRiskPolicy.PUBLISH_AND_ALERT]),
    first_posts_need_approval=st.booleans(),
)


def assert_well_formed(text: str, assessment: Assessment) -> None:
    assert isinstance(assessment, Assessment)
    crisis, toxicity = assessment.crisis, assessment.toxicity
    assert isinstance(crisis.level, RiskLevel)
    assert 0.0 <= crisis.score <= 1.0
    assert 0.0 <= toxicity.score <= 1.0
    spans = [*crisis.method_spans, *toxicity.spans]
    spans += [span for finding in assessment.misinformation for span in finding.spans]
    for span in spans:
        assert 0 <= span.start <= span.end <= len(text), span
    for detail in assessment.personal.details:
        assert 0 <= detail.start < detail.end <= len(text), detail
        assert detail.kind in PLACEHOLDERS, detail.kind
        assert detail.about_self in (True, False, None)
    for finding in assessment.misinformation:
        assert finding.resource_url.startswith("https://"), finding.resource_url
    # What is stored about a screening is plain JSON.
    json.dumps(summarise(assessment))


@PROPERTIES
@given(any_text, contexts)
@example("", AnalysisContext())
@example("\x00" * 50, AnalysisContext())
@example("I want to kill myself tonight " * 30, AnalysisContext(is_reply=True))
def test_analyze_returns_a_well_formed_assessment_for_any_text(text, context):
    assessment = analyze(text, context)
    assert_well_formed(text, assessment)
    assert analyze(text, context) == assessment  # the same text always gets the same answer


@PROPERTIES
@given(any_text, policies, st.frozensets(st.sampled_from(["own_details", "harsh_words"])), st.booleans())
def test_every_assessment_leads_to_a_decision(text, policy, acknowledged, first_post):
    decision = decide(analyze(text), policy=policy, acknowledged=acknowledged, is_first_post=first_post)
    assert isinstance(decision.action, Action)
    assert isinstance(decision.risk_level, RiskLevel)
    assert all(isinstance(reason, str) and reason for reason in decision.reasons)


@pytest.mark.django_db  # redact_own_details looks pseudonyms up
@PROPERTIES
@given(any_text)
def test_redaction_never_fails_and_replaces_every_detail_with_a_placeholder(text):
    details = analyze(text).personal
    redacted = redact(text, details)
    assert isinstance(redacted, str)
    if details.details:
        assert any(placeholder in redacted for placeholder in PLACEHOLDERS.values())
    else:
        assert redacted == text
    assert isinstance(redact_own_details(text), str)


@LONG
@given(texty.filter(bool), st.sampled_from([MAX_MESSAGE, MAX_BODY]))
def test_texts_as_long_as_the_limits_allow_are_analysed(chunk, limit):
    text = (chunk * (limit // len(chunk) + 1))[:limit]
    assert_well_formed(text, analyze(text))


def test_the_xss_corpus_passes_through_the_pipeline():
    for payload in PAYLOADS:
        assert_well_formed(payload.text, analyze(payload.text))


@pytest.mark.django_db
@settings(PROPERTIES, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=any_text, policy=policies, first_post=st.booleans())
def test_screen_text_either_passes_nudges_or_refuses(member, text, policy, first_post):
    # screen_text also looks up pseudonyms in the database; it may stop a post only in these two documented ways.
    try:
        screened = screen_text(text, policy=policy, is_first_post=first_post)
    except NudgeRequired as nudge:
        assert nudge.nudges
        assert nudge.redacted is None or isinstance(nudge.redacted, str)
    except ApplicationError as error:
        assert error.code == "refused"
        assert error.message
    else:
        assert_well_formed(text, screened.assessment)
        assert screened.decision.action != Action.NUDGE
