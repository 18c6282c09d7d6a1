"""Who may see and do what. Every page and API operation asks here; nowhere else decides.

Rules, in short:
- Visitors who are not signed in see the community directory, the guidelines and the help pages only.
- Signed-in people read open communities; request-to-join and invitation-only communities are read by
  their members, their moderators, global moderators and admins.
- Posting, replying and reacting need membership (moderators of the community count as members), and no
  current mute or suspension. A member who blocked you hides your content and stops your replies to them.
- An anonymous post's author is shown only to the author. The community's moderators, global moderators and
  admins may ask (`can_see_author`), and each look is written to the audit log (hearth.moderation.reveal).
- Authors edit their own posts; authors and moderators delete (softly).
- Content the safety pipeline held, or a moderator hid, is seen only by its author and moderators.
- `access_*` raise the same 404 for "missing" and "not yours to see", so nobody learns a private thread exists.
- Moderator powers need two-factor authentication (hearth.accounts.mfa): without it a moderator is treated as a
  member, and `check_*` of a power say why with `MfaRequired`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hearth.accounts.blocks import has_blocked, hidden_author_ids
from hearth.accounts.mfa import MfaRequired, holds_staff_role, mfa_verified
from hearth.accounts.models import ApiToken, User
from hearth.chat.models import Message, Participant, ParticipantRole, Room, RoomKind
from hearth.communities.models import Community, Invitation, JoinRequest, Membership, MembershipMode
from hearth.forums.models import ContentStatus, Post, Thread
from hearth.lib.columns import author_shown, columns_of
from hearth.listeners.models import RequestStatus, SupportRequest
from hearth.moderation.models import Sanction, SanctionKind

RESTRICTIONS = (SanctionKind.MUTE, SanctionKind.SUSPENSION)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any

NOT_FOUND = "We couldn't find that. It may have been removed, or you may not have access to it."


class Authored(Protocol):
    author_id: int
    is_anonymous: bool


def memberships_of(user: AnyUser) -> dict[int, Membership]:
    """All of a person's memberships by community id, fetched once per request (cached on the user)."""
    if not user.is_authenticated:
        return {}
    cached: dict[int, Membership] | None = getattr(user, "_hearth_memberships", None)
    if cached is None:
        cached = {m.community_id: m for m in Membership.objects.filter(user=user)}
        setattr(user, "_hearth_memberships", cached)  # noqa: B010 (a per-request cache, not a model field)
    return cached


def forget_memberships(user: AnyUser) -> None:
    if hasattr(user, "_hearth_memberships"):
        del user._hearth_memberships


def _holds_staff_moderator_role(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_admin or user.is_global_moderator))


def is_staff_moderator(user: AnyUser) -> bool:
    """Global moderators and admins moderate every community (once their sign-in passed 2FA)."""
    return _holds_staff_moderator_role(user) and mfa_verified(user)


def is_moderator(user: AnyUser, community: Community) -> bool:
    if is_staff_moderator(user):
        return True
    membership = memberships_of(user).get(community.id)
    return membership is not None and membership.is_moderator and mfa_verified(user)


def holds_moderator_role(user: AnyUser, community: Community | None = None) -> bool:
    """Whether the person has been given moderator powers here (anywhere, without a community), 2FA aside."""
    if _holds_staff_moderator_role(user):
        return True
    if community is None:
        return any(m.is_moderator for m in memberships_of(user).values())
    membership = memberships_of(user).get(community.id)
    return membership is not None and membership.is_moderator


def check_staff_mfa(user: AnyUser, community: Community | None = None) -> None:
    """Before a power is refused for want of a role: a person who holds the role but whose sign-in lacks 2FA
    is told to set it up (MfaRequired) rather than that they are not a moderator."""
    if (holds_moderator_role(user, community) or holds_staff_role(user)) and not mfa_verified(user):
        raise MfaRequired()


def is_member(user: AnyUser, community: Community) -> bool:
    return community.id in memberships_of(user)


def can_read_community(user: AnyUser, community: Community) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if community.membership_mode == MembershipMode.OPEN:
        return True
    return is_member(user, community) or is_moderator(user, community)


def can_post_in(user: AnyUser, community: Community) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return is_member(user, community) or is_moderator(user, community)


def can_see_author(user: AnyUser, item: Authored, community: Community) -> bool:
    if not item.is_anonymous:
        return True
    if user.is_authenticated and user.id == item.author_id:
        return True
    return is_moderator(user, community)


