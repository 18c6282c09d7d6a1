"""Who is calling: a personal API token (`Authorization: Bearer hth_…`) or the browser session (with CSRF).

A token that is sent but not valid is refused with 401 rather than falling back to the session: a client that
sends credentials should learn at once that they don't work.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from hearth.accounts.models import User
from hearth.accounts.services import authenticate_api_token
from hearth.core.security import check_csrf
from hearth.permissions import AnyUser


class CsrfCheckError(HttpError):
    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__(403, "The CSRF check failed. Reload the page and try again, or use an API token.")


class ApiTokenAuth(HttpBearer):
    """Personal API tokens. The header is never logged (ninja's HttpBearer logs odd headers in DEBUG)."""

    def __call__(self, request: HttpRequest) -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = authenticate_api_token(token)
        if user is None:
            raise AuthenticationError(401, "That API token isn't valid. It may have been revoked.")
        # Middleware that looks at request.user (private caching) then treats the call as signed in.
        request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser's session; unsafe methods need the CSRF token. Without a session there is nothing to protect."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated or not request.user.is_active:
            return None
        if check_csrf(request) is not None:
            raise CsrfCheckError()
        return request.user


def anonymous_allowed(request: HttpRequest) -> AnonymousUser:
    """Last in the list for public reads: anyone may call, and is treated as a visitor."""
    return AnonymousUser()


MEMBER_AUTH = [ApiTokenAuth(), SessionAuth()]
OPTIONAL_AUTH = [*MEMBER_AUTH, anonymous_allowed]
# OpenAPI: ninja lists the two schemes; an added `{}` says the operation also works without credentials.
OPTIONAL_AUTH_OPENAPI: dict[str, Any] = {"security": [{}]}


def member_of(request: HttpRequest) -> User:
    """The signed-in caller of an operation that requires authentication."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


def viewer_of(request: HttpRequest) -> AnyUser:
    """The caller of an operation that also serves visitors: a member or an anonymous user."""
    user = getattr(request, "auth", None)
    return user if isinstance(user, User) else AnonymousUser()
