"""Live chat: rooms (a community's lobby, scheduled group sessions, 1:1 support chats) and their messages.

Every message has a number (`seq`) that grows by one per room, allocated under the room's row lock, so a client
that reconnects can ask for "everything after the last number I saw" and get exactly the gap, in order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.core.fields import EncryptedTextField
from hearth.forums.models import ContentStatus, ReactionKind


class RoomKind(models.TextChoices):
    LOBBY = "lobby", "Community chat"
    SESSION = "session", "Group session"
    SUPPORT = "support", "1:1 support chat"


class Room(models.Model):
    kind = models.CharField(max_length=10, choices=RoomKind.choices)
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="rooms"
    )
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")
    # Group sessions open and close at set times; lobbies are always open; a support chat closes when it ends.
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_seq = models.PositiveBigIntegerField(default=0, help_text="The number of the room's newest message.")
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community"], condition=Q(kind="lobby"), name="one_lobby_per_community"),
        ]
        indexes = [models.Index(fields=["community", "kind", "opens_at"], name="room_list_idx")]

    def __str__(self) -> str:
        return self.title

    def is_open(self) -> bool:
        now = timezone.now()
        if self.ended_at is not None:
            return False
        if self.opens_at is not None and now < self.opens_at:
            return False
        return not (self.closes_at is not None and now >= self.closes_at)


class ParticipantRole(models.TextChoices):
    MEMBER = "member", "Member"
    LISTENER = "listener", "Listener"
    MODERATOR = "moderator", "Moderator"


class Participant(models.Model):
    """Who is in a 1:1 support chat: the member, the listener, and a moderator once it is handed over."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_participations")
    role = models.CharField(max_length=10, choices=ParticipantRole.choices)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="participant_unique")]
        indexes = [models.Index(fields=["user", "-joined_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} in room {self.room_id} ({self.role})"


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages")
    # Made by the sending client, so a retried send is recognised and not stored twice.
    client_id = models.CharField(max_length=64)
    # Encrypted at rest, in every kind of room: 1:1 support chats above all (chat text is never searched).
    body = EncryptedTextField()
    body_html = EncryptedTextField()
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    topics = models.JSONField(default=list, blank=True, help_text="Sensitive topics, shown behind a warning.")
    labels = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED)
    risk_level = models.PositiveSmallIntegerField(default=0)
    moderator_note = EncryptedTextField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    # Moderation treats posts and messages alike; messages are never anonymous.
    is_anonymous = False

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="message_seq_unique"),
            models.UniqueConstraint(fields=["room", "author", "client_id"], name="message_client_id_unique"),
        ]
        indexes = [models.Index(fields=["author", "-created_at"])]
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"message {self.seq} in room {self.room_id}"


class MessageReaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user", "kind"], name="message_reaction_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.message_id}"


class Presence(models.Model):
    """One open socket in a room. Rows whose socket died without closing expire after PRESENCE_TTL."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["room", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} in room {self.room_id}"
