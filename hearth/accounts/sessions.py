"""Where a member is signed in, and signing out other devices or everywhere.

allauth.usersessions keeps one row per signed-in session (table usersessions_usersession: the network address in
`ip`, the browser's User-Agent in `user_agent`, `created_at`, `last_seen_at`). Rows are added at sign-in;
`SessionActivityMiddleware` refreshes "last seen" and the address at most every HEARTH_SESSION_SEEN_EVERY_SECONDS.
Ending a session deletes it from Django's session store, so its cookie stops working for pages, the API and new
websockets; the person's open websockets of that session are told to close.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.logout import logout
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from hearth.accounts.models import User
from hearth.core.realtime import send_after_commit, user_group

SEEN_AT_KEY = "hearth.session_seen_at"
UNSPECIFIED_ADDRESSES = ("0.0.0.0", "::")  # noqa: S104 (compared with, never bound to)
SESSIONS_ENDED_EVENT = "user.sessions_ended"


@dataclass(frozen=True)
class SessionSummary:
    id: int
    device: str
    ip: str
    signed_in_at: datetime
    last_seen_at: datetime
    is_current: bool


def session_tag(session_key: str) -> str:
    """A session named without its key (which is the cookie itself), for events sent to the person's sockets."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def describe_device(user_agent: str) -> str:
    """A short 'Firefox on Windows' from a User-Agent string; enough to recognise one's own devices."""
    ua = user_agent.lower()
    browser = next(
        (
            name
            for needle, name in (
                ("edg/", "Edge"),
                ("opr/", "Opera"),
                ("firefox/", "Firefox"),
                ("chromium/", "Chromium"),
                ("chrome/", "Chrome"),
                ("safari/", "Safari"),
            )
            if needle in ua
        ),
        "",
    )
    system = next(
        (
            name
            for needle, name in (
                ("android", "Android"),
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("cros", "ChromeOS"),
                ("mac os x", "macOS"),
                ("windows", "Windows"),
                ("linux", "Linux"),
            )
            if needle in ua
        ),
        "",
    )
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "An app or unknown browser"


def signed_in_sessions(user: User, *, current_key: str | None) -> list[SessionSummary]:
    """The person's live sessions, newest activity first (rows of sessions that ended are cleared on the way)."""
    rows = UserSession.objects.purge_and_list(user)
    rows.sort(key=lambda row: row.last_seen_at, reverse=True)
    return [
        SessionSummary(
            id=row.id,
            device=describe_device(row.user_agent),
            # The unspecified address is what the retention purge leaves (hearth.core.ip_retention).
            ip="" if row.ip in UNSPECIFIED_ADDRESSES else row.ip,
            signed_in_at=row.created_at,
            last_seen_at=row.last_seen_at,
            is_current=row.session_key == current_key,
        )
        for row in rows
    ]


def end_other_sessions(request: HttpRequest, user: User) -> int:
    """Sign the person out everywhere but here; returns how many sessions ended."""
    current = request.session.session_key
    return _end([row for row in UserSession.objects.filter(user=user) if row.session_key != current], user)


def end_all_sessions(request: HttpRequest, user: User) -> int:
    """Sign the person out everywhere, this browser included."""
    ended = _end(list(UserSession.objects.filter(user=user)), user)
    logout(request)
    return ended


def end_session(request: HttpRequest, user: User, *, session_id: int) -> bool:
    """End one of the person's other sessions; False when it is not theirs, or is this one."""
    row = UserSession.objects.filter(user=user, id=session_id).first()
    if row is None or row.session_key == request.session.session_key:
        return False
    return _end([row], user) == 1


def _end(rows: list[UserSession], user: User) -> int:
    tags = [session_tag(row.session_key) for row in rows]
    for row in rows:
        row.end()
    if tags:
        send_after_commit(user_group(user.id), {"type": SESSIONS_ENDED_EVENT, "sessions": tags})
    return len(rows)


class SessionActivityMiddleware:
    """Refreshes a session's "last seen" and address at most every HEARTH_SESSION_SEEN_EVERY_SECONDS, not on every
    request. Only sessions made by a sign-in count (allauth records its steps in them); others (test clients'
    force_login) are left alone, so they cost no queries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.session_key
            and session.get(AUTHENTICATION_METHODS_SESSION_KEY)
            and request.user.is_authenticated
        ):
            now = time.time()
            if now - float(session.get(SEEN_AT_KEY, 0)) >= settings.HEARTH_SESSION_SEEN_EVERY_SECONDS:
                UserSession.objects.create_from_request(request)
                session[SEEN_AT_KEY] = now
        return self.get_response(request)
