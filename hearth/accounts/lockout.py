"""How failed sign-ins are counted: by pseudonym (any case) and address, whichever form or API was used."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    # allauth passes the pseudonym as "username" to authenticate(); its form field is "login".
    value = (credentials or {}).get("username") or request.POST.get("login") or request.POST.get("username")
    return str(value).strip().lower() if value else None
