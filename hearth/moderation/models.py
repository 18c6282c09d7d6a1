from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from hearth.core.fields import EncryptedTextField


class QueueStatus(models.TextChoices):
    OPEN = "open", "Waiting"
    CLAIMED = "claimed", "Being handled"
    RESOLVED = "resolved", "Resolved"


class QueueItem(models.Model):
    """Something a moderator must look at, ordered by risk and then by how long it has waited."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="queue_items"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    screening = models.ForeignKey("safety.Screening", null=True, blank=True, on_delete=models.SET_NULL)
    kinds = models.JSONField(default=list, help_text="crisis, harassment, personal_details, misinformation…")
    risk_level = models.PositiveSmallIntegerField(default=0)
    held = models.BooleanField(default=False, help_text="The content is hidden from others until a decision.")
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=QueueStatus.choices, default=QueueStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text="The target time for a first response.")
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=30, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["status", "-risk_level", "created_at"], name="queue_order_idx"),
            # The queue page: items not yet resolved, riskiest first. Resolved items pile up for good; this index
            # holds only the few that are not, in the page's order.
            models.Index(
                fields=["-risk_level", "created_at"], condition=~models.Q(status="resolved"), name="queue_open_idx"
            ),
            models.Index(fields=["community", "status"]),
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["author", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"queue item {self.id} ({self.status})"


class ActionKind(models.TextChoices):
    APPROVE = "approve", "Approved"
    HOLD = "hold", "Held"
    HIDE = "hide", "Hidden"
    RESTORE = "restore", "Restored"
    ADD_WARNING = "add_warning", "Content warning added"
    REMOVE_WARNING = "remove_warning", "Content warning removed"
    CONFIRM_LABEL = "confirm_label", "Label confirmed"
    REMOVE_LABEL = "remove_label", "Label removed"
    CLAIM = "claim", "Claimed"
    UNCLAIM = "unclaim", "Released"
    VIEW_ANONYMOUS_AUTHOR = "view_anonymous_author", "Viewed an anonymous author"
    WARN = "warn", "Warned"
    MUTE = "mute", "Muted"
    SUSPEND = "suspend", "Suspended"
    BAN = "ban", "Banned"
    LIFT_SANCTION = "lift_sanction", "Sanction lifted"
    REACH_OUT = "reach_out", "Reached out privately"
    EDIT = "edit", "Edited with a note"
    HAND_OVER = "hand_over", "Support chat handed to a moderator"
    UPHOLD_APPEAL = "uphold_appeal", "Appeal: decision kept"
    OVERTURN_APPEAL = "overturn_appeal", "Appeal: decision changed"


class AuditLogEntry(models.Model):
    """Append-only record of every moderation action: who, what, on what, and why."""

    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30, choices=ActionKind.choices)
    # Encrypted at rest: it can hold a listener's note on a 1:1 chat, or a moderator's private message to a member.
    reason = EncryptedTextField(blank=True, default="")
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    queue_item = models.ForeignKey(QueueItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="log")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"]), models.Index(fields=["-created_at"])]
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"

    # Integrity guard, not business logic: a log that can be rewritten is not an audit log.
    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Audit log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit log entries cannot be deleted.")


class ReportReason(models.TextChoices):
    RISK = "risk", "Someone may be at risk"
    HARASSMENT = "harassment", "Bullying or harassment"
    PERSONAL_DETAILS = "personal_details", "Shares someone's personal details"
    MISINFORMATION = "misinformation", "Harmful health advice"
    SPAM = "spam", "Spam or advertising"
    OTHER = "other", "Something else"


class Report(models.Model):
    """A member's report of a post, a chat message or another member. The reporter is never shown to the person
    reported."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    post = models.ForeignKey("forums.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    message = models.ForeignKey("chat.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="reports_received"
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    # Encrypted at rest: a report can quote a 1:1 chat message, which is itself encrypted.
    details = EncryptedTextField(blank=True, default="", max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    queue_item = models.ForeignKey(QueueItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False)
                | models.Q(message__isnull=False)
                | models.Q(member__isnull=False),
                name="report_has_target",
            )
        ]
        indexes = [models.Index(fields=["reporter", "-created_at"])]

    def __str__(self) -> str:
        return f"report {self.id} ({self.reason})"


class SanctionKind(models.TextChoices):
    WARNING = "warning", "Warning"
    MUTE = "mute", "Muted in a community"
    SUSPENSION = "suspension", "Suspended from posting"
    BAN = "ban", "Banned"


class Sanction(models.Model):
    """A warning or a restriction on a member, with its reason; it can be appealed and lifted."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(max_length=12, choices=SanctionKind.choices)
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty for warnings and permanent bans.")
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "kind", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.member_id}"

    def is_active_at(self, moment: Any) -> bool:
        if self.lifted_at is not None or self.kind == SanctionKind.WARNING:
            return False
        return self.ends_at is None or self.ends_at > moment


class AppealStatus(models.TextChoices):
    OPEN = "open", "Waiting for a moderator"
    UPHELD = "upheld", "Decision kept"
    OVERTURNED = "overturned", "Decision changed"


class Appeal(models.Model):
    """A member asks for a moderation decision about them to be looked at again, by another moderator."""

    appellant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals")
    action = models.ForeignKey(AuditLogEntry, on_delete=models.PROTECT, related_name="appeals")
    # Encrypted at rest, as is the answer: both can quote a 1:1 chat message or a private message.
    statement = EncryptedTextField(max_length=2000)
    status = models.CharField(max_length=12, choices=AppealStatus.choices, default=AppealStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    response = EncryptedTextField(blank=True, default="")
    queue_item = models.ForeignKey(QueueItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appellant", "action"], condition=models.Q(status="open"), name="one_open_appeal_per_action"
            )
        ]

    def __str__(self) -> str:
        return f"appeal {self.id} ({self.status})"
