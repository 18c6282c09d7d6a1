"""Reads for forum pages and the API, each in a fixed number of queries whatever the page holds."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import BooleanField, Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from hearth.accounts.blocks import hidden_author_ids
from hearth.communities.models import Community
from hearth.forums.models import ContentStatus, Post, Reaction, ReactionKind, ReadState, Thread
from hearth.forums.reading import ANONYMOUS_LABEL, ReaderFilter, topic_labels
from hearth.lib.columns import author_shown, columns_of
from hearth.permissions import (
    AnyUser,
    can_delete_post,
    can_edit_post,
    can_post_in,
    filter_visible_threads,
    is_moderator,
)
from hearth.safety.labels import label_resources

MAX_PAGE = 10_000


def page_size() -> int:
    return int(settings.HEARTH_PAGE_SIZE)


def clamp_page(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def _author_label(user: AnyUser, item: Thread | Post, community: Community) -> tuple[str, bool]:
    """(label, shown_as_anonymous). Only the author sees "Name (posted anonymously)"; moderators see who wrote it
    only by asking, which is logged (moderation.reveal)."""
    if not item.is_anonymous:
        return item.author.username, False
    if user.is_authenticated and user.id == item.author_id:
        return f"{item.author.username} (posted anonymously)", True
    return ANONYMOUS_LABEL, True


M = TypeVar("M", Post, Thread)


def with_author_pseudonym(qs: QuerySet[M]) -> QuerySet[M]:
    """The rows with their authors' pseudonyms and roles, and nothing else of the authors (hearth.lib.columns)."""
    return qs.select_related("author").only(*columns_of(qs.model), *author_shown())


def _decorate_thread(
    user: AnyUser, thread: Thread, opening: Post | None, read_upto: int | None, unread: int | None
) -> Thread:
    reader = ReaderFilter.for_user(user)
    topics = opening.topics if opening else []
    body = opening.body if opening and reader.muted else ""
    thread.warnings = reader.warnings(topics, thread.title, body)  # type: ignore[attr-defined]
    thread.topic_labels = topic_labels(topics)  # type: ignore[attr-defined]
    thread.author_label, thread.shown_anonymous = _author_label(user, thread, thread.community)  # type: ignore[attr-defined]
    if user.is_authenticated:
        if unread is None and read_upto is None:  # the thread's exact counters: every published post is new
            unread = thread.reply_count + (1 if thread.status == ContentStatus.PUBLISHED else 0)
        thread.unread_count = unread or 0  # type: ignore[attr-defined]
        thread.never_read = read_upto is None  # type: ignore[attr-defined]
    else:
        thread.unread_count, thread.never_read = 0, False  # type: ignore[attr-defined]
    return thread


def decorate_threads(user: AnyUser, threads: list[Thread]) -> list[Thread]:
    ids = [t.id for t in threads]
    # Only what the warnings need: the topics, and the text when the reader mutes words.
    fields = ["thread_id", "topics", *(["body"] if ReaderFilter.for_user(user).muted else [])]
    openings = {p.thread_id: p for p in Post.objects.filter(thread_id__in=ids, number=1).only(*fields)} if ids else {}
    reads: dict[int, int] = {}
    unread: dict[int, int] = {}
    if user.is_authenticated and ids:
        reads = dict(
            ReadState.objects.filter(user=user, thread_id__in=ids).values_list("thread_id", "last_read_number")
        )
        unread = _unread_counts(user, [t for t in threads if reads.get(t.id, 0) < t.last_published_number], reads)
    return [_decorate_thread(user, t, openings.get(t.id), reads.get(t.id), unread.get(t.id)) for t in threads]


