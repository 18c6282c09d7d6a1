from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from hearth.core.encryption import email_index
from hearth.core.fields import EncryptedEmailField


class SensitiveTopic(models.TextChoices):
    """Topics an author can warn about and a reader can choose to hide."""

    SELF_HARM = "self_harm", "Self-harm"
    SUICIDE = "suicide", "Suicide"
    EATING_DISORDERS = "eating_disorders", "Eating disorders"
    ABUSE = "abuse", "Abuse"
    SUBSTANCE_USE = "substance_use", "Substance use"
    GRAPHIC = "graphic", "Graphic content"


class Theme(models.TextChoices):
    SYSTEM = "system", "Match my device"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"
    CONTRAST = "contrast", "High contrast"


class TextSize(models.TextChoices):
    NORMAL = "normal", "Normal"
    LARGE = "large", "Large"
    LARGER = "larger", "Larger"


def default_hidden_topics() -> list[str]:
    """New members start with every sensitive topic collapsed; they choose what to show."""
    return list(SensitiveTopic.values)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def by_pseudonym(self, pseudonym: str) -> models.QuerySet[User]:
        """The member with this pseudonym, whatever its case. Compared as lower(username), the expression the unique
        index holds: `username__iexact` compares UPPER() and reads the whole table."""
        return self.alias(lower_username=Lower("username")).filter(lower_username=Lower(models.Value(pseudonym)))

    def get_by_natural_key(self, username: str | None) -> User:
        # Pseudonyms are unique regardless of case, so sign-in ignores case too.
        return self.by_pseudonym(username or "").get()

    def create_user(self, username: str, password: str | None = None, **extra: object) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member, known to others only by a pseudonym."""

    username = models.CharField("pseudonym", max_length=30, unique=True)
    # For account recovery only: never shown to anyone, never logged, encrypted at rest. Lookups by address
    # (`email=…`) compare the keyed blind index, which also keeps addresses unique.
    email = EncryptedEmailField(blank=True, default="", index_field="email_index")
    email_index = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Admins: can use the admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    # Roles beyond "member"; community moderators are recorded on their membership.
    is_listener = models.BooleanField(default=False)
    is_professional = models.BooleanField(default=False)
    is_global_moderator = models.BooleanField(default=False)

    age_confirmed_at = models.DateTimeField(null=True, blank=True)
    guidelines_accepted_at = models.DateTimeField(null=True, blank=True)

    # Profile
    bio = models.TextField(blank=True, default="", max_length=500)
    bio_html = models.TextField(blank=True, default="")
    show_communities = models.BooleanField(default=False)

    # Preferences
    hidden_topics = models.JSONField(default=default_hidden_topics, blank=True)
    muted_words = models.JSONField(default=list, blank=True)
    theme = models.CharField(max_length=10, choices=Theme.choices, default=Theme.SYSTEM)
    text_size = models.CharField(max_length=10, choices=TextSize.choices, default=TextSize.NORMAL)
    reduce_motion = models.BooleanField(default=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    # Field plumbing, not business logic: the blind index follows the address however it is saved.
    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email_index = email_index(self.email or "")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_index"}
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self.is_staff)

    @property
    def role_names(self) -> list[str]:
        roles = ["member"]
        if self.is_listener:
            roles.append("listener")
        if self.is_professional:
            roles.append("professional")
        if self.is_global_moderator:
            roles.append("moderator")
        if self.is_admin:
            roles.append("admin")
        return roles


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class BlockKind(models.TextChoices):
    MUTE = "mute", "Muted"  # their content is hidden from me; they are not told
    BLOCK = "block", "Blocked"  # hidden from me, and they cannot reply to me


class PersonBlock(models.Model):
    """One member hiding another. Never shown to the person blocked or muted."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    target = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    kind = models.CharField(max_length=8, choices=BlockKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "target"], name="one_block_per_pair"),
            models.CheckConstraint(condition=~models.Q(owner=models.F("target")), name="no_self_block"),
        ]
        indexes = [models.Index(fields=["target", "kind"])]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.kind}s {self.target_id}"
