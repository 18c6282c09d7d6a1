"""On call: urgent queue items reach a person, and nothing waits silently.

- `alert_on_call(item)`: a high- or imminent-risk item alerts the primary on-duty moderators (in-app, and by
  email after commit), or the backups when no primary is on duty. With nobody on duty at all, the content is
  held, its author is sent help at once, and every moderator of the community is alerted.
- `escalate_overdue(now)`: alerts nobody acknowledged within `HEARTH_ONCALL_ACK_MINUTES` go to the backup on
  call, then to every moderator. Each escalation is claimed with one UPDATE, so two sweeps never send twice.
- `acknowledge_alert`: "I'm on it". It acknowledges every alert of the item and claims the item.

Notifications and emails are written in Hearth's words: never the post's text, nor its author's pseudonym.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import User
from hearth.chat.models import Message
from hearth.communities.models import Community
from hearth.core.errors import ApplicationError, ConflictError
from hearth.forums.models import ContentStatus, Post
from hearth.moderation.models import ActionKind, AuditLogEntry, QueueItem, QueueStatus
from hearth.moderation.selectors import is_moderator_anywhere
from hearth.notifications.services import notify
from hearth.oncall.models import Alert, AlertTier, Shift, ShiftRole
from hearth.oncall.selectors import fallback_moderators, on_duty_moderators
from hearth.permissions import AnyUser, check_staff_mfa, is_moderator
from hearth.safety.analyzers.base import RiskLevel

logger = logging.getLogger(__name__)

# The audit-log action for content held because nobody was on duty. Written as a plain value until
# The entry's details say who held it and why.
AUTO_HOLD_ACTION = ActionKind.HOLD


# --- Duty ---------------------------------------------------------------------------------------------


def check_on_call_permission(user: AnyUser, community: Community | None) -> None:
    """Only moderators can be on call: for one community they moderate, or for all of theirs."""
    if community is not None and not is_moderator(user, community):
        check_staff_mfa(user, community)
        raise PermissionDenied("Only this community's moderators can be on call for it.")
    if community is None and not is_moderator_anywhere(user):
        check_staff_mfa(user)
        raise PermissionDenied("On call is for moderators.")


@transaction.atomic
def go_on_duty(
    moderator: User, *, role: str = ShiftRole.PRIMARY, community: Community | None = None, hours: int
) -> Shift:
    """Start a shift now, replacing any current one. It ends by itself after `hours`."""
    check_on_call_permission(moderator, community)
    if role not in ShiftRole.values:
        raise ApplicationError("Choose primary or backup.", code="unknown_role")
    max_hours = settings.HEARTH_ONCALL_MAX_SHIFT_HOURS
    if not 1 <= hours <= max_hours:
        raise ApplicationError(f"A shift lasts from 1 to {max_hours} hours.", code="shift_length")
    now = timezone.now()
    _end_shifts(moderator, now)
    return Shift.objects.create(
        moderator=moderator,
        community=community,
        role=role,
        starts_at=now,
        ends_at=now + timedelta(hours=hours),
        created_at=now,
    )


@transaction.atomic
def go_off_duty(moderator: User) -> int:
    """End the moderator's current shifts (and any they had scheduled). Returns how many were changed."""
    return _end_shifts(moderator, timezone.now())


def _end_shifts(moderator: User, now: datetime) -> int:
    ended = Shift.objects.filter(moderator=moderator, starts_at__lte=now, ends_at__gt=now).update(ends_at=now)
    # Shifts that start later would otherwise put someone who just went off duty back on it unasked.
    scheduled, _ = Shift.objects.filter(moderator=moderator, starts_at__gt=now).delete()
    return ended + scheduled


# --- Alerts -------------------------------------------------------------------------------------------


