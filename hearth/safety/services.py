"""The one safety seam: every service that accepts text from a person calls screen_text() before saving it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower

from hearth.accounts.models import User
from hearth.core.errors import ApplicationError
from hearth.safety.analyzers.base import AnalysisContext
from hearth.safety.analyzers.personal_details import (
    WARN_MIN_SCORE,
    PersonalDetail,
    PersonalDetails,
    find_personal_details,
    redact,
)
from hearth.safety.models import Screening
from hearth.safety.pipeline import Assessment, analyze
from hearth.safety.policy import (
    IDENTIFYING_KINDS,
    NUDGE_HARSH_WORDS,
    NUDGE_OWN_DETAILS,
    Action,
    CommunityPolicy,
    Decision,
    decide,
)

if TYPE_CHECKING:
    from hearth.communities.models import Community

NUDGE_MESSAGES = {
    NUDGE_OWN_DETAILS: (
        "It looks like you've shared details that could identify you, like a phone number, email, address or "
        "real name. To keep you safe, we suggest removing them: we can do it for you."
    ),
    NUDGE_HARSH_WORDS: (
        "Some of these words could really hurt someone. Would you like to change them before posting? "
        "If you post as it is, a moderator will take a look."
    ),
}


class NudgeRequired(ApplicationError):
    """The author is asked first; they may edit, accept a redaction, or post as it is (HTTP 409 in the API)."""

    status = 409
    code = "needs_confirmation"

    def __init__(self, *, nudges: tuple[str, ...], redacted: str | None) -> None:
        super().__init__(" ".join(NUDGE_MESSAGES[n] for n in nudges))
        self.nudges = nudges
        self.redacted = redacted


@dataclass(frozen=True)
class Screened:
    decision: Decision
    assessment: Assessment


def policy_for(community: Community | None) -> CommunityPolicy:
    if community is None:
        return CommunityPolicy()
    return CommunityPolicy(
        high_risk=community.high_risk_policy, first_posts_need_approval=community.first_posts_need_approval
    )


def screen_text(
    text: str,
    *,
    community: Community | None = None,
    context: AnalysisContext | None = None,
    acknowledged: frozenset[str] = frozenset(),
    is_first_post: bool = False,
    policy: CommunityPolicy | None = None,
) -> Screened:
    """Run the pipeline and the community's policy (or `policy`, for places outside communities); raise
    NudgeRequired or ApplicationError when not to save."""
    assessment = analyze(text, context)
    assessment = replace(assessment, personal=_without_pseudonyms(assessment.personal, text))
    policy = policy or policy_for(community)
    decision = decide(assessment, policy=policy, acknowledged=acknowledged, is_first_post=is_first_post)
    if decision.action == Action.NUDGE:
        own = own_details_to_redact(assessment.personal)
        redacted = redact(text, own) if NUDGE_OWN_DETAILS in decision.nudges and own else None
        raise NudgeRequired(nudges=decision.nudges, redacted=redacted)
    if decision.action == Action.REFUSE:
        raise ApplicationError(" ".join(decision.reasons) or "This can't be posted.", code="refused")
    return Screened(decision=decision, assessment=assessment)


# What moderators write (reasons, outreach, appeal answers, edit notes) reaches members, and an edit note reaches every
# reader: it must never carry anyone's contact or identity details. Names are not checked: moderators name
# pseudonyms, services and helplines as a matter of course, and a name alone is the most error-prone finding.
STAFF_REFUSED_KINDS = IDENTIFYING_KINDS - {"PERSON", "ORGANIZATION"}
DETAIL_NAMES = {
    "PHONE_NUMBER": "a phone number", "EMAIL_ADDRESS": "an email address", "STREET_ADDRESS": "a street address",
    "POSTCODE": "a postcode", "SOCIAL_HANDLE": "a social media handle", "PROFILE_URL": "a profile link",
    "PAYMENT_CARD": "a card number", "BANK_ACCOUNT": "bank details", "GOVERNMENT_ID": "an ID number",
    "IP_ADDRESS": "an IP address",
}  # fmt: skip


def screen_staff_text(text: str, *, already_there: str = "") -> Assessment:
    """Screen what a moderator writes for members to read; refuse it (ApplicationError) if it carries contact or
    identity details. Details already in `already_there` (the member's own post, when a moderator edits it) stay
    the member's choice. Crisis and toxicity findings do not stop it: moderators quote what they act on."""
    assessment = analyze(text)
    personal = _without_pseudonyms(assessment.personal, text)
    found = [
        d.kind
        for d in personal.details
        if d.kind in STAFF_REFUSED_KINDS and d.score >= WARN_MIN_SCORE and text[d.start : d.end] not in already_there
    ]
    if found:
        named = " and ".join(DETAIL_NAMES[kind] for kind in dict.fromkeys(found))
        raise ApplicationError(
            f"This includes {named}. What moderators write must never carry anyone's contact or identity "
            "details: take it out and try again.",
            code="personal_details",
        )
    return replace(assessment, personal=personal)


def _without_pseudonyms(personal: PersonalDetails, text: str) -> PersonalDetails:
    """Members' pseudonyms look like names ("QuietFern") or handles ("@QuietFern") but identify nobody here:
    they are not personal details."""
    tokens = {
        d: _token_at(text, d.start, d.end).lstrip("@")
        for d in personal.details
        if d.kind in ("PERSON", "SOCIAL_HANDLE")
    }
    candidates = {t.lower() for t in tokens.values() if _PSEUDONYM_SHAPE.fullmatch(t)}
    if not candidates:
        return personal
    known = set(
        User.objects.annotate(lower_name=Lower("username"))
        .filter(lower_name__in=candidates)
        .values_list("lower_name", flat=True)
    )
    if not known:
        return personal
    kept = tuple(d for d in personal.details if tokens.get(d, "").lower() not in known)
    return replace(personal, details=kept)


_PSEUDONYM_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{2,29}")
_TOKEN_CHAR = re.compile(r"[A-Za-z0-9_-]")


def _token_at(text: str, start: int, end: int) -> str:
    """The whole pseudonym-like word around a span ("GentleOtter" in "GentleOtter007")."""
    while start > 0 and _TOKEN_CHAR.match(text[start - 1]):
        start -= 1
    if text[start:end].startswith("@"):
        start += 1
    while end < len(text) and _TOKEN_CHAR.match(text[end]):
        end += 1
    return text[start:end].strip()


def own_details_to_redact(personal: PersonalDetails) -> tuple[PersonalDetail, ...]:
    """Exactly the details that make the "your own details" nudge: identifying, confident, not someone else's."""
    return tuple(
        d
        for d in personal.details
        if d.about_self is not False and d.kind in IDENTIFYING_KINDS and d.score >= WARN_MIN_SCORE
    )


def redact_own_details(text: str) -> str:
    """One-click redaction: remove the writer's own personal details, as the nudge described them."""
    own = own_details_to_redact(_without_pseudonyms(find_personal_details(text), text))
    return redact(text, own) if own else text


def parse_acknowledged(values: list[str]) -> frozenset[str]:
    """Nudges the author chose to override, as sent back by the form or the API."""
    known = {NUDGE_OWN_DETAILS, NUDGE_HARSH_WORDS}
    return frozenset(code for value in values for code in value.split(",") if code in known)


def summarise(assessment: Assessment) -> dict[str, object]:
    """What is stored about a screening: levels, kinds, flags and scores, never text or offsets into it."""
    crisis, toxicity = assessment.crisis, assessment.toxicity
    return {
        "crisis": {"level": crisis.level.label, "score": round(crisis.score, 3), "signals": list(crisis.signals)},
        "toxicity": {
            "score": round(toxicity.score, 3),
            "targeted": toxicity.targeted,
            "threat": toxicity.threat,
            "self_directed": toxicity.self_directed,
            "harassment": toxicity.harassment,
        },
        "personal_details": sorted({d.kind for d in assessment.personal.details}),
        "misinformation": sorted({f.kind for f in assessment.misinformation}),
    }


def record_screening(
    screened: Screened, *, author: User, kind: str, community: Community | None, content: models.Model | None
) -> Screening:
    decision = screened.decision
    return Screening.objects.create(
        author=author,
        community=community,
        content_kind=kind,
        content_type=ContentType.objects.get_for_model(content) if content is not None else None,
        object_id=content.pk if content is not None else None,
        risk_level=int(decision.risk_level),
        action=decision.action.label,
        reasons=list(decision.reasons),
        findings=summarise(screened.assessment),
    )
