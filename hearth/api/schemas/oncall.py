"""On call: a moderator's duty and the urgent alerts sent to them. Alerts never carry a post's text or author."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from ninja import Field, Schema

from hearth.api.schemas.accounts import CommunityRefOut
from hearth.api.schemas.common import Text
from hearth.oncall.models import Alert, AlertTier, Shift, ShiftRole
from hearth.safety.analyzers.base import RiskLevel


class DutyIn(Schema):
    on_duty: bool = Field(description="true to start a shift now (replacing any current one); false to go off duty.")
    role: ShiftRole = ShiftRole.PRIMARY
    community: Text | None = Field(
        default=None, description="A community's slug; null for every community you moderate."
    )
    hours: int = Field(default=8, description="How long the shift lasts; it ends by itself.")


class DutyOut(Schema):
    on_duty: bool
    role: ShiftRole | None
    community: CommunityRefOut | None = Field(description="Null: every community you moderate.")
    starts_at: datetime | None
    ends_at: datetime | None

    @classmethod
    def from_shift(cls, shift: Shift | None) -> DutyOut:
        if shift is None:
            return cls(on_duty=False, role=None, community=None, starts_at=None, ends_at=None)
        return cls(
            on_duty=True,
            role=ShiftRole(shift.role),
            community=CommunityRefOut.from_community(shift.community) if shift.community else None,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
        )


class AlertOut(Schema):
    id: int
    item_id: int = Field(description="The moderation queue item.")
    item_url: str = Field(description="The item's page in the moderation queue.")
    community: CommunityRefOut | None
    risk_level: str = Field(description="high or imminent")
    tier: AlertTier
    held: bool = Field(description="Whether the content is hidden from other members until a decision.")
    sent_at: datetime
    acknowledged_at: datetime | None

    @classmethod
    def from_alert(cls, alert: Alert) -> AlertOut:
        item = alert.item
        return cls(
            id=alert.id,
            item_id=item.id,
            item_url=reverse("moderation:item", args=[item.id]),
            community=CommunityRefOut.from_community(item.community) if item.community else None,
            risk_level=RiskLevel(item.risk_level).label,
            tier=AlertTier(alert.tier),
            held=item.held,
            sent_at=alert.sent_at,
            acknowledged_at=alert.acknowledged_at,
        )
