"""Communities: the directory, one community, join requests and invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.paginator import Page
from ninja import Field, Schema

from hearth.api.schemas.accounts import CommunityRefOut, MemberRefOut
from hearth.api.schemas.common import PageOut, Text
from hearth.communities.models import (
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    MembershipMode,
    RequestStatus,
)


class ViewerStandingOut(Schema):
    """The caller's standing in the community (all false for visitors who are not signed in)."""

    role: str | None = Field(description="`member` or `moderator` when a member, else null.")
    is_member: bool
    is_moderator: bool
    can_read: bool
    can_post: bool
    has_pending_request: bool
    invitation_id: int | None = Field(description="A pending invitation to accept or decline, if any.")


class CommunityOut(Schema):
    slug: str
    name: str
    focus_area: str
    description: str
    guidelines_html: str
    membership_mode: MembershipMode
    allow_anonymous_posts: bool
    member_count: int
    thread_count: int
    post_count: int
    last_activity_at: datetime | None
    viewer: ViewerStandingOut

    @classmethod
    def from_community(cls, community: Community) -> CommunityOut:
        """`community` must be annotated by `communities.selectors.annotate_for_viewer`."""
        return cls(
            slug=community.slug,
            name=community.name,
            focus_area=community.focus_area,
            description=community.description,
            guidelines_html=community.guidelines_html,
            membership_mode=MembershipMode(community.membership_mode),
            allow_anonymous_posts=community.allow_anonymous_posts,
            member_count=community.member_count,
            thread_count=community.thread_count,
            post_count=community.post_count,
            last_activity_at=community.last_activity_at,
            viewer=ViewerStandingOut(
                role=community.viewer_role,  # type: ignore[attr-defined]
                is_member=community.viewer_is_member,  # type: ignore[attr-defined]
                is_moderator=community.viewer_is_moderator,  # type: ignore[attr-defined]
                can_read=community.viewer_can_read,  # type: ignore[attr-defined]
                can_post=community.viewer_can_post,  # type: ignore[attr-defined]
                has_pending_request=community.viewer_has_pending_request,  # type: ignore[attr-defined]
                invitation_id=community.viewer_invitation_id,  # type: ignore[attr-defined]
            ),
        )


class CommunityPageOut(Schema):
    items: list[CommunityOut]
    page: PageOut
    count: int

    @classmethod
    def from_page(cls, page: Page[Community]) -> CommunityPageOut:
        """`page` must come from `communities.selectors.directory_page`, which annotates it for the viewer."""
        return cls(
            items=[CommunityOut.from_community(c) for c in page.object_list],
            page=PageOut.from_page(page),
            count=page.paginator.count,
        )


class CommunityDetailOut(CommunityOut):
    moderators: list[MemberRefOut] | None = Field(description="Shown to those who can read the community; else null.")


class JoinOut(Schema):
    outcome: Literal["joined", "requested"] = Field(
        description="`joined`: you are a member now. `requested`: a moderator will look at your request."
    )
    community: CommunityOut


class JoinRequestOut(Schema):
    id: int
    pseudonym: str
    status: RequestStatus
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def from_request(cls, join_request: JoinRequest) -> JoinRequestOut:
        return cls(
            id=join_request.id,
            pseudonym=join_request.user.username,
            status=RequestStatus(join_request.status),
            created_at=join_request.created_at,
            decided_at=join_request.decided_at,
        )


class InvitationIn(Schema):
    pseudonym: Text = Field(max_length=200)


class InvitationOut(Schema):
    id: int
    community: CommunityRefOut
    invitee: str
    invited_by: str | None
    status: InvitationStatus
    created_at: datetime

    @classmethod
    def from_invitation(cls, invitation: Invitation) -> InvitationOut:
        return cls(
            id=invitation.id,
            community=CommunityRefOut.from_community(invitation.community),
            invitee=invitation.invitee.username,
            invited_by=invitation.invited_by.username if invitation.invited_by else None,
            status=InvitationStatus(invitation.status),
            created_at=invitation.created_at,
        )
