"""Writes to accounts: sign-up, profile, preferences and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.accounts.models import ApiToken, SensitiveTopic, TextSize, Theme, User
from hearth.accounts.pseudonyms import validate_pseudonym
from hearth.core.errors import ApplicationError, ConflictError
from hearth.lib.markdown import render_markdown
from hearth.safety.models import ContentKind
from hearth.safety.policy import Action
from hearth.safety.services import record_screening, screen_text

MAX_MUTED_WORDS = 50
MAX_MUTED_WORD_LENGTH = 60
TOKEN_PREFIX = "hth_"  # noqa: S105 (a public marker, not a secret)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def check_pseudonym_against_email(pseudonym: str, email: str) -> None:
    """Refuse a pseudonym that echoes the email's local part, digits and punctuation aside.

    "QuietHeron" with quiet.heron42@… is refused; short names must match exactly, to avoid false alarms.
    """
    if not email:
        return
    local, name = _letters(email.split("@", 1)[0]), _letters(pseudonym)
    if not local or not name:
        return
    if local == name or (min(len(local), len(name)) >= 5 and (local in name or name in local)):
        raise ApplicationError(
            "Your pseudonym matches your email address. Choose a name that doesn't identify you.",
            code="pseudonym_matches_email",
        )


def check_signup_consents(*, confirm_age: bool, accept_guidelines: bool) -> None:
    if not confirm_age:
        raise ApplicationError(
            f"You need to be {settings.HEARTH_MIN_AGE} or older to join Hearth.", code="age_not_confirmed"
        )
    if not accept_guidelines:
        raise ApplicationError(
            "Please read and accept the community guidelines to join.", code="guidelines_not_accepted"
        )


def _first_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@transaction.atomic
def sign_up(
    *,
    pseudonym: str,
    password: str,
    email: str = "",
    confirm_age: bool,
    accept_guidelines: bool,
) -> User:
    """Create a member account (used by the API; the browser goes through allauth and the adapter)."""
    pseudonym = pseudonym.strip()
    email = email.strip()
    try:
        validate_pseudonym(pseudonym)
    except ValidationError as exc:
        raise ApplicationError(_first_message(exc), code="invalid_pseudonym") from exc
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ApplicationError("Enter a valid email address, or leave it empty.", code="invalid_email") from exc
        check_pseudonym_against_email(pseudonym, email)
    check_signup_consents(confirm_age=confirm_age, accept_guidelines=accept_guidelines)
    candidate = User(username=pseudonym, email=email)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ApplicationError(_first_message(exc), code="invalid_password") from exc
    if User.objects.by_pseudonym(pseudonym).exists():
        raise ConflictError("That pseudonym is taken. Try one of the suggestions.", code="pseudonym_taken")
    # An email already in use is silently not attached, so sign-up never reveals who has an account.
    # (The lookup compares the address's blind index: addresses are encrypted at rest.)
    email_in_use = bool(email) and User.objects.filter(email__iexact=email).exists()
    if email_in_use:
        candidate.email = ""
    now = timezone.now()
    candidate.set_password(password)
    candidate.age_confirmed_at = now
    candidate.guidelines_accepted_at = now
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError as exc:
        raise ConflictError("That pseudonym is taken. Try one of the suggestions.", code="pseudonym_taken") from exc
    return candidate


@transaction.atomic
def update_profile(user: User, *, bio: str, show_communities: bool, acknowledged: frozenset[str] = frozenset()) -> User:
    """Save the profile. A bio passes the safety pipeline: it may be put back to the member (NudgeRequired),
    and one that would be held for a moderator is not shown on the profile at all."""
    bio = bio.strip()
    if len(bio) > 500:
        raise ApplicationError("Your bio can be at most 500 characters.", code="bio_too_long")
    if bio and bio != user.bio:
        screened = screen_text(bio, acknowledged=acknowledged)
        record_screening(screened, author=user, kind=ContentKind.BIO, community=None, content=user)
        user.decision = screened.decision  # type: ignore[attr-defined]
        if screened.decision.action == Action.HOLD:
            raise ApplicationError(
                "We can't show this on your profile, because everyone can read it. If you're going through "
                "something hard, a post in one of your communities, or the people on the Get help now page, "
                "can help.",
                code="bio_not_allowed",
            )
    user.bio = bio
    user.bio_html = render_markdown(bio) if bio else ""
    user.show_communities = show_communities
    user.save(update_fields=["bio", "bio_html", "show_communities"])
    return user


def clean_muted_words(words: list[str]) -> list[str]:
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in words:
        word = " ".join(raw.split())
        if not word:
            continue
        if len(word) > MAX_MUTED_WORD_LENGTH:
            raise ApplicationError(
                f"Muted words and phrases can be at most {MAX_MUTED_WORD_LENGTH} characters.",
                code="muted_word_too_long",
            )
        if word.lower() not in seen:
            seen.add(word.lower())
            cleaned.append(word)
    if len(cleaned) > MAX_MUTED_WORDS:
        raise ApplicationError(f"You can mute at most {MAX_MUTED_WORDS} words or phrases.", code="too_many_muted_words")
    return cleaned


@transaction.atomic
def update_preferences(
    user: User,
    *,
    hidden_topics: list[str],
    muted_words: list[str],
    theme: str,
    text_size: str,
    reduce_motion: bool,
) -> User:
    unknown = set(hidden_topics) - set(SensitiveTopic.values)
    if unknown:
        raise ApplicationError(f"Unknown topic: {sorted(unknown)[0]}.", code="unknown_topic")
    if theme not in Theme.values:
        raise ApplicationError("Choose one of the offered themes.", code="unknown_theme")
    if text_size not in TextSize.values:
        raise ApplicationError("Choose one of the offered text sizes.", code="unknown_text_size")
    user.hidden_topics = [t for t in SensitiveTopic.values if t in set(hidden_topics)]
    user.muted_words = clean_muted_words(muted_words)
    user.theme = theme
    user.text_size = text_size
    user.reduce_motion = reduce_motion
    user.save(update_fields=["hidden_topics", "muted_words", "theme", "text_size", "reduce_motion"])
    # Anything rendered later in this request must use the new choices.
    user.__dict__.pop("_hearth_reader_filter", None)
    return user


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """Return the new token and its secret, which is never stored and cannot be shown again."""
    name = name.strip()
    if not name or len(name) > 60:
        raise ApplicationError("Give the token a name of 1 to 60 characters.", code="invalid_token_name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[len(TOKEN_PREFIX) :][:6], key_hash=_hash_token(raw)
    )
    return token, raw


@transaction.atomic
def revoke_api_token(user: User, *, token_id: int) -> None:
    deleted, _ = ApiToken.objects.filter(user=user, id=token_id).delete()
    if not deleted:
        raise ApplicationError("That token doesn't exist.", code="not_found")


def authenticate_api_token(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once an hour: a write on every request would be wasted work.
    if token.last_used_at is None or now - token.last_used_at > timedelta(hours=1):
        ApiToken.objects.filter(id=token.id).update(last_used_at=now)
    return token.user