def _unread_counts(user: AnyUser, threads: list[Thread], reads: dict[int, int]) -> dict[int, int]:
    """Published posts after what the reader read, in the threads they have read part of: one query, and only when
    one of them has a newer published post. Counting numbers instead would count held and hidden posts too, and
    tell readers that something was held. Threads never read are counted here too when the reader blocked or
    muted someone, since the thread's counters include those members' replies; otherwise the caller uses them."""
    hidden = hidden_author_ids(user)
    ranges, counted = Q(), []
    for thread in threads:
        if thread.id in reads:
            ranges |= Q(thread_id=thread.id, number__gt=reads[thread.id])
        elif not hidden:
            continue
        else:
            ranges |= Q(thread_id=thread.id)
        counted.append(thread.id)
    if not counted:
        return {}
    posts = Post.objects.filter(ranges, status=ContentStatus.PUBLISHED, deleted_at__isnull=True)
    if hidden:
        posts = posts.exclude(author_id__in=hidden)
    found = posts.order_by().values("thread_id").annotate(n=Count("id")).values_list("thread_id", "n")
    return dict.fromkeys(counted, 0) | dict(found)


class CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told how many items there are, instead of counting them."""

    def __init__(self, object_list: QuerySet[Thread], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def _count(threads: QuerySet[Thread]) -> Coalesce:
    return Coalesce(Subquery(threads.order_by().values("community").annotate(n=Count("id")).values("n")[:1]), 0)


def visible_thread_count(user: AnyUser, community: Community, hidden: frozenset[int]) -> tuple[int, int]:
    """How many of the community's threads a reader who is not a moderator sees, and how many of those are the
    reader's own threads a moderator holds or hid: the community's counter of published threads (kept exact by the
    services), plus those, minus published threads by members the reader blocked or muted. Counting a large
    community's rows instead takes tens of milliseconds. One query: the counter, with two small counts by author."""
    threads = Thread.objects.filter(community=OuterRef("pk"), deleted_at__isnull=True)
    extra: dict[str, Coalesce] = {}
    if user.is_authenticated:
        extra["own"] = _count(threads.filter(author_id=user.id).exclude(status=ContentStatus.PUBLISHED))
    if hidden:
        extra["blocked"] = _count(threads.filter(author_id__in=hidden, status=ContentStatus.PUBLISHED))
    row = Community.objects.filter(id=community.id).annotate(**extra).values("thread_count", *extra).first()
    if row is None:
        return 0, 0
    own = int(row.get("own", 0))
    return max(int(row["thread_count"]) + own - int(row.get("blocked", 0)), 0), own


def community_threads(user: AnyUser, community: Community, *, page: int) -> Page[Thread]:
    """A page of a community's threads, most recently active first.

    Queries: how many there are (visible_thread_count; a count for moderators), threads (with author), their
    opening posts, the reader's read states, and (only when a partly read thread has newer posts, or the reader
    blocked someone and a thread is unread) their unread counts.
    """
    qs = Thread.objects.filter(community=community)
    hidden = hidden_author_ids(user)
    if hidden:
        qs = qs.exclude(author_id__in=hidden)
    moderator = is_moderator(user, community)
    count = own_unpublished = 0
    if not moderator:
        count, own_unpublished = visible_thread_count(user, community, hidden)
        # Readers see published threads and their own. Without own held or hidden ones (nearly always) that is the
        # published threads alone, which an index reads in order; "published or mine" would sort every thread.
        visible = Q(status=ContentStatus.PUBLISHED)
        if own_unpublished:
            visible |= Q(author_id=user.id)
        qs = qs.filter(visible, deleted_at__isnull=True)
    # The community is the one given: joining it would repeat its row, guidelines and all, for every thread.
    qs = with_author_pseudonym(qs).order_by("-last_post_at", "-id")
    # Moderators also see deleted and held threads, which no counter counts.
    paginator = Paginator(qs, page_size()) if moderator else CountedPaginator(qs, page_size(), count=count)
    result = paginator.get_page(page)
    threads = list(result.object_list)
    for thread in threads:
        thread.community = community
    result.object_list = decorate_threads(user, threads)
    return result


class NumberedPage:
    """The links to the pages either side, under the names Django's Page gives them (the templates use both)."""

    number: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass
