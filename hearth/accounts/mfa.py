"""Two-factor authentication (2FA) for people with powers over others.

Moderators (global, and community moderators in their communities), professionals and admins must have an
authenticator app or a passkey, and their sign-in must have used it, before a moderator power works for them.
Members may turn 2FA on; nothing is gated for them.

How a request says which sign-in it carries:
- a browser session (pages, the API from the browser, websockets): allauth records each step of a sign-in in the
  session ("password", then "mfa"); the session counts once an "mfa" step is there. Adding an authenticator
  records one too, since it proves the person holds it. A session with no record at all was not made by
  allauth's sign-in (the admin site's own sign-in form is sent to allauth's, see `secure_admin_site`); it counts
  when the account has 2FA;
- a personal API token: counts when the account has 2FA;
- no request (services called directly, management commands): counts when the account has 2FA.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.models import Authenticator
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

if TYPE_CHECKING:
    from django.contrib.admin import AdminSite
    from django.contrib.sessions.backends.base import SessionBase

# The kinds that count as a second factor; recovery codes only stand in for them at sign-in.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
MFA_REQUIRED_MESSAGE = (
    "Moderators, professionals and admins need two-factor authentication before they use these tools, so a "
    "leaked password can't put members at risk. Set it up in your account settings, then try again."
)

# Attributes kept on the user object for one request (like permissions' membership cache). getattr/setattr,
# not __dict__: they must reach the user behind a lazy `request.user`.
_SESSION_ATTR = "_hearth_mfa_session"
_VERIFIED_ATTR = "_hearth_mfa_verified"
_HAS_MFA_ATTR = "_hearth_has_mfa"


class MfaRequired(PermissionDenied):
    """A power was used by someone whose account or sign-in has no second factor (HTTP 403, "mfa_required")."""

    code = "mfa_required"

    def __init__(self, message: str = MFA_REQUIRED_MESSAGE) -> None:
        super().__init__(message)


def holds_staff_role(user: Any) -> bool:
    """Admins, global moderators and professionals. (Community moderators: `permissions.holds_moderator_role`.)"""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or user.is_global_moderator or user.is_professional)
    )


def has_mfa(user: Any) -> bool:
    """The account has an authenticator app or a passkey (cached for the request)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, _HAS_MFA_ATTR, None)
    if cached is None:
        cached = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()
        setattr(user, _HAS_MFA_ATTR, cached)
    return bool(cached)


def session_passed_mfa(session: SessionBase, user: Any) -> bool:
    records = get_authentication_records(SimpleNamespace(session=session), user)
    if not records:
        return True
    return any(record.get("method") == "mfa" for record in records)


def mfa_verified(user: Any) -> bool:
    """Whether this person's current sign-in satisfies 2FA (see the module's docstring)."""
    if not user.is_authenticated:
        return False
    verified = getattr(user, _VERIFIED_ATTR, None)
    if verified is None:
        session = getattr(user, _SESSION_ATTR, None)
        verified = has_mfa(user) and (session is None or session_passed_mfa(session, user))
        setattr(user, _VERIFIED_ATTR, verified)
    return bool(verified)


def attach_session(user: Any, session: SessionBase | None) -> Any:
    """Say which browser session this user object came from, so `mfa_verified` checks it."""
    if session is not None and getattr(user, "is_authenticated", False):
        setattr(user, _SESSION_ATTR, session)
        setattr(user, _VERIFIED_ATTR, None)
    return user


def record_enrolment(
    sender: object, request: HttpRequest | None, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    """Adding an app or passkey proves the person holds it: this session then counts as passed 2FA."""
    if request is None or authenticator.type not in SECOND_FACTORS:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)


def mfa_required_url(next_url: str = "") -> str:
    url = reverse("accounts:mfa-required")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class MfaMiddleware:
    """Ties `request.user` to the session (lazily: the user is still loaded only when used), and sends a page
    request that hit `MfaRequired` to the page that explains it. The API answers with its own 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lazy_user = request.user
        session = getattr(request, "session", None)
        request.user = SimpleLazyObject(lambda: attach_session(_unwrap(lazy_user), session))  # type: ignore[assignment]
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, MfaRequired):
            return None
        next_url = request.get_full_path() if request.method == "GET" else request.headers.get("Referer", "")
        if next_url and not next_url.startswith("/"):
            # Only a path on this site is kept; a full address (the Referer) is cut to its path.
            next_url = "/" + next_url.split("://", 1)[-1].partition("/")[2]
        return redirect(mfa_required_url(next_url))


def _unwrap(user: Any) -> Any:
    # Evaluating the lazy object loads the user; its `_wrapped` is then the real one.
    user.is_authenticated  # noqa: B018
    return getattr(user, "_wrapped", user)


def secure_admin_site(site: AdminSite) -> None:
    """The admin site is for admins whose sign-in passed 2FA. Its own sign-in form would skip allauth's second
    step, so signing in there goes through allauth's pages instead."""
    original_has_permission = site.has_permission

    def has_permission(request: HttpRequest) -> bool:
        return bool(original_has_permission(request) and mfa_verified(request.user))

    def login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        next_url = request.GET.get("next", reverse("admin:index"))
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if request.user.is_active and request.user.is_staff:
            return redirect(mfa_required_url(next_url))
        raise PermissionDenied("The admin site is for admins.")

    site.has_permission = has_permission  # type: ignore[method-assign]
    site.login = login  # type: ignore[method-assign]
