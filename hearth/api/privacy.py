"""Data rights: download everything Hearth holds about you, and delete your account.

Deleting is final: the account closes at once (this token and every session stop working, open sockets close)
and its data is erased within the operator's HEARTH_ERASURE_DAYS. There is nothing to cancel afterwards,
because nobody can sign in to the account any more."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from ninja import Router, Status

from hearth.api.auth import member_of
from hearth.api.schemas.common import AUTH, UNSAFE, errors
from hearth.api.schemas.privacy import ErasureIn, ErasureOut, ErasurePlanOut
from hearth.privacy.erasure import request_erasure
from hearth.privacy.export import build_export, export_filename
from hearth.privacy.selectors import erasure_plan

router = Router()

_ZIP = {
    "description": "A ZIP of JSON files, one per kind of data, and a readable index.html.",
    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get("/me/export", response={200: None, **errors(*AUTH)}, openapi_extra={"responses": {200: _ZIP}})
def export_data(request: HttpRequest) -> FileResponse:
    """Everything Hearth holds about you: your profile, what you wrote (anonymous posts too), reactions,
    reports you made, blocks, notifications, safety plan, chat, listener and support data, moderation decisions
    about you, API token names and sign-in security settings. Never anyone else's email, nor secrets."""
    user = member_of(request)
    return FileResponse(
        build_export(user), as_attachment=True, filename=export_filename(), content_type="application/zip"
    )


@router.get("/me/erasure", response={200: ErasurePlanOut, **errors(*AUTH)})
def get_erasure_plan(request: HttpRequest) -> ErasurePlanOut:
    """What deleting your account would do, when it would be complete, and whether a two-factor code is needed."""
    return ErasurePlanOut.from_plan(erasure_plan(member_of(request)))


@router.post("/me/erasure", response={202: ErasureOut, **errors(*UNSAFE, 409, 429)})
def post_erasure(request: HttpRequest, payload: ErasureIn) -> Status[ErasureOut]:
    """Delete your account. It closes at once; its data is erased by `due_at`. This cannot be undone."""
    erasure = request_erasure(
        member_of(request), password=payload.password, choice=payload.choice.value, mfa_code=payload.mfa_code
    )
    return Status(202, ErasureOut.from_request(erasure))
