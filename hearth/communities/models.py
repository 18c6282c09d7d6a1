from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class MembershipMode(models.TextChoices):
    OPEN = "open", "Open"
    REQUEST = "request", "Request to join"
    INVITE = "invite", "Invitation only"


class Community(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    focus_area = models.CharField(max_length=120)
    description = models.TextField()
    guidelines = models.TextField(help_text="Markdown. Shown before joining and on the community page.")
    guidelines_html = models.TextField(blank=True, default="")
    membership_mode = models.CharField(max_length=10, choices=MembershipMode.choices, default=MembershipMode.OPEN)
    allow_anonymous_posts = models.BooleanField(default=True)
    first_posts_need_approval = models.BooleanField(
        default=False, help_text="A new member's first post here waits for a moderator's approval."
    )
    high_risk_policy = models.CharField(
        max_length=20,
        choices=[("hold", "Hold for a moderator"), ("publish_and_alert", "Publish and alert moderators at once")],
        default="hold",
        help_text="What happens to posts showing high or imminent crisis risk. Moderate risk is always "
        "published behind a warning with moderator outreach.",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    # Kept exact by the services, in the same transaction as each write.
    member_count = models.PositiveIntegerField(default=0)
    thread_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "communities"
        ordering = ["sort_order", "name"]
        indexes = [models.Index(fields=["sort_order", "name"])]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member"
    MODERATOR = "moderator", "Moderator"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "community"], name="membership_unique")]
        indexes = [models.Index(fields=["community", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role})"

    @property
    def is_moderator(self) -> bool:
        return self.role == MembershipRole.MODERATOR


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class JoinRequest(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="join_requests")
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"], condition=Q(status="pending"), name="join_request_one_pending"
            )
        ]
        indexes = [models.Index(fields=["community", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.community} ({self.status})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Invitation(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "invitee"], condition=Q(status="pending"), name="invitation_one_pending"
            )
        ]
        indexes = [models.Index(fields=["invitee", "status"])]

    def __str__(self) -> str:
        return f"{self.invitee} invited to {self.community}"
