"""Members report posts, chat messages and people; each report reaches a moderator through the queue."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from hearth.accounts.models import User
from hearth.chat.models import Message
from hearth.communities.models import Community
from hearth.core.errors import ApplicationError
from hearth.forums.models import Post
from hearth.lib.ratelimit import check_rate_limit
from hearth.moderation.models import QueueItem, QueueStatus, Report, ReportReason
from hearth.oncall.services import alert_on_call
from hearth.permissions import memberships_of
from hearth.safety.analyzers.base import RiskLevel
from hearth.safety.models import ContentKind
from hearth.safety.policy import ALL_NUDGES, Decision
from hearth.safety.services import record_screening, screen_text

# How soon a moderator should look, by what the reporter says.
REPORT_RESPONSE_MINUTES = {ReportReason.RISK: 15, ReportReason.HARASSMENT: 60, ReportReason.PERSONAL_DETAILS: 60}
DEFAULT_RESPONSE_MINUTES = 240
REPORT_RISK = {ReportReason.RISK: RiskLevel.HIGH}


def _screen_report_details(reporter: User, details: str, community: Community | None) -> Decision | None:
    """Report text is read by moderators only: it is never nudged or held, but it is screened, so a reporter
    who is struggling themselves is offered help too."""
    if not details:
        return None
    screened = screen_text(details, community=community, acknowledged=ALL_NUDGES)
    record_screening(screened, author=reporter, kind=ContentKind.REPORT, community=community, content=None)
    return screened.decision


def _clean(reason: str, details: str) -> str:
    if reason not in ReportReason.values:
        raise ApplicationError("Choose what is wrong.", code="unknown_reason")
    details = details.strip()
    if len(details) > 1000:
        raise ApplicationError("Keep the details under 1,000 characters.", code="details_too_long")
    return details


def _enqueue_report(
    report: Report, *, content: models.Model, author: User, community: Community | None, kind: str
) -> QueueItem:
    """Add the report to the open item for the same content, or open one; a risk report raises its urgency."""
    now = timezone.now()
    minutes = REPORT_RESPONSE_MINUTES.get(ReportReason(report.reason), DEFAULT_RESPONSE_MINUTES)
    risk = int(REPORT_RISK.get(ReportReason(report.reason), RiskLevel.NONE))
    reason_text = f"Reported: {report.get_reason_display()}."
    content_type = ContentType.objects.get_for_model(content)
    item = (
        QueueItem.objects.select_for_update()
        .filter(content_type=content_type, object_id=content.pk)
        .exclude(status=QueueStatus.RESOLVED)
        .first()
    )
    if item is None:
        item = QueueItem.objects.create(
            content_type=content_type,
            object_id=content.pk,
            community=community,
            author=author,
            kinds=[kind],
            risk_level=risk,
            reasons=[reason_text],
            created_at=now,
            due_at=now + timedelta(minutes=minutes),
        )
    else:
        item.kinds = list(dict.fromkeys([*item.kinds, kind]))
        item.reasons = list(dict.fromkeys([*item.reasons, reason_text]))
        item.risk_level = max(item.risk_level, risk)
        item.due_at = min(item.due_at, now + timedelta(minutes=minutes))
        item.save(update_fields=["kinds", "reasons", "risk_level", "due_at"])
    report.queue_item = item
    report.save(update_fields=["queue_item"])
    return item


@transaction.atomic
def report_post(reporter: User, post: Post, *, reason: str, details: str = "") -> Report:
    own = ApplicationError("You can't report your own post. You can edit or delete it.", code="own_post")
    return _report_content(reporter, post, reason=reason, details=details, own=own)


@transaction.atomic
def report_message(reporter: User, message: Message, *, reason: str, details: str = "") -> Report:
    """A chat message goes to its community's moderators; one in a 1:1 chat goes to the global moderators, who
    then see that message (and only it) in the queue."""
    own = ApplicationError("You can't report your own message. You can delete it.", code="own_message")
    return _report_content(reporter, message, reason=reason, details=details, own=own)


def _report_content(
    reporter: User, content: Post | Message, *, reason: str, details: str, own: ApplicationError
) -> Report:
    details = _clean(reason, details)
    if content.author_id == reporter.id:
        raise own
    check_rate_limit("report", key=str(reporter.id))
    community = content.thread.community if isinstance(content, Post) else content.room.community
    decision = _screen_report_details(reporter, details, community)
    target: dict[str, Post | Message] = {"post" if isinstance(content, Post) else "message": content}
    report = Report.objects.create(reporter=reporter, reason=reason, details=details, **target)
    item = _enqueue_report(report, content=content, author=content.author, community=community, kind="report")
    if item.risk_level >= RiskLevel.HIGH:
        alert_on_call(item, content=content)  # someone may be at risk: a person must see it now
    report.decision = decision  # type: ignore[attr-defined]
    return report


def shared_community(reporter: User, member: User) -> Community | None:
    """Where a report of a person goes: a community both belong to (the oldest), else the global moderators."""
    own = memberships_of(reporter)
    shared = set(own) & set(member.memberships.values_list("community_id", flat=True))
    return own[min(shared)].community if shared else None


@transaction.atomic
def report_member(
    reporter: User, member: User, *, community: Community | None, reason: str, details: str = ""
) -> Report:
    """`community` routes the report to its moderators; None sends it to the global moderators."""
    details = _clean(reason, details)
    if member.id == reporter.id:
        raise ApplicationError("You can't report yourself.", code="self_report")
    check_rate_limit("report", key=str(reporter.id))
    decision = _screen_report_details(reporter, details, community)
    report = Report.objects.create(reporter=reporter, member=member, reason=reason, details=details)
    _enqueue_report(report, content=member, author=member, community=community, kind="report_member")
    report.decision = decision  # type: ignore[attr-defined]
    return report
