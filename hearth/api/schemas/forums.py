"""Forums: threads, posts, reactions and search, each as a particular reader sees it.

Builders take objects decorated by `hearth.forums.selectors` (author_label, warnings, …). An anonymous author is
named only to themselves (moderators ask through `moderation.reveal`, which is logged); a removed post carries no
text for non-moderators.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.paginator import Page
from ninja import Field, Schema

from hearth.accounts.models import SensitiveTopic, User
from hearth.api.schemas.accounts import CommunityRefOut, MemberRefOut
from hearth.api.schemas.common import NudgeCode, PageOut, Text, UncountedPageOut
from hearth.chat.models import Message
from hearth.communities.models import Community
from hearth.forums.models import Post, PostRevision, ReactionKind, Thread
from hearth.forums.selectors import PostPage, SearchPage
from hearth.permissions import AnyUser
from hearth.safety.resources import all_countries
from hearth.wellbeing.selectors import safety_plan_for

_TOPIC_CODES = {label: code for code, label in SensitiveTopic.choices}


class TopicOut(Schema):
    code: SensitiveTopic
    label: str


def _topics(codes: list[str]) -> list[TopicOut]:
    return [
        TopicOut(code=SensitiveTopic(c), label=SensitiveTopic(c).label) for c in codes if c in SensitiveTopic.values
    ]


def _topics_from_labels(labels: list[str]) -> list[TopicOut]:
    return _topics([_TOPIC_CODES[label] for label in labels if label in _TOPIC_CODES])


def _author(viewer: AnyUser, item: Thread | Post, author: User, community: Community) -> MemberRefOut | None:
    # Moderators too get null here: they ask with POST /posts/{post_id}/author-reveals, which is logged.
    if item.is_anonymous and not (viewer.is_authenticated and viewer.id == item.author_id):
        return None
    return MemberRefOut.from_user(author)


class ReactionOut(Schema):
    kind: ReactionKind
    label: str
    count: int
    mine: bool = Field(description="Whether you sent this one.")


class ThreadOut(Schema):
    id: int
    community: CommunityRefOut
    title: str
    author: MemberRefOut | None = Field(
        description="Null when the thread is anonymous and you did not write it. Moderators can ask with "
        "POST /posts/{post_id}/author-reveals on its opening post; each look is logged."
    )
    author_label: str = Field(description='What to show as the author, e.g. "Anonymous member".')
    is_anonymous: bool
    created_at: datetime
    last_post_at: datetime
    reply_count: int
    topics: list[TopicOut] = Field(description="Content warnings the author gave the opening post.")
    warnings: list[str] = Field(
        description="Why to collapse it for you (hidden topics, muted words); empty to show it."
    )
    unread_count: int = Field(
        description="Posts published since you last read the thread (held, hidden and deleted ones never count)."
    )
    never_read: bool = Field(description="You have never opened this thread.")
    is_deleted: bool

    @classmethod
    def from_thread(cls, viewer: AnyUser, thread: Thread) -> ThreadOut:
        """`thread` must be decorated by the forum selectors."""
        return cls(
            id=thread.id,
            community=CommunityRefOut.from_community(thread.community),
            title=thread.title,
            author=_author(viewer, thread, thread.author, thread.community),
            author_label=thread.author_label,  # type: ignore[attr-defined]
            is_anonymous=thread.shown_anonymous,  # type: ignore[attr-defined]
            created_at=thread.created_at,
            last_post_at=thread.last_post_at,
            reply_count=thread.reply_count,
            topics=_topics_from_labels(thread.topic_labels),  # type: ignore[attr-defined]
            warnings=thread.warnings,  # type: ignore[attr-defined]
            unread_count=thread.unread_count,  # type: ignore[attr-defined]
            never_read=thread.never_read,  # type: ignore[attr-defined]
            is_deleted=thread.deleted_at is not None,
        )


class ThreadPageOut(Schema):
    items: list[ThreadOut]
    page: PageOut
    count: int

    @classmethod
    def from_page(cls, viewer: AnyUser, page: Page[Thread]) -> ThreadPageOut:
        return cls(
            items=[ThreadOut.from_thread(viewer, t) for t in page.object_list],
            page=PageOut.from_page(page),
            count=page.paginator.count,
        )


class HealthLabelOut(Schema):
    kind: str
    summary: str
    title: str
    url: str


class CrisisLineOut(Schema):
    name: str
    hours: str
    contacts: list[str]
    source: str


class WriterHelpOut(Schema):
    message: str
    country: str
    emergency: str
    lines: list[CrisisLineOut]
    has_safety_plan: bool = Field(description="Whether you wrote a safety plan; GET /me/safety-plan has it.")

    @classmethod
    def for_post(cls, viewer: AnyUser, post: Post | Message, *, noun: str = "post") -> WriterHelpOut | None:
        if not viewer.is_authenticated or post.author_id != viewer.id or post.risk_level == 0:
            return None
        country = all_countries().get(settings.HEARTH_DEFAULT_COUNTRY.upper()) or next(iter(all_countries().values()))
        held = post.status == "held"
        return cls(
            message=(
                "Thank you for sharing this. You don't have to face it alone. "
                + (
                    f"Your {noun} is with a moderator, who will read it soon; only you can see it until then."
                    if held
                    else f"Your {noun} is up, and a moderator may check in with you privately."
                )
            ),
            country=country.name,
            emergency=country.emergency,
            has_safety_plan=safety_plan_for(viewer) is not None,
            lines=[
                CrisisLineOut(name=s.name, hours=s.hours, contacts=[c.display for c in s.contacts], source=s.source)
                for s in country.services
            ],
        )


class PostOut(Schema):
    id: int
    thread_id: int
    number: int = Field(description="1 for the opening post, then 2, 3, … without gaps.")
    is_opening: bool
    author: MemberRefOut | None = Field(
        description="Null when the post is anonymous and you did not write it. Moderators can ask with "
        "POST /posts/{post_id}/author-reveals; each look is logged."
    )
    author_label: str
    is_anonymous: bool
    created_at: datetime
    edited_at: datetime | None
    is_deleted: bool
    body: str | None = Field(description="Markdown source; null when the post was removed and you can't see it.")
    body_html: str | None = Field(description="Sanitised HTML; null when the post was removed and you can't see it.")
    topics: list[TopicOut]
    warnings: list[str] = Field(
        description="Why to collapse it for you (hidden topics, muted words); empty to show it."
    )
    is_unread: bool
    can_edit: bool
    can_delete: bool
    can_react: bool
    reactions: list[ReactionOut]
    status: str = Field(
        description="published; held (waiting for a moderator: only its author and moderators see it); "
        "hidden (by a moderator, with moderator_note as the reason)"
    )
    moderator_note: str
    labels: list[HealthLabelOut] = Field(description="Possible health misinformation, with a vetted resource.")
    help: WriterHelpOut | None = Field(
        description="Only on your own posts that showed crisis risk: crisis lines for your country and what happens "
        "next. Never shown to anyone else."
    )

    @classmethod
    def from_post(cls, viewer: AnyUser, post: Post) -> PostOut:
        """`post` must come from `forums.selectors.thread_posts`, which decorates it for `viewer`."""
        hidden: bool = post.hidden_deleted  # type: ignore[attr-defined]
        return cls(
            id=post.id,
            thread_id=post.thread_id,
            number=post.number,
            is_opening=post.is_opening,
            author=_author(viewer, post, post.author, post.thread.community),
            author_label=post.author_label,  # type: ignore[attr-defined]
            is_anonymous=post.shown_anonymous,  # type: ignore[attr-defined]
            created_at=post.created_at,
            edited_at=post.edited_at,
            is_deleted=post.deleted_at is not None,
            body=None if hidden else post.body,
            body_html=None if hidden else post.body_html,
            topics=[] if hidden else _topics(post.topics),
            warnings=[] if hidden else post.warnings,  # type: ignore[attr-defined]
            is_unread=post.is_unread,  # type: ignore[attr-defined]
            can_edit=post.can_edit,  # type: ignore[attr-defined]
            can_delete=post.can_delete,  # type: ignore[attr-defined]
            can_react=post.can_react,  # type: ignore[attr-defined]
            reactions=[] if hidden else [ReactionOut(**r) for r in post.reaction_summary],  # type: ignore[attr-defined]
            status=post.status,
            moderator_note=post.moderator_note,
            labels=[] if hidden else [HealthLabelOut(**r) for r in post.label_resources],  # type: ignore[attr-defined]
            help=WriterHelpOut.for_post(viewer, post),
        )


class ThreadDetailOut(Schema):
    thread: ThreadOut
    posts: list[PostOut]
    page: PageOut
    first_unread: int | None = Field(description="Number of the first post you haven't read, if any.")

    @classmethod
    def from_page(cls, viewer: AnyUser, thread: Thread, posts: PostPage) -> ThreadDetailOut:
        return cls(
            thread=ThreadOut.from_thread(viewer, thread),
            posts=[PostOut.from_post(viewer, p) for p in posts.posts],
            page=PageOut(
                number=posts.number,
                num_pages=posts.num_pages,
                has_previous=posts.has_previous,
                has_next=posts.has_next,
            ),
            first_unread=posts.first_unread,
        )


class ThreadRefOut(Schema):
    id: int
    title: str
    community: CommunityRefOut


class SearchHitOut(Schema):
    id: int
    number: int
    thread: ThreadRefOut
    author: MemberRefOut | None
    author_label: str
    is_anonymous: bool
    created_at: datetime
    edited_at: datetime | None
    body: str
    body_html: str
    topics: list[TopicOut]
    warnings: list[str]

    @classmethod
    def from_post(cls, viewer: AnyUser, post: Post) -> SearchHitOut:
        """`post` must come from `forums.selectors.search_posts` (never a removed post)."""
        thread = post.thread
        return cls(
            id=post.id,
            number=post.number,
            thread=ThreadRefOut(
                id=thread.id, title=thread.title, community=CommunityRefOut.from_community(thread.community)
            ),
            author=_author(viewer, post, post.author, thread.community),
            author_label=post.author_label,  # type: ignore[attr-defined]
            is_anonymous=post.shown_anonymous,  # type: ignore[attr-defined]
            created_at=post.created_at,
            edited_at=post.edited_at,
            body=post.body,
            body_html=post.body_html,
            topics=_topics(post.topics),
            warnings=post.warnings,  # type: ignore[attr-defined]
        )


class SearchPageOut(Schema):
    items: list[SearchHitOut]
    page: UncountedPageOut = Field(
        description="Matches are not counted: `has_next` says whether another page follows. Pages reach the newest "
        "1,000 matches; add words to narrow a larger search."
    )

    @classmethod
    def from_page(cls, viewer: AnyUser, page: SearchPage) -> SearchPageOut:
        return cls(
            items=[SearchHitOut.from_post(viewer, p) for p in page.posts],
            page=UncountedPageOut(number=page.number, has_previous=page.has_previous, has_next=page.has_next),
        )


class ThreadIn(Schema):
    title: Text = Field(max_length=1000, description="3 to 140 characters.")
    body: Text = Field(max_length=100_000, description="Markdown, up to 20,000 characters.")
    topics: list[SensitiveTopic] = Field(default_factory=list, max_length=24, description="Content warnings.")
    anonymous: bool = Field(
        default=False, description="Hide your pseudonym from other members (moderators still see it)."
    )
    acknowledge: list[NudgeCode] = Field(
        default_factory=list, max_length=4, description="Nudges (from a 409) you choose to post past."
    )
    redact: bool = Field(default=False, description="Remove your own personal details before posting.")


class ReplyIn(Schema):
    body: Text = Field(max_length=100_000, description="Markdown, up to 20,000 characters.")
    topics: list[SensitiveTopic] = Field(default_factory=list, max_length=24, description="Content warnings.")
    anonymous: bool = Field(
        default=False, description="Hide your pseudonym from other members (moderators still see it)."
    )
    acknowledge: list[NudgeCode] = Field(
        default_factory=list, max_length=4, description="Nudges (from a 409) you choose to post past."
    )
    redact: bool = Field(default=False, description="Remove your own personal details before posting.")


class PostEditIn(Schema):
    """Send only what changes. `title` applies to the opening post only."""

    body: Text | None = Field(default=None, max_length=100_000)
    topics: list[SensitiveTopic] | None = Field(default=None, max_length=24)
    title: Text | None = Field(default=None, max_length=1000)
    acknowledge: list[NudgeCode] = Field(
        default_factory=list, max_length=4, description="Nudges (from a 409) you choose to post past."
    )
    redact: bool = Field(default=False, description="Remove your own personal details before posting.")


class ReactionIn(Schema):
    kind: ReactionKind


class ReadIn(Schema):
    up_to: int | None = Field(default=None, ge=0, description="Post number read up to; the last post if left out.")


class RevisionOut(Schema):
    """An earlier version of a post, replaced at `created_at`."""

    body: str
    title: str = Field(description="The thread title at the time, for the opening post; else empty.")
    topics: list[TopicOut]
    created_at: datetime

    @classmethod
    def from_revision(cls, revision: PostRevision) -> RevisionOut:
        return cls(
            body=revision.body, title=revision.title, topics=_topics(revision.topics), created_at=revision.created_at
        )