class PostPage(NumberedPage):
    posts: list[Post]
    number: int
    num_pages: int
    first_unread: int | None
    read_upto: int = 0  # the highest post number the reader had read before this page

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def page_of_post(number: int) -> int:
    return (number - 1) // page_size() + 1


def thread_posts(user: AnyUser, thread: Thread, *, page: int) -> PostPage:
    """One page of a thread's posts with reactions and unread markers.

    Queries: posts (with authors), reaction counts with the reader's own, the reader's read state, and the first
    unread published post when it is not on this page (_first_unread).
    Posts are numbered without gaps, so a page is a range of numbers: no count, no OFFSET.
    """
    size = page_size()
    num_pages = max(math.ceil(thread.last_post_number / size), 1)
    page = min(page, num_pages)
    first, last = (page - 1) * size + 1, page * size
    qs = Post.objects.filter(thread=thread, number__gte=first, number__lte=last)
    hidden = hidden_author_ids(user)
    if hidden:
        qs = qs.exclude(author_id__in=hidden)
    if not is_moderator(user, thread.community):
        visible = Q(status=ContentStatus.PUBLISHED)
        if user.is_authenticated:
            visible |= Q(author_id=user.id)
        qs = qs.filter(visible)
    # The range holds at most a page of posts; saying so lets PostgreSQL read them in order from the (thread,
    # number) index and stop, where it otherwise read every post of a long thread by thread alone and sorted them.
    posts = list(with_author_pseudonym(qs).order_by("number")[:size])
    ids = [p.id for p in posts]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: set[tuple[int, str]] = set()
    read_upto = 0
    if ids:
        # One query for everyone's reactions and the reader's own among them.
        own = Count("id", filter=Q(user_id=user.id)) if user.is_authenticated else Value(0)
        for row in Reaction.objects.filter(post_id__in=ids).values("post_id", "kind").annotate(n=Count("id"), own=own):
            counts[row["post_id"]][row["kind"]] = row["n"]
            if row["own"]:
                mine.add((row["post_id"], row["kind"]))
    if user.is_authenticated:
        state = ReadState.objects.filter(user=user, thread=thread).values_list("last_read_number", flat=True).first()
        read_upto = state or 0
    community = thread.community
    reader = ReaderFilter.for_user(user)
    moderator = is_moderator(user, community)
    may_react = can_post_in(user, community)
    for post in posts:
        post.thread = thread
        post.author_label, post.shown_anonymous = _author_label(user, post, community)  # type: ignore[attr-defined]
        post.can_reveal_author = moderator and post.shown_anonymous and post.author_id != user.id  # type: ignore[attr-defined]
        post.warnings = reader.warnings(post.topics, post.body, thread.title if post.is_opening else "")  # type: ignore[attr-defined]
        post.topic_labels = topic_labels(post.topics)  # type: ignore[attr-defined]
        post.label_resources = label_resources(post.labels)  # type: ignore[attr-defined]
        post.is_unread = user.is_authenticated and post.number > read_upto  # type: ignore[attr-defined]
        post.hidden_deleted = post.deleted_at is not None and not moderator  # type: ignore[attr-defined]
        post.can_edit = can_edit_post(user, post)  # type: ignore[attr-defined]
        post.can_delete = can_delete_post(user, post, community)  # type: ignore[attr-defined]
        post.can_react = (  # type: ignore[attr-defined]
            may_react and post.deleted_at is None and post.status == ContentStatus.PUBLISHED
        )
        post.reaction_summary = [  # type: ignore[attr-defined]
            {
                "kind": kind,
                "label": label,
                "count": counts[post.id].get(kind, 0),
                "mine": (post.id, kind) in mine,
            }
            for kind, label in ReactionKind.choices
        ]
    first_unread = _first_unread(thread, posts, read_upto, hidden) if user.is_authenticated else None
    return PostPage(posts=posts, number=page, num_pages=num_pages, first_unread=first_unread, read_upto=read_upto)


