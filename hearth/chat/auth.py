"""Who is on a websocket: a personal API token (`Authorization: Bearer hth_…` on the handshake, for apps and
scripts) or, from the browser, the session cookie. A token that is sent but not valid leaves the socket signed
out rather than falling back to the session."""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.middleware import BaseMiddleware
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser

from hearth.accounts.mfa import attach_session
from hearth.accounts.models import User
from hearth.accounts.services import authenticate_api_token
from hearth.core.realtime import in_thread


@in_thread
def _user_for_token(token: str) -> User | None:
    return authenticate_api_token(token)


class TokenAuthMiddleware(BaseMiddleware):  # type: ignore[misc]
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers", []))
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() == "bearer":
            scope = dict(scope, user=await _user_for_token(token.strip()) or AnonymousUser())
        else:
            # Moderator powers on this socket then need the session's sign-in to have passed 2FA.
            attach_session(getattr(scope["user"], "_wrapped", scope["user"]), scope.get("session"))
        return await super().__call__(scope, receive, send)


RAW_SEND = "hearth.raw_send"


class RawSendMiddleware:
    """Keeps the server's own `send` in the scope. Channels' session middleware wraps `send` to save sessions on
    HTTP responses, which sockets never have; room events, forwarded to every socket many times a second, skip
    that wrapper (see ChatConsumer._send_texts)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        return await self.inner(dict(scope, **{RAW_SEND: send}), receive, send)


def websocket_auth(inner: Any) -> Any:
    """Sockets from other sites are refused (their Origin is not one of ALLOWED_HOSTS), so a page elsewhere
    cannot open a socket with a member's cookie."""
    return RawSendMiddleware(AllowedHostsOriginValidator(AuthMiddlewareStack(TokenAuthMiddleware(inner))))
