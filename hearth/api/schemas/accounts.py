"""Accounts: sign-up, the caller's own account, public profiles and personal API tokens.

No schema here has an email field: the address is for account recovery only and never leaves the server.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictBool

from hearth.accounts.models import ApiToken, SensitiveTopic, TextSize, Theme, User
from hearth.api.schemas.common import NudgeCode, Text
from hearth.communities.models import Community

PUBLIC_BADGES = ("listener", "professional")


def public_badges(user: User) -> list[str]:
    """The roles anyone may see; moderator and admin flags stay private."""
    return [role for role in user.role_names if role in PUBLIC_BADGES]


class SignupIn(Schema):
    pseudonym: Text = Field(max_length=200, description="3 to 30 letters, numbers, hyphens or underscores.")
    password: Text = Field(max_length=4096)
    email: Text = Field(default="", max_length=320, description="Optional, for account recovery only. Never shown.")
    confirm_age: StrictBool = Field(default=False, description="I am old enough to join Hearth.")
    accept_guidelines: StrictBool = Field(default=False, description="I have read the community guidelines.")


class PseudonymSuggestionsOut(Schema):
    suggestions: list[str]


class PreferencesOut(Schema):
    hidden_topics: list[SensitiveTopic]
    muted_words: list[str]
    theme: Theme
    text_size: TextSize
    reduce_motion: bool

    @classmethod
    def from_user(cls, user: User) -> PreferencesOut:
        return cls(
            hidden_topics=[SensitiveTopic(t) for t in user.hidden_topics if t in SensitiveTopic.values],
            muted_words=list(user.muted_words),
            theme=Theme(user.theme),
            text_size=TextSize(user.text_size),
            reduce_motion=user.reduce_motion,
        )


class PreferencesIn(Schema):
    """Send only what changes; anything left out stays as it is."""

    hidden_topics: list[SensitiveTopic] | None = Field(default=None, max_length=50)
    muted_words: list[Text] | None = Field(default=None, max_length=500)
    theme: Theme | None = None
    text_size: TextSize | None = None
    reduce_motion: bool | None = None


class MeOut(Schema):
    pseudonym: str
    roles: list[str]
    bio: str
    bio_html: str
    show_communities: bool
    has_email: bool = Field(description="Whether a recovery email is set. The address itself is never returned.")
    date_joined: datetime
    preferences: PreferencesOut

    @classmethod
    def from_user(cls, user: User) -> MeOut:
        return cls(
            pseudonym=user.username,
            roles=user.role_names,
            bio=user.bio,
            bio_html=user.bio_html,
            show_communities=user.show_communities,
            has_email=bool(user.email),
            date_joined=user.date_joined,
            preferences=PreferencesOut.from_user(user),
        )


class ProfileIn(Schema):
    """Send only what changes; anything left out stays as it is."""

    bio: Text | None = Field(default=None, max_length=5000)
    show_communities: bool | None = None
    acknowledge: list[NudgeCode] = Field(
        default_factory=list, max_length=4, description="Nudges (from a 409) you choose to save past."
    )
    redact: bool = Field(default=False, description="Remove your own personal details from the bio first.")


class CommunityRefOut(Schema):
    slug: str
    name: str

    @classmethod
    def from_community(cls, community: Community) -> CommunityRefOut:
        return cls(slug=community.slug, name=community.name)


class ProfileOut(Schema):
    pseudonym: str
    bio_html: str
    badges: list[str]
    communities: list[CommunityRefOut] | None = Field(
        description="Only when the member chose to show them, and only those you can read; otherwise null."
    )

    @classmethod
    def from_user(cls, user: User, communities: list[Community] | None) -> ProfileOut:
        return cls(
            pseudonym=user.username,
            bio_html=user.bio_html,
            badges=public_badges(user),
            communities=None if communities is None else [CommunityRefOut.from_community(c) for c in communities],
        )


class TokenIn(Schema):
    name: Text = Field(max_length=200, description="1 to 60 characters, to tell your tokens apart.")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters after `hth_`, to recognise the token.")
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def from_token(cls, token: ApiToken) -> TokenOut:
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
        )


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="The token itself. Shown only now: store it safely.")

    @classmethod
    def from_new_token(cls, token: ApiToken, secret: str) -> TokenCreatedOut:
        return cls(**TokenOut.from_token(token).model_dump(), secret=secret)


class MemberRefOut(Schema):
    """A member as others see them: pseudonym and public badges."""

    pseudonym: str
    badges: list[str]

    @classmethod
    def from_user(cls, user: User) -> MemberRefOut:
        return cls(pseudonym=user.username, badges=public_badges(user))
