from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from hearth.notifications.models import Notification
from hearth.permissions import holds_moderator_role


def hearth(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    nav: dict[str, Any] = {}
    if signed_in and user is not None:
        nav = {
            # Shown before 2FA is set up too: following it explains what to do (hearth.accounts.mfa).
            "nav_is_moderator": holds_moderator_role(user),
            "nav_unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        }
    return {
        **nav,
        "QUICK_EXIT_URL": settings.HEARTH_QUICK_EXIT_URL,
        "MIN_AGE": settings.HEARTH_MIN_AGE,
        "ui_theme": user.theme if signed_in and user else "system",
        "ui_text_size": user.text_size if signed_in and user else "normal",
        "ui_reduce_motion": bool(user.reduce_motion) if signed_in and user else False,
    }