def can_edit_post(user: AnyUser, post: Post) -> bool:
    return bool(user.is_authenticated and post.deleted_at is None and post.author_id == user.id)


def can_delete_post(user: AnyUser, post: Post, community: Community) -> bool:
    if not user.is_authenticated or post.deleted_at is not None:
        return False
    return post.author_id == user.id or is_moderator(user, community)


# --- access_*: fetch one object or 404 ----------------------------------------------------------


def access_community(user: AnyUser, slug: str) -> Community:
    """Communities are listed publicly, so any existing one can be fetched; reading its threads is checked apart."""
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404(NOT_FOUND)
    return community


def can_see_content(user: AnyUser, item: Thread | Post, community: Community) -> bool:
    """Held (awaiting a moderator) and hidden content is seen only by its author and the moderators."""
    if item.status == ContentStatus.PUBLISHED:
        return True
    if user.is_authenticated and item.author_id == user.id:
        return True
    return is_moderator(user, community)


def access_thread(user: AnyUser, thread_id: int) -> Thread:
    thread = (
        Thread.objects.select_related("community", "author")
        .only(*columns_of(Thread), *columns_of(Community, "community"), *author_shown())
        .filter(id=thread_id)
        .first()
    )
    if thread is None or not can_read_community(user, thread.community):
        raise Http404(NOT_FOUND)
    if thread.deleted_at is not None and not is_moderator(user, thread.community):
        raise Http404(NOT_FOUND)
    if not can_see_content(user, thread, thread.community):
        raise Http404(NOT_FOUND)
    return thread


def access_post(user: AnyUser, post_id: int) -> Post:
    post = Post.objects.select_related("thread__community", "author").filter(id=post_id).first()
    if post is None or not can_read_community(user, post.thread.community):
        raise Http404(NOT_FOUND)
    community = post.thread.community
    if post.thread.deleted_at is not None and not is_moderator(user, community):
        raise Http404(NOT_FOUND)
    if not (can_see_content(user, post.thread, community) and can_see_content(user, post, community)):
        raise Http404(NOT_FOUND)
    return post


def access_member(pseudonym: str) -> User:
    """Any active member by pseudonym (profiles are for signed-in people; the caller checks that)."""
    member = User.objects.by_pseudonym(pseudonym).filter(is_active=True).first()
    if member is None:
        raise Http404(NOT_FOUND)
    return member


def access_api_token(user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, id=token_id).first()
    if token is None:
        raise Http404(NOT_FOUND)
    return token


def access_join_request(moderator: User, community: Community, request_id: int) -> JoinRequest:
    """Moderators only: anyone else learns nothing about which requests exist."""
    check_manage_members_permission(moderator, community)
    join_request = (
        JoinRequest.objects.select_related("user", "community").filter(id=request_id, community=community).first()
    )
    if join_request is None:
        raise Http404(NOT_FOUND)
    return join_request


def access_invitation(invitee: User, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.select_related("community").filter(id=invitation_id, invitee=invitee).first()
    if invitation is None:
        raise Http404(NOT_FOUND)
    return invitation


# --- check_*: raise PermissionDenied with a message the person can act on ------------------------------


def check_read_community_permission(user: AnyUser, community: Community) -> None:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to read this community.")
    if not can_read_community(user, community):
        if community.membership_mode == MembershipMode.REQUEST:
            raise PermissionDenied("This community's conversations are for members. Ask to join to read them.")
        raise PermissionDenied("This community is by invitation only.")


def check_post_permission(user: AnyUser, community: Community) -> None:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to post.")
    if not can_post_in(user, community):
        raise PermissionDenied("Join this community to post and reply.")
    check_not_restricted(user, community)


def check_not_restricted(user: AnyUser, community: Community | None) -> None:
    """A current mute (in this community) or suspension (everywhere) stops posting, replying and reacting.
    Outside communities (1:1 chats) only a suspension counts."""
    if not _restricted(user.id, community.id if community is not None else None):
        return
    restriction = restriction_for(user, community)
    if restriction is None:  # lifted or ended in between
        return
    until = f" until {restriction.ends_at:%-d %B, %H:%M}" if restriction.ends_at else ""
    where = "in this community" if restriction.community_id else "anywhere on Hearth"
    raise PermissionDenied(
        f"A moderator has paused your posting {where}{until}. The reason: {restriction.reason} "
        "You can appeal from your notifications."
    )


def restriction_for(user: AnyUser, community: Community | None) -> Sanction | None:
    """The restriction that applies to the person's writing here now, if any (the one that ends last)."""
    where_applies = Q(community__isnull=True)
    if community is not None:
        where_applies |= Q(community_id=community.id)
    return (
        Sanction.objects.filter(member_id=user.id, lifted_at__isnull=True, kind__in=RESTRICTIONS)
        .filter(where_applies)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now()))
        .order_by("-ends_at")
        .first()
    )


