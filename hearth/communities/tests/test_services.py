"""Community services: joining, leaving, join requests, invitations and roles. Counters must stay exact."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from hearth.communities.models import (
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    MembershipMode,
    MembershipRole,
    RequestStatus,
)
from hearth.communities.services import (
    accept_invitation,
    decide_join_request,
    decline_invitation,
    invite_member,
    join_community,
    leave_community,
    set_member_role,
    withdraw_join_request,
)
from hearth.core.errors import ApplicationError, ConflictError
from hearth.core.testing.factories import CommunityFactory, UserFactory, make_member
from hearth.permissions import can_post_in


def member_count(community: Community) -> int:
    community.refresh_from_db()
    assert community.member_count == community.memberships.count(), "stored count drifted from the rows"
    return community.member_count


@pytest.fixture
def invite_community(db):
    return CommunityFactory(name="Grief & Loss", slug="grief-loss", membership_mode=MembershipMode.INVITE)


@pytest.fixture
def private_moderator(private_community):
    return make_member(private_community, role=MembershipRole.MODERATOR, username="SteadyFern5")


@pytest.fixture
def invite_moderator(invite_community):
    return make_member(invite_community, role=MembershipRole.MODERATOR, username="KindMaple9")


@pytest.fixture
def pending_request(private_community, private_moderator, outsider):
    return join_community(outsider, private_community)


@pytest.fixture
def invitation(invite_community, invite_moderator, outsider):
    return invite_member(invite_moderator, invite_community, pseudonym=outsider.username)


class TestJoinCommunity:
    def test_join_community_adds_a_member_to_an_open_community(self, community, member, outsider):
        before = member_count(community)

        membership = join_community(outsider, community)

        assert isinstance(membership, Membership)
        assert (membership.user_id, membership.community_id, membership.role) == (
            outsider.id,
            community.id,
            MembershipRole.MEMBER,
        )
        assert member_count(community) == before + 1

    def test_join_community_lets_the_same_person_post_at_once(self, community, outsider):
        assert not can_post_in(outsider, community)  # caches the memberships on the user

        join_community(outsider, community)

        assert can_post_in(outsider, community)

    def test_join_community_fails_if_already_a_member(self, community, member):
        before = member_count(community)

        with pytest.raises(ConflictError) as excinfo:
            join_community(member, community)

        assert excinfo.value.code == "already_member"
        assert member_count(community) == before

    def test_join_community_asks_to_join_a_request_only_community(self, private_community, private_moderator, outsider):
        result = join_community(outsider, private_community)

        assert isinstance(result, JoinRequest)
        assert result.status == RequestStatus.PENDING
        assert not Membership.objects.filter(user=outsider, community=private_community).exists()
        assert member_count(private_community) == 1

    def test_join_community_fails_if_already_asked(self, private_community, pending_request, outsider):
        with pytest.raises(ConflictError) as excinfo:
            join_community(outsider, private_community)

        assert excinfo.value.code == "already_requested"
        assert JoinRequest.objects.filter(user=outsider).count() == 1

    def test_join_community_fails_if_invite_only_and_not_invited(self, invite_community, outsider):
        with pytest.raises(PermissionDenied):
            join_community(outsider, invite_community)

        assert not Membership.objects.filter(user=outsider).exists()
        assert not JoinRequest.objects.exists()

    def test_join_community_accepts_a_pending_invitation(self, invite_community, invitation, outsider):
        before = member_count(invite_community)

        membership = join_community(outsider, invite_community)

        assert isinstance(membership, Membership)
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.ACCEPTED
        assert member_count(invite_community) == before + 1

    def test_join_community_joins_a_request_only_community_at_once_if_invited(
        self, private_community, private_moderator, outsider
    ):
        invite_member(private_moderator, private_community, pseudonym=outsider.username)

        result = join_community(outsider, private_community)

        assert isinstance(result, Membership)
        assert not JoinRequest.objects.exists()


class TestLeaveCommunity:
    def test_leave_community_removes_the_membership_and_decrements_the_count(self, community, member, other_member):
        before = member_count(community)

        leave_community(member, community)

        assert not Membership.objects.filter(user=member, community=community).exists()
        assert member_count(community) == before - 1

    def test_leave_community_stops_the_same_person_posting_at_once(self, community, member):
        assert can_post_in(member, community)

        leave_community(member, community)

        assert not can_post_in(member, community)

    def test_leave_community_fails_if_not_a_member(self, community, member, outsider):
        before = member_count(community)

        with pytest.raises(ConflictError) as excinfo:
            leave_community(outsider, community)

        assert excinfo.value.code == "not_member"
        assert member_count(community) == before


class TestJoinRequests:
    def test_decide_join_request_approve_adds_the_member(self, private_community, private_moderator, pending_request):
        before = member_count(private_community)

        decided = decide_join_request(private_moderator, pending_request, approve=True)

        assert decided.status == RequestStatus.APPROVED
        assert decided.decided_by_id == private_moderator.id
        assert decided.decided_at is not None
        assert Membership.objects.filter(user=pending_request.user, community=private_community).exists()
        assert member_count(private_community) == before + 1

    def test_decide_join_request_decline_adds_no_one(self, private_community, private_moderator, pending_request):
        before = member_count(private_community)

        decided = decide_join_request(private_moderator, pending_request, approve=False)

        assert decided.status == RequestStatus.DECLINED
        assert decided.decided_by_id == private_moderator.id
        assert not Membership.objects.filter(user=pending_request.user, community=private_community).exists()
        assert member_count(private_community) == before

    def test_decide_join_request_fails_if_already_decided(self, private_community, private_moderator, pending_request):
        decide_join_request(private_moderator, pending_request, approve=False)

        with pytest.raises(ConflictError) as excinfo:
            decide_join_request(private_moderator, pending_request, approve=True)

        assert excinfo.value.code == "already_decided"
        assert not Membership.objects.filter(user=pending_request.user, community=private_community).exists()

    def test_decide_join_request_fails_if_decided_by_a_plain_member(self, private_community, pending_request):
        plain_member = make_member(private_community)

        with pytest.raises(PermissionDenied):
            decide_join_request(plain_member, pending_request, approve=True)

        pending_request.refresh_from_db()
        assert pending_request.status == RequestStatus.PENDING

    def test_decide_join_request_fails_if_decided_by_a_moderator_of_another_community(self, moderator, pending_request):
        with pytest.raises(PermissionDenied):
            decide_join_request(moderator, pending_request, approve=True)

        pending_request.refresh_from_db()
        assert pending_request.status == RequestStatus.PENDING

    def test_decide_join_request_allowed_for_a_global_moderator(self, global_moderator, pending_request):
        decided = decide_join_request(global_moderator, pending_request, approve=True)

        assert decided.status == RequestStatus.APPROVED

    def test_withdraw_join_request_withdraws_a_pending_request(self, private_community, pending_request, outsider):
        withdraw_join_request(outsider, private_community)

        pending_request.refresh_from_db()
        assert pending_request.status == RequestStatus.WITHDRAWN
        assert pending_request.decided_at is not None

    def test_withdraw_join_request_lets_the_person_ask_again(self, private_community, pending_request, outsider):
        withdraw_join_request(outsider, private_community)

        again = join_community(outsider, private_community)

        assert isinstance(again, JoinRequest)
        assert again.id != pending_request.id

    def test_withdraw_join_request_fails_if_nothing_pending(self, private_community, outsider):
        with pytest.raises(ConflictError) as excinfo:
            withdraw_join_request(outsider, private_community)

        assert excinfo.value.code == "no_pending_request"


class TestInvitations:
    def test_invite_member_invites_by_pseudonym_ignoring_case(self, invite_community, invite_moderator, outsider):
        invitation = invite_member(invite_moderator, invite_community, pseudonym=f"  {outsider.username.lower()} ")

        assert (invitation.invitee_id, invitation.invited_by_id, invitation.status) == (
            outsider.id,
            invite_moderator.id,
            InvitationStatus.PENDING,
        )

    def test_invite_member_fails_if_inviter_is_a_plain_member(self, invite_community, outsider):
        plain_member = make_member(invite_community)

        with pytest.raises(PermissionDenied):
            invite_member(plain_member, invite_community, pseudonym=outsider.username)

        assert not Invitation.objects.exists()

    def test_invite_member_fails_if_inviter_moderates_another_community(self, invite_community, moderator, outsider):
        with pytest.raises(PermissionDenied):
            invite_member(moderator, invite_community, pseudonym=outsider.username)

    def test_invite_member_fails_if_pseudonym_unknown(self, invite_community, invite_moderator):
        with pytest.raises(ApplicationError) as excinfo:
            invite_member(invite_moderator, invite_community, pseudonym="NobodyHere99")

        assert excinfo.value.code == "unknown_member"

    def test_invite_member_fails_if_invitee_deactivated(self, invite_community, invite_moderator):
        gone = UserFactory(is_active=False)

        with pytest.raises(ApplicationError) as excinfo:
            invite_member(invite_moderator, invite_community, pseudonym=gone.username)

        assert excinfo.value.code == "unknown_member"

    def test_invite_member_fails_if_already_a_member(self, invite_community, invite_moderator):
        existing = make_member(invite_community)

        with pytest.raises(ConflictError) as excinfo:
            invite_member(invite_moderator, invite_community, pseudonym=existing.username)

        assert excinfo.value.code == "already_member"

    def test_invite_member_fails_if_already_invited(self, invite_community, invite_moderator, invitation, outsider):
        with pytest.raises(ConflictError) as excinfo:
            invite_member(invite_moderator, invite_community, pseudonym=outsider.username)

        assert excinfo.value.code == "already_invited"
        assert Invitation.objects.count() == 1

    def test_accept_invitation_adds_the_member(self, invite_community, invitation, outsider):
        before = member_count(invite_community)

        accept_invitation(outsider, invitation)

        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.ACCEPTED
        assert Membership.objects.filter(user=outsider, community=invite_community).exists()
        assert member_count(invite_community) == before + 1

    def test_accept_invitation_settles_a_pending_join_request(self, private_community, private_moderator, outsider):
        request = join_community(outsider, private_community)
        invitation = invite_member(private_moderator, private_community, pseudonym=outsider.username)

        accept_invitation(outsider, invitation)

        request.refresh_from_db()
        assert request.status == RequestStatus.APPROVED

    def test_accept_invitation_fails_if_someone_else_accepts(self, invite_community, invitation, member):
        with pytest.raises(ConflictError) as excinfo:
            accept_invitation(member, invitation)

        assert excinfo.value.code == "invitation_closed"
        assert not Membership.objects.filter(user=member, community=invite_community).exists()

    def test_accept_invitation_fails_if_declined(self, invitation, outsider):
        decline_invitation(outsider, invitation)
        invitation.refresh_from_db()

        with pytest.raises(ConflictError):
            accept_invitation(outsider, invitation)

    def test_decline_invitation_adds_no_one(self, invite_community, invitation, outsider):
        before = member_count(invite_community)

        decline_invitation(outsider, invitation)

        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.DECLINED
        assert member_count(invite_community) == before

    def test_decline_invitation_fails_if_someone_else_declines(self, invitation, member):
        with pytest.raises(ConflictError):
            decline_invitation(member, invitation)

        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.PENDING


class TestSetMemberRole:
    def test_set_member_role_lets_an_admin_appoint_a_moderator(self, community, admin_user, member):
        membership = set_member_role(admin_user, community, member, role=MembershipRole.MODERATOR)

        assert membership.role == MembershipRole.MODERATOR
        assert Membership.objects.get(user=member, community=community).role == MembershipRole.MODERATOR

    def test_set_member_role_adds_a_non_member_with_the_role(self, community, global_moderator, outsider):
        before = member_count(community)

        set_member_role(global_moderator, community, outsider, role=MembershipRole.MODERATOR)

        assert member_count(community) == before + 1

    def test_set_member_role_fails_if_actor_is_a_community_moderator(self, community, moderator, member):
        with pytest.raises(PermissionDenied):
            set_member_role(moderator, community, member, role=MembershipRole.MODERATOR)

    def test_set_member_role_fails_if_role_unknown(self, community, admin_user, member):
        with pytest.raises(ApplicationError) as excinfo:
            set_member_role(admin_user, community, member, role="owner")

        assert excinfo.value.code == "unknown_role"
