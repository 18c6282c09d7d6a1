"""Moderation: the queue and the actions on it. Every action needs a reason, is logged, and tells the member."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import User
from hearth.chat import events as chat_events
from hearth.chat.models import Message
from hearth.communities.models import Community
from hearth.core.errors import ApplicationError, ConflictError
from hearth.forums.models import ContentStatus, Post, PostRevision, Thread
from hearth.moderation.models import ActionKind, AuditLogEntry, QueueItem, QueueStatus
from hearth.notifications.services import notify
from hearth.oncall.services import alert_on_call
from hearth.permissions import check_staff_mfa, is_moderator, is_staff_moderator
from hearth.safety.models import Screening
from hearth.safety.policy import ALL_NUDGES, Decision, decide
from hearth.safety.services import screen_staff_text

MAX_REASON = 1000

# What the queue holds: forum posts and chat messages, moderated alike.
Content = Post | Message


def log_action(
    actor: User,
    action: str,
    *,
    reason: str = "",
    target: Content | None = None,
    subject: User | None = None,
    item: QueueItem | None = None,
    details: dict[str, object] | None = None,
) -> AuditLogEntry:
    return AuditLogEntry.objects.create(
        actor=actor,
        action=action,
        reason=reason,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        subject=subject,
        queue_item=item,
        details=details or {},
    )


def enqueue_post(post: Post, *, decision: Decision, screening: Screening | None) -> QueueItem | None:
    return enqueue_content(post, community=post.thread.community, decision=decision, screening=screening)


def enqueue_content(
    content: Content, *, community: Community | None, decision: Decision, screening: Screening | None
) -> QueueItem | None:
    """Put content the pipeline flagged in front of a moderator (and on call, when urgent)."""
    if not decision.needs_moderator:
        return None
    now = timezone.now()
    item = QueueItem.objects.create(
        content_type=ContentType.objects.get_for_model(type(content)),
        object_id=content.pk,
        community=community,
        author=content.author,
        screening=screening,
        kinds=list(decision.queue_kinds),
        risk_level=int(decision.risk_level),
        held=content.status == ContentStatus.HELD,
        reasons=list(decision.reasons),
        created_at=now,
        due_at=now + timedelta(minutes=decision.response_minutes),
    )
    alert_on_call(item, content=content)
    return item


def content_of(item: QueueItem) -> Content:
    """The post or chat message a queue item is about."""
    return content_for(item.content_type_id, item.object_id)


def content_for(content_type_id: int | None, object_id: int | None) -> Content:
    if content_type_id is None or object_id is None:
        raise ApplicationError("This item has no post or message to act on.", code="no_content")
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is Message:
        return Message.objects.select_related("room__community", "author").get(id=object_id)
    if model is Post:
        return Post.objects.select_related("thread__community", "author").get(id=object_id)
    raise ApplicationError("This item has no post or message to act on.", code="no_content")


def content_url(content: Content) -> str:
    if isinstance(content, Message):
        return reverse("chat:message", args=[content.room_id, content.seq])
    return reverse("forums:post", args=[content.id])


def content_noun(content: Content) -> str:
    return "message" if isinstance(content, Message) else "post"


def clean_reason(reason: str, *, member_sees: bool = True) -> str:
    """A moderator's reason or message. One a member will read passes the safety screen for staff text: it is
    refused if it carries anyone's contact or identity details."""
    reason = reason.strip()
    if not reason:
        ask = "Give a reason: the member will see it." if member_sees else "Give a reason."
        raise ApplicationError(ask, code="reason_required")
    if len(reason) > MAX_REASON:
        raise ApplicationError(f"Keep the reason under {MAX_REASON} characters.", code="reason_too_long")
    if member_sees:
        screen_staff_text(reason)
    return reason


def check_moderate_item_permission(user: User, item: QueueItem) -> None:
    if item.community is None:
        if not is_staff_moderator(user):
            check_staff_mfa(user)
            raise PermissionDenied("Only global moderators and admins can act on this.")
        return
    if not is_moderator(user, item.community):
        check_staff_mfa(user, item.community)
        raise PermissionDenied("Only this community's moderators can act on this.")


@transaction.atomic
def claim_item(moderator: User, item: QueueItem) -> QueueItem:
    check_moderate_item_permission(moderator, item)
    updated = QueueItem.objects.filter(id=item.id, status=QueueStatus.OPEN).update(
        status=QueueStatus.CLAIMED, claimed_by=moderator, claimed_at=timezone.now()
    )
    if not updated:
        raise ConflictError("Someone else has this item, or it is resolved.", code="already_claimed")
    log_action(moderator, ActionKind.CLAIM, item=item, subject=item.author)
    item.refresh_from_db()
    return item


