from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.communities.models import Community, JoinRequest, Membership, MembershipMode
from hearth.communities.selectors import DIRECTORY_PAGE_SIZE
from hearth.core.testing.factories import CommunityFactory, make_thread


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
class TestDirectory:
    def test_visitors_see_every_community(self, client, community, private_community):
        html = client.get(reverse("communities:directory")).content.decode()
        assert community.name.replace("&", "&amp;") in html
        assert private_community.name.replace("&", "&amp;") in html

    def test_its_query_count_does_not_grow_with_communities(self, member_client):
        CommunityFactory.create_batch(2)
        few = count_queries(member_client, reverse("communities:directory"))
        CommunityFactory.create_batch(10)
        assert count_queries(member_client, reverse("communities:directory")) == few

    def test_a_large_directory_pages_and_keeps_its_query_count(self, member_client, member):
        CommunityFactory.create_batch(DIRECTORY_PAGE_SIZE + 5)  # plus the member's own community
        url = reverse("communities:directory")
        first = count_queries(member_client, url)
        names = list(Community.objects.order_by("sort_order", "name", "id").values_list("name", flat=True))
        page_one = member_client.get(url).content.decode()
        page_two = member_client.get(url + "?page=2").content.decode()
        assert 'rel="next"' in page_one and 'rel="prev"' in page_two
        assert "Page 1 of 2" in page_one
        shown_one = [n for n in names if f">{n.replace('&', '&amp;')}</a></h2>" in page_one]
        shown_two = [n for n in names if f">{n.replace('&', '&amp;')}</a></h2>" in page_two]
        assert shown_one == names[:DIRECTORY_PAGE_SIZE]
        assert shown_two == names[DIRECTORY_PAGE_SIZE:]
        assert count_queries(member_client, url + "?page=2") == first
        # A page past the end shows the last page rather than failing.
        assert "Page 2 of 2" in member_client.get(url + "?page=99").content.decode()

    def test_the_home_page_shows_the_first_eight_communities(self, client):
        CommunityFactory.create_batch(12)
        html = client.get("/").content.decode()
        names = list(Community.objects.order_by("sort_order", "name", "id").values_list("name", flat=True))
        assert [n for n in names if n.replace("&", "&amp;") in html] == names[:8]


@pytest.mark.django_db
class TestCommunityPage:
    def test_its_query_count_does_not_grow_with_threads(self, member_client, community):
        url = reverse("communities:detail", args=[community.slug])
        for _ in range(2):
            make_thread(community, replies=1)
        member_client.get(url)
        few = count_queries(member_client, url)
        for _ in range(15):
            make_thread(community, anonymous=True)
        assert count_queries(member_client, url) == few

    def test_visitors_are_asked_to_sign_in_before_reading(self, client, community):
        make_thread(community, title="Visible to members only")
        html = client.get(reverse("communities:detail", args=[community.slug])).content.decode()
        assert "Sign in to read the conversations" in html
        assert "Visible to members only" not in html

    def test_request_only_community_hides_threads_from_outsiders(self, outsider_client, private_community):
        make_thread(private_community, title="Members only talk")
        html = outsider_client.get(reverse("communities:detail", args=[private_community.slug])).content.decode()
        assert "Members only talk" not in html
        assert "Ask to join" in html

    def test_unknown_community_is_404(self, member_client):
        assert member_client.get("/communities/no-such-place/").status_code == 404


@pytest.mark.django_db
class TestJoiningAndLeaving:
    def test_joining_an_open_community(self, outsider, outsider_client, community):
        response = outsider_client.post(reverse("communities:join", args=[community.slug]))
        assert response.status_code == 302
        assert Membership.objects.filter(user=outsider, community=community).exists()
        community.refresh_from_db()
        assert community.member_count == 1

    def test_asking_to_join_then_moderator_approves(self, outsider, outsider_client, private_community, client):
        from hearth.communities.models import MembershipRole
        from hearth.core.testing.factories import make_member

        outsider_client.post(reverse("communities:join", args=[private_community.slug]))
        join_request = JoinRequest.objects.get(user=outsider, community=private_community)
        assert not Membership.objects.filter(user=outsider, community=private_community).exists()
        moderator = make_member(private_community, role=MembershipRole.MODERATOR)
        client.force_login(moderator)
        manage = client.get(reverse("communities:manage", args=[private_community.slug]))
        assert outsider.username in manage.content.decode()
        client.post(reverse("communities:decide-request", args=[join_request.id]), {"decision": "approve"})
        assert Membership.objects.filter(user=outsider, community=private_community).exists()

    def test_a_member_cannot_manage(self, member_client, community):
        assert member_client.get(reverse("communities:manage", args=[community.slug])).status_code == 403

    def test_leaving(self, member, member_client, community):
        member_client.post(reverse("communities:leave", args=[community.slug]))
        assert not Membership.objects.filter(user=member, community=community).exists()

    def test_invite_only_cannot_be_joined_without_invitation(self, outsider, outsider_client):
        closed = CommunityFactory(membership_mode=MembershipMode.INVITE)
        outsider_client.post(reverse("communities:join", args=[closed.slug]))
        assert not Membership.objects.filter(user=outsider, community=closed).exists()