# Built from constants only: the table's name and one placeholder per restricting kind.
_RESTRICTED_SQL = (
    f"SELECT 1 FROM {Sanction._meta.db_table} WHERE member_id = %s AND lifted_at IS NULL"  # noqa: S608
    f" AND kind IN ({', '.join(['%s'] * len(RESTRICTIONS))})"
    " AND (community_id IS NULL OR community_id = %s) AND (ends_at IS NULL OR ends_at > %s) LIMIT 1"
)


def _restricted(user_id: int | None, community_id: int | None) -> bool:
    """Whether restriction_for() would find one, in one plain statement: every post, reply, reaction and chat
    message asks, and building the same query through the ORM took five times the CPU (about 1.1 ms more per
    write on a small server). The ORM query runs only when there is a restriction to explain."""
    if user_id is None:  # not signed in: nothing to restrict
        return False
    with connection.cursor() as cursor:
        cursor.execute(_RESTRICTED_SQL, [user_id, *(kind.value for kind in RESTRICTIONS), community_id, timezone.now()])
        return cursor.fetchone() is not None


def check_reply_permission(user: AnyUser, thread: Thread) -> None:
    check_post_permission(user, thread.community)
    if thread.deleted_at is not None:
        raise PermissionDenied("This thread was deleted, so it can't take new replies.")
    # Not for anonymous threads: refusing would reveal who wrote them.
    if not thread.is_anonymous and has_blocked(thread.author_id, user.id):
        raise PermissionDenied("You can't reply to this thread.")


def check_anonymous_post_permission(community: Community) -> None:
    if not community.allow_anonymous_posts:
        raise PermissionDenied("This community doesn't allow anonymous posts.")


def check_edit_post_permission(user: AnyUser, post: Post) -> None:
    if post.deleted_at is not None:
        raise PermissionDenied("A deleted post can't be edited.")
    if not can_edit_post(user, post):
        raise PermissionDenied("You can only edit your own posts.")


def check_delete_post_permission(user: AnyUser, post: Post, community: Community) -> None:
    if post.deleted_at is not None:
        raise PermissionDenied("This post is already deleted.")
    if not can_delete_post(user, post, community):
        raise PermissionDenied("You can only delete your own posts.")


def check_react_permission(user: AnyUser, post: Post, community: Community) -> None:
    if post.deleted_at is not None:
        raise PermissionDenied("You can't react to a deleted post.")
    if not can_post_in(user, community):
        raise PermissionDenied("Join this community to send support.")
    check_not_restricted(user, community)
    if not post.is_anonymous and has_blocked(post.author_id, user.id):
        raise PermissionDenied("You can't react to this post.")


def check_manage_members_permission(user: AnyUser, community: Community) -> None:
    if not is_moderator(user, community):
        check_staff_mfa(user, community)
        raise PermissionDenied("Only this community's moderators can do that.")


def check_view_post_history_permission(user: AnyUser, post: Post) -> None:
    """Earlier versions may hold what the author took out: only the author and moderators see them."""
    if not (post.author_id == user.id or is_moderator(user, post.thread.community)):
        check_staff_mfa(user, post.thread.community)
        raise PermissionDenied("Only the author and moderators can see earlier versions.")


# --- filter_*: lists ------------------------------------------------------------------------------------


def filter_readable_communities(qs: QuerySet[Community], user: AnyUser) -> QuerySet[Community]:
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_staff_moderator(user):
        return qs
    return qs.filter(Q(membership_mode=MembershipMode.OPEN) | Q(id__in=list(memberships_of(user))))


def filter_visible_threads(qs: QuerySet[Thread], user: AnyUser) -> QuerySet[Thread]:
    readable = filter_readable_communities(Community.objects.all(), user)
    qs = qs.filter(community__in=readable)
    hidden = hidden_author_ids(user)
    if hidden:
        qs = qs.exclude(author_id__in=hidden)
    if is_staff_moderator(user):
        return qs
    moderated = [cid for cid, m in memberships_of(user).items() if m.is_moderator]
    if moderated and not mfa_verified(user):
        moderated = []
    return qs.filter(
        Q(community_id__in=moderated)
        | (Q(deleted_at__isnull=True) & (Q(status=ContentStatus.PUBLISHED) | Q(author_id=user.id)))
    )


