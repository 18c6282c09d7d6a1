"""Communities: the directory, joining and leaving, join requests (moderators) and invitations."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from hearth.api.auth import OPTIONAL_AUTH, OPTIONAL_AUTH_OPENAPI, member_of, viewer_of
from hearth.api.schemas.accounts import MemberRefOut
from hearth.api.schemas.common import AUTH, UNSAFE, PageQuery, Text, errors
from hearth.api.schemas.communities import (
    CommunityDetailOut,
    CommunityOut,
    CommunityPageOut,
    InvitationIn,
    InvitationOut,
    JoinOut,
    JoinRequestOut,
)
from hearth.communities.models import Membership
from hearth.communities.selectors import (
    annotate_for_viewer,
    community_moderators,
    directory_page,
    pending_invitations_for,
    pending_join_requests,
)
from hearth.communities.services import (
    accept_invitation,
    decide_join_request,
    decline_invitation,
    invite_member,
    join_community,
    leave_community,
    withdraw_join_request,
)
from hearth.forums.selectors import clamp_page
from hearth.lib.ratelimit import check_rate_limit
from hearth.permissions import (
    AnyUser,
    access_community,
    access_invitation,
    access_join_request,
    check_manage_members_permission,
)

router = Router()


def _community_out(viewer: AnyUser, slug: str) -> CommunityOut:
    # Fetched afresh: a write just changed the counters and the viewer's standing.
    return CommunityOut.from_community(annotate_for_viewer(viewer, [access_community(viewer, slug)])[0])


@router.get(
    "/communities",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_AUTH_OPENAPI,
    response={200: CommunityPageOut, **errors(401, 422)},
)
def list_communities(request: HttpRequest, page: PageQuery = 1) -> CommunityPageOut:
    """A page of the community directory, with your standing in each. Works without signing in."""
    return CommunityPageOut.from_page(directory_page(viewer_of(request), page=clamp_page(page), with_guidelines=True))


@router.get(
    "/communities/{slug}",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_AUTH_OPENAPI,
    response={200: CommunityDetailOut, **errors(401, 404, 422)},
)
def get_community(request: HttpRequest, slug: Text) -> CommunityDetailOut:
    viewer = viewer_of(request)
    community = annotate_for_viewer(viewer, [access_community(viewer, slug)])[0]
    moderators = None
    if community.viewer_can_read:  # type: ignore[attr-defined]
        moderators = [MemberRefOut.from_user(m.user) for m in community_moderators(community)]
    return CommunityDetailOut(**CommunityOut.from_community(community).model_dump(), moderators=moderators)


@router.post("/communities/{slug}/join", response={200: JoinOut, **errors(*UNSAFE, 404, 409, 429)})
def join(request: HttpRequest, slug: Text) -> JoinOut:
    """Open communities: you join at once. Request-to-join: your request waits for a moderator.
    Invitation-only: accepts your pending invitation, or 403 without one."""
    user = member_of(request)
    community = access_community(user, slug)
    check_rate_limit("join", key=str(user.id))
    result = join_community(user, community)
    return JoinOut(
        outcome="joined" if isinstance(result, Membership) else "requested", community=_community_out(user, slug)
    )


@router.post("/communities/{slug}/leave", response={204: None, **errors(*UNSAFE, 404, 409)})
def leave(request: HttpRequest, slug: Text) -> Status[None]:
    user = member_of(request)
    leave_community(user, access_community(user, slug))
    return Status(204, None)


@router.post("/communities/{slug}/withdraw-request", response={204: None, **errors(*UNSAFE, 404, 409)})
def withdraw_request(request: HttpRequest, slug: Text) -> Status[None]:
    user = member_of(request)
    withdraw_join_request(user, access_community(user, slug))
    return Status(204, None)


@router.get("/communities/{slug}/join-requests", response={200: list[JoinRequestOut], **errors(*AUTH, 403, 404, 422)})
def list_join_requests(request: HttpRequest, slug: Text) -> list[JoinRequestOut]:
    """Pending requests to join, oldest first (moderators only)."""
    user = member_of(request)
    community = access_community(user, slug)
    check_manage_members_permission(user, community)
    return [JoinRequestOut.from_request(r) for r in pending_join_requests(community)]


@router.post(
    "/communities/{slug}/join-requests/{request_id}/approve",
    response={200: JoinRequestOut, **errors(*UNSAFE, 404, 409)},
)
def approve_join_request(request: HttpRequest, slug: Text, request_id: int) -> JoinRequestOut:
    user = member_of(request)
    join_request = access_join_request(user, access_community(user, slug), request_id)
    return JoinRequestOut.from_request(decide_join_request(user, join_request, approve=True))


@router.post(
    "/communities/{slug}/join-requests/{request_id}/decline",
    response={200: JoinRequestOut, **errors(*UNSAFE, 404, 409)},
)
def decline_join_request(request: HttpRequest, slug: Text, request_id: int) -> JoinRequestOut:
    user = member_of(request)
    join_request = access_join_request(user, access_community(user, slug), request_id)
    return JoinRequestOut.from_request(decide_join_request(user, join_request, approve=False))


@router.post("/communities/{slug}/invitations", response={201: InvitationOut, **errors(*UNSAFE, 404, 409)})
def invite(request: HttpRequest, slug: Text, payload: InvitationIn) -> Status[InvitationOut]:
    """Invite a member by pseudonym (moderators only)."""
    user = member_of(request)
    invitation = invite_member(user, access_community(user, slug), pseudonym=payload.pseudonym)
    return Status(201, InvitationOut.from_invitation(invitation))


@router.get("/me/invitations", response={200: list[InvitationOut], **errors(*AUTH)})
def list_my_invitations(request: HttpRequest) -> list[InvitationOut]:
    return [InvitationOut.from_invitation(i) for i in pending_invitations_for(member_of(request))]


@router.post(
    "/me/invitations/{invitation_id}/accept",
    response={200: JoinOut, **errors(*UNSAFE, 404, 409, 429)},
)
def accept_my_invitation(request: HttpRequest, invitation_id: int) -> JoinOut:
    user = member_of(request)
    invitation = access_invitation(user, invitation_id)
    check_rate_limit("join", key=str(user.id))
    accept_invitation(user, invitation)
    return JoinOut(outcome="joined", community=_community_out(user, invitation.community.slug))


@router.post("/me/invitations/{invitation_id}/decline", response={204: None, **errors(*UNSAFE, 404, 409)})
def decline_my_invitation(request: HttpRequest, invitation_id: int) -> Status[None]:
    user = member_of(request)
    decline_invitation(user, access_invitation(user, invitation_id))
    return Status(204, None)
