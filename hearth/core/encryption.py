"""Encryption at rest: AES-256-GCM with keys from the environment, and keyed blind indexes for exact lookups.

A sealed value is stored as ``enc1:<key id>:<urlsafe base64 of nonce + ciphertext + tag>``. The key id names the
key that sealed it, so values sealed before a rotation still open until `rotate_encryption_keys` re-seals them
with the newest key. Each value is sealed with its column ("<table>.<column>") as associated data: a ciphertext
copied into another column does not open there. Nonces are 96 random bits, one per value.

Keys (HEARTH_ENCRYPTION_KEYS) and blind-index keys (HEARTH_BLIND_INDEX_KEYS) are lists, newest first: new values
use the first, and every listed key still opens (or matches) what it made.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

PREFIX = "enc1"
KEY_BYTES = 32
NONCE_BYTES = 12
MAKE_KEY_COMMAND = 'python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'


class DecryptionError(Exception):
    """A stored value that does not open: tampered with, moved from another column, or sealed with a key that is
    no longer listed. The message never includes the value."""


def parse_keys(raw: str, *, name: str) -> list[bytes]:
    """Keys separated by commas, spaces or new lines (a key file has one per line; `#` starts a comment)."""
    tokens = [t for line in raw.splitlines() for t in line.split("#", 1)[0].replace(",", " ").split()]
    keys = []
    for position, token in enumerate(tokens, start=1):
        try:
            key = base64.urlsafe_b64decode(token.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            key = b""
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"{name}: key {position} is not 32 bytes in URL-safe base64. Make one with: {MAKE_KEY_COMMAND}"
            )
        keys.append(key)
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"{name} lists the same key twice.")
    return keys


def key_id(key: bytes) -> str:
    """A short public name for a key (a hash of it), stored with every value it seals."""
    return hashlib.sha256(b"hearth-encryption-key-id:" + key).hexdigest()[:8]


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


@dataclass(frozen=True)
class Keyring:
    ciphers: tuple[tuple[str, AESGCM], ...]  # (key id, cipher), newest first

    @classmethod
    def from_keys(cls, keys: list[bytes]) -> Keyring:
        if not keys:
            raise ImproperlyConfigured(f"HEARTH_ENCRYPTION_KEYS is empty. Make a key with: {MAKE_KEY_COMMAND}")
        return cls(tuple((key_id(k), AESGCM(k)) for k in keys))

    @property
    def current_id(self) -> str:
        return self.ciphers[0][0]

    def encrypt(self, plaintext: str, *, context: str) -> str:
        kid, cipher = self.ciphers[0]
        nonce = os.urandom(NONCE_BYTES)
        sealed = cipher.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return f"{PREFIX}:{kid}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, stored: str, *, context: str) -> str:
        kid, payload = _split(stored)
        cipher = dict(self.ciphers).get(kid)
        if cipher is None:
            raise DecryptionError(f"A value in {context} was sealed with key {kid}, which is not in the keyring.")
        try:
            raw = base64.urlsafe_b64decode(payload.encode("ascii"))
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8")).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError, UnicodeError) as exc:
            raise DecryptionError(f"A value in {context} does not open: altered, or from another column.") from exc

    def is_current(self, stored: str) -> bool:
        return _split(stored)[0] == self.current_id


def _split(stored: str) -> tuple[str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("A value that should be encrypted is not (no encryption prefix).")
    return parts[1], parts[2]


def is_sealed(stored: Any) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX + ":")


@functools.cache
def keyring() -> Keyring:
    return Keyring.from_keys(list(settings.HEARTH_ENCRYPTION_KEYS))


def encrypt(plaintext: str, *, context: str) -> str:
    return keyring().encrypt(plaintext, context=context)


def decrypt(stored: str, *, context: str) -> str:
    return keyring().decrypt(stored, context=context)


# --- Blind indexes ----------------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    # As allauth compares addresses: surrounding spaces and case never make a second account.
    return email.strip().lower()


@functools.cache
def _index_keys() -> tuple[bytes, ...]:
    keys = tuple(settings.HEARTH_BLIND_INDEX_KEYS)
    if not keys:
        raise ImproperlyConfigured(f"HEARTH_BLIND_INDEX_KEYS is empty. Make a key with: {MAKE_KEY_COMMAND}")
    return keys


def _index(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def email_index(email: str) -> str | None:
    """The newest key's index of an address (None for no address): equal addresses, equal indexes."""
    value = normalise_email(email)
    return _index(_index_keys()[0], value) if value else None


def email_index_candidates(email: str) -> list[str]:
    """Every listed key's index of an address, so lookups still match rows indexed before a key change."""
    value = normalise_email(email)
    return [_index(key, value) for key in _index_keys()] if value else []


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in {"HEARTH_ENCRYPTION_KEYS", "HEARTH_BLIND_INDEX_KEYS"}:
        keyring.cache_clear()
        _index_keys.cache_clear()
