"""Reads the API needs that the domain selectors do not offer (yet)."""

from __future__ import annotations

from hearth.accounts.models import User
from hearth.communities.models import Invitation, InvitationStatus


def pending_invitations_for(user: User) -> list[Invitation]:
    return list(
        Invitation.objects.filter(invitee=user, status=InvitationStatus.PENDING)
        .select_related("community", "invitee", "invited_by")
        .order_by("-created_at", "-id")[:100]
    )
