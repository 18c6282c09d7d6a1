"""Appeals: a member asks for a decision about them to be looked at again, preferably by another moderator."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.accounts.models import User
from hearth.core.errors import ApplicationError, ConflictError
from hearth.forums.models import ContentStatus
from hearth.moderation.models import (
    ActionKind,
    Appeal,
    AppealStatus,
    AuditLogEntry,
    QueueItem,
    Sanction,
)
from hearth.moderation.services import (
    check_moderate_item_permission,
    clean_reason,
    content_for,
    log_action,
    set_content_status,
)
from hearth.notifications.services import notify
from hearth.safety.models import ContentKind
from hearth.safety.policy import ALL_NUDGES
from hearth.safety.services import record_screening, screen_text

APPEALABLE = (ActionKind.HIDE, ActionKind.WARN, ActionKind.MUTE, ActionKind.SUSPEND, ActionKind.EDIT)
APPEAL_RESPONSE = timedelta(hours=24)


def appealable_decisions(member: User) -> list[AuditLogEntry]:
    return list(
        AuditLogEntry.objects.filter(subject=member, action__in=APPEALABLE)
        .prefetch_related("appeals")
        .order_by("-created_at")[:50]
    )


@transaction.atomic
def appeal_decision(appellant: User, entry: AuditLogEntry, *, statement: str) -> Appeal:
    if entry.subject_id != appellant.id or entry.action not in APPEALABLE:
        raise PermissionDenied("You can only appeal decisions about you.")
    statement = statement.strip()
    if not statement:
        raise ApplicationError("Tell the moderators why you think the decision should change.", code="empty")
    if len(statement) > 2000:
        raise ApplicationError("Keep your appeal under 2,000 characters.", code="too_long")
    # Read by moderators only: screened (so someone struggling is offered help) but never nudged or held.
    screened = screen_text(statement, acknowledged=ALL_NUDGES)
    record_screening(screened, author=appellant, kind=ContentKind.APPEAL, community=None, content=None)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(appellant=appellant, action=entry, statement=statement)
    except IntegrityError as exc:
        raise ConflictError("You've already appealed this decision.", code="already_appealed") from exc
    community = entry.queue_item.community if entry.queue_item else None
    now = timezone.now()
    target_type = entry.content_type or ContentType.objects.get_for_model(User)
    target_id = entry.object_id or appellant.id
    appeal.queue_item = QueueItem.objects.create(
        content_type=target_type,
        object_id=target_id,
        community=community,
        author=appellant,
        kinds=["appeal"],
        reasons=[f"Appeal against: {entry.get_action_display()}."],
        created_at=now,
        due_at=now + APPEAL_RESPONSE,
    )
    appeal.save(update_fields=["queue_item"])
    appeal.decision = screened.decision  # type: ignore[attr-defined]
    return appeal


@transaction.atomic
def decide_appeal(moderator: User, appeal: Appeal, *, overturn: bool, response: str) -> Appeal:
    """Keep or change the decision. Whoever made it may not judge the appeal, unless they are an admin."""
    response = clean_reason(response)
    if appeal.queue_item is not None:
        check_moderate_item_permission(moderator, appeal.queue_item)
    if appeal.status != AppealStatus.OPEN:
        raise ConflictError("This appeal was already decided.", code="already_decided")
    if appeal.action.actor_id == moderator.id and not moderator.is_admin:
        raise PermissionDenied("Another moderator should look at an appeal against your own decision.")
    entry = appeal.action
    if overturn:
        _undo(entry)
    appeal.status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    appeal.decided_by, appeal.decided_at, appeal.response = moderator, timezone.now(), response
    appeal.save(update_fields=["status", "decided_by", "decided_at", "response"])
    if appeal.queue_item is not None:
        QueueItem.objects.filter(id=appeal.queue_item.id).update(
            status="resolved", resolved_by=moderator, resolved_at=timezone.now(), resolution=appeal.status
        )
    log_action(
        moderator,
        ActionKind.OVERTURN_APPEAL if overturn else ActionKind.UPHOLD_APPEAL,
        reason=response,
        subject=appeal.appellant,
        item=appeal.queue_item,
        details={"appeal_id": appeal.id, "action_id": entry.id},
    )
    notify(
        appeal.appellant,
        kind="appeal_decided",
        title="Your appeal has been decided: " + ("the decision was changed" if overturn else "the decision stands"),
        body=f"The moderator's reply: {response}",
    )
    return appeal


def _undo(entry: AuditLogEntry) -> None:
    if entry.action == ActionKind.HIDE and entry.object_id is not None:
        try:
            content = content_for(entry.content_type_id, entry.object_id)
        except (ApplicationError, ObjectDoesNotExist):
            content = None
        if content is not None and content.status == ContentStatus.HIDDEN:
            content.moderator_note = ""
            content.save(update_fields=["moderator_note"])
            set_content_status(content, ContentStatus.PUBLISHED)
    sanction_id = entry.details.get("sanction_id") if isinstance(entry.details, dict) else None
    if sanction_id:
        Sanction.objects.filter(id=sanction_id, lifted_at__isnull=True).update(lifted_at=timezone.now())
