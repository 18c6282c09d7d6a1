"""Submitting a form whose text passes the safety pipeline: one place for the nudge and the error handling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, QueryDict

from hearth.core.errors import ApplicationError
from hearth.safety.policy import Decision
from hearth.safety.services import NudgeRequired, redact_own_details

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """What came of a submission: the saved object, or a nudge, or errors on the form; and the status to answer."""

    result: T | None = None
    nudge: dict[str, Any] | None = None
    status: int = 400


def nudge_context(exc: NudgeRequired) -> dict[str, Any]:
    return {"message": exc.message, "codes": ",".join(exc.nudges), "can_redact": exc.redacted is not None}


# The help panel is shown on the page the writer lands on next (after the redirect).
SAFETY_HELP_SESSION_KEY = "hearth_safety_help"


def after_writing(request: HttpRequest, decision: Decision | None, *, held: bool, noun: str = "post") -> None:
    """Tell the writer what happens next: someone at risk sees help at once, on the next page; otherwise a held
    piece of writing is explained."""
    if decision is not None and decision.show_help:
        request.session[SAFETY_HELP_SESSION_KEY] = {"held": held, "minutes": decision.response_minutes}
    elif held:
        messages.info(
            request,
            f"Your {noun} is waiting for a moderator. Only you can see it for now; "
            "you'll get a notification when it has been reviewed.",
        )


def redacted_post_data(request: HttpRequest, *fields: str) -> QueryDict:
    """The submitted form with the writer's own personal details taken out of the given fields (one-click
    redaction after a nudge)."""
    data = request.POST.copy()
    for name in fields:
        if name in data:
            data[name] = redact_own_details(str(data.get(name, "")))
    return data


def submit_screened(form: forms.Form, save: Callable[[dict[str, Any]], T]) -> Outcome[T]:
    """Validate the form and call `save` with its data. A nudge or an error keeps everything typed in the form."""
    if not form.is_valid():
        return Outcome()
    try:
        return Outcome(result=save(form.cleaned_data), status=200)
    except NudgeRequired as exc:
        return Outcome(nudge=nudge_context(exc), status=exc.status)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return Outcome(status=exc.status)
