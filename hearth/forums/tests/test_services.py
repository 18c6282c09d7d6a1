"""Forum services: threads, replies, edits, deletions, reactions and read state. Counters must stay exact."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import User
from hearth.core.errors import ApplicationError, ConflictError, RateLimited
from hearth.core.testing.factories import CommunityFactory, make_member, make_thread, opening_post
from hearth.forums.models import Post, PostRevision, Reaction, ReactionKind, ReadState, Thread
from hearth.forums.selectors import community_threads
from hearth.forums.services import (
    MAX_BODY,
    MAX_TITLE,
    add_reaction,
    add_reply,
    create_thread,
    delete_post,
    edit_post,
    mark_read,
    remove_reaction,
    toggle_reaction,
)
from hearth.permissions import filter_visible_threads

NOON = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def limit(settings, action: str, count: int) -> None:
    settings.HEARTH_API_RATE_LIMITS = {**settings.HEARTH_API_RATE_LIMITS, action: (count, 3600)}


def post_numbers(thread: Thread) -> list[int]:
    return list(Post.objects.filter(thread=thread).order_by("number").values_list("number", flat=True))


class TestCreateThread:
    def test_create_thread_writes_the_thread_and_its_opening_post(self, community, member):
        with time_machine.travel(NOON, tick=False):
            thread = create_thread(
                member, community, title="  Finding   it hard  ", body=" Any tips? ", topics=["suicide", "self_harm"]
            )

        thread.refresh_from_db()
        assert (thread.title, thread.author_id, thread.last_post_number, thread.reply_count) == (
            "Finding it hard",
            member.id,
            1,
            0,
        )
        assert (thread.created_at, thread.last_post_at) == (NOON, NOON)
        post = opening_post(thread)
        assert (post.body, post.author_id, post.created_at) == ("Any tips?", member.id, NOON)
        # Topics are kept in the canonical order, whatever order they came in.
        assert post.topics == ["self_harm", "suicide"]

    def test_create_thread_updates_community_counters_exactly(self, community, member):
        with time_machine.travel(NOON, tick=False):
            create_thread(member, community, title="First", body="One")
        with time_machine.travel(NOON + dt.timedelta(minutes=5), tick=False):
            create_thread(member, community, title="Second", body="Two")

        community.refresh_from_db()
        assert (community.thread_count, community.post_count) == (2, 2)
        assert community.last_activity_at == NOON + dt.timedelta(minutes=5)

    def test_create_thread_marks_it_read_for_its_author(self, community, member):
        thread = create_thread(member, community, title="Hello", body="Hi")

        assert ReadState.objects.get(user=member, thread=thread).last_read_number == 1

    def test_create_thread_fails_if_author_not_a_member(self, community, outsider):
        with pytest.raises(PermissionDenied):
            create_thread(outsider, community, title="Hello", body="Hi")

        assert not Thread.objects.exists()
        community.refresh_from_db()
        assert community.thread_count == 0

    def test_create_thread_allowed_for_a_global_moderator_who_is_not_a_member(self, community, global_moderator):
        create_thread(global_moderator, community, title="Welcome", body="Hello everyone")

        assert Thread.objects.count() == 1

    def test_create_thread_posts_anonymously_where_allowed(self, community, member):
        thread = create_thread(member, community, title="Hard to say", body="…", anonymous=True)

        assert thread.is_anonymous
        assert opening_post(thread).is_anonymous

    def test_create_thread_fails_if_anonymous_and_community_disallows_it(self, db):
        strict = CommunityFactory(allow_anonymous_posts=False)
        author = make_member(strict)

        with pytest.raises(PermissionDenied):
            create_thread(author, strict, title="Hard to say", body="…", anonymous=True)

        assert not Thread.objects.exists()

    @pytest.mark.parametrize(
        ("title", "code"), [("ab", "title_too_short"), ("  a   ", "title_too_short"), ("x" * 141, "title_too_long")]
    )
    def test_create_thread_fails_if_title_invalid(self, community, member, title, code):
        with pytest.raises(ApplicationError) as excinfo:
            create_thread(member, community, title=title, body="Hi")

        assert excinfo.value.code == code

    def test_create_thread_accepts_a_title_of_the_maximum_length(self, community, member):
        thread = create_thread(member, community, title="x" * MAX_TITLE, body="Hi")

        assert len(thread.title) == MAX_TITLE

    @pytest.mark.parametrize(("body", "code"), [("   \n ", "body_empty"), ("x" * (MAX_BODY + 1), "body_too_long")])
    def test_create_thread_fails_if_body_invalid(self, community, member, body, code):
        with pytest.raises(ApplicationError) as excinfo:
            create_thread(member, community, title="Hello", body=body)

        assert excinfo.value.code == code
        assert not Thread.objects.exists()

    def test_create_thread_fails_if_topic_unknown(self, community, member):
        with pytest.raises(ApplicationError) as excinfo:
            create_thread(member, community, title="Hello", body="Hi", topics=["self_harm", "spoilers"])

        assert excinfo.value.code == "unknown_topic"

    def test_create_thread_renders_markdown_safely(self, community, member):
        body = (
            "I **made it** through today.\n\n"
            "<script>alert('x')</script> <img src=x onerror=alert(1)>\n\n"
            "[Helpful page](https://example.org/help) and [bad](javascript:alert(1))"
        )

        thread = create_thread(member, community, title="Small win", body=body)

        html = opening_post(thread).body_html
        assert "<strong>made it</strong>" in html
        assert "<script" not in html
        assert "<img" not in html
        assert "&lt;script&gt;" in html  # shown as text, not run
        assert '<a href="https://example.org/help" rel="nofollow noopener ugc">Helpful page</a>' in html
        assert 'href="javascript:' not in html

    def test_create_thread_fails_if_over_the_rate_limit(self, settings, community, member):
        limit(settings, "thread", 2)
        create_thread(member, community, title="One", body="1")
        create_thread(member, community, title="Two", body="2")

        with pytest.raises(RateLimited) as excinfo:
            create_thread(member, community, title="Three", body="3")

        assert excinfo.value.status == 429
        assert 0 < excinfo.value.retry_after <= 3601
        assert Thread.objects.count() == 2
        community.refresh_from_db()
        assert community.thread_count == 2

    def test_create_thread_rate_limit_is_per_person(self, settings, community, member, other_member):
        limit(settings, "thread", 1)
        create_thread(member, community, title="One", body="1")

        create_thread(other_member, community, title="Two", body="2")

        assert Thread.objects.count() == 2


class TestAddReply:
    def test_add_reply_numbers_posts_without_gaps(self, community, member):
        thread = make_thread(community, author=member)
        repliers = [make_member(community) for _ in range(4)]

        posts = [add_reply(r, thread, body=f"Reply {i}") for i, r in enumerate(repliers)]

        assert [p.number for p in posts] == [2, 3, 4, 5]
        assert post_numbers(thread) == [1, 2, 3, 4, 5]

    def test_add_reply_updates_thread_and_community_counters_exactly(self, community, member, other_member):
        thread = make_thread(community, author=member)
        with time_machine.travel(NOON, tick=False):
            add_reply(other_member, thread, body="You're not alone.")
        with time_machine.travel(NOON + dt.timedelta(minutes=1), tick=False):
            last = add_reply(member, thread, body="Thank you.")

        thread.refresh_from_db()
        community.refresh_from_db()
        assert (thread.reply_count, thread.last_post_number, thread.last_post_at) == (2, 3, last.created_at)
        assert (community.thread_count, community.post_count, community.last_activity_at) == (
            1,
            3,
            NOON + dt.timedelta(minutes=1),
        )

    def test_add_reply_updates_the_callers_thread_object(self, community, member, other_member):
        thread = make_thread(community, author=member)

        post = add_reply(other_member, thread, body="Same here.")

        assert (thread.last_post_number, thread.last_post_at) == (2, post.created_at)

    def test_add_reply_marks_the_thread_read_for_its_author(self, community, member, other_member):
        thread = make_thread(community, author=member, replies=2)

        add_reply(other_member, thread, body="Me too.")

        assert ReadState.objects.get(user=other_member, thread=thread).last_read_number == 4

    def test_add_reply_fails_if_author_not_a_member(self, community, member, outsider):
        thread = make_thread(community, author=member)

        with pytest.raises(PermissionDenied):
            add_reply(outsider, thread, body="Hi")

        assert post_numbers(thread) == [1]

    def test_add_reply_fails_if_thread_deleted(self, community, member, other_member):
        thread = make_thread(community, author=member)
        delete_post(member, opening_post(thread))
        thread.refresh_from_db()

        with pytest.raises(PermissionDenied):
            add_reply(other_member, thread, body="Hi")

        assert post_numbers(thread) == [1]

    def test_add_reply_fails_if_thread_deleted_after_the_caller_loaded_it(self, community, member, other_member):
        thread = make_thread(community, author=member)
        Thread.objects.filter(id=thread.id).update(deleted_at=NOON)  # a moderator, a moment ago

        with pytest.raises(PermissionDenied):
            add_reply(other_member, thread, body="Hi")

        assert post_numbers(thread) == [1]

    def test_add_reply_fails_if_anonymous_and_community_disallows_it(self, db):
        strict = CommunityFactory(allow_anonymous_posts=False)
        thread = make_thread(strict)

        with pytest.raises(PermissionDenied):
            add_reply(make_member(strict), thread, body="Hi", anonymous=True)

        assert post_numbers(thread) == [1]

    def test_add_reply_fails_if_over_the_rate_limit(self, settings, community, member, other_member):
        limit(settings, "post", 2)
        thread = make_thread(community, author=member)
        add_reply(other_member, thread, body="1")
        add_reply(other_member, thread, body="2")

        with pytest.raises(RateLimited):
            add_reply(other_member, thread, body="3")

        thread.refresh_from_db()
        community.refresh_from_db()
        assert (thread.reply_count, thread.last_post_number, community.post_count) == (2, 3, 3)


class TestEditPost:
    def test_edit_post_keeps_the_old_text_as_a_revision(self, community, member):
        thread = make_thread(community, author=member, body="Original words", topics=["abuse"])
        post = opening_post(thread)

        with time_machine.travel(NOON, tick=False):
            edit_post(member, post, body="Better **words**", topics=[], title="A new title")

        post.refresh_from_db()
        thread.refresh_from_db()
        assert (post.body, post.topics, post.edited_at, thread.title) == ("Better **words**", [], NOON, "A new title")
        assert "<strong>words</strong>" in post.body_html
        revision = PostRevision.objects.get(post=post)
        assert (revision.body, revision.topics, revision.title, revision.editor_id) == (
            "Original words",
            ["abuse"],
            "Finding it hard to sleep",
            member.id,
        )

    def test_edit_post_keeps_every_revision(self, community, member):
        post = opening_post(make_thread(community, author=member, body="v1"))

        edit_post(member, post, body="v2")
        edit_post(member, post, body="v3")

        assert list(PostRevision.objects.filter(post=post).order_by("id").values_list("body", flat=True)) == [
            "v1",
            "v2",
        ]

    def test_edit_post_ignores_a_title_on_a_reply(self, community, member, other_member):
        thread = make_thread(community, author=member)
        reply = add_reply(other_member, thread, body="Old reply")

        edit_post(other_member, reply, body="New reply", title="Hijacked title")

        thread.refresh_from_db()
        assert thread.title == "Finding it hard to sleep"
        assert PostRevision.objects.get(post=reply).title == ""

    def test_edit_post_without_changes_writes_nothing(self, community, member):
        post = opening_post(make_thread(community, author=member, body="Same"))
        post = Post.objects.select_related("thread").get(id=post.id)

        with CaptureQueriesContext(connection) as ctx:
            edit_post(member, post, body="  Same  ", title="Finding it hard to sleep")

        writes = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
        assert writes == []
        assert post.edited_at is None
        assert not PostRevision.objects.exists()

    def test_edit_post_fails_if_editor_not_the_author(self, community, member, moderator):
        post = opening_post(make_thread(community, author=member, body="Mine"))

        with pytest.raises(PermissionDenied):
            edit_post(moderator, post, body="Changed by someone else")

        post.refresh_from_db()
        assert (post.body, post.edited_at) == ("Mine", None)
        assert not PostRevision.objects.exists()

    def test_edit_post_fails_if_post_deleted(self, community, member):
        post = opening_post(make_thread(community, author=member))
        delete_post(member, post)

        with pytest.raises(PermissionDenied):
            edit_post(member, post, body="Changed")

    def test_edit_post_fails_if_body_empty(self, community, member):
        post = opening_post(make_thread(community, author=member, body="Mine"))

        with pytest.raises(ApplicationError):
            edit_post(member, post, body="  ")

        assert not PostRevision.objects.exists()

    def test_edit_post_fails_if_over_the_rate_limit(self, settings, community, member):
        limit(settings, "edit", 1)
        post = opening_post(make_thread(community, author=member, body="v1"))
        edit_post(member, post, body="v2")

        with pytest.raises(RateLimited):
            edit_post(member, post, body="v3")

        post.refresh_from_db()
        assert post.body == "v2"


class TestDeletePost:
    def test_delete_post_is_soft(self, community, member, other_member):
        thread = make_thread(community, author=member)
        reply = add_reply(other_member, thread, body="Oops, wrong thread")

        with time_machine.travel(NOON, tick=False):
            delete_post(other_member, reply)

        reply.refresh_from_db()
        assert (reply.deleted_at, reply.deleted_by_id, reply.body) == (NOON, other_member.id, "Oops, wrong thread")
        thread.refresh_from_db()
        assert thread.deleted_at is None

    def test_delete_post_allowed_for_a_community_moderator(self, community, member, moderator):
        post = opening_post(make_thread(community, author=member, replies=1))
        reply = Post.objects.get(thread=post.thread, number=2)

        delete_post(moderator, reply)

        reply.refresh_from_db()
        assert reply.deleted_by_id == moderator.id

    def test_delete_post_fails_if_actor_is_another_member(self, community, member, other_member):
        post = opening_post(make_thread(community, author=member))

        with pytest.raises(PermissionDenied):
            delete_post(other_member, post)

        post.refresh_from_db()
        assert post.deleted_at is None

    def test_delete_post_fails_if_already_deleted(self, community, member, moderator):
        post = opening_post(make_thread(community, author=member))
        delete_post(member, post)

        with pytest.raises(PermissionDenied):
            delete_post(moderator, post)

    def test_delete_post_of_the_opening_post_deletes_the_thread(self, community, member, other_member):
        thread = make_thread(community, author=member, replies=2)
        make_thread(community, author=member, title="Still here")

        with time_machine.travel(NOON, tick=False):
            delete_post(member, opening_post(thread))

        thread.refresh_from_db()
        community.refresh_from_db()
        assert thread.deleted_at == NOON
        assert Thread.objects.filter(id=thread.id).exists()  # soft: the row stays for moderators
        assert community.thread_count == 1
        reader = User.objects.get(id=other_member.id)
        assert [t.title for t in community_threads(reader, community, page=1)] == ["Still here"]
        assert list(filter_visible_threads(Thread.objects.all(), reader).values_list("title", flat=True)) == [
            "Still here"
        ]


class TestReactions:
    @pytest.fixture
    def post(self, community, member):
        return opening_post(make_thread(community, author=member))

    def test_add_reaction_records_a_support_reaction(self, post, other_member):
        reaction = add_reaction(other_member, post, kind=ReactionKind.HUG)

        assert (reaction.post_id, reaction.user_id, reaction.kind) == (post.id, other_member.id, "hug")

    def test_add_reaction_fails_if_kind_unknown(self, post, other_member):
        with pytest.raises(ApplicationError) as excinfo:
            add_reaction(other_member, post, kind="thumbs_down")

        assert excinfo.value.code == "unknown_reaction"
        assert not Reaction.objects.exists()

    def test_add_reaction_fails_if_already_sent(self, post, other_member):
        add_reaction(other_member, post, kind=ReactionKind.HUG)

        with pytest.raises(ConflictError) as excinfo:
            add_reaction(other_member, post, kind=ReactionKind.HUG)

        assert excinfo.value.code == "already_reacted"
        assert Reaction.objects.count() == 1

    def test_add_reaction_allows_different_kinds_from_one_person(self, post, other_member):
        add_reaction(other_member, post, kind=ReactionKind.HUG)
        add_reaction(other_member, post, kind=ReactionKind.ME_TOO)

        assert Reaction.objects.count() == 2

    def test_add_reaction_fails_if_not_a_member(self, post, outsider):
        with pytest.raises(PermissionDenied):
            add_reaction(outsider, post, kind=ReactionKind.HUG)

    def test_add_reaction_fails_if_post_deleted(self, post, member, other_member):
        delete_post(member, post)

        with pytest.raises(PermissionDenied):
            add_reaction(other_member, post, kind=ReactionKind.HUG)

    def test_add_reaction_fails_if_over_the_rate_limit(self, settings, post, other_member):
        limit(settings, "reaction", 2)
        add_reaction(other_member, post, kind=ReactionKind.HUG)
        add_reaction(other_member, post, kind=ReactionKind.ME_TOO)

        with pytest.raises(RateLimited):
            add_reaction(other_member, post, kind=ReactionKind.HELPFUL)

        assert Reaction.objects.count() == 2

    def test_toggle_reaction_adds_then_takes_back(self, post, other_member):
        assert toggle_reaction(other_member, post, kind=ReactionKind.THINKING_OF_YOU) is True
        assert Reaction.objects.filter(user=other_member, kind="thinking_of_you").count() == 1

        assert toggle_reaction(other_member, post, kind=ReactionKind.THINKING_OF_YOU) is False
        assert not Reaction.objects.exists()

    def test_toggle_reaction_fails_if_kind_unknown(self, post, other_member):
        with pytest.raises(ApplicationError):
            toggle_reaction(other_member, post, kind="angry")

    def test_toggle_reaction_takes_back_only_the_persons_own_reaction(self, post, member, other_member):
        add_reaction(member, post, kind=ReactionKind.HUG)

        assert toggle_reaction(other_member, post, kind=ReactionKind.HUG) is True
        assert Reaction.objects.filter(kind="hug").count() == 2

    def test_remove_reaction_fails_if_never_sent(self, post, other_member):
        with pytest.raises(ConflictError) as excinfo:
            remove_reaction(other_member, post, kind=ReactionKind.HUG)

        assert excinfo.value.code == "not_reacted"


class TestMarkRead:
    def test_mark_read_creates_then_only_moves_forward(self, community, member, other_member):
        thread = make_thread(community, author=member, replies=4)

        mark_read(other_member, thread, up_to=3)
        mark_read(other_member, thread, up_to=2)

        assert ReadState.objects.get(user=other_member, thread=thread).last_read_number == 3

        mark_read(other_member, thread, up_to=5)

        assert ReadState.objects.get(user=other_member, thread=thread).last_read_number == 5

    def test_mark_read_ignores_a_visitor_and_zero(self, community, member, other_member):
        thread = make_thread(community, author=member)

        mark_read(AnonymousUser(), thread, up_to=1)
        mark_read(other_member, thread, up_to=0)

        assert list(ReadState.objects.values_list("user_id", flat=True)) == [member.id]


@pytest.mark.django_db
class TestDeletionCounters:
    def test_deleting_a_reply_lowers_reply_and_post_counts(self, community):
        from hearth.core.testing.factories import make_thread
        from hearth.forums.models import Post
        from hearth.forums.services import delete_post

        thread = make_thread(community, replies=2)
        community.refresh_from_db()
        before = community.post_count
        reply = Post.objects.get(thread=thread, number=2)
        delete_post(reply.author, reply)
        thread.refresh_from_db()
        community.refresh_from_db()
        assert thread.reply_count == 1
        assert community.post_count == before - 1

    def test_deleting_a_thread_takes_its_visible_posts_off_the_count(self, community):
        from hearth.core.testing.factories import make_thread, opening_post
        from hearth.forums.models import Post
        from hearth.forums.services import delete_post

        keep = make_thread(community, replies=1)
        thread = make_thread(community, replies=2)
        reply = Post.objects.get(thread=thread, number=2)
        delete_post(reply.author, reply)
        opening = opening_post(thread)
        delete_post(opening.author, opening)
        community.refresh_from_db()
        assert community.thread_count == 1
        assert community.post_count == 2  # the kept thread's opening post and reply
        assert keep.community_id == community.id


@pytest.mark.django_db
def test_edit_post_keeps_content_warnings_when_topics_are_not_given(community):
    from hearth.core.testing.factories import make_thread, opening_post
    from hearth.forums.services import edit_post

    thread = make_thread(community, topics=["self_harm"])
    post = opening_post(thread)
    edit_post(post.author, post, body="Reworded.")
    post.refresh_from_db()
    assert post.topics == ["self_harm"]
    edit_post(post.author, post, body="Reworded again.", topics=[])
    post.refresh_from_db()
    assert post.topics == []


@pytest.mark.django_db
def test_mark_read_never_goes_past_the_last_post(community, other_member):
    from hearth.core.testing.factories import make_thread
    from hearth.forums.models import ReadState
    from hearth.forums.services import mark_read

    thread = make_thread(community, replies=1)
    mark_read(other_member, thread, up_to=999)
    assert ReadState.objects.get(user=other_member, thread=thread).last_read_number == 2
