"""Schemas for reports, blocks, appeals and the moderators' queue."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ninja import Field, Schema

from hearth.api.schemas.accounts import MemberRefOut
from hearth.api.schemas.common import Text
from hearth.moderation.models import AuditLogEntry, QueueItem


class ReportReasonIn(StrEnum):
    RISK = "risk"
    HARASSMENT = "harassment"
    PERSONAL_DETAILS = "personal_details"
    MISINFORMATION = "misinformation"
    SPAM = "spam"
    OTHER = "other"


class ReportIn(Schema):
    reason: ReportReasonIn
    details: Text = Field(default="", max_length=5000, description="Only moderators read it; up to 1,000 characters.")


class ReportOut(Schema):
    id: int
    message: str


class BlockKindIn(StrEnum):
    MUTE = "mute"
    BLOCK = "block"


class BlockIn(Schema):
    kind: BlockKindIn = Field(description="mute: hide their posts from you. block: also stop their replies to you.")


class BlockOut(Schema):
    pseudonym: str
    kind: str


class DecisionOut(Schema):
    id: int
    action: str
    reason: str
    created_at: datetime
    appeal_status: str | None

    @classmethod
    def from_entry(cls, entry: AuditLogEntry) -> DecisionOut:
        appeal = next(iter(entry.appeals.all()), None)
        return cls(
            id=entry.id,
            action=entry.action,
            reason=entry.reason,
            created_at=entry.created_at,
            appeal_status=appeal.status if appeal else None,
        )


class AppealIn(Schema):
    statement: Text = Field(max_length=10_000, description="Up to 2,000 characters.")


class AppealOut(Schema):
    id: int
    status: str


class QueueItemOut(Schema):
    id: int
    kinds: list[str]
    risk_level: int
    held: bool
    status: str
    reasons: list[str]
    community: str | None
    author: str | None = Field(
        description="The member concerned; null when the item is about an anonymous post. To see who wrote it, "
        "POST /posts/{post_id}/author-reveals (each look is logged)."
    )
    post_id: int | None
    created_at: datetime
    due_at: datetime
    overdue: bool
    claimed_by: str | None

    @classmethod
    def from_item(cls, item: QueueItem, *, now: datetime) -> QueueItemOut:
        post = getattr(item, "post", None)
        return cls(
            id=item.id,
            kinds=item.kinds,
            risk_level=item.risk_level,
            held=item.held,
            status=item.status,
            reasons=item.reasons,
            community=item.community.slug if item.community else None,
            author=None if post is not None and post.is_anonymous else item.author.username,
            post_id=post.id if post else None,
            created_at=item.created_at,
            due_at=item.due_at,
            overdue=item.due_at < now,
            claimed_by=item.claimed_by.username if item.claimed_by else None,
        )


class AuthorRevealIn(Schema):
    reason: Text = Field(default="", max_length=5000, description="Why you need to know; kept in the audit log.")


class AuthorRevealOut(Schema):
    post_id: int
    author: MemberRefOut
    logged: bool = Field(description="Always true: every look at an anonymous author is in the audit log.")


class ActionName(StrEnum):
    CLAIM = "claim"
    UNCLAIM = "unclaim"
    APPROVE = "approve"
    HIDE = "hide"
    WARNINGS = "warnings"
    KEEP_LABEL = "keep_label"
    REMOVE_LABEL = "remove_label"
    REACH_OUT = "reach_out"
    SANCTION = "sanction"
    UPHOLD = "uphold"
    OVERTURN = "overturn"
    EDIT = "edit"


class ActionIn(Schema):
    action: ActionName
    reason: Text = Field(default="", max_length=5000, description="Required for every action but claim/unclaim.")
    topics: list[str] = Field(default_factory=list, max_length=12, description="For `warnings`.")
    label: Text = Field(default="", max_length=40, description="For `keep_label` and `remove_label`.")
    message: Text = Field(default="", max_length=5000, description="For `reach_out`.")
    sanction: Text = Field(default="", max_length=20, description="For `sanction`: warning, mute, suspension, ban.")
    days: int | None = Field(default=None, ge=1, le=365, description="For mutes and suspensions.")
    body: Text = Field(default="", max_length=100_000, description="For `edit`: the post's new text.")
