"""Who wrote an anonymous post. Its community's moderators, global moderators and admins may learn it, but only by
asking for it, and every look is written to the audit log: anonymity stays the rule, a look is the exception."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hearth.accounts.models import User
from hearth.core.errors import ApplicationError
from hearth.forums.models import Post
from hearth.moderation.models import ActionKind, QueueItem
from hearth.moderation.services import MAX_REASON, log_action
from hearth.permissions import AnyUser, check_staff_mfa, is_moderator


def check_reveal_author_permission(user: AnyUser, post: Post) -> None:
    community = post.thread.community
    if not user.is_authenticated or not user.is_active or not is_moderator(user, community):
        check_staff_mfa(user, community)
        raise PermissionDenied("Only this community's moderators can see who wrote an anonymous post.")


@transaction.atomic
def reveal_anonymous_author(moderator: User, post: Post, *, reason: str = "", item: QueueItem | None = None) -> User:
    """The author of an anonymous post, for a moderator who asked; the look is logged with its reason, if given."""
    check_reveal_author_permission(moderator, post)
    if not post.is_anonymous:
        raise ApplicationError("This post isn't anonymous: its author is shown with it.", code="not_anonymous")
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ApplicationError(f"Keep the reason under {MAX_REASON} characters.", code="reason_too_long")
    log_action(moderator, ActionKind.VIEW_ANONYMOUS_AUTHOR, reason=reason, target=post, subject=post.author, item=item)
    return post.author
