from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from hearth.communities.models import Community


class ContentStatus(models.TextChoices):
    """Where the safety pipeline and moderators put a piece of content."""

    PUBLISHED = "published", "Published"
    HELD = "held", "Waiting for a moderator"
    HIDDEN = "hidden", "Hidden by a moderator"


class Thread(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="threads")
    is_anonymous = models.BooleanField(default=False)
    title = models.CharField(max_length=140)
    created_at = models.DateTimeField(default=timezone.now)
    # Kept exact by the services.
    last_post_at = models.DateTimeField(default=timezone.now)
    last_post_number = models.PositiveIntegerField(default=0)
    # The highest number of a published post: what other members count as new. A held reply takes the next number
    # (numbers stay gapless) but is nobody else's to read, so it must not show the thread as having something new.
    last_published_number = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Mirrors the opening post: a held or hidden opening post keeps the whole thread from other members.
    status = models.CharField(max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED)

    class Meta:
        indexes = [
            models.Index(fields=["community", "deleted_at", "-last_post_at"], name="thread_list_idx"),
            models.Index(fields=["community", "status", "-last_post_at"], name="thread_status_list_idx"),
            models.Index(fields=["author", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField(help_text="1 for the opening post, then 2, 3, … in order.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    is_anonymous = models.BooleanField(default=False)
    body = models.TextField()
    body_html = models.TextField()
    topics = models.JSONField(default=list, blank=True, help_text="Sensitive topics the author warned about.")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED)
    risk_level = models.PositiveSmallIntegerField(default=0, help_text="Crisis risk the pipeline saw, 0 to 4.")
    # Misinformation labels shown with the post until a moderator confirms or removes them.
    labels = models.JSONField(default=list, blank=True)
    moderator_note = models.CharField(max_length=300, blank=True, default="", help_text="Shown with the post.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "number"], name="post_number_unique")]
        # Full-text search has its own index, made outside the model (migration 0003_post_search).
        indexes = [
            models.Index(fields=["author", "-created_at"]),
            models.Index(fields=["-created_at", "-id"], name="post_recent_idx"),
        ]
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number} in {self.thread_id}"

    @property
    def is_opening(self) -> bool:
        return self.number == 1


class PostRevision(models.Model):
    """The text of a post before an edit, kept so moderators can see what changed."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=140, blank=True, default="")
    topics = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="When this version was replaced.")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"revision of {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class ReactionKind(models.TextChoices):
    HUG = "hug", "Hug"
    ME_TOO = "me_too", "Me too"
    THINKING_OF_YOU = "thinking_of_you", "Thinking of you"
    HELPFUL = "helpful", "Helpful"


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=20, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_unique")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class ReadState(models.Model):
    """How far a member has read a thread, for unread markers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="read_state_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_number}"
