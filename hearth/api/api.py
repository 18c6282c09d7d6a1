"""The JSON API, version 1: the NinjaAPI instance, its authentication, error handling and routers.

Errors are always JSON: `{"detail": "<message for a person>", "code": "<stable code>"}`, except 422, whose
`detail` lists each validation problem. Nothing here logs request bodies or personal data.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from hearth.accounts.mfa import MfaRequired
from hearth.api.accounts import router as accounts_router
from hearth.api.auth import MEMBER_AUTH
from hearth.api.chat import router as chat_router
from hearth.api.communities import router as communities_router
from hearth.api.forums import router as forums_router
from hearth.api.listeners import router as listeners_router
from hearth.api.moderation import router as moderation_router
from hearth.api.oncall import router as oncall_router
from hearth.api.privacy import router as privacy_router
from hearth.api.wellbeing import router as wellbeing_router
from hearth.core.errors import ApplicationError, RateLimited
from hearth.permissions import NOT_FOUND
from hearth.safety.services import NudgeRequired

api = NinjaAPI(
    title="Hearth API",
    version="1",
    description=(
        "Everything a member can do in the browser. Authenticate with a personal API token "
        "(`Authorization: Bearer hth_…`, created in your account settings) or, from the browser, "
        "with your session and the CSRF token on writes."
    ),
    urls_namespace="api",
    auth=MEMBER_AUTH,
)

_STATUS_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found", 429: "rate_limited"}


def _error(request: HttpRequest, status: int, detail: str, code: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


@api.exception_handler(NudgeRequired)
def _nudge(request: HttpRequest, exc: NudgeRequired) -> HttpResponse:
    body = {"detail": exc.message, "code": exc.code, "nudges": list(exc.nudges), "redacted_text": exc.redacted}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    response = _error(request, exc.status, exc.message, exc.code)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(MfaRequired)
def _mfa_required(request: HttpRequest, exc: MfaRequired) -> HttpResponse:
    return _error(request, 403, str(exc), exc.code)


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You don't have permission to do that.", "forbidden")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same message for "missing" and "not yours to see", whatever the exception says.
    return _error(request, 404, NOT_FOUND, "not_found")


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = exc.message
    if detail == "Unauthorized":  # ninja's default, when no credentials were sent
        detail = "Sign in, or send a personal API token as 'Authorization: Bearer hth_…'."
    response = _error(request, 401, detail, "not_authenticated")
    response["WWW-Authenticate"] = 'Bearer realm="hearth"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = exc.message
    if exc.status_code == 400:  # ninja raises it for a body that is not JSON
        detail = "The request body isn't valid JSON."
    code = getattr(exc, "code", None) or _STATUS_CODES.get(exc.status_code, "error")
    return _error(request, exc.status_code, detail, code)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    # Only type, location and message: ninja already drops the input, and `ctx` can hold arbitrary objects.
    issues = [
        {"type": str(e.get("type", "")), "loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": issues, "code": "validation_error"}, status=422)


# Routers carry full paths (a community's threads live with the forums), so none has a prefix.
api.add_router("", accounts_router, tags=["accounts"])
api.add_router("", communities_router, tags=["communities"])
api.add_router("", forums_router, tags=["forums"])
api.add_router("", chat_router, tags=["chat"])
api.add_router("", listeners_router, tags=["listeners"])
api.add_router("", moderation_router, tags=["moderation"])
api.add_router("", oncall_router, tags=["on call"])
api.add_router("", wellbeing_router, tags=["wellbeing"])
api.add_router("", privacy_router, tags=["data rights"])
