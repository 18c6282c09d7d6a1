"""Blocking and muting other members: their content disappears for me; a block also stops them replying to me."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from hearth.accounts.models import BlockKind, PersonBlock, User
from hearth.core.errors import ApplicationError, ConflictError
from hearth.core.realtime import blocks_changed

if TYPE_CHECKING:
    from hearth.permissions import AnyUser


def hidden_author_ids(user: AnyUser) -> frozenset[int]:
    """Everyone this reader blocked or muted, fetched once per request (cached on the user)."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[int] | None = getattr(user, "_hearth_hidden_authors", None)
    if cached is None:
        cached = frozenset(PersonBlock.objects.filter(owner_id=user.id).values_list("target_id", flat=True))
        setattr(user, "_hearth_hidden_authors", cached)  # noqa: B010 (a per-request cache)
    return cached


def has_blocked(owner_id: int, target_id: int | None) -> bool:
    if target_id is None:
        return False
    return PersonBlock.objects.filter(owner_id=owner_id, target_id=target_id, kind=BlockKind.BLOCK).exists()


def block_kind(owner_id: int, target_id: int) -> str | None:
    """ "mute", "block" or None: how the owner has hidden the target (shown to the owner only)."""
    return PersonBlock.objects.filter(owner_id=owner_id, target_id=target_id).values_list("kind", flat=True).first()


def _forget(user: User) -> None:
    user.__dict__.pop("_hearth_hidden_authors", None)
    blocks_changed(user.id)


@transaction.atomic
def block_member(owner: User, target: User, *, kind: str = BlockKind.BLOCK) -> PersonBlock:
    if kind not in BlockKind.values:
        raise ApplicationError("Choose to mute or to block.", code="unknown_block_kind")
    if owner.id == target.id:
        raise ApplicationError("You can't block yourself.", code="self_block")
    existing = PersonBlock.objects.filter(owner=owner, target=target).first()
    if existing is not None:
        if existing.kind == kind:
            raise ConflictError(f"You've already {existing.get_kind_display().lower()} them.", code="already_blocked")
        existing.kind = kind
        existing.save(update_fields=["kind"])
        _forget(owner)
        return existing
    try:
        with transaction.atomic():
            block = PersonBlock.objects.create(owner=owner, target=target, kind=kind)
    except IntegrityError as exc:
        raise ConflictError("You've already hidden this member.", code="already_blocked") from exc
    _forget(owner)
    return block


@transaction.atomic
def unblock_member(owner: User, target: User) -> None:
    deleted, _ = PersonBlock.objects.filter(owner=owner, target=target).delete()
    if not deleted:
        raise ConflictError("You haven't blocked or muted this member.", code="not_blocked")
    _forget(owner)
