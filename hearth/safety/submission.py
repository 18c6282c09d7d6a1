"""Submitting a form whose text passes the safety pipeline: one place for the nudge and the error handling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.http import HttpRequest, QueryDict

from hearth.core.errors import ApplicationError
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
