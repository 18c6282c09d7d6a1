"""Reads for the moderation queue: riskiest first, then longest waiting, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from hearth.accounts.mfa import mfa_verified
from hearth.communities.models import Community
from hearth.forums.models import Post
from hearth.moderation.models import ActionKind, AuditLogEntry, QueueItem, QueueStatus
from hearth.permissions import AnyUser, is_staff_moderator, memberships_of
from hearth.safety.analyzers.base import RiskLevel
from hearth.safety.models import Screening

QUEUE_PAGE = 50
KIND_LABELS = {
    "report": "Reported post",
    "report_member": "Reported member",
    "appeal": "Appeal",
    "crisis": "Crisis risk",
    "harassment": "Harassment",
    "personal_details": "Personal details",
    "misinformation": "Health misinformation",
}


def moderated_community_ids(user: AnyUser) -> list[int] | None:
    """Communities whose queue this person works; None means all (global moderators and admins)."""
    if is_staff_moderator(user):
        return None
    ids = [cid for cid, m in memberships_of(user).items() if m.is_moderator]
    return ids if ids and mfa_verified(user) else []


def is_moderator_anywhere(user: AnyUser) -> bool:
    ids = moderated_community_ids(user)
    return ids is None or bool(ids)


def filter_visible_queue(qs: QuerySet[QueueItem], user: AnyUser) -> QuerySet[QueueItem]:
    ids = moderated_community_ids(user)
    return qs if ids is None else qs.filter(community_id__in=ids)


def open_queue(user: AnyUser) -> list[QueueItem]:
    """Open and claimed items. Queries: items (with community, author, claimer), their posts (with threads)."""
    items = list(
        filter_visible_queue(QueueItem.objects.exclude(status=QueueStatus.RESOLVED), user)
        .select_related("community", "author", "claimed_by")
        .order_by("-risk_level", "created_at")[:QUEUE_PAGE]
    )
    attach_posts(items)
    now = timezone.now()
    for item in items:
        item.overdue = item.due_at < now  # type: ignore[attr-defined]
    return items


def attach_posts(items: list[QueueItem]) -> None:
    """Add each item's post and readable labels (one query for all the posts)."""
    post_type = ContentType.objects.get_for_model(Post)  # cached by Django after the first call
    post_ids = [i.object_id for i in items if i.content_type_id == post_type.id]
    posts = Post.objects.select_related("thread", "author").in_bulk(post_ids) if post_ids else {}
    for item in items:
        is_post = item.content_type_id == post_type.id
        item.post = posts.get(item.object_id) if is_post else None  # type: ignore[attr-defined]
        item.risk_label = RiskLevel(item.risk_level).label  # type: ignore[attr-defined]
        item.kind_labels = [KIND_LABELS.get(k, k) for k in item.kinds]  # type: ignore[attr-defined]


def access_queue_item(user: AnyUser, item_id: int) -> QueueItem | None:
    return (
        filter_visible_queue(QueueItem.objects.filter(id=item_id), user)
        .select_related("community", "author", "claimed_by", "resolved_by")
        .first()
    )


def author_risk_history(author_id: int, *, community: Community | None = None, limit: int = 10) -> list[Screening]:
    """The author's recent screenings that showed any risk or concern: context for the moderator."""
    qs = Screening.objects.filter(author_id=author_id).exclude(action="publish", risk_level=0)
    return list(qs.order_by("-created_at")[:limit])


HEAVY_STRETCH_ITEMS = 5
HEAVY_STRETCH_HOURS = 2


def recent_high_risk_count(user: AnyUser) -> int:
    """High-risk items this moderator resolved lately, when that is a heavy stretch (else 0), so the queue can
    suggest a break: moderators are people too."""
    since = timezone.now() - timedelta(hours=HEAVY_STRETCH_HOURS)
    count = (
        AuditLogEntry.objects.filter(
            actor_id=user.id,
            created_at__gte=since,
            action__in=(ActionKind.APPROVE, ActionKind.HIDE),
            queue_item__risk_level__gte=RiskLevel.HIGH,
        )
        .values("queue_item_id")
        .distinct()
        .count()
    )
    return count if count >= HEAVY_STRETCH_ITEMS else 0
