"""Counters stay exact (community pages are paged by them), and a community page's count is what its reader sees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from hearth.accounts.blocks import block_member
from hearth.accounts.models import BlockKind, User
from hearth.communities.models import Community
from hearth.core.testing.factories import make_thread, opening_post
from hearth.forums.models import ContentStatus, Post, Thread
from hearth.forums.selectors import community_threads
from hearth.forums.services import add_reply, delete_post
from hearth.moderation.services import set_post_status

pytestmark = pytest.mark.django_db

VISIBLE = Q(status=ContentStatus.PUBLISHED, deleted_at__isnull=True)


def counted(community: Community) -> tuple[int, int, dict[int, int]]:
    """(thread_count, post_count, reply_count by thread) as stored."""
    community.refresh_from_db()
    replies = dict(Thread.objects.filter(community=community).values_list("id", "reply_count"))
    return community.thread_count, community.post_count, replies


def recounted(community: Community) -> tuple[int, int, dict[int, int]]:
    """The same, counted from the rows: what members can see."""
    threads = Thread.objects.filter(VISIBLE, community=community).count()
    posts = Post.objects.filter(VISIBLE, thread__community=community, thread__deleted_at__isnull=True).count()
    replies = {
        t.id: Post.objects.filter(VISIBLE, thread=t, number__gt=1).count()
        for t in Thread.objects.filter(community=community)
    }
    return threads, posts, replies


def hold(post: Post) -> None:
    set_post_status(post, ContentStatus.HELD)


class TestCountersStayExact:
    def test_deleting_a_held_thread_leaves_the_thread_count(self, community, member):
        make_thread(community, replies=2)
        thread = make_thread(community, author=member, replies=1)
        hold(opening_post(thread))
        assert counted(community) == recounted(community)

        delete_post(member, opening_post(thread))

        assert counted(community) == recounted(community)
        assert counted(community)[0] == 1

    def test_deleting_a_held_reply_leaves_the_reply_and_post_counts(self, community, member):
        thread = make_thread(community, replies=1)
        reply = add_reply(member, thread, body="Held for a moderator")
        hold(reply)
        assert counted(community) == recounted(community)

        delete_post(member, reply)

        assert counted(community) == recounted(community)

    def test_deleting_a_thread_takes_off_only_its_published_posts(self, community, member):
        thread = make_thread(community, author=member, replies=3)
        hold(Post.objects.get(thread=thread, number=2))
        hidden = Post.objects.get(thread=thread, number=3)
        set_post_status(hidden, ContentStatus.HIDDEN)
        make_thread(community, replies=1)

        delete_post(member, opening_post(thread))

        assert counted(community) == recounted(community)

    def test_published_posts_still_count_down(self, community, member):
        thread = make_thread(community, author=member)
        reply = add_reply(member, thread, body="A reply I take back")

        delete_post(member, reply)
        assert counted(community) == recounted(community)
        delete_post(member, opening_post(thread))
        assert counted(community) == recounted(community)
        assert counted(community)[:2] == (0, 0)


def fresh(user: User) -> User:
    return User.objects.get(id=user.id)


def listed(reader, community: Community, *, page: int = 1):
    return community_threads(reader, Community.objects.get(id=community.id), page=page)


class TestTheCommunityPageCount:
    @pytest.fixture
    def threads(self, community, member, other_member):
        for i in range(5):
            make_thread(community, title=f"Open {i}")
        make_thread(community, author=other_member, title="By the other member")
        held = make_thread(community, author=member, title="Mine, held")
        hold(opening_post(held))
        someone = make_thread(community, title="Someone else's, held")
        hold(opening_post(someone))
        gone = make_thread(community, author=member, title="Mine, deleted")
        delete_post(member, opening_post(gone))

    @pytest.mark.usefixtures("threads")
    def test_it_is_what_each_reader_sees(self, settings, community, member, other_member, moderator):
        settings.HEARTH_PAGE_SIZE = 2
        block_member(fresh(other_member), fresh(member), kind=BlockKind.MUTE)
        readers = {"visitor": AnonymousUser(), "member": member, "muter": other_member, "moderator": moderator}
        for name, user in readers.items():
            reader = user if name == "visitor" else fresh(user)
            first = listed(reader, community)
            titles = [
                t.title for n in range(1, first.paginator.num_pages + 1) for t in listed(reader, community, page=n)
            ]

            assert first.paginator.count == len(titles), name
            assert len(set(titles)) == len(titles), name
        assert listed(fresh(member), community).paginator.count == 7  # six published and their own held one
        assert listed(fresh(other_member), community).paginator.count == 6  # the muted member's none
        assert listed(AnonymousUser(), community).paginator.count == 6
        assert listed(fresh(moderator), community).paginator.count == 9  # held and deleted ones too

    def test_it_needs_one_query_however_large_the_community(
        self, community, member, other_member, django_assert_num_queries
    ):
        for i in range(30):
            make_thread(community, title=f"Thread {i}")
        block_member(fresh(member), fresh(other_member), kind=BlockKind.BLOCK)
        reader, loaded = fresh(member), Community.objects.get(id=community.id)
        listed(reader, loaded)  # the reader's blocks and memberships, cached for the request

        # * the count (the counter, the reader's own held threads, the blocked members' threads)
        # * the page of threads * their opening posts * the reader's read states
        # * the unread counts of threads never read (the thread's counters include the blocked member's replies)
        with django_assert_num_queries(5):
            assert community_threads(reader, loaded, page=1).paginator.count == 30