def _first_unread(thread: Thread, posts: list[Post], read_upto: int, hidden: frozenset[int]) -> int | None:
    """The first published post after what the reader read (not read_upto + 1, which may be a held post). Found
    on the page when the page starts at or before it; else one query, only when a newer post was published."""
    if read_upto >= thread.last_published_number:
        return None
    if posts and posts[0].number <= read_upto + 1:
        on_page = [p.number for p in posts if p.number > read_upto and _published(p)]
        if on_page:
            return on_page[0]
    later = Post.objects.filter(
        thread=thread, number__gt=read_upto, status=ContentStatus.PUBLISHED, deleted_at__isnull=True
    )
    if hidden:
        later = later.exclude(author_id__in=hidden)
    return later.order_by("number").values_list("number", flat=True).first()


def _published(post: Post) -> bool:
    return post.status == ContentStatus.PUBLISHED and post.deleted_at is None


def thread_title_warnings(user: AnyUser, thread: Thread, page: PostPage) -> list[str]:
    """Warnings that hide a thread's title from this reader (the opening post's topics, muted words)."""
    opening = page.posts[0] if page.posts and page.posts[0].number == 1 else None
    if opening is not None:
        topics, body = opening.topics, opening.body
    else:
        # Ordered by number, so PostgreSQL reads the (thread, number) index; ordered by id it scanned a long thread.
        opening_row = Post.objects.filter(thread=thread, number=1).order_by("number").values_list("topics", "body")
        topics, body = opening_row.first() or ([], "")
    return ReaderFilter.for_user(user).warnings(topics, thread.title, body)


# Search pages through the newest this many matches: a later page would cost an OFFSET past them.
SEARCH_RESULT_LIMIT = 1_000
# On PostgreSQL, words in at least this many posts the reader may see are searched newest post first (_matching).
SEARCH_MANY_MATCHES = 1_000
SEARCH_MAX_WORDS = 16
SEARCH_QUERY_LENGTH = (2, 200)  # characters, in the search form and the API alike
_WORD = re.compile(r"\w+")


@dataclass
class SearchPage(NumberedPage):
    """A page of search results, newest first. Matches are not counted: the page's query reads one post more than
    the page shows, which tells whether another page follows."""

    posts: list[Post]
    number: int
    has_next: bool
    limit_reached: bool = False  # more posts match, older than the newest SEARCH_RESULT_LIMIT that pages reach

    def __iter__(self) -> Iterator[Post]:
        return iter(self.posts)

    def __len__(self) -> int:
        return len(self.posts)

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next


def search_words(query: str) -> list[str]:
    """The words of a query, as the search index splits text (letters and digits; punctuation separates)."""
    return _WORD.findall(query.lower())[:SEARCH_MAX_WORDS]


def _matching(qs: QuerySet[Post], words: list[str], *, many: bool = False) -> QuerySet[Post]:
    """Posts holding every word (English stemming: "sleeping" finds "sleep"), by the full-text data that
    migrations forums 0003 and 0004 keep: a GIN-indexed tsvector on PostgreSQL, FTS5 tables on SQLite.

    On PostgreSQL, `many` says the words are in more posts than a page of results can use: then the newest posts
    are read in order (post_recent_idx) and tested one by one, which finds a page after a few hundred rows, where
    the GIN index would fetch every match to sort them. Without it the GIN index finds the matches. The planner
    cannot be left to choose: for several words that often come together it multiplies their frequencies, and a
    word it has no statistics for (found nowhere, or rare) it guesses common, then reads the whole table newest
    first looking for it (seconds on 2,200,000 posts). So the caller decides (_match_count)."""
    if not words:
        return qs.none()
    vendor = connections[qs.db].vendor
    if vendor == "postgresql":
        tsquery = [" ".join(words)]
        boolean: BooleanField[bool, bool] = BooleanField()
        if many:  # ts_match_vq is what @@ calls; written as a function it is not an index condition
            return qs.filter(
                RawSQL(
                    "ts_match_vq(forums_post.search_vector, plainto_tsquery('hearth_search', %s))",
                    tsquery,
                    output_field=boolean,
                )
            )
        return qs.filter(
            RawSQL("forums_post.search_vector @@ plainto_tsquery('hearth_search', %s)", tsquery, output_field=boolean)
        )
    if vendor == "sqlite":
        # Each word quoted, so nothing in it is read as FTS5 syntax; a space between phrases means AND. Bodies and
        # titles have an index each (migration 0004): an opening post matches by either.
        phrases = " ".join(f'"{word}"' for word in words)
        bodies = RawSQL("SELECT rowid FROM forums_post_fts WHERE forums_post_fts MATCH %s", [phrases])
        titles = RawSQL("SELECT rowid FROM forums_thread_fts WHERE forums_thread_fts MATCH %s", [phrases])
        return qs.filter(Q(id__in=bodies) | Q(number=1, thread_id__in=titles))
    q = Q()
    for word in words:
        q &= Q(body__icontains=word) | Q(number=1, thread__title__icontains=word)
    return qs.filter(q)


