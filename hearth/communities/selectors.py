"""Reads for the community directory and community pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from hearth.communities.models import (
    Community,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    MembershipRole,
    RequestStatus,
)

if TYPE_CHECKING:
    from hearth.accounts.models import User

from hearth.lib.columns import author_shown, columns_of
from hearth.permissions import AnyUser, can_post_in, can_read_community, is_moderator, memberships_of


def annotate_for_viewer(
    user: AnyUser, communities: list[Community], *, requests_of_members: bool = True
) -> list[Community]:
    """Mark each community with the viewer's standing in it. Queries: memberships, pending requests, invitations.

    A page that shows members nothing about requests and invitations passes `requests_of_members=False`: when the
    viewer belongs to every community given, the last two queries are skipped."""
    memberships = memberships_of(user)
    pending: set[int] = set()
    invited: dict[int, int] = {}
    needed = requests_of_members or any(c.id not in memberships for c in communities)
    if user.is_authenticated and needed:
        pending = set(
            JoinRequest.objects.filter(user=user, status=RequestStatus.PENDING).values_list("community_id", flat=True)
        )
        invited = dict(
            Invitation.objects.filter(invitee=user, status=InvitationStatus.PENDING).values_list("community_id", "id")
        )
    for community in communities:
        membership = memberships.get(community.id)
        community.viewer_role = membership.role if membership else None  # type: ignore[attr-defined]
        community.viewer_is_member = membership is not None  # type: ignore[attr-defined]
        community.viewer_is_moderator = is_moderator(user, community)  # type: ignore[attr-defined]
        community.viewer_can_read = can_read_community(user, community)  # type: ignore[attr-defined]
        community.viewer_can_post = can_post_in(user, community)  # type: ignore[attr-defined]
        community.viewer_has_pending_request = community.id in pending  # type: ignore[attr-defined]
        community.viewer_invitation_id = invited.get(community.id)  # type: ignore[attr-defined]
    return communities


# A directory page: a typical site's handful of communities fits on one, a large one pages.
DIRECTORY_PAGE_SIZE = 30


def _directory_queryset(*, with_guidelines: bool) -> QuerySet[Community]:
    communities = Community.objects.order_by("sort_order", "name", "id")
    if not with_guidelines:
        communities = communities.defer("guidelines", "guidelines_html")
    return communities


def directory(user: AnyUser, *, with_guidelines: bool = True, limit: int | None = None) -> list[Community]:
    """Every community (or the first `limit`), annotated for the viewer. Pages that list them show no guidelines,
    which are a few KB each: `with_guidelines=False` leaves them in the database."""
    communities = _directory_queryset(with_guidelines=with_guidelines)
    return annotate_for_viewer(user, list(communities[:limit] if limit is not None else communities))


def directory_page(user: AnyUser, *, page: int, with_guidelines: bool = False) -> Page[Community]:
    """One page of the directory, annotated for the viewer (a count, then `directory`'s queries for the page's
    communities only). Without guidelines unless asked: the directory page shows none."""
    result = Paginator(_directory_queryset(with_guidelines=with_guidelines), DIRECTORY_PAGE_SIZE).get_page(page)
    result.object_list = annotate_for_viewer(user, list(result.object_list))
    return result


def pending_join_requests(community: Community) -> list[JoinRequest]:
    return list(
        JoinRequest.objects.filter(community=community, status=RequestStatus.PENDING)
        .select_related("user")
        .order_by("created_at")[:100]
    )


def community_moderators(community: Community) -> list[Membership]:
    return list(
        Membership.objects.filter(community=community, role=MembershipRole.MODERATOR)
        .select_related("user")
        .only(*columns_of(Membership), *author_shown("user"))
        .order_by("user__username")
    )


def visible_memberships_of(viewer: AnyUser, member_id: int) -> list[Community]:
    """The communities shown on a profile whose owner allows it: only those the viewer could see anyway."""
    communities = list(Community.objects.filter(memberships__user_id=member_id).order_by("sort_order", "name"))
    return [c for c in communities if can_read_community(viewer, c)]


def pending_invitations_for(user: User) -> list[Invitation]:
    return list(
        Invitation.objects.filter(invitee=user, status=InvitationStatus.PENDING)
        .select_related("community", "invitee", "invited_by")
        .order_by("-created_at", "-id")[:100]
    )