# --- Live chat ------------------------------------------------------------------------------------------
# A community's lobby and group sessions are for its members and moderators. A 1:1 support chat is for its
# two people, and for a moderator only once it is handed over to one: not even admins read it otherwise.


def _participant_role(user: AnyUser, room: Room) -> str | None:
    if not user.is_authenticated:
        return None
    cache: dict[int, str | None] = user.__dict__.setdefault("_hearth_room_roles", {})
    if room.id not in cache:
        cache[room.id] = (
            Participant.objects.filter(room_id=room.id, user_id=user.id).values_list("role", flat=True).first()
        )
    return cache[room.id]


def forget_room_roles(user: AnyUser) -> None:
    user.__dict__.pop("_hearth_room_roles", None)


def can_join_room(user: AnyUser, room: Room) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if room.kind == RoomKind.SUPPORT:
        return _participant_role(user, room) is not None
    return room.community is not None and can_post_in(user, room.community)


def is_room_moderator(user: AnyUser, room: Room) -> bool:
    """Who sees held and hidden messages in the room and can act on them."""
    if room.kind == RoomKind.SUPPORT:
        return _participant_role(user, room) == ParticipantRole.MODERATOR and mfa_verified(user)
    return room.community is not None and is_moderator(user, room.community)


def access_room(user: AnyUser, room_id: int) -> Room:
    room = Room.objects.select_related("community").filter(id=room_id).first()
    if room is None or not can_join_room(user, room):
        raise Http404(NOT_FOUND)
    # A moderator was handed this support chat: reading it is a moderator power.
    if (
        room.kind == RoomKind.SUPPORT
        and _participant_role(user, room) == ParticipantRole.MODERATOR
        and not mfa_verified(user)
    ):
        raise MfaRequired()
    return room


def access_message(user: AnyUser, room: Room, seq: int) -> Message:
    """One message of a room the person may join, if they may see it."""
    message = Message.objects.select_related("author", "room").filter(room=room, seq=seq).first()
    if message is None or message.deleted_at is not None or message.author_id in hidden_author_ids(user):
        raise Http404(NOT_FOUND)
    if message.status != ContentStatus.PUBLISHED and not (
        message.author_id == user.id or is_room_moderator(user, room)
    ):
        raise Http404(NOT_FOUND)
    return message


def check_send_message_permission(user: AnyUser, room: Room) -> None:
    if not can_join_room(user, room):
        raise PermissionDenied("Join this community to chat here.")
    if room.ended_at is not None:
        raise PermissionDenied("This chat has ended.")
    now = timezone.now()
    if room.opens_at is not None and now < room.opens_at:
        raise PermissionDenied(f"This session opens at {room.opens_at:%H:%M on %-d %B}.")
    if room.closes_at is not None and now >= room.closes_at:
        raise PermissionDenied("This session has finished.")
    check_not_restricted(user, room.community)


def check_react_message_permission(user: AnyUser, message: Message) -> None:
    room = message.room
    if message.deleted_at is not None or message.status != ContentStatus.PUBLISHED:
        raise PermissionDenied("You can't react to this message.")
    check_send_message_permission(user, room)
    if has_blocked(message.author_id, user.id):
        raise PermissionDenied("You can't react to this message.")


def check_schedule_session_permission(user: AnyUser, community: Community) -> None:
    if not is_moderator(user, community):
        check_staff_mfa(user, community)
        raise PermissionDenied("Only this community's moderators can schedule group sessions.")


# --- 1:1 support requests -------------------------------------------------------------------------------
# A request is the member's, its listener's, and the moderator's it was handed to. While it waits, listeners
# may see it in order to accept it (they see the member's pseudonym and chosen topics, nothing else).


def access_support_request(user: AnyUser, request_id: int) -> SupportRequest:
    request = (
        SupportRequest.objects.select_related("member", "listener", "room").filter(id=request_id).first()
        if user.is_authenticated
        else None
    )
    if request is None:
        raise Http404(NOT_FOUND)
    involved = user.id in (request.member_id, request.listener_id, request.handed_over_to_id)
    waiting_for_listeners = request.status == RequestStatus.WAITING and bool(getattr(user, "is_listener", False))
    if not (involved or waiting_for_listeners):
        raise Http404(NOT_FOUND)
    return request