def _match_count(visible: QuerySet[Post], words: list[str]) -> int | None:
    """How many posts the reader may see hold every word, up to SEARCH_MANY_MATCHES: asked on PostgreSQL only (see
    _matching), None elsewhere. The count needs no order, so the database stops at the limit."""
    if not words or connections[visible.db].vendor != "postgresql":
        return None
    return int(_matching(visible, words).order_by()[:SEARCH_MANY_MATCHES].count())


# Sorting by an expression rather than the column: post_recent_idx cannot give this order, so the planner takes the
# few matches from the GIN index and sorts them, and never walks every post newest first looking for them.
_NEWEST_OF_FEW = RawSQL("forums_post.created_at + interval '0 seconds'", [])


def search_posts(user: AnyUser, query: str, *, page: int) -> SearchPage:
    """Posts the reader may see that contain every word of the query (an opening post also matches by its thread's
    title), newest first; muted content stays collapsed. Pages reach the newest SEARCH_RESULT_LIMIT matches; a page
    past the last is empty. Queries: the reader's memberships and blocks; on PostgreSQL _match_count, which chooses
    how to read the page, or ends the search when there is no page to read; then the page (with authors, threads
    and communities), one post longer than it shows."""
    size = page_size()
    start = (page - 1) * size
    stop = min(start + size, SEARCH_RESULT_LIMIT)
    if start >= stop:
        return SearchPage(posts=[], number=page, has_next=False)
    threads = filter_visible_threads(Thread.objects.all(), user)
    visible = Post.objects.filter(thread__in=threads, deleted_at__isnull=True, status=ContentStatus.PUBLISHED).exclude(
        author_id__in=hidden_author_ids(user)
    )
    words = search_words(query)
    matches = _match_count(visible, words)
    if matches is not None and start >= matches:  # nothing found, or a page past the last
        return SearchPage(posts=[], number=page, has_next=False)
    many = matches is not None and matches >= SEARCH_MANY_MATCHES
    newest = _NEWEST_OF_FEW.desc() if matches is not None and not many else "-created_at"
    found = list(
        _matching(visible, words, many=many)
        .select_related("author", "thread", "thread__community")
        .order_by(newest, "-id")[start : stop + 1]
    )
    posts, more = found[: stop - start], len(found) > stop - start
    reader = ReaderFilter.for_user(user)
    for post in posts:
        community = post.thread.community
        post.author_label, post.shown_anonymous = _author_label(user, post, community)  # type: ignore[attr-defined]
        post.warnings = reader.warnings(post.topics, post.body, post.thread.title)  # type: ignore[attr-defined]
        post.topic_labels = topic_labels(post.topics)  # type: ignore[attr-defined]
    last = stop == SEARCH_RESULT_LIMIT
    return SearchPage(posts=posts, number=page, has_next=more and not last, limit_reached=more and last)
