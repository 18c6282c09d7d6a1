"""Query budgets: reading a page costs the same whatever it holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.api.tests.helpers import get
from hearth.communities.selectors import DIRECTORY_PAGE_SIZE
from hearth.core.testing.factories import CommunityFactory, make_thread
from hearth.forums.models import Post, Reaction, ReactionKind


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = get(client, path)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_thread_detail_costs_the_same_for_3_and_25_posts(member_client, member, community, django_assert_num_queries):
    small = make_thread(community, replies=2, anonymous=True)
    large = make_thread(community, replies=24)
    for post in Post.objects.filter(thread=large)[:10]:
        Reaction.objects.create(post=post, user=member, kind=ReactionKind.HUG)
    # * session, * user, * the thread (with community and author), * the reader's memberships,
    # * posts (with authors), * reaction counts with the reader's own, * the reader's read state,
    # * the opening post and * read state again, for the thread header, * the members the reader blocked or muted
    with django_assert_num_queries(10):
        get(member_client, f"/threads/{small.id}")
    with django_assert_num_queries(10):
        get(member_client, f"/threads/{large.id}?page=1")


@pytest.mark.django_db
def test_thread_list_does_not_grow_with_threads_or_posts(member_client, community):
    path = f"/communities/{community.slug}/threads"
    make_thread(community, replies=1)
    few = queries_for(member_client, path)
    for _ in range(8):
        make_thread(community, replies=3, anonymous=True)
    # * session, * user, * community, * memberships, * members the reader blocked or muted, * count, * threads,
    # * opening posts, * read states
    assert queries_for(member_client, path) == few == 9


@pytest.mark.django_db
def test_search_does_not_grow_with_hits(member_client, community):
    make_thread(community, body="sleep is hard")
    few = queries_for(member_client, "/search?q=sleep")
    for _ in range(10):
        make_thread(community, body="more about sleep", anonymous=True)
    assert queries_for(member_client, "/search?q=sleep") == few


@pytest.mark.django_db
def test_directory_does_not_grow_with_communities(member_client, community, django_assert_num_queries):
    few = queries_for(member_client, "/communities")
    CommunityFactory.create_batch(DIRECTORY_PAGE_SIZE + 5)
    # * session, * user, * count, * the page's communities, * the reader's memberships, * their pending join
    # requests, * their invitations
    for path in ("/communities", "/communities?page=2"):
        with django_assert_num_queries(7):
            response = get(member_client, path)
        assert response.status_code == 200
    assert few == 7
    assert len(response.json()["items"]) == 6


@pytest.mark.django_db
def test_directory_for_visitors_is_a_count_and_a_page(client, community, django_assert_num_queries):
    CommunityFactory.create_batch(DIRECTORY_PAGE_SIZE + 5)
    with django_assert_num_queries(2):
        assert len(get(client, "/communities").json()["items"]) == DIRECTORY_PAGE_SIZE
