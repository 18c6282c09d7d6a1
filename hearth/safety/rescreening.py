"""Screening stored posts and chat messages again, after the analyzers or their models change.

Each piece of content passes the same seam as when it was written (`screen_text`, with its community's policy
and the same context), and the new decision is stored as a new Screening, marked `"rescreened": true` in its
findings. The author already chose to post, so nudges no longer apply.

Re-screening only ever adds caution: the risk level, labels and content warnings are raised, never lowered, and
content the new decision would put in front of a moderator joins the queue (urgent content alerts on call, who
hold it when nobody is on duty). It never hides content by itself and never releases held content: moderators
decide that. Nothing here logs or returns any text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from hearth.chat.models import Message, RoomKind
from hearth.chat.services import SUPPORT_POLICY
from hearth.communities.models import Community
from hearth.core.errors import ApplicationError
from hearth.forums.models import ContentStatus, Post
from hearth.forums.services import clean_topics
from hearth.moderation.models import QueueItem, QueueStatus
from hearth.moderation.services import enqueue_content
from hearth.safety.analyzers.base import AnalysisContext
from hearth.safety.models import ContentKind, Screening
from hearth.safety.policy import ALL_NUDGES, CommunityPolicy
from hearth.safety.services import Screened, record_screening, screen_text

logger = logging.getLogger(__name__)

POSTS, MESSAGES = "posts", "messages"
SKIPPED, SCREENED, QUEUED = "skipped", "screened", "queued"


def recent_ids(kind: str, *, since: datetime) -> Iterator[int]:
    """Ids of the posts or messages written since `since` that others can still see or that wait for a
    moderator (deleted and hidden content is left alone), oldest first."""
    model = Post if kind == POSTS else Message
    rows = (
        model.objects.filter(created_at__gte=since, deleted_at__isnull=True)
        .exclude(status=ContentStatus.HIDDEN)
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )
    return rows.iterator(chunk_size=2000)


@transaction.atomic
def rescreen_post(post_id: int) -> str:
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__community", "thread__author", "author")
        .filter(id=post_id, deleted_at__isnull=True, thread__deleted_at__isnull=True)
        .exclude(status=ContentStatus.HIDDEN)
        .first()
    )
    if post is None:
        return SKIPPED
    thread = post.thread
    if post.is_opening:
        text, context = f"{thread.title}\n\n{post.body}", None
    else:
        addressed = frozenset() if thread.is_anonymous else frozenset({thread.author.username.lower()})
        text, context = post.body, AnalysisContext(is_reply=True, addressed=addressed)
    screened = _screen(text, community=thread.community, context=context, policy=None)
    if screened is None:
        return SKIPPED
    kind = ContentKind.THREAD if post.is_opening else ContentKind.REPLY
    return _store(post, screened, kind=kind, community=thread.community)


@transaction.atomic
def rescreen_message(message_id: int) -> str:
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("room__community", "reply_to__author", "author")
        .filter(id=message_id, deleted_at__isnull=True)
        .exclude(status=ContentStatus.HIDDEN)
        .first()
    )
    if message is None:
        return SKIPPED
    room, target = message.room, message.reply_to
    context = AnalysisContext(
        is_reply=target is not None or room.kind == RoomKind.SUPPORT,
        addressed=frozenset({target.author.username.lower()}) if target is not None else frozenset(),
    )
    policy = SUPPORT_POLICY if room.kind == RoomKind.SUPPORT else None
    screened = _screen(message.body, community=room.community, context=context, policy=policy)
    if screened is None:
        return SKIPPED
    return _store(message, screened, kind=ContentKind.CHAT, community=room.community)


RESCREENERS = {POSTS: rescreen_post, MESSAGES: rescreen_message}


def _screen(
    text: str, *, community: Community | None, context: AnalysisContext | None, policy: CommunityPolicy | None
) -> Screened | None:
    try:
        return screen_text(text, community=community, context=context, acknowledged=ALL_NUDGES, policy=policy)
    except ApplicationError as exc:  # a refusal: stored content cannot be refused now; a moderator may hide it
        logger.warning("Re-screening: the pipeline refused stored content (%s)", exc.code)
        return None


def _store(content: Post | Message, screened: Screened, *, kind: str, community: Community | None) -> str:
    decision = screened.decision
    screening = record_screening(screened, author=content.author, kind=kind, community=community, content=content)
    screening.findings = {**screening.findings, "rescreened": True}
    screening.save(update_fields=["findings"])

    content.risk_level = max(content.risk_level, int(decision.risk_level))
    content.labels = sorted({*content.labels, *decision.labels})
    content.topics = clean_topics([*content.topics, *decision.add_topics])
    content.save(update_fields=["risk_level", "labels", "topics"])

    if not decision.needs_moderator or _already_reviewed(content, screening):
        return SCREENED
    enqueue_content(content, community=community, decision=decision, screening=screening)
    return QUEUED


def _already_reviewed(content: Post | Message, screening: Screening) -> bool:
    """Whether a moderator has the content in front of them already, or has decided on it at this risk or
    higher: the queue is not filled twice with the same thing."""
    items = QueueItem.objects.filter(content_type=ContentType.objects.get_for_model(content), object_id=content.pk)
    return (
        items.exclude(status=QueueStatus.RESOLVED).exists()
        or items.filter(status=QueueStatus.RESOLVED, risk_level__gte=screening.risk_level).exists()
    )
