from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from hearth.core.fields import EncryptedTextField


class Notification(models.Model):
    """An in-app message to one member. Its text is written by Hearth, never copied from what others wrote."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    # Encrypted at rest: moderators' private messages to a member arrive here.
    body = EncryptedTextField(blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
