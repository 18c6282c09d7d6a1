from __future__ import annotations

import pytest
from django.test import Client, override_settings

from hearth.api.tests.helpers import get, post
from hearth.communities.models import (
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    MembershipMode,
    RequestStatus,
)
from hearth.communities.selectors import DIRECTORY_PAGE_SIZE
from hearth.core.testing.factories import CommunityFactory, make_thread


@pytest.fixture
def invite_community(db):
    return CommunityFactory(name="Carers' Circle", slug="carers", membership_mode=MembershipMode.INVITE)


@pytest.mark.django_db
class TestDirectory:
    def test_visitors_see_every_community(self, client, community, private_community):
        response = get(client, "/communities")
        assert response.status_code == 200
        listed = {c["slug"]: c for c in response.json()["items"]}
        assert set(listed) == {community.slug, private_community.slug}
        assert listed[private_community.slug]["membership_mode"] == "request"
        assert listed[community.slug]["viewer"]["can_read"] is False

    def test_it_carries_counts_and_the_viewers_standing(self, member_client, community, private_community):
        make_thread(community)
        listed = {c["slug"]: c for c in get(member_client, "/communities").json()["items"]}
        mine = listed[community.slug]
        assert mine["thread_count"] == 1
        assert mine["member_count"] == 2  # the member and the thread's author
        assert mine["last_activity_at"] is not None
        assert mine["guidelines_html"] == "<p>Be kind.</p>\n"
        assert mine["viewer"]["is_member"] is True
        assert mine["viewer"]["can_post"] is True
        assert listed[private_community.slug]["viewer"]["can_read"] is False

    def test_it_pages_the_directory_in_its_order(self, client, community, private_community):
        CommunityFactory.create_batch(DIRECTORY_PAGE_SIZE)
        first = get(client, "/communities").json()
        second = get(client, "/communities?page=2").json()
        assert first["count"] == DIRECTORY_PAGE_SIZE + 2
        assert len(first["items"]) == DIRECTORY_PAGE_SIZE
        assert first["page"] == {"number": 1, "num_pages": 2, "has_previous": False, "has_next": True}
        assert len(second["items"]) == 2
        assert second["page"] == {"number": 2, "num_pages": 2, "has_previous": True, "has_next": False}
        ordered = Community.objects.order_by("sort_order", "name", "id").values_list("slug", flat=True)
        assert [c["slug"] for c in first["items"] + second["items"]] == list(ordered)

    def test_a_page_out_of_range_gives_the_nearest_page(self, client, community):
        assert get(client, "/communities?page=9").json()["page"]["number"] == 1
        assert get(client, "/communities?page=0").json()["page"]["number"] == 1
        assert get(client, "/communities?page=x").status_code == 422

    def test_detail_lists_moderators_only_to_readers(self, client, member_client, moderator, community):
        assert get(client, f"/communities/{community.slug}").json()["moderators"] is None
        body = get(member_client, f"/communities/{community.slug}").json()
        assert body["moderators"] == [{"pseudonym": moderator.username, "badges": []}]

    def test_an_unknown_community_is_404(self, client):
        response = get(client, "/communities/no-such-place")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
