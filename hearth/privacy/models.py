"""A member's request to erase their account. It names nobody once the erasure is done: the row keeps only the
choice and the dates, so operators can show that requests were honoured in time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ErasureChoice(models.TextChoices):
    DELETE = "delete", "Delete everything I wrote"
    KEEP = "keep", "Keep my posts as 'Removed member'"


class ErasureRequest(models.Model):
    # Emptied when the erasure completes (and by the deletion of the account itself).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    choice = models.CharField(max_length=10, choices=ErasureChoice.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text="The erasure completes by this time.")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["completed_at", "due_at"], name="erasure_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(completed_at__isnull=True), name="one_pending_erasure_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"erasure request {self.pk} ({'done' if self.completed_at else 'pending'})"
