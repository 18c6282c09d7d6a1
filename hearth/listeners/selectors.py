"""Reads for 1:1 support: who may listen, the queue, a member's place in it and the expected wait."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from hearth.accounts.models import User
from hearth.listeners import training
from hearth.listeners.models import (
    OPEN_STATUSES,
    ListenerProfile,
    ListenerStatus,
    RequestStatus,
    SupportRequest,
    TrainingProgress,
)
from hearth.permissions import AnyUser
from hearth.safety.analyzers.base import RiskLevel
from hearth.safety.models import Screening

QUEUE_LIMIT = 50
DEFAULT_MINUTES_PER_MATCH = 5
LONG_WAIT_MINUTES = 10
RECENT_RISK = timedelta(hours=24)


def is_trained(user: AnyUser) -> bool:
    """Passed the training within the last year (the badge lapses after that)."""
    if not user.is_authenticated or not user.is_listener:
        return False
    passed = TrainingProgress.objects.filter(user_id=user.id).values_list("passed_at", flat=True).first()
    return passed is not None and passed > timezone.now() - timedelta(days=training.VALID_FOR_DAYS)


def open_request_of(member: AnyUser) -> SupportRequest | None:
    if not member.is_authenticated:
        return None
    return (
        SupportRequest.objects.select_related("listener", "room")
        .filter(member_id=member.id, status__in=OPEN_STATUSES)
        .first()
    )


def latest_request_of(member: AnyUser) -> SupportRequest | None:
    if not member.is_authenticated:
        return None
    return SupportRequest.objects.select_related("listener", "room").filter(member_id=member.id).order_by("-id").first()


def _matches(profile: ListenerProfile, request: SupportRequest) -> bool:
    if request.language not in profile.languages:
        return False
    return not request.topics or not profile.topics or bool(set(request.topics) & set(profile.topics))


def available_listeners_for(request: SupportRequest, *, exclude: User) -> list[User]:
    """Available, trained listeners with room for another chat who speak the language and listen about one of
    the topics (or about anything)."""
    since = timezone.now() - timedelta(days=training.VALID_FOR_DAYS)
    profiles = list(
        ListenerProfile.objects.select_related("user")
        .filter(status=ListenerStatus.AVAILABLE, user__is_listener=True, user__is_active=True)
        .filter(user__listener_training__passed_at__gt=since)
        .exclude(user=exclude)
        .annotate(active=Count("user__support_chats", filter=Q(user__support_chats__status=RequestStatus.ACTIVE)))
    )
    return [p.user for p in profiles if p.active < p.max_chats and _matches(p, request)]


def queue_for(listener: User) -> list[SupportRequest]:
    """Waiting requests this listener can take: those matching their topics first, then by waiting time."""
    profile = ListenerProfile.objects.filter(user=listener).first()
    if profile is None:
        return []
    waiting = list(
        SupportRequest.objects.select_related("member")
        .filter(status=RequestStatus.WAITING)
        .exclude(member=listener)
        .order_by("created_at")[:QUEUE_LIMIT]
    )
    matching = [r for r in waiting if _matches(profile, r)]
    return sorted(matching, key=lambda r: (not (set(r.topics) & set(profile.topics)), r.created_at))


def active_chats_of(listener: User) -> list[SupportRequest]:
    return list(
        SupportRequest.objects.select_related("member", "room")
        .filter(listener=listener, status=RequestStatus.ACTIVE)
        .order_by("matched_at")
    )


@dataclass(frozen=True)
class Waiting:
    position: int  # 1 = next
    expected_minutes: int
    listeners_available: int
    at_risk: bool  # what they wrote lately suggested high risk

    @property
    def offer_crisis_lines(self) -> bool:
        """While waiting is long, nobody can take the chat now, or risk is high, the crisis lines come first."""
        return self.at_risk or self.listeners_available == 0 or self.expected_minutes >= LONG_WAIT_MINUTES


def waiting_state(request: SupportRequest) -> Waiting:
    ahead = SupportRequest.objects.filter(status=RequestStatus.WAITING, created_at__lt=request.created_at).count()
    position = ahead + 1
    available = len(available_listeners_for(request, exclude=request.member))
    recent = list(
        SupportRequest.objects.filter(matched_at__isnull=False)
        .order_by("-matched_at")
        .values_list("created_at", "matched_at")[:20]
    )
    if recent:
        per_match = sum(((m - c).total_seconds() for c, m in recent if m), 0.0) / len(recent) / 60
    else:
        per_match = DEFAULT_MINUTES_PER_MATCH
    expected = round(max(1.0, per_match) * position / max(1, available))
    risk = (
        Screening.objects.filter(author_id=request.member_id, created_at__gte=timezone.now() - RECENT_RISK)
        .filter(risk_level__gte=RiskLevel.HIGH)
        .exists()
    )
    return Waiting(position=position, expected_minutes=expected, listeners_available=available, at_risk=risk)
