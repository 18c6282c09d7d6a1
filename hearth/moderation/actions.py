"""One entry point for every moderator action on a queue item, shared by the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from hearth.accounts.models import User
from hearth.core.errors import ApplicationError
from hearth.moderation.appeals import decide_appeal
from hearth.moderation.models import Appeal, QueueItem
from hearth.moderation.sanctions import sanction_member
from hearth.moderation.services import (
    approve_item,
    claim_item,
    edit_as_moderator,
    hide_item,
    reach_out,
    review_label,
    set_content_warnings,
    unclaim_item,
)

ACTIONS = (
    "claim", "unclaim", "approve", "hide", "warnings", "keep_label", "remove_label", "reach_out", "sanction",
    "uphold", "overturn", "edit",
)  # fmt: skip


@dataclass(frozen=True)
class ActionRequest:
    action: str
    reason: str = ""
    topics: list[str] = field(default_factory=list)
    label: str = ""
    message: str = ""
    sanction: str = ""
    days: int | None = None
    body: str = ""


def perform_action(moderator: User, item: QueueItem, request: ActionRequest) -> None:
    action, reason = request.action, request.reason
    if action == "claim":
        claim_item(moderator, item)
    elif action == "unclaim":
        unclaim_item(moderator, item)
    elif action == "approve":
        approve_item(moderator, item, reason=reason)
    elif action == "hide":
        hide_item(moderator, item, reason=reason)
    elif action == "warnings":
        set_content_warnings(moderator, item, topics=request.topics, reason=reason)
    elif action in ("keep_label", "remove_label"):
        review_label(moderator, item, kind=request.label, keep=action == "keep_label", reason=reason)
    elif action == "edit":
        edit_as_moderator(moderator, item, body=request.body, reason=reason)
    elif action == "reach_out":
        reach_out(moderator, item, message=request.message)
    elif action == "sanction":
        sanction_member(
            moderator,
            item.author,
            kind=request.sanction,
            reason=reason,
            community=item.community,
            days=request.days,
            item=item,
        )
    elif action in ("uphold", "overturn"):
        appeal = Appeal.objects.select_related("action", "appellant").filter(queue_item=item).first()
        if appeal is None:
            raise ApplicationError("There's no appeal on this item.", code="no_appeal")
        decide_appeal(moderator, appeal, overturn=action == "overturn", response=reason)
    else:
        raise ApplicationError("Choose an action.", code="unknown_action")
