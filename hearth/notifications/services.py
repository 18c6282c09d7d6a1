"""Writes notifications. Callers pass Hearth's own words: never another member's text."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import User
from hearth.core.realtime import notification_sent
from hearth.notifications.models import Notification

# Shown on every open page at once, not only counted: a person must see these now.
URGENT_KINDS = frozenset(
    {"oncall_primary", "oncall_backup", "oncall_fallback", "support_handed_over", "listener_found"}
)


def notify(user: User, *, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    notification = Notification.objects.create(user=user, kind=kind, title=title, body=body, url=url)
    # Open pages update their unread count at once (on call alerts reach a moderator without a reload).
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    notification_sent(user.id, unread=unread, title=title, url=url, urgent=kind in URGENT_KINDS)
    return notification


@transaction.atomic
def mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