def alert_on_call(item: QueueItem, *, content: Post | Message | None = None) -> list[Alert]:
    """Bring a new high- or imminent-risk item to a person. Runs inside the caller's transaction.

    `content` is the item's post or message when the caller has it, so the caller's copy sees any status change.
    """
    if item.risk_level < RiskLevel.HIGH or Alert.objects.filter(item=item).exists():
        return []  # not urgent, or already brought to someone (escalate_overdue takes it from there)
    now = timezone.now()
    community = item.community
    primaries = on_duty_moderators(community, role=ShiftRole.PRIMARY, at=now)
    if primaries:
        return _send_alerts(item, primaries, tier=AlertTier.PRIMARY, now=now)
    backups = on_duty_moderators(community, role=ShiftRole.BACKUP, at=now)
    if backups:
        # No primary on duty: straight to the backup, rather than waiting for nobody to acknowledge.
        return _send_alerts(item, backups, tier=AlertTier.BACKUP, now=now)
    _hold(item, content)
    _send_help_to_author(item)
    return _send_alerts(item, fallback_moderators(community), tier=AlertTier.FALLBACK, now=now)


def _hold(item: QueueItem, content: Post | Message | None) -> None:
    """Nobody is on duty to watch published content at risk, so hide it from others until a moderator looks."""
    # Imported here: moderation.services calls alert_on_call, so a top-level import would be circular.
    from hearth.moderation.services import content_of, set_content_status  # noqa: PLC0415

    if content is None:
        try:
            content = content_of(item)
        except (ApplicationError, ObjectDoesNotExist):
            return  # a report about a member, not about something they wrote
    if content.status == ContentStatus.PUBLISHED and content.deleted_at is None:
        set_content_status(content, ContentStatus.HELD)
        if isinstance(content, Post) and content.is_opening:
            content.thread.status = ContentStatus.HELD
        AuditLogEntry.objects.create(
            actor=None,
            action=AUTO_HOLD_ACTION,
            reason="Urgent risk and no moderator on duty: held until a moderator reviews it.",
            content_type=item.content_type,
            object_id=item.object_id,
            subject_id=item.author_id,
            queue_item=item,
            details={"by": "on-call", "no_one_on_duty": True},
        )
    if not item.held:
        QueueItem.objects.filter(id=item.id).update(held=True)
        item.held = True


def _send_help_to_author(item: QueueItem) -> None:
    notify(
        item.author,
        kind="crisis_help",
        title="You're not alone. Help is here if you need it",
        body=(
            "Thank you for sharing what you're going through. Your post is safe with us: only you can see it "
            "until one of our moderators has read it, and they will as soon as they can. If things feel too "
            "much right now, or you might act on these feelings, please reach out to one of these free, "
            "confidential lines. They're there for you at any hour, and calling is always okay."
        ),
        url=reverse("safety:get-help"),
    )


def _send_alerts(item: QueueItem, recipients: Sequence[User], *, tier: str, now: datetime) -> list[Alert]:
    alerts = [Alert.objects.create(item=item, recipient=r, tier=tier, sent_at=now) for r in recipients]
    if not alerts:
        logger.error("On call: nobody at all to alert for queue item %s", item.id)
        return alerts
    risk = RiskLevel(item.risk_level).label
    where = f" in {item.community.name}" if item.community is not None else ""
    title, body = {
        AlertTier.PRIMARY: (
            f"Urgent: {risk} risk{where}",
            "You're on call: an urgent item is waiting in the moderation queue. Open it, and acknowledge it "
            "on your on-call page so nobody else needs to be woken.",
        ),
        AlertTier.BACKUP: (
            f"Backup on call: {risk} risk{where}",
            "An urgent item is waiting in the moderation queue and nobody on duty has acknowledged it. "
            "Please open it, and acknowledge it on your on-call page.",
        ),
        AlertTier.FALLBACK: (
            f"Nobody on call: {risk} risk{where}",
            "An urgent item is waiting in the moderation queue and no one on call has picked it up. "
            "If you can, please open it and acknowledge it on your on-call page.",
        ),
    }[AlertTier(tier)]
    url = reverse("moderation:item", args=[item.id])
    for alert in alerts:
        notify(alert.recipient, kind=f"oncall_{tier}", title=title, body=body, url=url)
    emails = [r.email for r in recipients if r.email]
    if emails:
        transaction.on_commit(lambda: _email_alert(emails, item_id=item.id, risk=risk))
    return alerts


