"""Schemas shared by every part of the API: errors and page metadata."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from django.core.paginator import Page
from ninja import P, QueryEx, Schema
from pydantic import AfterValidator


def _storable(value: str) -> str:
    # JSON allows both, but PostgreSQL refuses NUL in text and no database stores a lone surrogate.
    if "\x00" in value:
        raise ValueError("Text can't contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("Text must be valid Unicode.") from exc
    return value


Text = Annotated[str, AfterValidator(_storable)]
"""A string every database can store; use it for every text input, including path and query parameters."""


class ErrorOut(Schema):
    """Every error except input validation: a message to show as is, and a stable code for programs."""

    detail: str
    code: str


class NudgeCode(StrEnum):
    OWN_DETAILS = "own_details"
    HARSH_WORDS = "harsh_words"


class NudgeOut(Schema):
    """409 from a write the safety pipeline puts back to the author first. Send it again with `acknowledge`
    set to these nudge codes to post as it is, or with `redact: true` to have your own details removed."""

    detail: str
    code: str
    nudges: list[str]
    redacted_text: str | None


class ValidationIssueOut(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    """422: the request did not match the operation's schema. One entry per problem, located by `loc`."""

    detail: list[ValidationIssueOut]
    code: str


PageQuery = QueryEx[int, P(description="Page number, from 1. Out-of-range pages give the nearest page.")]


class PageOut(Schema):
    number: int
    num_pages: int
    has_previous: bool
    has_next: bool

    @classmethod
    def from_page(cls, page: Page[Any]) -> PageOut:
        return cls(
            number=page.number,
            num_pages=page.paginator.num_pages,
            has_previous=page.has_previous(),
            has_next=page.has_next(),
        )


class UncountedPageOut(Schema):
    """A page of results that are not counted: whether another page comes before and after this one."""

    number: int
    has_previous: bool
    has_next: bool


def errors(*statuses: int) -> dict[int, Any]:
    """Documented error responses for an operation, e.g. `response={200: X, **errors(401, 404)}`."""
    return {status: ValidationErrorOut if status == 422 else ErrorOut for status in statuses}


# Error statuses most operations share.
AUTH = (401,)  # not signed in, or a bad token
UNSAFE = (400, 401, 403, 422)  # writes: unparsable body, no auth, CSRF, wrong types
