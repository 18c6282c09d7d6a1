"""Cached post HTML on the thread page: the same HTML as rendering afresh, never shared between readers it would
differ for, and a change to a post, its reactions or the reader shows at once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from hearth.accounts.blocks import block_member
from hearth.accounts.models import BlockKind, User
from hearth.core.testing.factories import make_member, make_thread, opening_post
from hearth.forums import rendering
from hearth.forums.models import ContentStatus, Post, ReactionKind
from hearth.forums.selectors import thread_posts
from hearth.forums.services import add_reaction, add_reply, delete_post, edit_post
from hearth.moderation.services import set_post_status
from hearth.permissions import access_thread

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _empty_fragment_cache():
    rendering.fragments.clear()
    yield
    rendering.fragments.clear()


def page(client: Client, thread, page_number: int | None = None) -> str:
    url = reverse("forums:thread", kwargs={"thread_id": thread.id})
    response = client.get(f"{url}?page={page_number}" if page_number else url)
    assert response.status_code == 200
    return response.content.decode()


def articles(html: str) -> list[str]:
    return re.findall(r"<article .*?</article>", html, flags=re.DOTALL)


def without_tokens(html: str) -> str:
    """Each response masks the CSRF secret afresh."""
    return CSRF_INPUT.sub('name="csrfmiddlewaretoken" value="…"', html)


def different(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, list):
        return [*value, "x"]
    if isinstance(value, datetime):
        return value + timedelta(seconds=1)
    assert value is None, value
    return "x"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestTheSameHtml:
    def test_a_cached_page_is_the_page_rendered_afresh_for_every_kind_of_reader(
        self, community, member, other_member, moderator, outsider
    ):
        thread = make_thread(community, author=member, title="Nights", topics=["self_harm"], replies=3)
        add_reply(other_member, thread, body="Me too, **every** night.", anonymous=True)
        add_reaction(other_member, opening_post(thread), kind=ReactionKind.HUG)
        second = Post.objects.get(thread=thread, number=2)
        delete_post(second.author, second)
        for reader in (member, other_member, moderator, outsider):
            client = signed_in(reader)
            page(client, thread)  # read from here on
            rendering.fragments.clear()
            fresh = page(client, thread)
            cached = page(client, thread)

            assert articles(without_tokens(fresh)) == articles(without_tokens(cached))
            assert len(articles(cached)) == 5

    def test_each_post_is_the_post_template_given_only_the_readers_view(self, community, member, other_member):
        thread = make_thread(community, author=member, body="Plain words", replies=1)
        client = signed_in(other_member)
        page(client, thread)
        html = page(client, thread)
        token = CSRF_INPUT.search(html).group(1)

        reader = User.objects.get(id=other_member.id)
        posts = thread_posts(reader, access_thread(reader, thread.id), page=1).posts
        template = get_template(rendering.POST_TEMPLATE)
        for post in posts:
            view = rendering.post_view(post, reader_id=reader.id, moderator=False)
            assert template.render({"post": view, "csrf_token": token}) in html

    def test_readers_with_the_same_view_are_served_from_the_cache(self, community, member, other_member):
        thread = make_thread(community, author=make_member(community), replies=4)
        third = make_member(community)
        page(signed_in(member), thread)  # all unread
        page(signed_in(member), thread)  # all read
        misses, hits = rendering.fragments.misses, rendering.fragments.hits

        # Members who hide the same topics and are neither author nor moderator see what the first one saw.
        for reader in (other_member, third):
            client = signed_in(reader)
            page(client, thread)
            page(client, thread)

        assert rendering.fragments.misses == misses
        assert rendering.fragments.hits == hits + 20


class TestNothingSharedThatDiffers:
    def test_the_author_of_an_anonymous_reply_is_named_only_to_them(self, community, member, other_member):
        thread = make_thread(community, author=member)
        add_reply(other_member, thread, body="I know this feeling.", anonymous=True)
        page(signed_in(other_member), thread)  # the author's own view is cached first

        html = page(signed_in(member), thread)

        assert other_member.username not in html
        assert "Anonymous member" in html

    def test_a_moderators_links_are_not_shown_to_members(self, community, member, other_member, moderator):
        thread = make_thread(community, author=member)
        add_reply(other_member, thread, body="I know this feeling.", anonymous=True)
        edit_post(other_member, Post.objects.get(thread=thread, number=2), body="I know this feeling well.")
        mod_html = page(signed_in(moderator), thread)
        assert "Show who wrote this" in mod_html
        assert "earlier versions" in mod_html

        html = page(signed_in(member), thread)

        assert "Show who wrote this" not in html
        assert "earlier versions" not in html

    def test_each_reader_gets_their_own_csrf_token_and_it_works(self, community, member, other_member, csrf_client_for):
        thread = make_thread(community, author=make_member(community), replies=1)
        first, second = csrf_client_for(member), csrf_client_for(other_member)

        first_tokens = set(CSRF_INPUT.findall(page(first, thread)))
        second_tokens = set(CSRF_INPUT.findall(page(second, thread)))
        html = page(second, thread)

        assert rendering._CSRF_PLACEHOLDER not in html
        assert len(first_tokens) == len(second_tokens) == 1
        assert first_tokens != second_tokens
        post = opening_post(thread)
        response = second.post(
            reverse("forums:react", kwargs={"post_id": post.id}),
            {"kind": "hug", "csrfmiddlewaretoken": second_tokens.pop()},
        )
        assert response.status_code == 302
        assert post.reactions.filter(user=other_member, kind="hug").exists()

    def test_own_reactions_are_marked_for_their_sender_only(self, community, member, other_member):
        thread = make_thread(community, author=make_member(community))
        add_reaction(member, opening_post(thread), kind=ReactionKind.HUG)

        mine = page(signed_in(member), thread)
        theirs = page(signed_in(other_member), thread)

        assert re.search(r'aria-pressed="true">Hug <span class="count">1</span>', mine)
        assert re.search(r'aria-pressed="false">Hug <span class="count">1</span>', theirs)


class TestChangesShowAtOnce:
    def test_an_edit(self, community, member, other_member):
        thread = make_thread(community, author=member, body="Before the edit")
        client = signed_in(other_member)
        assert "Before the edit" in page(client, thread)

        edit_post(member, opening_post(thread), body="After the edit")

        html = page(client, thread)
        assert "After the edit" in html
        assert "Before the edit" not in html
        assert "(edited" in html

    def test_a_post_a_moderator_hides(self, community, member, other_member):
        thread = make_thread(community, author=make_member(community))
        reply = add_reply(member, thread, body="Something to hide")
        assert "Something to hide" in page(signed_in(other_member), thread)
        assert "Something to hide" in page(signed_in(member), thread)

        set_post_status(reply, ContentStatus.HIDDEN)

        assert "Something to hide" not in page(signed_in(other_member), thread)
        own = page(signed_in(member), thread)
        assert "Something to hide" in own
        assert "Hidden by a moderator." in own

    def test_a_deleted_post(self, community, member, other_member, moderator):
        thread = make_thread(community, author=make_member(community))
        reply = add_reply(member, thread, body="Regret posting this")
        for reader in (other_member, moderator):
            assert "Regret posting this" in page(signed_in(reader), thread)

        delete_post(member, reply)

        html = page(signed_in(other_member), thread)
        assert "Regret posting this" not in html
        assert "This post was deleted." in html
        assert "Only moderators can see this." in page(signed_in(moderator), thread)

    def test_a_moderators_note(self, community, member, other_member):
        thread = make_thread(community, author=member, body="Some advice")
        page(signed_in(other_member), thread)

        Post.objects.filter(id=opening_post(thread).id).update(moderator_note="A moderator checked this advice.")

        assert "A moderator checked this advice." in page(signed_in(other_member), thread)

    def test_a_new_reaction(self, community, member, other_member):
        thread = make_thread(community, author=make_member(community))
        client = signed_in(other_member)
        assert 'class="count"' not in page(client, thread)

        add_reaction(member, opening_post(thread), kind=ReactionKind.ME_TOO)

        assert re.search(r'Me too <span class="count">1</span>', page(client, thread))

    def test_a_block(self, community, member, other_member):
        thread = make_thread(community, author=make_member(community))
        add_reply(other_member, thread, body="Words from someone I will block")
        client = signed_in(member)
        assert "Words from someone I will block" in page(client, thread)

        block_member(member, other_member, kind=BlockKind.BLOCK)

        assert "Words from someone I will block" not in page(client, thread)

    def test_the_readers_hidden_topics(self, community, member, other_member):
        author = make_member(community)
        thread = make_thread(community, author=author, body="About my eating", topics=["eating_disorders"])
        other_member.hidden_topics = []
        other_member.save(update_fields=["hidden_topics"])
        client = signed_in(other_member)
        assert "Content warning: Eating disorders. Show post" not in page(client, thread)

        other_member.hidden_topics = ["eating_disorders"]
        other_member.save(update_fields=["hidden_topics"])

        assert "Content warning: Eating disorders. Show post" in page(client, thread)

    def test_unread_markers_go_once_read(self, community, member):
        thread = make_thread(community, author=make_member(community), replies=1)
        client = signed_in(member)

        assert page(client, thread).count('<span class="badge new">New</span>') == 2
        assert page(client, thread).count('<span class="badge new">New</span>') == 0


class TestTheCache:
    def test_every_value_of_a_view_is_part_of_its_key(self, community, member, other_member):
        thread = make_thread(community, author=member, topics=["abuse"])
        add_reaction(other_member, opening_post(thread), kind=ReactionKind.HUG)
        edit_post(member, opening_post(thread), body="Edited words")
        reader = User.objects.get(id=other_member.id)
        (post,) = thread_posts(reader, access_thread(reader, thread.id), page=1).posts
        view = rendering.post_view(post, reader_id=reader.id, moderator=False)
        key = rendering._key(view)

        for name, value in view.items():
            changed = {**view, name: different(value)}
            assert rendering._key(changed) != key, name

    def test_it_keeps_at_most_its_size(self):
        cache = rendering.FragmentCache(2)
        cache.set("a", "1")
        cache.set("b", "2")
        assert cache.get("a") == "1"  # a is now the most recently used
        cache.set("c", "3")

        assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("1", None, "3")