class TestJoining:
    def test_joining_an_open_community(self, outsider, outsider_client, community):
        response = post(outsider_client, f"/communities/{community.slug}/join")
        assert response.status_code == 200
        body = response.json()
        assert body["outcome"] == "joined"
        assert body["community"]["viewer"]["is_member"] is True
        assert body["community"]["member_count"] == 1
        assert Membership.objects.filter(user=outsider, community=community).exists()

    def test_joining_twice_is_409(self, member_client, community):
        response = post(member_client, f"/communities/{community.slug}/join")
        assert response.status_code == 409
        assert response.json()["code"] == "already_member"

    def test_leaving(self, member, member_client, community):
        assert post(member_client, f"/communities/{community.slug}/leave").status_code == 204
        assert not Membership.objects.filter(user=member, community=community).exists()
        assert post(member_client, f"/communities/{community.slug}/leave").status_code == 409

    def test_joining_an_unknown_community_is_404(self, member_client):
        assert post(member_client, "/communities/nowhere/join").status_code == 404

    @override_settings(HEARTH_API_RATE_LIMITS={"join": (1, 3600)})
    def test_joining_is_rate_limited(self, outsider_client, community, private_community):
        assert post(outsider_client, f"/communities/{community.slug}/join").status_code == 200
        response = post(outsider_client, f"/communities/{private_community.slug}/join")
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
class TestRequestToJoin:
    def test_threads_stay_closed_until_a_moderator_approves(
        self, outsider, outsider_client, private_community, private_moderator_client
    ):
        thread = make_thread(private_community, title="Members only talk")
        slug = private_community.slug
        listing = get(outsider_client, f"/communities/{slug}/threads")
        assert listing.status_code == 403
        assert "Ask to join" in listing.json()["detail"]
        assert get(outsider_client, f"/threads/{thread.id}").status_code == 404

        response = post(outsider_client, f"/communities/{slug}/join")
        assert response.status_code == 200
        assert response.json()["outcome"] == "requested"
        assert response.json()["community"]["viewer"]["has_pending_request"] is True
        assert post(outsider_client, f"/communities/{slug}/join").status_code == 409

        pending = get(private_moderator_client, f"/communities/{slug}/join-requests").json()
        assert [r["pseudonym"] for r in pending] == [outsider.username]
        response = post(private_moderator_client, f"/communities/{slug}/join-requests/{pending[0]['id']}/approve")
        assert response.status_code == 200
        assert response.json()["status"] == "approved"

        assert get(outsider_client, f"/communities/{slug}/threads").json()["items"][0]["title"] == "Members only talk"
        assert get(outsider_client, f"/threads/{thread.id}").status_code == 200

    def test_a_decided_request_cannot_be_decided_again(self, outsider, private_community, private_moderator_client):
        join_request = JoinRequest.objects.create(user=outsider, community=private_community)
        url = f"/communities/{private_community.slug}/join-requests/{join_request.id}"
        assert post(private_moderator_client, f"{url}/decline").json()["status"] == "declined"
        assert post(private_moderator_client, f"{url}/approve").status_code == 409
        assert not Membership.objects.filter(user=outsider, community=private_community).exists()

    def test_withdrawing(self, outsider, outsider_client, private_community):
        post(outsider_client, f"/communities/{private_community.slug}/join")
        assert post(outsider_client, f"/communities/{private_community.slug}/withdraw-request").status_code == 204
        assert JoinRequest.objects.get(user=outsider).status == RequestStatus.WITHDRAWN
        assert post(outsider_client, f"/communities/{private_community.slug}/withdraw-request").status_code == 409

    def test_members_cannot_see_or_decide_requests(self, outsider, member_client, community, private_community):
        join_request = JoinRequest.objects.create(user=outsider, community=community)
        assert get(member_client, f"/communities/{community.slug}/join-requests").status_code == 403
        url = f"/communities/{community.slug}/join-requests/{join_request.id}/approve"
        assert post(member_client, url).status_code == 403
        # Whatever the id, a non-moderator learns nothing about which requests exist.
        other = JoinRequest.objects.create(user=outsider, community=private_community)
        assert post(member_client, f"/communities/{community.slug}/join-requests/{other.id}/approve").status_code == 403

    def test_a_moderator_cannot_reach_another_communitys_request(
        self, outsider, moderator_client, community, private_community
    ):
        other = JoinRequest.objects.create(user=outsider, community=private_community)
        response = post(moderator_client, f"/communities/{community.slug}/join-requests/{other.id}/approve")
        assert response.status_code == 404


@pytest.mark.django_db
class TestInvitations:
    def test_invite_only_without_an_invitation_is_403(self, outsider_client, invite_community):
        response = post(outsider_client, f"/communities/{invite_community.slug}/join")
        assert response.status_code == 403
        assert "invitation only" in response.json()["detail"]

    def test_a_moderator_invites_and_the_invitee_accepts(
        self, outsider, outsider_client, global_moderator, invite_community
    ):
        staff = Client()
        staff.force_login(global_moderator)
        response = post(staff, f"/communities/{invite_community.slug}/invitations", {"pseudonym": "stillmeadow88"})
        assert response.status_code == 201
        assert response.json()["invitee"] == outsider.username

        mine = get(outsider_client, "/me/invitations").json()
        assert [(i["community"]["slug"], i["invited_by"]) for i in mine] == [("carers", global_moderator.username)]
        response = post(outsider_client, f"/me/invitations/{mine[0]['id']}/accept")
        assert response.status_code == 200
        assert response.json()["community"]["viewer"]["is_member"] is True
        assert post(outsider_client, f"/me/invitations/{mine[0]['id']}/accept").status_code == 409

    def test_joining_accepts_a_pending_invitation(self, outsider, outsider_client, invite_community):
        Invitation.objects.create(community=invite_community, invitee=outsider)
        response = post(outsider_client, f"/communities/{invite_community.slug}/join")
        assert response.json()["outcome"] == "joined"

    def test_declining(self, outsider, outsider_client, invite_community):
        invitation = Invitation.objects.create(community=invite_community, invitee=outsider)
        assert post(outsider_client, f"/me/invitations/{invitation.id}/decline").status_code == 204
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.DECLINED

    def test_someone_elses_invitation_is_404(self, member_client, outsider, invite_community):
        invitation = Invitation.objects.create(community=invite_community, invitee=outsider)
        assert post(member_client, f"/me/invitations/{invitation.id}/accept").status_code == 404

    def test_members_cannot_invite(self, member_client, community):
        response = post(member_client, f"/communities/{community.slug}/invitations", {"pseudonym": "StillMeadow88"})
        assert response.status_code == 403

    def test_inviting_an_unknown_pseudonym_is_400_and_a_member_409(self, moderator_client, member, community):
        url = f"/communities/{community.slug}/invitations"
        assert post(moderator_client, url, {"pseudonym": "Nobody123"}).json()["code"] == "unknown_member"
        assert post(moderator_client, url, {"pseudonym": member.username}).status_code == 409

    def test_counts_follow_membership(self, outsider_client, community):
        post(outsider_client, f"/communities/{community.slug}/join")
        assert Community.objects.get(id=community.id).member_count == 1
