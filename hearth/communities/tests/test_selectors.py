"""Community reads: the directory as each viewer sees it, join requests, moderators and profile memberships."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from hearth.accounts.models import User
from hearth.communities.models import MembershipMode, MembershipRole, RequestStatus
from hearth.communities.selectors import (
    annotate_for_viewer,
    community_moderators,
    directory,
    pending_join_requests,
    visible_memberships_of,
)
from hearth.communities.services import (
    decide_join_request,
    invite_member,
    join_community,
    withdraw_join_request,
)
from hearth.core.testing.factories import CommunityFactory, UserFactory, make_member


def by_slug(communities) -> dict:
    return {c.slug: c for c in communities}


@pytest.fixture
def invite_community(db):
    return CommunityFactory(name="Grief & Loss", slug="grief-loss", membership_mode=MembershipMode.INVITE)


class TestDirectory:
    def test_directory_marks_a_members_standing_in_each_community(
        self, community, private_community, invite_community, member
    ):
        listing = by_slug(directory(User.objects.get(id=member.id)))

        open_ = listing["anxiety-depression"]
        assert (open_.viewer_role, open_.viewer_is_member, open_.viewer_can_read, open_.viewer_can_post) == (
            MembershipRole.MEMBER,
            True,
            True,
            True,
        )
        private = listing["trauma-ptsd"]
        assert (private.viewer_role, private.viewer_is_member, private.viewer_can_read, private.viewer_can_post) == (
            None,
            False,
            False,
            False,
        )

    def test_directory_marks_pending_requests_and_invitations(self, private_community, invite_community, outsider):
        inviter = make_member(invite_community, role=MembershipRole.MODERATOR)
        join_community(outsider, private_community)
        invitation = invite_member(inviter, invite_community, pseudonym=outsider.username)

        listing = by_slug(directory(User.objects.get(id=outsider.id)))

        assert listing["trauma-ptsd"].viewer_has_pending_request is True
        assert listing["trauma-ptsd"].viewer_invitation_id is None
        assert listing["grief-loss"].viewer_has_pending_request is False
        assert listing["grief-loss"].viewer_invitation_id == invitation.id

    def test_directory_forgets_a_withdrawn_request(self, private_community, outsider):
        join_community(outsider, private_community)
        withdraw_join_request(outsider, private_community)

        listing = by_slug(directory(User.objects.get(id=outsider.id)))

        assert listing["trauma-ptsd"].viewer_has_pending_request is False

    def test_directory_marks_community_moderators(self, community, moderator):
        listing = by_slug(directory(User.objects.get(id=moderator.id)))

        assert listing["anxiety-depression"].viewer_is_moderator is True
        assert listing["anxiety-depression"].viewer_role == MembershipRole.MODERATOR

    def test_directory_lists_everything_but_grants_nothing_to_a_visitor(self, community, private_community):
        listing = by_slug(directory(AnonymousUser()))

        assert set(listing) == {"anxiety-depression", "trauma-ptsd"}
        for c in listing.values():
            assert not (c.viewer_is_member or c.viewer_can_read or c.viewer_can_post or c.viewer_is_moderator)

    def test_directory_uses_four_queries_whatever_the_number_of_communities(self, db, django_assert_num_queries):
        viewer = UserFactory()
        for _ in range(3):
            make_member(CommunityFactory())

        def count_for(viewer_id: int) -> int:
            fresh = User.objects.get(id=viewer_id)
            # * communities
            # * the viewer's memberships
            # * the viewer's pending join requests
            # * the viewer's pending invitations
            with django_assert_num_queries(4):
                return len(directory(fresh))

        assert count_for(viewer.id) == 3
        for _ in range(12):
            make_member(CommunityFactory(membership_mode=MembershipMode.REQUEST))
        assert count_for(viewer.id) == 15

    def test_directory_for_a_visitor_uses_one_query(self, community, private_community, django_assert_num_queries):
        # * communities
        with django_assert_num_queries(1):
            directory(AnonymousUser())


class TestPendingJoinRequests:
    def test_pending_join_requests_lists_only_pending_oldest_first(self, private_community):
        mod = make_member(private_community, role=MembershipRole.MODERATOR)
        first, second, third, fourth = (UserFactory() for _ in range(4))
        for user in (first, second, third, fourth):
            join_community(user, private_community)
        withdraw_join_request(third, private_community)
        decide_join_request(mod, private_community.join_requests.get(user=fourth), approve=False)

        pending = pending_join_requests(private_community)

        assert [r.user_id for r in pending] == [first.id, second.id]
        assert all(r.status == RequestStatus.PENDING for r in pending)


class TestCommunityModerators:
    def test_community_moderators_lists_only_moderators_by_pseudonym(self, community, member):
        make_member(community, role=MembershipRole.MODERATOR, username="WarmRobin4")
        make_member(community, role=MembershipRole.MODERATOR, username="BrightCedar2")
        make_member(CommunityFactory(), role=MembershipRole.MODERATOR, username="AmberOwl6")

        names = [m.user.username for m in community_moderators(community)]

        assert names == ["BrightCedar2", "WarmRobin4"]


class TestVisibleMembershipsOf:
    def test_visible_memberships_of_hides_communities_the_viewer_cannot_read(
        self, community, private_community, member, outsider
    ):
        join_community(member, private_community)  # a request, not yet a membership
        make_member(private_community)
        profile_owner = make_member(private_community)
        join_community(profile_owner, community)

        shown = visible_memberships_of(outsider, profile_owner.id)

        assert [c.slug for c in shown] == ["anxiety-depression"]

    def test_visible_memberships_of_shows_shared_private_communities(self, community, private_community):
        profile_owner = make_member(private_community)
        co_member = make_member(private_community)

        shown = visible_memberships_of(co_member, profile_owner.id)

        assert [c.slug for c in shown] == ["trauma-ptsd"]

    def test_visible_memberships_of_shows_nothing_to_a_visitor(self, community):
        profile_owner = make_member(community)

        assert visible_memberships_of(AnonymousUser(), profile_owner.id) == []


class TestAnnotateForViewer:
    def test_a_members_page_skips_their_requests_and_invitations(self, community, member, django_assert_num_queries):
        viewer = User.objects.get(id=member.id)

        # * the viewer's memberships
        with django_assert_num_queries(1):
            (annotated,) = annotate_for_viewer(viewer, [community], requests_of_members=False)

        assert (annotated.viewer_is_member, annotated.viewer_can_post) == (True, True)
        assert (annotated.viewer_has_pending_request, annotated.viewer_invitation_id) == (False, None)

    def test_a_non_members_requests_and_invitations_are_still_looked_up(
        self, private_community, invite_community, outsider
    ):
        inviter = make_member(invite_community, role=MembershipRole.MODERATOR)
        join_community(outsider, private_community)
        invitation = invite_member(inviter, invite_community, pseudonym=outsider.username)
        viewer = User.objects.get(id=outsider.id)

        (requested,) = annotate_for_viewer(viewer, [private_community], requests_of_members=False)
        (invited,) = annotate_for_viewer(viewer, [invite_community], requests_of_members=False)

        assert requested.viewer_has_pending_request is True
        assert invited.viewer_invitation_id == invitation.id

    def test_the_directory_pages_leave_the_guidelines_out(self, community, member, client, member_client):
        listed = directory(User.objects.get(id=member.id), with_guidelines=False)

        assert {"guidelines", "guidelines_html"} <= listed[0].get_deferred_fields()
        for page_client in (client, member_client):
            assert page_client.get("/communities/").status_code == 200
            assert page_client.get("/").status_code == 200
