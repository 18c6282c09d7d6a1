"""Forum reads as each reader sees them: warnings, author labels, unread markers, reactions, and query budgets."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from hearth.accounts.blocks import block_member
from hearth.accounts.models import User
from hearth.accounts.services import update_preferences
from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import make_member, make_thread, opening_post
from hearth.forums import selectors
from hearth.forums.models import ContentStatus, Post, ReactionKind, Thread
from hearth.forums.reading import ANONYMOUS_LABEL
from hearth.forums.selectors import (
    MAX_PAGE,
    clamp_page,
    community_threads,
    page_of_post,
    search_posts,
    thread_posts,
    thread_title_warnings,
)
from hearth.forums.services import add_reaction, add_reply, delete_post, edit_post, mark_read
from hearth.moderation.models import QueueItem
from hearth.moderation.services import approve_item, set_post_status

MUTED = "A word or phrase you muted"

# Held for a moderator under the default policy (high risk), written for this test.
HELD_REPLY = "I'm going to kill myself tonight. I've already written my goodbye letters."


def fresh(user: User) -> User:
    """The reader as a new request loads them: no cached memberships or reader filter."""
    return User.objects.get(id=user.id)


def with_preferences(user: User, *, hidden_topics: list[str], muted_words: list[str] | None = None) -> User:
    update_preferences(
        user,
        hidden_topics=hidden_topics,
        muted_words=muted_words or [],
        theme=user.theme,
        text_size=user.text_size,
        reduce_motion=user.reduce_motion,
    )
    return fresh(user)


def load_thread(thread: Thread) -> Thread:
    """As a view gets it from access_thread: with its community."""
    return Thread.objects.select_related("community", "author").get(id=thread.id)


def threads_by_title(user, community) -> dict[str, Thread]:
    return {t.title: t for t in community_threads(user, community, page=1)}


def posts_by_number(user, thread: Thread, *, page: int = 1) -> dict[int, Post]:
    return {p.number: p for p in thread_posts(user, load_thread(thread), page=page).posts}


# --- community_threads -------------------------------------------------------------------------------


class TestCommunityThreadsWarnings:
    def test_community_threads_warns_about_hidden_topics(self, community, member, other_member):
        make_thread(community, author=member, title="A hard week", topics=["self_harm", "suicide"])
        reader = with_preferences(other_member, hidden_topics=["self_harm"])

        thread = threads_by_title(reader, community)["A hard week"]

        assert thread.warnings == ["Self-harm"]
        assert thread.topic_labels == ["Self-harm", "Suicide"]

    def test_community_threads_shows_topics_openly_that_the_reader_chose_to_see(self, community, member, other_member):
        make_thread(community, author=member, title="A hard week", topics=["suicide"])
        reader = with_preferences(other_member, hidden_topics=["self_harm"])

        assert threads_by_title(reader, community)["A hard week"].warnings == []

    def test_community_threads_warns_a_new_member_about_every_topic(self, community, member, other_member):
        # New members start with every sensitive topic hidden.
        make_thread(community, author=member, title="A hard week", topics=["eating_disorders"])

        assert threads_by_title(fresh(other_member), community)["A hard week"].warnings == ["Eating disorders"]

    def test_community_threads_warns_about_muted_phrases_in_the_opening_post(self, community, member, other_member):
        make_thread(community, author=member, title="Last night", body="I had a PANIC\n  attack on the bus.")
        reader = with_preferences(other_member, hidden_topics=[], muted_words=["panic attack"])

        assert threads_by_title(reader, community)["Last night"].warnings == [MUTED]

    def test_community_threads_warns_about_muted_words_in_the_title(self, community, member, other_member):
        make_thread(community, author=member, title="Seeing my Ex today", body="Nervous.")
        reader = with_preferences(other_member, hidden_topics=[], muted_words=["ex"])

        assert threads_by_title(reader, community)["Seeing my Ex today"].warnings == [MUTED]

    def test_community_threads_matches_muted_words_only_as_whole_words(self, community, member, other_member):
        make_thread(community, author=member, title="Next steps", body="Exercise and the annex helped.")
        reader = with_preferences(other_member, hidden_topics=[], muted_words=["ex"])

        assert threads_by_title(reader, community)["Next steps"].warnings == []

    def test_community_threads_lists_topic_warnings_before_muted_words(self, community, member, other_member):
        make_thread(community, author=member, title="Relapse", body="Drinking again.", topics=["substance_use"])
        reader = with_preferences(other_member, hidden_topics=["substance_use"], muted_words=["drinking"])

        assert threads_by_title(reader, community)["Relapse"].warnings == ["Substance use", MUTED]


class TestCommunityThreadsAuthors:
    @pytest.fixture
    def anonymous_thread(self, community, member):
        return make_thread(community, author=member, title="Can't tell anyone", anonymous=True)

    def test_community_threads_hides_an_anonymous_author_from_other_members(
        self, community, anonymous_thread, other_member
    ):
        thread = threads_by_title(fresh(other_member), community)["Can't tell anyone"]

        assert (thread.author_label, thread.shown_anonymous) == (ANONYMOUS_LABEL, True)

    def test_community_threads_hides_an_anonymous_author_from_a_moderator_of_another_community(
        self, community, anonymous_thread, private_community
    ):
        other_moderator = make_member(private_community, role=MembershipRole.MODERATOR)

        thread = threads_by_title(fresh(other_moderator), community)["Can't tell anyone"]

        assert thread.author_label == ANONYMOUS_LABEL

    def test_community_threads_hides_an_anonymous_author_from_a_moderator_until_they_ask(
        self, community, anonymous_thread, member, moderator
    ):
        thread = threads_by_title(fresh(moderator), community)["Can't tell anyone"]

        assert (thread.author_label, thread.shown_anonymous) == (ANONYMOUS_LABEL, True)

    def test_community_threads_names_an_anonymous_author_to_themselves(self, community, anonymous_thread, member):
        thread = threads_by_title(fresh(member), community)["Can't tell anyone"]

        assert thread.author_label == f"{member.username} (posted anonymously)"

    def test_community_threads_names_the_author_of_a_signed_thread(self, community, member, other_member):
        make_thread(community, author=member, title="Signed")

        thread = threads_by_title(fresh(other_member), community)["Signed"]

        assert (thread.author_label, thread.shown_anonymous) == (member.username, False)


class TestCommunityThreadsUnread:
    def test_community_threads_marks_a_thread_never_read(self, community, member, other_member):
        make_thread(community, author=member, title="New", replies=2)

        thread = threads_by_title(fresh(other_member), community)["New"]

        assert (thread.never_read, thread.unread_count) == (True, 3)

    def test_community_threads_counts_unread_posts_in_a_partly_read_thread(self, community, member, other_member):
        made = make_thread(community, author=member, title="Busy", replies=3)
        mark_read(other_member, made, up_to=2)

        thread = threads_by_title(fresh(other_member), community)["Busy"]

        assert (thread.never_read, thread.unread_count) == (False, 2)

    def test_community_threads_shows_nothing_unread_in_a_fully_read_thread(self, community, member):
        make_thread(community, author=member, title="Mine")

        thread = threads_by_title(fresh(member), community)["Mine"]

        assert (thread.never_read, thread.unread_count) == (False, 0)

    def test_community_threads_counts_new_replies_since_the_author_last_read(self, community, member, other_member):
        made = make_thread(community, author=member, title="Mine")
        add_reply(other_member, made, body="Hugs")

        assert threads_by_title(fresh(member), community)["Mine"].unread_count == 1

    def test_a_held_reply_is_nothing_new_to_others_until_a_moderator_publishes_it(
        self, community, member, other_member, moderator
    ):
        made = make_thread(community, author=member, title="Quiet")
        mark_read(other_member, made, up_to=1)
        held = add_reply(member, made, body=HELD_REPLY)
        assert held.status == ContentStatus.HELD

        listed = threads_by_title(fresh(other_member), community)["Quiet"]
        page = thread_posts(fresh(other_member), load_thread(made), page=1)
        assert listed.unread_count == 0, "a held post must not show the thread as having something new"
        assert page.first_unread is None
        assert threads_by_title(fresh(member), community)["Quiet"].unread_count == 0, "the author read their own"

        item = QueueItem.objects.get(object_id=held.id)
        approve_item(moderator, item, reason="Reached out; the member is safe and wants it seen.")

        assert threads_by_title(fresh(other_member), community)["Quiet"].unread_count == 1
        assert thread_posts(fresh(other_member), load_thread(made), page=1).first_unread == 2

    def test_replies_after_a_held_one_are_new_and_the_held_one_is_not_counted(self, community, member, other_member):
        """Counting post numbers would say "2 new" where one shows, telling readers that something was held."""
        made = make_thread(community, author=member, title="Later")
        mark_read(other_member, made, up_to=1)
        add_reply(member, made, body=HELD_REPLY)
        add_reply(member, made, body="Sorry, rough night. Feeling steadier this morning.")

        assert threads_by_title(fresh(other_member), community)["Later"].unread_count == 1
        assert thread_posts(fresh(other_member), load_thread(made), page=1).first_unread == 3

    def test_a_reply_hidden_after_it_was_published_is_no_longer_new(self, community, member, other_member):
        made = make_thread(community, author=member, title="Hidden later")
        mark_read(other_member, made, up_to=1)
        reply = add_reply(member, made, body="Here is a reply that a moderator will hide.")
        assert threads_by_title(fresh(other_member), community)["Hidden later"].unread_count == 1

        set_post_status(reply, ContentStatus.HIDDEN)

        assert threads_by_title(fresh(other_member), community)["Hidden later"].unread_count == 0
        assert thread_posts(fresh(other_member), load_thread(made), page=1).first_unread is None

    def test_deleted_replies_and_replies_by_someone_the_reader_blocked_are_not_new(
        self, community, member, other_member
    ):
        made = make_thread(community, author=member, title="Mixed")
        mark_read(other_member, made, up_to=1)
        removed = add_reply(member, made, body="A reply its author deletes.")
        delete_post(member, removed)
        stranger = make_member(community)
        add_reply(stranger, made, body="A reply by someone the reader blocks.")
        add_reply(member, made, body="A reply the reader should see as new.")
        block_member(fresh(other_member), stranger)

        assert threads_by_title(fresh(other_member), community)["Mixed"].unread_count == 1
        assert thread_posts(fresh(other_member), load_thread(made), page=1).first_unread == 4

    def test_a_never_read_thread_does_not_count_replies_by_someone_the_reader_blocked(
        self, community, member, other_member
    ):
        made = make_thread(community, author=member, title="Unopened")
        stranger = make_member(community)
        add_reply(stranger, made, body="A reply by someone the reader blocks.")
        add_reply(member, made, body="A reply the reader should see as new.")
        assert threads_by_title(fresh(other_member), community)["Unopened"].unread_count == 3
        block_member(fresh(other_member), stranger)

        listed = threads_by_title(fresh(other_member), community)["Unopened"]
        assert (listed.unread_count, listed.never_read) == (2, True)

    def test_the_first_unread_post_on_a_later_page_is_found(self, community, member, other_member, settings):
        settings.HEARTH_PAGE_SIZE = 2
        made = make_thread(community, author=member, title="Long")
        for n in range(4):
            add_reply(member, made, body=f"Reply number {n + 2} in a long thread.")
        mark_read(other_member, made, up_to=3)

        assert thread_posts(fresh(other_member), load_thread(made), page=1).first_unread == 4
        assert threads_by_title(fresh(other_member), community)["Long"].unread_count == 2


class TestCommunityThreadsListing:
    def test_community_threads_orders_by_latest_activity(self, community, member, other_member):
        older = make_thread(community, author=member, title="Older")
        make_thread(community, author=member, title="Newer")
        add_reply(other_member, older, body="Bumping with support")

        titles = [t.title for t in community_threads(fresh(other_member), community, page=1)]

        assert titles == ["Older", "Newer"]

    def test_community_threads_hides_deleted_threads_from_members(self, community, member, other_member):
        gone = make_thread(community, author=member, title="Gone")
        make_thread(community, author=member, title="Here")
        delete_post(member, opening_post(gone))

        assert list(threads_by_title(fresh(other_member), community)) == ["Here"]

    def test_community_threads_shows_deleted_threads_to_moderators(self, community, member, moderator):
        gone = make_thread(community, author=member, title="Gone")
        delete_post(member, opening_post(gone))

        assert threads_by_title(fresh(moderator), community)["Gone"].deleted_at is not None

    def test_community_threads_leaves_other_communities_out(self, community, private_community, member):
        make_thread(private_community, author=make_member(private_community), title="Elsewhere")
        make_thread(community, author=member, title="Here")

        assert list(threads_by_title(fresh(member), community)) == ["Here"]


class TestCommunityThreadsQueries:
    def assert_budget(self, django_assert_num_queries, reader: User, community, *, expected_rows: int) -> None:
        reader = fresh(reader)
        # * the members the reader blocked or muted
        # * the reader's memberships (is this a moderator?)
        # * count of threads (paginator)
        # * the page of threads, with their authors (the community is the one given)
        # * their opening posts (warnings)
        # * the reader's read states for those threads (unread markers)
        with django_assert_num_queries(6):
            page = community_threads(reader, community, page=1)
            rows = [(t.author_label, t.warnings, t.unread_count) for t in page]
        assert len(rows) == expected_rows

    def test_community_threads_uses_six_queries_for_2_or_30_threads(
        self, community, member, other_member, django_assert_num_queries
    ):
        make_thread(community, title="Signed", topics=["abuse"])
        make_thread(community, title="Anonymous", anonymous=True)
        mark_read(other_member, Thread.objects.first(), up_to=1)

        self.assert_budget(django_assert_num_queries, other_member, community, expected_rows=2)

        for i in range(28):
            make_thread(community, title=f"Thread {i}", anonymous=i % 2 == 0, topics=["graphic"] if i % 3 else [])

        self.assert_budget(django_assert_num_queries, other_member, community, expected_rows=20)

    def test_new_replies_in_partly_read_threads_are_counted_in_one_more_query_for_1_or_20_threads(
        self, community, member, other_member, django_assert_num_queries
    ):
        def partly_read(count: int) -> None:
            for i in range(count):
                made = make_thread(community, title=f"Read part {i}")
                mark_read(other_member, made, up_to=1)
                add_reply(make_member(community), made, body="A reply after the reader's last visit.")

        def listed() -> list[int]:
            reader = fresh(other_member)
            with django_assert_num_queries(7):  # the six above, and the published posts after each read state
                return [t.unread_count for t in community_threads(reader, community, page=1)]

        partly_read(1)
        assert listed() == [1]
        partly_read(25)
        assert listed() == [1] * 20

    def test_community_threads_for_a_visitor_needs_no_reader_queries(
        self, community, member, django_assert_num_queries
    ):
        make_thread(community, author=member, anonymous=True, replies=1)

        # * count of threads
        # * the page of threads, with their authors (the community is the one given)
        # * their opening posts
        with django_assert_num_queries(3):
            (thread,) = community_threads(AnonymousUser(), community, page=1)

        assert (thread.author_label, thread.unread_count, thread.never_read) == (ANONYMOUS_LABEL, 0, False)


# --- thread_posts --------------------------------------------------------------------------------------


class TestThreadPosts:
    def test_thread_posts_counts_reactions_and_marks_the_readers_own(self, community, member, other_member):
        thread = make_thread(community, author=member, replies=1)
        first, second = Post.objects.filter(thread=thread).order_by("number")
        add_reaction(other_member, first, kind=ReactionKind.HUG)
        add_reaction(make_member(community), first, kind=ReactionKind.HUG)
        add_reaction(member, second, kind=ReactionKind.HELPFUL)

        posts = posts_by_number(fresh(other_member), thread)

        reactions = {r["kind"]: (r["count"], r["mine"]) for r in posts[1].reaction_summary}
        assert reactions == {
            "hug": (2, True),
            "me_too": (0, False),
            "thinking_of_you": (0, False),
            "helpful": (0, False),
        }
        assert {r["kind"]: (r["count"], r["mine"]) for r in posts[2].reaction_summary}["helpful"] == (1, False)
        assert [r["label"] for r in posts[1].reaction_summary] == ["Hug", "Me too", "Thinking of you", "Helpful"]

    def test_thread_posts_marks_unread_posts_and_the_first_unread(self, community, member, other_member):
        thread = make_thread(community, author=member, replies=3)
        mark_read(other_member, thread, up_to=2)

        page = thread_posts(fresh(other_member), load_thread(thread), page=1)

        assert [(p.number, p.is_unread) for p in page.posts] == [(1, False), (2, False), (3, True), (4, True)]
        assert page.first_unread == 3

    def test_thread_posts_marks_everything_unread_if_never_read(self, community, member, other_member):
        thread = make_thread(community, author=member, replies=1)

        page = thread_posts(fresh(other_member), load_thread(thread), page=1)

        assert all(p.is_unread for p in page.posts)
        assert page.first_unread == 1

    def test_thread_posts_has_no_first_unread_when_all_read(self, community, member):
        thread = make_thread(community, author=member)

        assert thread_posts(fresh(member), load_thread(thread), page=1).first_unread is None

    def test_thread_posts_hides_deleted_posts_from_members(self, community, member, other_member):
        thread = make_thread(community, author=member)
        reply = add_reply(other_member, thread, body="Regret posting this")
        delete_post(other_member, reply)

        post = posts_by_number(fresh(member), thread)[2]

        assert post.hidden_deleted is True
        assert (post.can_edit, post.can_delete, post.can_react) == (False, False, False)

    def test_thread_posts_shows_deleted_posts_to_moderators(self, community, member, other_member, moderator):
        thread = make_thread(community, author=member)
        reply = add_reply(other_member, thread, body="Regret posting this")
        delete_post(other_member, reply)

        assert posts_by_number(fresh(moderator), thread)[2].hidden_deleted is False

    def test_thread_posts_names_an_anonymous_reply_only_to_those_allowed(
        self, community, member, other_member, moderator
    ):
        thread = make_thread(community, author=member)
        add_reply(other_member, thread, body="I went through this too", anonymous=True)

        assert posts_by_number(fresh(member), thread)[2].author_label == ANONYMOUS_LABEL
        assert posts_by_number(fresh(moderator), thread)[2].author_label == ANONYMOUS_LABEL
        assert posts_by_number(fresh(moderator), thread)[2].can_reveal_author is True
        assert posts_by_number(fresh(member), thread)[2].can_reveal_author is False
        assert posts_by_number(fresh(other_member), thread)[2].author_label == (
            f"{other_member.username} (posted anonymously)"
        )
        assert posts_by_number(fresh(other_member), thread)[2].shown_anonymous is True

    def test_thread_posts_sets_what_the_reader_may_do(self, community, member, other_member, moderator):
        thread = make_thread(community, author=member)

        own = posts_by_number(fresh(member), thread)[1]
        others = posts_by_number(fresh(other_member), thread)[1]
        moderated = posts_by_number(fresh(moderator), thread)[1]

        assert (own.can_edit, own.can_delete, own.can_react) == (True, True, True)
        assert (others.can_edit, others.can_delete, others.can_react) == (False, False, True)
        assert (moderated.can_edit, moderated.can_delete) == (False, True)

    def test_thread_posts_does_not_let_an_outsider_react(self, community, member, outsider):
        thread = make_thread(community, author=member)

        assert posts_by_number(fresh(outsider), thread)[1].can_react is False

    def test_thread_posts_warns_about_hidden_topics_and_muted_words(self, community, member, other_member):
        thread = make_thread(community, author=member, title="Bad day at school", topics=["abuse"])
        add_reply(make_member(community), thread, body="School was hard for me too.")
        add_reply(make_member(community), thread, body="Sending hugs.")
        reader = with_preferences(other_member, hidden_topics=["abuse"], muted_words=["school"])

        posts = posts_by_number(reader, thread)

        # The opening post carries the thread title, so the muted word in it applies there.
        assert posts[1].warnings == ["Abuse", MUTED]
        assert posts[2].warnings == [MUTED]
        assert posts[3].warnings == []

    def test_thread_posts_pages_by_post_number(self, settings, community, member):
        settings.HEARTH_PAGE_SIZE = 2
        thread = make_thread(community, author=member, replies=4)

        page = thread_posts(fresh(member), load_thread(thread), page=2)

        assert [p.number for p in page.posts] == [3, 4]
        assert (page.number, page.num_pages, page.has_previous, page.has_next) == (2, 3, True, True)
        assert page_of_post(5) == 3

    def test_thread_posts_shows_the_last_page_if_asked_beyond_it(self, settings, community, member):
        settings.HEARTH_PAGE_SIZE = 2
        thread = make_thread(community, author=member, replies=2)

        page = thread_posts(fresh(member), load_thread(thread), page=99)

        assert ([p.number for p in page.posts], page.number, page.has_next) == ([3], 2, False)


class TestThreadTitleWarnings:
    def test_thread_title_warnings_uses_the_opening_post_on_the_first_page(
        self, community, member, other_member, django_assert_num_queries
    ):
        thread = make_thread(community, author=member, title="Hard news", topics=["suicide"], replies=1)
        reader = with_preferences(other_member, hidden_topics=["suicide"], muted_words=["news"])
        loaded = load_thread(thread)
        page = thread_posts(reader, loaded, page=1)

        with django_assert_num_queries(0):
            assert thread_title_warnings(reader, loaded, page) == ["Suicide", MUTED]

    def test_thread_title_warnings_fetches_the_opening_post_on_later_pages(
        self, settings, community, member, other_member, django_assert_num_queries
    ):
        settings.HEARTH_PAGE_SIZE = 2
        thread = make_thread(community, author=member, title="Hard news", topics=["suicide"], replies=3)
        reader = with_preferences(other_member, hidden_topics=["suicide"])
        loaded = load_thread(thread)
        page = thread_posts(reader, loaded, page=2)

        # * the opening post's topics and body
        with django_assert_num_queries(1):
            assert thread_title_warnings(reader, loaded, page) == ["Suicide"]

    def test_thread_title_warnings_is_empty_for_a_reader_who_shows_everything(self, community, member, other_member):
        thread = make_thread(community, author=member, title="Hard news", topics=["suicide"])
        reader = with_preferences(other_member, hidden_topics=[])
        loaded = load_thread(thread)

        assert thread_title_warnings(reader, loaded, thread_posts(reader, loaded, page=1)) == []


class TestThreadPostsQueries:
    def assert_budget(
        self, django_assert_num_queries, reader: User, thread: Thread, *, expected_posts: int, queries: int = 5
    ) -> None:
        reader, thread = fresh(reader), load_thread(thread)
        # * the members the reader blocked or muted
        # * the reader's memberships (moderator? may react?)
        # * the page of posts, with authors
        # * reaction counts for those posts, with the reader's own among them
        # * the reader's read state for the thread
        with django_assert_num_queries(queries):
            page = thread_posts(reader, thread, page=1)
            rows = [(p.author_label, p.reaction_summary, p.can_delete, p.warnings) for p in page.posts]
        assert len(rows) == expected_posts

    def test_thread_posts_uses_five_queries_for_3_or_25_posts(
        self, community, member, other_member, django_assert_num_queries
    ):
        thread = make_thread(community, author=member, replies=1)
        add_reply(other_member, thread, body="Anonymous support", anonymous=True, topics=["graphic"])
        for post in Post.objects.filter(thread=thread):
            add_reaction(other_member, post, kind=ReactionKind.HUG)
        mark_read(other_member, thread, up_to=2)

        self.assert_budget(django_assert_num_queries, other_member, thread, expected_posts=3)

        for i in range(22):
            reply = add_reply(make_member(community), thread, body=f"Reply {i}", anonymous=i % 2 == 0)
            add_reaction(member, reply, kind=ReactionKind.ME_TOO)

        self.assert_budget(django_assert_num_queries, other_member, thread, expected_posts=20)

    def test_thread_posts_for_a_moderator_uses_the_same_budget(
        self, community, member, moderator, django_assert_num_queries
    ):
        thread = make_thread(community, author=member, replies=24, anonymous=True)

        # One more: whether the moderator has 2FA, which their powers need (hearth.accounts.mfa).
        self.assert_budget(django_assert_num_queries, moderator, thread, expected_posts=20, queries=6)


# --- search_posts ----------------------------------------------------------------------------------------


class TestSearchPosts:
    @pytest.fixture
    def private_member(self, private_community):
        return make_member(private_community)

    @pytest.fixture
    def threads(self, community, private_community, member, private_member):
        make_thread(community, author=member, title="Open: cannot sleep", body="Insomnia again.")
        make_thread(private_community, author=private_member, title="Private: cannot sleep", body="Nightmares.")

    def found(self, user, query: str = "sleep") -> set[str]:
        return {p.thread.title for p in search_posts(user, query, page=1)}

    def test_search_posts_finds_posts_in_communities_the_reader_can_read(self, threads, outsider):
        assert self.found(fresh(outsider)) == {"Open: cannot sleep"}

    def test_search_posts_includes_private_communities_for_their_members(self, threads, private_member):
        assert self.found(fresh(private_member)) == {"Open: cannot sleep", "Private: cannot sleep"}

    def test_search_posts_never_returns_a_private_post_to_a_moderator_of_another_community(self, threads, moderator):
        assert self.found(fresh(moderator), "nightmares") == set()

    def test_search_posts_finds_nothing_for_a_visitor(self, threads):
        assert self.found(AnonymousUser()) == set()

    def test_search_posts_matches_bodies_ignoring_case(self, threads, outsider):
        assert self.found(fresh(outsider), "INSOMNIA") == {"Open: cannot sleep"}

    def test_search_posts_matches_a_title_only_through_the_opening_post(self, community, member, outsider):
        thread = make_thread(community, author=member, title="Cannot sleep", body="Any ideas?")
        add_reply(make_member(community), thread, body="Try a walk.")

        numbers = [p.number for p in search_posts(fresh(outsider), "sleep", page=1)]

        assert numbers == [1]

    def test_search_posts_leaves_out_deleted_posts(self, community, member, other_member, outsider):
        thread = make_thread(community, author=member, title="Hello", body="Hi")
        reply = add_reply(other_member, thread, body="My phone number is secret")
        delete_post(other_member, reply)

        assert list(search_posts(fresh(outsider), "phone", page=1)) == []

    def test_search_posts_leaves_out_deleted_threads_for_members(self, community, member, other_member, moderator):
        thread = make_thread(community, author=member, title="Gone thread", replies=1)
        delete_post(member, opening_post(thread))

        assert list(search_posts(fresh(other_member), "Reply number", page=1)) == []
        # Moderators still find the surviving replies of a deleted thread.
        assert len(search_posts(fresh(moderator), "Reply number", page=1)) == 1

    def test_search_posts_keeps_muted_and_hidden_results_warned(self, community, member, other_member):
        make_thread(community, author=member, title="Relapse", body="Started drinking again", topics=["substance_use"])
        reader = with_preferences(other_member, hidden_topics=["substance_use"], muted_words=["drinking"])

        (post,) = search_posts(reader, "again", page=1)

        assert post.warnings == ["Substance use", MUTED]
        assert post.topic_labels == ["Substance use"]

    def test_search_posts_hides_an_anonymous_author(self, community, member, other_member):
        make_thread(community, author=member, title="Secret", body="Nobody knows", anonymous=True)

        (post,) = search_posts(fresh(other_member), "nobody", page=1)

        assert post.author_label == ANONYMOUS_LABEL

    def test_search_posts_finds_other_forms_of_a_word(self, community, member, outsider):
        make_thread(community, author=member, title="Evenings", body="Walking after dinner helped me.")

        assert self.found(fresh(outsider), "walk") == {"Evenings"}

    def test_search_posts_matches_whole_words_not_parts_of_words(self, community, member, outsider):
        # Search is by word since it uses a full-text index: "cat" no longer finds "catalogue".
        make_thread(community, author=member, title="Library", body="The catalogue was calming to browse.")

        assert self.found(fresh(outsider), "cat") == set()
        assert self.found(fresh(outsider), "catalogue") == {"Library"}

    def test_search_posts_needs_every_word(self, community, member, outsider):
        make_thread(community, author=member, title="Tea", body="A cup of tea in the garden.")
        make_thread(community, author=member, title="Rain", body="Rain on the garden shed.")

        assert self.found(fresh(outsider), "garden tea") == {"Tea"}
        assert self.found(fresh(outsider), "garden") == {"Tea", "Rain"}

    def test_search_posts_reads_punctuation_as_a_separator_not_as_syntax(self, community, member, outsider):
        make_thread(community, author=member, title="Tea", body="A cup of tea in the garden.")

        assert self.found(fresh(outsider), '"garden" AND (tea*') == set()  # "and" is a word too
        assert self.found(fresh(outsider), '"garden" (tea*') == {"Tea"}
        assert self.found(fresh(outsider), "?!") == set()

    def test_search_posts_follows_edits_of_bodies_and_titles(self, community, member, outsider):
        thread = make_thread(community, author=member, title="Mornings", body="Porridge every day.")
        post = opening_post(thread)

        edit_post(member, post, body="Toast every day.", title="Breakfasts")

        assert self.found(fresh(outsider), "porridge") == set()
        assert self.found(fresh(outsider), "toast") == {"Breakfasts"}
        assert self.found(fresh(outsider), "breakfasts") == {"Breakfasts"}
        assert self.found(fresh(outsider), "mornings") == set()

    def test_search_posts_pages_newest_first(self, community, member, outsider, monkeypatch):
        monkeypatch.setattr(selectors, "page_size", lambda: 2)
        threads = [make_thread(community, author=member, title=f"Garden {i}", body="The garden.") for i in range(5)]

        pages = [search_posts(fresh(outsider), "garden", page=n) for n in (1, 2, 3)]

        assert [p.thread_id for page in pages for p in page] == [t.id for t in reversed(threads)]
        assert [(page.has_previous, page.has_next) for page in pages] == [(False, True), (True, True), (True, False)]

    def test_search_posts_offers_a_next_page_only_when_a_further_result_exists(
        self, community, member, outsider, monkeypatch
    ):
        monkeypatch.setattr(selectors, "page_size", lambda: 2)
        for i in range(2):
            make_thread(community, author=member, title=f"Garden {i}", body="The garden.")
        assert not search_posts(fresh(outsider), "garden", page=1).has_next

        make_thread(community, author=member, title="Garden 2", body="The garden.")
        first = search_posts(fresh(outsider), "garden", page=1)
        second = search_posts(fresh(outsider), "garden", page=2)
        assert (len(first), first.has_next) == (2, True)
        assert (len(second), second.has_next) == (1, False)

    def test_search_posts_gives_an_empty_page_past_the_last(self, community, member, outsider, monkeypatch):
        monkeypatch.setattr(selectors, "page_size", lambda: 2)
        make_thread(community, author=member, title="Garden", body="The garden.")

        past = search_posts(fresh(outsider), "garden", page=4)

        assert (past.posts, past.number, past.has_previous, past.has_next) == ([], 4, True, False)

    def test_search_posts_pages_reach_only_the_newest_matches_up_to_the_limit(
        self, community, member, outsider, monkeypatch
    ):
        monkeypatch.setattr(selectors, "SEARCH_RESULT_LIMIT", 3)
        monkeypatch.setattr(selectors, "page_size", lambda: 2)
        threads = [make_thread(community, author=member, title=f"Garden {i}", body="The garden.") for i in range(5)]

        first = search_posts(fresh(outsider), "garden", page=1)
        last = search_posts(fresh(outsider), "garden", page=2)

        assert [p.thread_id for p in [*first, *last]] == [t.id for t in reversed(threads)][:3]
        assert first.has_next and not first.limit_reached
        assert (last.has_next, last.limit_reached) == (False, True)
        assert search_posts(fresh(outsider), "garden", page=3).posts == []

    def test_search_posts_does_not_say_the_limit_is_reached_when_the_matches_end_there(
        self, community, member, outsider, monkeypatch
    ):
        monkeypatch.setattr(selectors, "SEARCH_RESULT_LIMIT", 3)
        monkeypatch.setattr(selectors, "page_size", lambda: 2)
        for i in range(3):
            make_thread(community, author=member, title=f"Garden {i}", body="The garden.")

        last = search_posts(fresh(outsider), "garden", page=2)

        assert (len(last), last.has_next, last.limit_reached) == (1, False, False)

    def test_search_posts_reads_a_page_only_when_something_matches(
        self, community, member, outsider, django_assert_num_queries
    ):
        make_thread(community, author=member, title="Garden", body="The garden.")
        reader = fresh(outsider)
        postgres = connection.vendor == "postgresql"
        # * the reader's memberships, * the members they blocked or muted, * on PostgreSQL how many match, up to a
        # limit (it chooses how the page is read), * the page
        with django_assert_num_queries(4 if postgres else 3):
            assert len(search_posts(reader, "garden", page=1)) == 1
        # Found nowhere: on PostgreSQL the count says so and no page is read (the same three queries on SQLite).
        reader = fresh(outsider)
        with django_assert_num_queries(3):
            assert len(search_posts(reader, "zyzzogeton", page=1)) == 0


# --- paging helpers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("3", 3), (7, 7), ("0", 1), ("-4", 1), ("abc", 1), (None, 1), ("99999999", MAX_PAGE)]
)
def test_clamp_page_keeps_page_numbers_in_range(value, expected):
    assert clamp_page(value) == expected
