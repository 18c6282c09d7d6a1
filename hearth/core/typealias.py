"""Request types for views, so mypy knows what middleware has attached."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_htmx.middleware import HtmxDetails

    from hearth.accounts.models import User


class AnyRequest(HttpRequest):
    """A request from anyone, signed in or not."""

    user: User | AnonymousUser
    htmx: HtmxDetails


class AuthedRequest(HttpRequest):
    """A request in a view behind login_required."""

    user: User
    htmx: HtmxDetails
