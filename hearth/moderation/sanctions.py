"""Warnings and restrictions on members. Community moderators warn and mute; global moderators and admins
also suspend and ban. Each needs a reason, tells the member, is logged, and can be appealed."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities.models import Community
from hearth.core.errors import ApplicationError, ConflictError
from hearth.moderation.models import ActionKind, QueueItem, Sanction, SanctionKind
from hearth.moderation.services import clean_reason, log_action
from hearth.notifications.services import notify
from hearth.permissions import check_staff_mfa, is_moderator, is_staff_moderator

MAX_DAYS = 365
_ACTION = {
    SanctionKind.WARNING: ActionKind.WARN,
    SanctionKind.MUTE: ActionKind.MUTE,
    SanctionKind.SUSPENSION: ActionKind.SUSPEND,
    SanctionKind.BAN: ActionKind.BAN,
}
_TITLES = {
    SanctionKind.WARNING: "A moderator has sent you a warning",
    SanctionKind.MUTE: "You can't post in a community for a while",
    SanctionKind.SUSPENSION: "Your posting is paused for a while",
    SanctionKind.BAN: "Your account has been closed by a moderator",
}


def check_sanction_permission(moderator: User, member: User, kind: str, community: Community | None) -> None:
    if member.id == moderator.id:
        raise PermissionDenied("You can't act on your own account.")
    if member.is_admin or (member.is_global_moderator and not moderator.is_admin):
        raise PermissionDenied("Only an admin can act on staff accounts.")
    if kind in (SanctionKind.SUSPENSION, SanctionKind.BAN):
        if not is_staff_moderator(moderator):
            check_staff_mfa(moderator)
            raise PermissionDenied("Only global moderators and admins can suspend or ban.")
        return
    if community is None or not is_moderator(moderator, community):
        check_staff_mfa(moderator, community)
        raise PermissionDenied("Only this community's moderators can do that.")


@transaction.atomic
def sanction_member(
    moderator: User,
    member: User,
    *,
    kind: str,
    reason: str,
    community: Community | None = None,
    days: int | None = None,
    item: QueueItem | None = None,
) -> Sanction:
    if kind not in SanctionKind.values:
        raise ApplicationError("Choose a warning, a mute, a suspension or a ban.", code="unknown_sanction")
    reason = clean_reason(reason)
    check_sanction_permission(moderator, member, kind, community)
    ends_at = None
    if kind in (SanctionKind.MUTE, SanctionKind.SUSPENSION):
        if days is None or not 1 <= days <= MAX_DAYS:
            raise ApplicationError(f"Give a length between 1 and {MAX_DAYS} days.", code="invalid_days")
        ends_at = timezone.now() + timedelta(days=days)
    sanction = Sanction.objects.create(
        member=member,
        kind=kind,
        community=community if kind in (SanctionKind.WARNING, SanctionKind.MUTE) else None,
        reason=reason,
        created_by=moderator,
        ends_at=ends_at,
    )
    if kind == SanctionKind.BAN:
        member.is_active = False
        member.save(update_fields=["is_active"])
    until = f" until {ends_at:%-d %B %Y, %H:%M}" if ends_at else ""
    log_action(
        moderator,
        _ACTION[SanctionKind(kind)],
        reason=reason,
        subject=member,
        item=item,
        details={"sanction_id": sanction.id, "community_id": community.id if community else None, "days": days},
    )
    if kind != SanctionKind.BAN:
        notify(
            member,
            kind=f"sanction_{kind}",
            title=_TITLES[SanctionKind(kind)],
            body=f"{sanction.get_kind_display()}{until}. The reason: {reason} "
            "If you think this is wrong, you can appeal.",
            url=reverse("moderation:my-decisions"),
        )
    return sanction


@transaction.atomic
def lift_sanction(moderator: User, sanction: Sanction, *, reason: str) -> Sanction:
    reason = clean_reason(reason)
    check_sanction_permission(moderator, sanction.member, sanction.kind, sanction.community)
    if sanction.lifted_at is not None:
        raise ConflictError("This was already lifted.", code="already_lifted")
    sanction.lifted_at = timezone.now()
    sanction.save(update_fields=["lifted_at"])
    if sanction.kind == SanctionKind.BAN:
        sanction.member.is_active = True
        sanction.member.save(update_fields=["is_active"])
    log_action(moderator, ActionKind.LIFT_SANCTION, reason=reason, subject=sanction.member)
    notify(sanction.member, kind="sanction_lifted", title="A moderator has lifted a restriction", body=reason)
    return sanction
