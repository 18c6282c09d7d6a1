"""1:1 support with trained peer listeners: who listens (and what about), the training, and each request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SupportTopic(models.TextChoices):
    ANXIETY = "anxiety", "Anxiety and worry"
    LOW_MOOD = "low_mood", "Low mood"
    LONELINESS = "loneliness", "Loneliness"
    RELATIONSHIPS = "relationships", "Relationships and family"
    STRESS = "stress", "Stress, work or study"
    GRIEF = "grief", "Grief and loss"
    CARING = "caring", "Caring for someone"
    HEALTH = "health", "Living with illness"


class Language(models.TextChoices):
    EN = "en", "English"
    CY = "cy", "Welsh"
    FR = "fr", "French"
    ES = "es", "Spanish"
    DE = "de", "German"
    PL = "pl", "Polish"
    AR = "ar", "Arabic"
    UR = "ur", "Urdu"


class ListenerStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    AWAY = "away", "Away"


class ListenerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listener_profile")
    status = models.CharField(max_length=10, choices=ListenerStatus.choices, default=ListenerStatus.AWAY)
    topics = models.JSONField(default=list, blank=True, help_text="What they are happy to listen about.")
    languages = models.JSONField(default=list, blank=True)
    max_chats = models.PositiveSmallIntegerField(default=1)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"listener {self.user_id} ({self.status})"


class TrainingProgress(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listener_training")
    lessons_read = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True, help_text="The badge lapses a year after this.")

    def __str__(self) -> str:
        return f"training of {self.user_id}"


class RequestStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a listener"
    ACTIVE = "active", "Talking"
    ENDED = "ended", "Ended"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (RequestStatus.WAITING, RequestStatus.ACTIVE)


class SupportRequest(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_requests")
    topics = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.EN)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    listener = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="support_chats"
    )
    room = models.OneToOneField(
        "chat.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="support_request"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status__in=["waiting", "active"]), name="one_open_request_per_member"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="support_queue_idx"),
            models.Index(fields=["listener", "status"]),
            models.Index(fields=["member", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"support request {self.id} ({self.status})"