@transaction.atomic
def unclaim_item(moderator: User, item: QueueItem) -> QueueItem:
    check_moderate_item_permission(moderator, item)
    updated = QueueItem.objects.filter(id=item.id, status=QueueStatus.CLAIMED, claimed_by=moderator).update(
        status=QueueStatus.OPEN, claimed_by=None, claimed_at=None
    )
    if not updated:
        raise ConflictError("You don't have this item.", code="not_claimed")
    log_action(moderator, ActionKind.UNCLAIM, item=item, subject=item.author)
    item.refresh_from_db()
    return item


def _open_item_content(moderator: User, item: QueueItem, reason: str) -> tuple[Content, str]:
    """The checks every decision on an item starts with; returns its content and the cleaned reason."""
    check_moderate_item_permission(moderator, item)
    reason = clean_reason(reason)
    if item.status == QueueStatus.RESOLVED:
        raise ConflictError("This item is already resolved.", code="already_resolved")
    return content_of(item), reason


def _close(moderator: User, item: QueueItem, post: Content, *, action: str, resolution: str, reason: str) -> QueueItem:
    QueueItem.objects.filter(id=item.id).update(
        status=QueueStatus.RESOLVED, resolved_by=moderator, resolved_at=timezone.now(), resolution=resolution
    )
    log_action(moderator, action, reason=reason, target=post, subject=post.author, item=item)
    item.refresh_from_db()
    return item


def set_content_status(content: Content, status: str) -> None:
    """Publish, hold or hide a post or a chat message; every screen in a chat room is updated."""
    if isinstance(content, Message):
        content.status = status
        content.save(update_fields=["status"])
        chat_events.message_changed(content)
    else:
        set_post_status(content, status)


def set_post_status(post: Post, status: str) -> None:
    """Move a post between published, held and hidden, keeping thread and community counters exact."""
    was_visible = post.status == ContentStatus.PUBLISHED
    post.status = status
    post.save(update_fields=["status"])
    now_visible = status == ContentStatus.PUBLISHED
    if was_visible == now_visible or post.deleted_at is not None:
        if post.is_opening:
            Thread.objects.filter(id=post.thread_id).update(status=status)
        return
    step = 1 if now_visible else -1
    community = Community.objects.filter(id=post.thread.community_id)
    threads = Thread.objects.filter(id=post.thread_id)
    if now_visible:  # a reply published after it was held is new to the thread's readers
        threads.update(last_published_number=Greatest("last_published_number", Value(post.number)))
    if post.is_opening:
        threads.update(status=status)
        community.update(thread_count=F("thread_count") + step, post_count=F("post_count") + step)
    else:
        threads.update(reply_count=F("reply_count") + step)
        community.update(post_count=F("post_count") + step)


@transaction.atomic
def approve_item(moderator: User, item: QueueItem, *, reason: str) -> QueueItem:
    """Publish held content (or confirm published content is fine) and close the item."""
    post, reason = _open_item_content(moderator, item, reason)
    if post.status != ContentStatus.PUBLISHED:
        set_content_status(post, ContentStatus.PUBLISHED)
        noun = content_noun(post)
        notify(
            post.author,
            kind="post_approved",
            title=f"Your {noun} is now visible",
            body=f"A moderator reviewed your {noun} and published it. Their note: {reason}",
            url=content_url(post),
        )
    return _close(moderator, item, post, action=ActionKind.APPROVE, resolution="approved", reason=reason)


@transaction.atomic
def hide_item(moderator: User, item: QueueItem, *, reason: str) -> QueueItem:
    """Keep the content from other members; its author can still see it, with the reason, and can appeal."""
    post, reason = _open_item_content(moderator, item, reason)
    post.moderator_note = reason[:300]
    post.save(update_fields=["moderator_note"])
    set_content_status(post, ContentStatus.HIDDEN)
    noun = content_noun(post)
    notify(
        post.author,
        kind="post_hidden",
        title=f"A moderator has hidden your {noun}",
        body=f"Only you and the moderators can see it now. The reason: {reason}",
        url=content_url(post),
    )
    return _close(moderator, item, post, action=ActionKind.HIDE, resolution="hidden", reason=reason)


