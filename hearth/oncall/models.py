from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ShiftRole(models.TextChoices):
    PRIMARY = "primary", "Primary"
    BACKUP = "backup", "Backup"


class Shift(models.Model):
    """A moderator on call from `starts_at` until `ends_at`, for one community or for all they moderate.

    Every shift ends: someone who forgets to go off duty must not keep "covering" while asleep, which would
    stop Hearth from holding urgent posts and helping their authors when nobody is really there.
    """

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oncall_shifts")
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="oncall_shifts",
        help_text="Empty: every community this moderator moderates.",
    )
    role = models.CharField(max_length=10, choices=ShiftRole.choices, default=ShiftRole.PRIMARY)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Who is on duty now, by role (alerts and escalations).
            models.Index(fields=["role", "ends_at"], name="oncall_shift_role_idx"),
            # A moderator's current shift (the on-call page, going off duty).
            models.Index(fields=["moderator", "ends_at"], name="oncall_shift_mod_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="oncall_shift_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.role} shift of {self.moderator_id} until {self.ends_at:%Y-%m-%d %H:%M}"


class AlertTier(models.TextChoices):
    PRIMARY = "primary", "On duty"
    BACKUP = "backup", "Backup"
    FALLBACK = "fallback", "Every moderator"


class Alert(models.Model):
    """One urgent queue item brought to one moderator's attention. Acknowledging any alert of an item
    acknowledges them all; alerts left unacknowledged are escalated once (`escalated_at`)."""

    item = models.ForeignKey("moderation.QueueItem", on_delete=models.CASCADE, related_name="oncall_alerts")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oncall_alerts")
    tier = models.CharField(max_length=10, choices=AlertTier.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The escalation sweep: unacknowledged, not yet escalated, sent before the cut-off.
            models.Index(fields=["acknowledged_at", "escalated_at", "sent_at"], name="oncall_alert_sweep_idx"),
            # A moderator's open alerts.
            models.Index(fields=["recipient", "acknowledged_at"], name="oncall_alert_recipient_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["item", "recipient", "tier"], name="oncall_alert_once_per_tier"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} alert for item {self.item_id} to {self.recipient_id}"
