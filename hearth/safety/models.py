from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class ContentKind(models.TextChoices):
    THREAD = "thread", "Thread"
    REPLY = "reply", "Reply"
    EDIT = "edit", "Edited post"
    BIO = "bio", "Profile bio"
    REPORT = "report", "Report details"
    APPEAL = "appeal", "Appeal"
    CHAT = "chat", "Chat message"


class Screening(models.Model):
    """One pass of the safety pipeline over one piece of text: the decision and why, never the text itself."""

    created_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screenings")
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_kind = models.CharField(max_length=12, choices=ContentKind.choices)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    content = GenericForeignKey("content_type", "object_id")

    risk_level = models.PositiveSmallIntegerField(default=0, help_text="0 none, 1 low, 2 moderate, 3 high, 4 imminent")
    action = models.CharField(max_length=24)
    reasons = models.JSONField(default=list)
    # What the analyzers found, summarised: levels, kinds and scores, no text and no offsets into it.
    findings = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["author", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.content_kind} by {self.author_id}: {self.action}"

    @property
    def action_label(self) -> str:
        return self.action.replace("_", " ")
