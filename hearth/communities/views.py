from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hearth.communities.models import JoinRequest, Membership, RequestStatus
from hearth.communities.selectors import (
    annotate_for_viewer,
    community_moderators,
    directory_page,
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
from hearth.core.errors import ApplicationError
from hearth.core.typealias import AuthedRequest
from hearth.forums.selectors import clamp_page, community_threads
from hearth.lib.ratelimit import check_rate_limit
from hearth.permissions import access_community, access_invitation, can_read_community, check_manage_members_permission


def directory_view(request: HttpRequest) -> HttpResponse:
    communities = directory_page(request.user, page=clamp_page(request.GET.get("page")))
    return render(request, "communities/directory/index.html", {"communities": communities})


def community_view(request: HttpRequest, slug: str) -> HttpResponse:
    # A member's page shows no join request or invitation, so they are not looked up for members.
    community = annotate_for_viewer(request.user, [access_community(request.user, slug)], requests_of_members=False)[0]
    threads = None
    if can_read_community(request.user, community):
        threads = community_threads(request.user, community, page=clamp_page(request.GET.get("page")))
    return render(
        request,
        "communities/community/index.html",
        {"community": community, "threads": threads, "moderators": community_moderators(community)},
    )


@login_required
@require_POST
def join_view(request: AuthedRequest, slug: str) -> HttpResponse:
    community = access_community(request.user, slug)
    try:
        check_rate_limit("join", key=str(request.user.id))
        result = join_community(request.user, community)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if isinstance(result, Membership):
            messages.success(request, f"Welcome to {community.name}.")
        else:
            messages.success(request, "Your request is sent. A moderator will look at it soon.")
    return redirect("communities:detail", slug=community.slug)


@login_required
@require_POST
def leave_view(request: AuthedRequest, slug: str) -> HttpResponse:
    community = access_community(request.user, slug)
    try:
        leave_community(request.user, community)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"You've left {community.name}. You can rejoin any time.")
    return redirect("communities:detail", slug=community.slug)


@login_required
@require_POST
def withdraw_view(request: AuthedRequest, slug: str) -> HttpResponse:
    community = access_community(request.user, slug)
    try:
        withdraw_join_request(request.user, community)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your request is withdrawn.")
    return redirect("communities:detail", slug=community.slug)


@login_required
def manage_view(request: AuthedRequest, slug: str) -> HttpResponse:
    """Moderators: pending join requests and invitations."""
    community = access_community(request.user, slug)
    check_manage_members_permission(request.user, community)
    error = ""
    pseudonym = ""
    status = 200
    if request.method == "POST":
        pseudonym = request.POST.get("pseudonym", "")
        try:
            invitation = invite_member(request.user, community, pseudonym=pseudonym)
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"{invitation.invitee.username} is invited.")
            return redirect("communities:manage", slug=community.slug)
    return render(
        request,
        "communities/manage/index.html",
        {"community": community, "requests": pending_join_requests(community), "error": error, "pseudonym": pseudonym},
        status=status,
    )


@login_required
@require_POST
def decide_request_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    join_request = (
        JoinRequest.objects.select_related("community", "user")
        .filter(id=request_id, status=RequestStatus.PENDING)
        .first()
    )
    if join_request is None:
        messages.error(request, "That request was already decided or withdrawn.")
        return redirect("communities:directory")
    approve = request.POST.get("decision") == "approve"
    try:
        decide_join_request(request.user, join_request, approve=approve)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        verb = "approved" if approve else "declined"
        messages.success(request, f"{join_request.user.username}'s request is {verb}.")
    return redirect("communities:manage", slug=join_request.community.slug)


@login_required
@require_POST
def respond_invitation_view(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(request.user, invitation_id)
    try:
        if request.POST.get("decision") == "accept":
            accept_invitation(request.user, invitation)
            messages.success(request, f"Welcome to {invitation.community.name}.")
        else:
            decline_invitation(request.user, invitation)
            messages.success(request, "Invitation declined.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("communities:detail", slug=invitation.community.slug)
