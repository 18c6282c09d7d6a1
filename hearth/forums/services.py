"""Writes to forums: threads, replies, edits, deletions, reactions and read state."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from hearth.accounts.models import SensitiveTopic, User
from hearth.communities.models import Community
from hearth.core.errors import ApplicationError, ConflictError
from hearth.forums.models import ContentStatus, Post, PostRevision, Reaction, ReactionKind, ReadState, Thread
from hearth.lib.markdown import render_markdown
from hearth.lib.ratelimit import check_rate_limit
from hearth.moderation.services import enqueue_post, set_post_status
from hearth.permissions import (
    check_anonymous_post_permission,
    check_delete_post_permission,
    check_edit_post_permission,
    check_post_permission,
    check_react_permission,
    check_reply_permission,
    is_moderator,
)
from hearth.safety.analyzers.base import AnalysisContext
from hearth.safety.models import ContentKind
from hearth.safety.policy import Action
from hearth.safety.services import Screened, record_screening, screen_text

MAX_TITLE = 140
MAX_BODY = 20_000


def clean_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) < 3:
        raise ApplicationError("Give your thread a title of at least 3 characters.", code="title_too_short")
    if len(title) > MAX_TITLE:
        raise ApplicationError(f"Titles can be at most {MAX_TITLE} characters.", code="title_too_long")
    return title


def clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ApplicationError("Write something before posting.", code="body_empty")
    if len(body) > MAX_BODY:
        raise ApplicationError(
            f"Posts can be at most {MAX_BODY:,} characters. Yours has {len(body):,}.", code="body_too_long"
        )
    return body


def clean_topics(topics: list[str]) -> list[str]:
    unknown = set(topics) - set(SensitiveTopic.values)
    if unknown:
        raise ApplicationError(f"Unknown content warning: {sorted(unknown)[0]}.", code="unknown_topic")
    return [t for t in SensitiveTopic.values if t in set(topics)]


@transaction.atomic
def create_thread(
    author: User,
    community: Community,
    *,
    title: str,
    body: str,
    topics: list[str] | None = None,
    anonymous: bool = False,
    acknowledged: frozenset[str] = frozenset(),
) -> Thread:
    """Start a thread. Its text passes the safety pipeline first: it may be published, held or put back to the
    author (NudgeRequired). The opening post carries the decision as `post.decision` for the caller."""
    check_post_permission(author, community)
    if anonymous:
        check_anonymous_post_permission(community)
    title, body, topics = clean_title(title), clean_body(body), clean_topics(topics or [])
    check_rate_limit("thread", key=str(author.id))
    screened = screen_text(
        f"{title}\n\n{body}",
        community=community,
        acknowledged=acknowledged,
        is_first_post=is_first_post(author, community),
    )
    decision = screened.decision
    status = ContentStatus.HELD if decision.action == Action.HOLD else ContentStatus.PUBLISHED
    now = timezone.now()
    thread = Thread.objects.create(
        community=community,
        author=author,
        is_anonymous=anonymous,
        title=title,
        created_at=now,
        last_post_at=now,
        last_post_number=1,
        last_published_number=1 if status == ContentStatus.PUBLISHED else 0,
        status=status,
    )
    post = Post.objects.create(
        thread=thread,
        number=1,
        author=author,
        is_anonymous=anonymous,
        body=body,
        body_html=render_markdown(body),
        topics=clean_topics([*topics, *decision.add_topics]),
        created_at=now,
        status=status,
        risk_level=int(decision.risk_level),
        labels=list(decision.labels),
    )
    if status == ContentStatus.PUBLISHED:
        Community.objects.filter(id=community.id).update(
            thread_count=F("thread_count") + 1, post_count=F("post_count") + 1, last_activity_at=now
        )
    ReadState.objects.create(user=author, thread=thread, last_read_number=1, updated_at=now)
    _store_decision(post, screened, kind=ContentKind.THREAD)
    thread.opening_post = post  # type: ignore[attr-defined]
    return thread


def is_first_post(author: User, community: Community) -> bool:
    """Whether this would be the author's first post in a community that approves first posts (else False).
    Moderators are never new."""
    if not community.first_posts_need_approval or is_moderator(author, community):
        return False
    return not Post.objects.filter(author=author, thread__community=community, status=ContentStatus.PUBLISHED).exists()


def _store_decision(post: Post, screened: Screened, *, kind: str) -> None:
    screening = record_screening(screened, author=post.author, kind=kind, community=post.thread.community, content=post)
    enqueue_post(post, decision=screened.decision, screening=screening)
    post.decision = screened.decision  # type: ignore[attr-defined]


@transaction.atomic
def add_reply(
    author: User,
    thread: Thread,
    *,
    body: str,
    topics: list[str] | None = None,
    anonymous: bool = False,
    acknowledged: frozenset[str] = frozenset(),
) -> Post:
    check_reply_permission(author, thread)
    if anonymous:
        check_anonymous_post_permission(thread.community)
    body, topics = clean_body(body), clean_topics(topics or [])
    check_rate_limit("post", key=str(author.id))
    addressed = frozenset() if thread.is_anonymous else frozenset({thread.author.username.lower()})
    screened = screen_text(
        body,
        community=thread.community,
        context=AnalysisContext(is_reply=True, addressed=addressed),
        acknowledged=acknowledged,
        is_first_post=is_first_post(author, thread.community),
    )
    decision = screened.decision
    status = ContentStatus.HELD if decision.action == Action.HOLD else ContentStatus.PUBLISHED
    now = timezone.now()
    # The row lock serialises replies to one thread, so post numbers stay gapless and unique.
    locked = Thread.objects.select_for_update().get(id=thread.id)
    if locked.deleted_at is not None:  # deleted since the caller fetched `thread`
        raise PermissionDenied("This thread was deleted, so it can't take new replies.")
    number = locked.last_post_number + 1
    post = Post.objects.create(
        thread=locked,
        number=number,
        author=author,
        is_anonymous=anonymous,
        body=body,
        body_html=render_markdown(body),
        topics=clean_topics([*topics, *decision.add_topics]),
        created_at=now,
        status=status,
        risk_level=int(decision.risk_level),
        labels=list(decision.labels),
    )
    if status == ContentStatus.PUBLISHED:
        Thread.objects.filter(id=thread.id).update(
            last_post_number=number, last_published_number=number, reply_count=F("reply_count") + 1, last_post_at=now
        )
        locked.last_published_number = thread.last_published_number = number
        Community.objects.filter(id=thread.community_id).update(post_count=F("post_count") + 1, last_activity_at=now)
    else:
        Thread.objects.filter(id=thread.id).update(last_post_number=number)
    locked.last_post_number = thread.last_post_number = number
    thread.last_post_at = now
    mark_read(author, locked, up_to=number)
    _store_decision(post, screened, kind=ContentKind.REPLY)
    return post


@transaction.atomic
def edit_post(
    editor: User,
    post: Post,
    *,
    body: str,
    topics: list[str] | None = None,
    title: str | None = None,
    acknowledged: frozenset[str] = frozenset(),
) -> Post:
    """Change a post's text; `topics=None` keeps its content warnings, `title` applies to opening posts only.

    The new text passes the safety pipeline like a new post: it may be held, or put back to the author.
    """
    check_edit_post_permission(editor, post)
    body = clean_body(body)
    topics = post.topics if topics is None else clean_topics(topics)
    thread = post.thread
    new_title = clean_title(title) if (title is not None and post.is_opening) else thread.title
    if body == post.body and topics == post.topics and new_title == thread.title:
        return post
    check_rate_limit("edit", key=str(editor.id))
    text = f"{new_title}\n\n{body}" if post.is_opening else body
    screened = screen_text(text, community=thread.community, acknowledged=acknowledged)
    decision = screened.decision
    topics = clean_topics([*topics, *decision.add_topics])
    PostRevision.objects.create(
        post=post, body=post.body, topics=post.topics, title=thread.title if post.is_opening else "", editor=editor
    )
    post.body, post.body_html, post.topics, post.edited_at = body, render_markdown(body), topics, timezone.now()
    post.risk_level = max(post.risk_level, int(decision.risk_level))
    post.labels = sorted({*post.labels, *decision.labels})
    post.save(update_fields=["body", "body_html", "topics", "edited_at", "risk_level", "labels"])
    if new_title != thread.title:
        thread.title = new_title
        thread.save(update_fields=["title"])
    if decision.action == Action.HOLD and post.status == ContentStatus.PUBLISHED:
        set_post_status(post, ContentStatus.HELD)
    _store_decision(post, screened, kind=ContentKind.EDIT)
    return post


@transaction.atomic
def delete_post(actor: User, post: Post) -> Post:
    """Soft delete: the text stays for moderators; readers see that a post was removed.

    Deleting the opening post deletes the thread.
    """
    community = post.thread.community
    check_delete_post_permission(actor, post, community)
    now = timezone.now()
    post.deleted_at, post.deleted_by = now, actor
    post.save(update_fields=["deleted_at", "deleted_by"])
    # Counters count what members can see (published, not deleted), so they drop by what was counted: a held or
    # hidden post or thread never was.
    published = post.status == ContentStatus.PUBLISHED
    if post.is_opening:
        Thread.objects.filter(id=post.thread_id).update(deleted_at=now)
        post.thread.deleted_at = now
        counted_replies = Post.objects.filter(
            thread_id=post.thread_id, number__gt=1, deleted_at__isnull=True, status=ContentStatus.PUBLISHED
        ).count()
        Community.objects.filter(id=community.id).update(
            thread_count=Greatest(F("thread_count") - int(published), 0),
            post_count=Greatest(F("post_count") - counted_replies - int(published), 0),
        )
    elif published:
        Thread.objects.filter(id=post.thread_id).update(reply_count=Greatest(F("reply_count") - 1, 0))
        if post.thread.deleted_at is None:  # a deleted thread's posts were already taken off the count
            Community.objects.filter(id=community.id).update(post_count=Greatest(F("post_count") - 1, 0))
    return post


@transaction.atomic
def add_reaction(user: User, post: Post, *, kind: str) -> Reaction:
    check_react_permission(user, post, post.thread.community)
    if kind not in ReactionKind.values:
        raise ApplicationError("Choose one of the support reactions.", code="unknown_reaction")
    check_rate_limit("reaction", key=str(user.id))
    try:
        with transaction.atomic():
            return Reaction.objects.create(post=post, user=user, kind=kind)
    except IntegrityError as exc:
        raise ConflictError("You've already sent that.", code="already_reacted") from exc


@transaction.atomic
def remove_reaction(user: User, post: Post, *, kind: str) -> None:
    deleted, _ = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if not deleted:
        raise ConflictError("You haven't sent that reaction.", code="not_reacted")


@transaction.atomic
def toggle_reaction(user: User, post: Post, *, kind: str) -> bool:
    """Add the reaction, or take it back if already sent. Returns whether it is now on."""
    if Reaction.objects.filter(post=post, user=user, kind=kind).exists():
        remove_reaction(user, post, kind=kind)
        return False
    add_reaction(user, post, kind=kind)
    return True


def mark_read(user: User, thread: Thread, *, up_to: int) -> None:
    up_to = min(up_to, thread.last_post_number)  # never "read" posts that don't exist yet
    if not user.is_authenticated or up_to <= 0:
        return
    updated = ReadState.objects.filter(user=user, thread=thread, last_read_number__lt=up_to).update(
        last_read_number=up_to, updated_at=timezone.now()
    )
    if not updated and not ReadState.objects.filter(user=user, thread=thread).exists():
        try:
            with transaction.atomic():
                ReadState.objects.create(user=user, thread=thread, last_read_number=up_to)
        except IntegrityError:
            pass  # a parallel request created it first