@transaction.atomic
def set_content_warnings(moderator: User, item: QueueItem, *, topics: list[str], reason: str) -> Content:
    """Add or remove content warnings on the item's post (the author is told, with the reason)."""
    from hearth.forums.services import clean_topics  # noqa: PLC0415 (forums.services imports this module)

    check_moderate_item_permission(moderator, item)
    reason = clean_reason(reason)
    post = content_of(item)
    before, after = list(post.topics), clean_topics(topics)
    if before == after:
        raise ConflictError(f"Those are already the {content_noun(post)}'s content warnings.", code="unchanged")
    post.topics = after
    post.save(update_fields=["topics"])
    if isinstance(post, Message):
        chat_events.message_changed(post)
    action = ActionKind.ADD_WARNING if len(after) >= len(before) else ActionKind.REMOVE_WARNING
    log_action(moderator, action, reason=reason, target=post, subject=post.author, item=item,
               details={"before": before, "after": after})  # fmt: skip
    notify(
        post.author,
        kind="content_warning_changed",
        title=f"A moderator changed the content warnings on your {content_noun(post)}",
        body=f"The reason: {reason}",
        url=content_url(post),
    )
    return post


@transaction.atomic
def review_label(moderator: User, item: QueueItem, *, kind: str, keep: bool, reason: str) -> Content:
    """Confirm or remove a health-misinformation label the pipeline put on a post."""
    check_moderate_item_permission(moderator, item)
    reason = clean_reason(reason)
    post = content_of(item)
    if kind not in post.labels:
        raise ConflictError(f"The {content_noun(post)} doesn't carry that label.", code="no_such_label")
    if not keep:
        post.labels = [label for label in post.labels if label != kind]
        post.save(update_fields=["labels"])
        if isinstance(post, Message):
            chat_events.message_changed(post)
    action = ActionKind.CONFIRM_LABEL if keep else ActionKind.REMOVE_LABEL
    log_action(moderator, action, reason=reason, target=post, subject=post.author, item=item, details={"kind": kind})
    return post


@transaction.atomic
def reach_out(moderator: User, item: QueueItem, *, message: str) -> None:
    """A private, caring message from the moderators to the author; only they see it."""
    check_moderate_item_permission(moderator, item)
    message = clean_reason(message)
    notify(
        item.author,
        kind="moderator_outreach",
        title="A message from the moderators",
        body=message,
        url=reverse("safety:get-help"),
    )
    log_action(moderator, ActionKind.REACH_OUT, reason=message, subject=item.author, item=item)


@transaction.atomic
def edit_as_moderator(moderator: User, item: QueueItem, *, body: str, reason: str) -> Post:
    """Change a post's text (e.g. to take out method details), with a note every reader sees.
    The earlier text is kept as a revision, and the author is told why."""
    from hearth.forums.services import clean_body, clean_topics  # noqa: PLC0415 (forums.services imports this module)
    from hearth.lib.markdown import render_markdown  # noqa: PLC0415

    check_moderate_item_permission(moderator, item)
    reason = clean_reason(reason)
    post = content_of(item)
    if not isinstance(post, Post):
        raise ApplicationError("Chat messages can be hidden, not edited.", code="not_editable")
    body = clean_body(body)
    if body == post.body:
        raise ConflictError("The text is unchanged.", code="unchanged")
    # The new text is screened like any other: the moderator may not add contact details, and what the pipeline
    # finds in it (content warnings, health labels, risk) is kept on the post. Nothing is held or nudged: the
    # moderator is the reviewer, and the post's status is theirs to set.
    assessment = screen_staff_text(body, already_there=post.body)
    decision = decide(assessment, acknowledged=ALL_NUDGES)
    PostRevision.objects.create(post=post, body=post.body, topics=post.topics, editor=moderator)
    post.body, post.body_html, post.edited_at = body, render_markdown(body), timezone.now()
    post.topics = clean_topics([*post.topics, *decision.add_topics])
    post.labels = sorted({*post.labels, *decision.labels})
    post.risk_level = max(post.risk_level, int(decision.risk_level))
    post.moderator_note = f"Edited by a moderator: {reason}"[:300]
    post.save(update_fields=["body", "body_html", "topics", "labels", "risk_level", "edited_at", "moderator_note"])
    log_action(moderator, ActionKind.EDIT, reason=reason, target=post, subject=post.author, item=item)
    notify(
        post.author,
        kind="post_edited_by_moderator",
        title="A moderator edited your post",
        body=f"The reason: {reason} You can appeal if you think it was wrong.",
        url=reverse("forums:post", args=[post.id]),
    )
    return post
