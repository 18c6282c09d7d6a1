"""Writes to communities: joining, leaving, requests and invitations. Counters change in the same transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hearth.accounts.models import User
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
from hearth.core.errors import ApplicationError, ConflictError
from hearth.permissions import check_manage_members_permission, check_staff_mfa, forget_memberships, is_staff_moderator


def _add_member(user: User, community: Community, *, role: str = MembershipRole.MEMBER) -> Membership:
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, community=community, role=role)
    except IntegrityError as exc:
        raise ConflictError(f"You're already a member of {community.name}.", code="already_member") from exc
    Community.objects.filter(id=community.id).update(member_count=F("member_count") + 1)
    forget_memberships(user)
    return membership


@transaction.atomic
def join_community(user: User, community: Community) -> Membership | JoinRequest:
    """Join an open community, ask to join a request-only one, or accept a pending invitation."""
    if Membership.objects.filter(user=user, community=community).exists():
        raise ConflictError(f"You're already a member of {community.name}.", code="already_member")
    if community.membership_mode == MembershipMode.OPEN:
        return _add_member(user, community)
    invitation = Invitation.objects.filter(community=community, invitee=user, status=InvitationStatus.PENDING).first()
    if invitation is not None:
        return accept_invitation(user, invitation)
    if community.membership_mode == MembershipMode.INVITE:
        raise PermissionDenied(f"{community.name} is by invitation only.")
    try:
        with transaction.atomic():
            return JoinRequest.objects.create(user=user, community=community)
    except IntegrityError as exc:
        raise ConflictError(
            "You've already asked to join. A moderator will look at it soon.", code="already_requested"
        ) from exc


@transaction.atomic
def leave_community(user: User, community: Community) -> None:
    deleted, _ = Membership.objects.filter(user=user, community=community).delete()
    if not deleted:
        raise ConflictError(f"You're not a member of {community.name}.", code="not_member")
    Community.objects.filter(id=community.id).update(member_count=F("member_count") - 1)
    forget_memberships(user)


@transaction.atomic
def withdraw_join_request(user: User, community: Community) -> None:
    updated = JoinRequest.objects.filter(user=user, community=community, status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN, decided_at=timezone.now()
    )
    if not updated:
        raise ConflictError("There's no pending request to withdraw.", code="no_pending_request")


@transaction.atomic
def decide_join_request(moderator: User, join_request: JoinRequest, *, approve: bool) -> JoinRequest:
    check_manage_members_permission(moderator, join_request.community)
    locked = JoinRequest.objects.select_for_update().get(id=join_request.id)
    if locked.status != RequestStatus.PENDING:
        raise ConflictError("This request was already decided.", code="already_decided")
    locked.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    locked.decided_at = timezone.now()
    locked.decided_by = moderator
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    if approve and not Membership.objects.filter(user_id=locked.user_id, community=locked.community).exists():
        _add_member(locked.user, locked.community)
    return locked


@transaction.atomic
def invite_member(moderator: User, community: Community, *, pseudonym: str) -> Invitation:
    check_manage_members_permission(moderator, community)
    invitee = User.objects.by_pseudonym(pseudonym.strip()).filter(is_active=True).first()
    if invitee is None:
        raise ApplicationError("There's no member with that pseudonym.", code="unknown_member")
    if Membership.objects.filter(user=invitee, community=community).exists():
        raise ConflictError(f"{invitee.username} is already a member.", code="already_member")
    try:
        with transaction.atomic():
            return Invitation.objects.create(community=community, invitee=invitee, invited_by=moderator)
    except IntegrityError as exc:
        raise ConflictError(f"{invitee.username} already has an invitation.", code="already_invited") from exc


@transaction.atomic
def accept_invitation(user: User, invitation: Invitation) -> Membership:
    if invitation.invitee_id != user.id or invitation.status != InvitationStatus.PENDING:
        raise ConflictError("This invitation is no longer open.", code="invitation_closed")
    Invitation.objects.filter(id=invitation.id).update(status=InvitationStatus.ACCEPTED)
    # A pending request is moot once the person is in.
    JoinRequest.objects.filter(user=user, community=invitation.community, status=RequestStatus.PENDING).update(
        status=RequestStatus.APPROVED, decided_at=timezone.now()
    )
    return _add_member(user, invitation.community)


@transaction.atomic
def decline_invitation(user: User, invitation: Invitation) -> None:
    if invitation.invitee_id != user.id or invitation.status != InvitationStatus.PENDING:
        raise ConflictError("This invitation is no longer open.", code="invitation_closed")
    Invitation.objects.filter(id=invitation.id).update(status=InvitationStatus.DECLINED)


@transaction.atomic
def set_member_role(admin: User, community: Community, member: User, *, role: str) -> Membership:
    """Make a member a community moderator or back again (admins and global moderators only)."""
    if not is_staff_moderator(admin):
        check_staff_mfa(admin, community)
        raise PermissionDenied("Only admins and global moderators can appoint community moderators.")
    if role not in MembershipRole.values:
        raise ApplicationError("Unknown role.", code="unknown_role")
    membership = Membership.objects.filter(user=member, community=community).first()
    if membership is None:
        membership = _add_member(member, community, role=role)
    else:
        membership.role = role
        membership.save(update_fields=["role"])
    forget_memberships(member)
    return membership
