"""Data rights: the caller's data export and account erasure."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from hearth.api.schemas.common import Text
from hearth.privacy.models import ErasureChoice, ErasureRequest
from hearth.privacy.selectors import ErasurePlan


class ErasurePlanOut(Schema):
    """What deleting your account would do, and when."""

    erasure_days: int = Field(description="Days between closing the account and erasing its data; 0 = at once.")
    completes_by: datetime = Field(description="When the erasure would be complete if you asked now.")
    mfa_required: bool = Field(description="Whether `mfa_code` is needed (you have set up two-factor sign-in).")
    choices: list[ErasureChoice] = Field(
        description="`delete`: your threads, posts and messages are deleted. `keep`: they stay, shown as written "
        "by 'Removed member'."
    )

    @classmethod
    def from_plan(cls, plan: ErasurePlan) -> ErasurePlanOut:
        return cls(
            erasure_days=plan.days,
            completes_by=plan.completes_by,
            mfa_required=plan.mfa_required,
            choices=list(ErasureChoice),
        )


class ErasureIn(Schema):
    password: Text = Field(max_length=4096, description="Your password, to confirm.")
    choice: ErasureChoice
    mfa_code: Text = Field(default="", max_length=64, description="A two-factor or recovery code, if you use one.")


class ErasureOut(Schema):
    """The account is closed: this token and every session stop working now."""

    choice: ErasureChoice
    requested_at: datetime
    due_at: datetime = Field(description="Everything is erased by this time.")
    completed: bool = Field(description="True when the erasure is already done (HEARTH_ERASURE_DAYS is 0).")

    @classmethod
    def from_request(cls, request: ErasureRequest) -> ErasureOut:
        return cls(
            choice=ErasureChoice(request.choice),
            requested_at=request.requested_at,
            due_at=request.due_at,
            completed=request.completed_at is not None,
        )
