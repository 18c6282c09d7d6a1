from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def hearth(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "QUICK_EXIT_URL": settings.HEARTH_QUICK_EXIT_URL,
        "MIN_AGE": settings.HEARTH_MIN_AGE,
        "ui_theme": user.theme if signed_in and user else "system",
        "ui_text_size": user.text_size if signed_in and user else "normal",
        "ui_reduce_motion": bool(user.reduce_motion) if signed_in and user else False,
    }
