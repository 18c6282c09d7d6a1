"""Errors that services raise; views turn them into messages and the API into status codes."""

from __future__ import annotations


class ApplicationError(Exception):
    """Bad input a person can fix: shown to them as is (HTTP 400 in the API)."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class ConflictError(ApplicationError):
    """The request clashes with the current state, e.g. joining twice (HTTP 409)."""

    status = 409
    code = "conflict"


class RateLimited(ApplicationError):
    """Too many writes in a short time (HTTP 429)."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