def _email_alert(emails: list[str], *, item_id: int, risk: str) -> None:
    """One email per recipient. Only a link and the urgency: an email can be read on a lock screen or a
    shared account, so it names no community, no member and no words of the post."""
    base = settings.HEARTH_SITE_URL.rstrip("/")
    item_url = base + reverse("moderation:item", args=[item_id])
    oncall_url = base + reverse("oncall:index")
    message = (
        f"An urgent item ({risk} risk) is waiting in the moderation queue:\n{item_url}\n\n"
        f"Please acknowledge it on your on-call page, so it isn't passed on to someone else:\n{oncall_url}\n\n"
        "This email is from Hearth's on-call rota. You receive it while you are on call, or when nobody is."
    )
    for address in emails:
        try:
            send_mail("Hearth: an urgent item is waiting", message, None, [address])
        except Exception:
            # The in-app alert is already saved; a mail server that is down must not undo it or the post.
            logger.exception("On call: could not email an alert for queue item %s", item_id)


# --- Acknowledging and escalating ------------------------------------------------------------------------


@transaction.atomic
def acknowledge_alert(moderator: User, alert: Alert) -> Alert:
    """Acknowledge an alert: every alert of its item stops escalating, and the item is claimed for the
    moderator when it is still open, so the queue shows who is handling it."""
    item = alert.item
    if alert.recipient_id != moderator.id:
        raise PermissionDenied("This alert was sent to someone else.")
    if item.community is not None and not is_moderator(moderator, item.community):
        check_staff_mfa(moderator, item.community)
        raise PermissionDenied("Only this community's moderators can act on this.")
    if item.community is None and not is_moderator_anywhere(moderator):
        check_staff_mfa(moderator)
        raise PermissionDenied("On call is for moderators.")
    if alert.acknowledged_at is not None:
        raise ConflictError("This alert is already acknowledged.", code="already_acknowledged")
    now = timezone.now()
    Alert.objects.filter(item_id=item.id, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=moderator
    )
    if item.status == QueueStatus.OPEN and item.community is not None:
        from hearth.moderation.services import claim_item  # noqa: PLC0415 (circular: see _hold)

        # Claimed by someone else a moment ago: it is being handled either way.
        with contextlib.suppress(ConflictError):
            claim_item(moderator, item)
    alert.acknowledged_at, alert.acknowledged_by = now, moderator
    return alert


def escalate_overdue(now: datetime | None = None) -> int:
    """Pass on every alert nobody acknowledged in time: on-duty alerts to the backup on call (or, with no
    backup, to every moderator), backup alerts to every moderator. Returns how many items were escalated.

    Safe to run from several processes at once: each item's escalation is claimed by one UPDATE.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.HEARTH_ONCALL_ACK_MINUTES)
    due = (
        Alert.objects.filter(
            tier__in=[AlertTier.PRIMARY, AlertTier.BACKUP],
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            sent_at__lte=cutoff,
            item__status=QueueStatus.OPEN,
        )
        .values_list("item_id", "tier")
        .distinct()
        .order_by("item_id", "tier")
    )
    escalated = 0
    for item_id, tier in list(due):
        if _escalate(item_id, tier, now):
            escalated += 1
    return escalated


@transaction.atomic
def _escalate(item_id: int, tier: str, now: datetime) -> bool:
    claimed = Alert.objects.filter(
        item_id=item_id, tier=tier, acknowledged_at__isnull=True, escalated_at__isnull=True
    ).update(escalated_at=now)
    if not claimed:
        return False  # acknowledged meanwhile, or another sweep got here first
    item = QueueItem.objects.select_related("community", "author").get(id=item_id)
    already = set(Alert.objects.filter(item=item).values_list("recipient_id", flat=True))
    if tier == AlertTier.PRIMARY:
        backups = [m for m in on_duty_moderators(item.community, role=ShiftRole.BACKUP, at=now) if m.id not in already]
        if backups:
            _send_alerts(item, backups, tier=AlertTier.BACKUP, now=now)
            return True
    fallback_alerted = set(
        Alert.objects.filter(item=item, tier=AlertTier.FALLBACK).values_list("recipient_id", flat=True)
    )
    everyone = [m for m in fallback_moderators(item.community) if m.id not in fallback_alerted]
    _send_alerts(item, everyone, tier=AlertTier.FALLBACK, now=now)
    return True
