"""Writes notifications. Callers pass Hearth's own words: never another member's text."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import User
from hearth.notifications.models import Notification


def notify(user: User, *, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    return Notification.objects.create(user=user, kind=kind, title=title, body=body, url=url)


@transaction.atomic
def mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
