"""Reads for on call: who is on duty for a community, and a moderator's own shift and open alerts."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipRole
from hearth.moderation.models import QueueStatus
from hearth.moderation.selectors import moderated_community_ids
from hearth.oncall.models import Alert, Shift
from hearth.permissions import NOT_FOUND, AnyUser
from hearth.safety.analyzers.base import RiskLevel


def _staff_moderator_q(prefix: str = "") -> Q:
    """Global moderators and admins, as `permissions.is_staff_moderator` counts them."""
    return (
        Q(**{f"{prefix}is_global_moderator": True})
        | Q(**{f"{prefix}is_staff": True})
        | Q(**{f"{prefix}is_superuser": True})
    )


def moderators_of(community: Community | None) -> QuerySet[User]:
    """Active people who moderate `community` today (None: global moderators and admins only).

    Checked when an alert is sent, not when a shift starts, so someone who stopped moderating a community
    hears nothing more about it, whatever shifts are left.
    """
    qs = User.objects.filter(is_active=True)
    if community is None:
        return qs.filter(_staff_moderator_q())
    community_moderator = Exists(
        Membership.objects.filter(user=OuterRef("pk"), community=community, role=MembershipRole.MODERATOR)
    )
    return qs.filter(_staff_moderator_q() | community_moderator)


def on_duty_moderators(community: Community | None, *, role: str, at: datetime | None = None) -> list[User]:
    """Moderators of `community` on a `role` shift at `at`, whether the shift covers that community or all
    of theirs. One query."""
    at = at or timezone.now()
    shifts = Shift.objects.filter(role=role, starts_at__lte=at, ends_at__gt=at)
    shifts = (
        shifts.filter(community__isnull=True)
        if community is None
        else shifts.filter(Q(community=community) | Q(community__isnull=True))
    )
    return list(moderators_of(community).filter(id__in=shifts.values("moderator_id")).order_by("id"))


def fallback_moderators(community: Community | None) -> list[User]:
    """Everyone who moderates the community, global moderators included; admins only if there is nobody else.
    At most two queries."""
    community_q = Q(is_global_moderator=True)
    if community is not None:
        community_q |= Q(memberships__community=community, memberships__role=MembershipRole.MODERATOR)
    people = list(User.objects.filter(community_q, is_active=True).distinct().order_by("id"))
    if not people:
        people = list(User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True).order_by("id"))
    return people


def current_shift(user: AnyUser, *, at: datetime | None = None) -> Shift | None:
    if not user.is_authenticated:
        return None
    at = at or timezone.now()
    return (
        Shift.objects.filter(moderator=user, starts_at__lte=at, ends_at__gt=at)
        .select_related("community")
        .order_by("-starts_at")
        .first()
    )


def open_alerts(user: AnyUser) -> list[Alert]:
    """The person's alerts nobody has acknowledged, on items still waiting for someone: most urgent first.
    One query. An item someone has claimed, or resolved, no longer needs an acknowledgement."""
    if not user.is_authenticated:
        return []
    alerts = list(
        Alert.objects.filter(recipient=user, acknowledged_at__isnull=True, item__status=QueueStatus.OPEN)
        .select_related("item__community")
        .order_by("-item__risk_level", "sent_at", "id")
    )
    for alert in alerts:
        alert.risk_label = RiskLevel(alert.item.risk_level).label  # type: ignore[attr-defined]
    return alerts


def duty_communities(user: AnyUser) -> list[Community]:
    """Communities a moderator can go on call for, one by one (global moderators: all). One query."""
    ids = moderated_community_ids(user)
    qs = Community.objects.all() if ids is None else Community.objects.filter(id__in=ids)
    return list(qs.order_by("name"))


def access_alert(user: AnyUser, alert_id: int) -> Alert:
    """One of the person's own alerts; anyone else's is "not found", like a missing one."""
    alert = None
    if user.is_authenticated:
        alert = Alert.objects.select_related("item__community").filter(id=alert_id, recipient_id=user.id).first()
    if alert is None:
        raise Http404(NOT_FOUND)
    return alert
