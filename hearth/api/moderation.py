"""Reports, blocks and mutes, appeals, and the moderators' queue."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status

from hearth.accounts.blocks import block_member, unblock_member
from hearth.api.auth import member_of
from hearth.api.schemas.accounts import MemberRefOut
from hearth.api.schemas.common import AUTH, UNSAFE, Text, errors
from hearth.api.schemas.moderation import (
    ActionIn,
    AppealIn,
    AppealOut,
    AuthorRevealIn,
    AuthorRevealOut,
    BlockIn,
    BlockOut,
    DecisionOut,
    QueueItemOut,
    ReportIn,
    ReportOut,
)
from hearth.core.errors import ApplicationError
from hearth.moderation.actions import ActionRequest, perform_action
from hearth.moderation.appeals import appeal_decision, appealable_decisions
from hearth.moderation.models import AuditLogEntry
from hearth.moderation.reports import report_member, report_message, report_post, shared_community
from hearth.moderation.reveal import reveal_anonymous_author
from hearth.moderation.selectors import access_queue_item, attach_posts, is_moderator_anywhere, open_queue
from hearth.permissions import (
    NOT_FOUND,
    access_member,
    access_message,
    access_post,
    access_room,
    check_staff_mfa,
)

router = Router()
THANKS = "Thank you for telling us. A moderator will look at it; the person you reported won't know it was you."


@router.post("/posts/{post_id}/reports", response={201: ReportOut, **errors(*UNSAFE, 404, 429)})
def report_a_post(request: HttpRequest, post_id: int, payload: ReportIn) -> Status[ReportOut]:
    user = member_of(request)
    report = report_post(user, access_post(user, post_id), reason=payload.reason.value, details=payload.details)
    return Status(201, ReportOut(id=report.id, message=THANKS))


@router.post("/chat/rooms/{room_id}/messages/{seq}/reports", response={201: ReportOut, **errors(*UNSAFE, 404, 429)})
def report_a_chat_message(request: HttpRequest, room_id: int, seq: int, payload: ReportIn) -> Status[ReportOut]:
    """Report a chat message to the moderators (those of the community; the global ones for a 1:1 chat)."""
    user = member_of(request)
    message = access_message(user, access_room(user, room_id), seq)
    report = report_message(user, message, reason=payload.reason.value, details=payload.details)
    return Status(201, ReportOut(id=report.id, message=THANKS))


@router.post("/members/{pseudonym}/reports", response={201: ReportOut, **errors(*UNSAFE, 404, 429)})
def report_a_member(request: HttpRequest, pseudonym: Text, payload: ReportIn) -> Status[ReportOut]:
    user = member_of(request)
    member = access_member(pseudonym)
    community = shared_community(user, member)
    report = report_member(user, member, community=community, reason=payload.reason.value, details=payload.details)
    return Status(201, ReportOut(id=report.id, message=THANKS))


@router.put("/members/{pseudonym}/block", response={200: BlockOut, **errors(*UNSAFE, 404, 409)})
def block(request: HttpRequest, pseudonym: Text, payload: BlockIn) -> BlockOut:
    """Mute or block a member. They are not told."""
    user = member_of(request)
    member = access_member(pseudonym)
    result = block_member(user, member, kind=payload.kind.value)
    return BlockOut(pseudonym=member.username, kind=result.kind)


@router.delete("/members/{pseudonym}/block", response={204: None, **errors(*UNSAFE, 404, 409)})
def unblock(request: HttpRequest, pseudonym: Text) -> Status[None]:
    user = member_of(request)
    unblock_member(user, access_member(pseudonym))
    return Status(204, None)


@router.get("/me/decisions", response={200: list[DecisionOut], **errors(*AUTH)})
def my_decisions(request: HttpRequest) -> list[DecisionOut]:
    """Moderation decisions about you, each with the state of your appeal if you made one."""
    return [DecisionOut.from_entry(e) for e in appealable_decisions(member_of(request))]


@router.post("/me/decisions/{decision_id}/appeal", response={201: AppealOut, **errors(*UNSAFE, 404, 409)})
def appeal(request: HttpRequest, decision_id: int, payload: AppealIn) -> Status[AppealOut]:
    user = member_of(request)
    entry = AuditLogEntry.objects.filter(id=decision_id, subject=user).first()
    if entry is None:
        raise Http404(NOT_FOUND)
    result = appeal_decision(user, entry, statement=payload.statement)
    return Status(201, AppealOut(id=result.id, status=result.status))


@router.post("/posts/{post_id}/author-reveals", response={200: AuthorRevealOut, **errors(*UNSAFE, 404)})
def reveal_author(request: HttpRequest, post_id: int, payload: AuthorRevealIn) -> AuthorRevealOut:
    """Who wrote an anonymous post (its community's moderators, global moderators and admins only). Each call is
    written to the audit log, with your reason. A thread's author is its opening post's author."""
    user = member_of(request)
    author = reveal_anonymous_author(user, access_post(user, post_id), reason=payload.reason)
    return AuthorRevealOut(post_id=post_id, author=MemberRefOut.from_user(author), logged=True)


@router.get("/moderation/queue", response={200: list[QueueItemOut], **errors(*AUTH, 403)})
def queue(request: HttpRequest) -> list[QueueItemOut]:
    """Open items, riskiest first then the longest waiting (moderators only)."""
    user = member_of(request)
    if not is_moderator_anywhere(user):
        check_staff_mfa(user)
        raise PermissionDenied("The moderation queue is for moderators.")
    now = timezone.now()
    return [QueueItemOut.from_item(item, now=now) for item in open_queue(user)]


@router.post("/moderation/items/{item_id}/actions", response={200: QueueItemOut, **errors(*UNSAFE, 404, 409)})
def act(request: HttpRequest, item_id: int, payload: ActionIn) -> QueueItemOut:
    """Act on a queue item. Every action except claim/unclaim needs a reason, which the member sees. A reason,
    message or edited text that carries anyone's contact or identity details (phone, email, address, handle,
    profile link, card, bank, ID or IP details) is refused with 400 and code `personal_details`."""
    user = member_of(request)
    item = access_queue_item(user, item_id)
    if item is None:
        raise Http404(NOT_FOUND)
    if payload.action.value == "sanction" and not payload.sanction:
        raise ApplicationError("Say which sanction: warning, mute, suspension or ban.", code="sanction_required")
    perform_action(
        user,
        item,
        ActionRequest(
            action=payload.action.value,
            reason=payload.reason,
            topics=payload.topics,
            label=payload.label,
            message=payload.message,
            sanction=payload.sanction,
            days=payload.days,
            body=payload.body,
        ),
    )
    item.refresh_from_db()
    attach_posts([item])
    return QueueItemOut.from_item(item, now=timezone.now())
