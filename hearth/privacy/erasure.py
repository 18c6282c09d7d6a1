"""Erasing a member's account: closed at once, erased within HEARTH_ERASURE_DAYS.

`request_erasure` checks the password (and a two-factor code when the member has one), closes the account (no
sign-in, every session and API token void, open sockets closed) and records the request. `complete_erasure`,
run by `process_erasures` beside the server (or at once when HEARTH_ERASURE_DAYS is 0), then does the work:

* "delete": their threads, posts and chat messages are deleted. A thread others replied to stays for the
  replies' sake, with its title and opening post removed and attributed to "Removed member".
* "keep": their threads, posts (with earlier versions) and messages stay, attributed to the shared "Removed
  member" account; moderation records about that content stay with it.

Either way the account row goes, with everything hanging off it (profile, preferences, email addresses, memberships,
reactions, blocks, reports they made, notifications, safety plan, listener data, support requests, sanctions,
appeals, two-factor methods, sessions, tokens), sign-in attempts recorded under the pseudonym, the member's
cache entries and channel-layer group. Audit log entries stay and point to nobody. Finally every free-text
column of every table is scrubbed of the pseudonym and email addresses (whole words, any case), so neither
survives in others' posts, quotes, notifications, history or the audit log's reasons.

Requests are final: the account is closed the moment it is confirmed, so there is no one signed in to cancel.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import CharField, Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from hearth.accounts.models import ApiToken, BlockKind, PersonBlock, User
from hearth.chat.models import Message
from hearth.communities.models import Community, Membership
from hearth.core.errors import ApplicationError, ConflictError
from hearth.core.realtime import send_after_commit, user_group
from hearth.forums.models import ContentStatus, Post, PostRevision, Reaction, Thread
from hearth.forums.search_index import forget_removed_text
from hearth.lib.ratelimit import check_rate_limit
from hearth.moderation.models import QueueItem
from hearth.privacy.models import ErasureChoice, ErasureRequest
from hearth.privacy.scrub import REMOVED_MEMBER, email_needle, pseudonym_needle, scrub_everywhere
from hearth.privacy.selectors import erasure_days, mfa_required
from hearth.safety.models import ContentKind, Screening

logger = logging.getLogger(__name__)

REMOVED_THREAD_TITLE = "Removed by the person who wrote it"
ERASED_EVENT = "user.erased"

_CONTENT_SCREENINGS = (ContentKind.THREAD, ContentKind.REPLY, ContentKind.EDIT, ContentKind.CHAT)


def tombstone() -> User:
    """The one account that content kept after erasures is attributed to. It cannot sign in, and its profile
    is not shown (profiles are for active members). "Removed member" is not a pseudonym anyone can choose."""
    user, created = User.objects.get_or_create(username=REMOVED_MEMBER, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# --- Asking ----------------------------------------------------------------------------------------------


def _check_mfa_code(user: User, code: str) -> None:
    from allauth.mfa.models import Authenticator  # noqa: PLC0415

    code = code.strip().replace(" ", "")
    if not code:
        raise ApplicationError(
            "Enter a code from your authenticator app, or one of your recovery codes.", code="mfa_code_required"
        )
    kinds = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
    for authenticator in Authenticator.objects.filter(user=user, type__in=kinds):
        if authenticator.wrap().validate_code(code):
            return
    raise ApplicationError("That code isn't right. Try the newest code from your app.", code="mfa_code_invalid")


def request_erasure(user: User, *, password: str, choice: str, mfa_code: str = "") -> ErasureRequest:
    """Confirm with the password (and two-factor code), close the account at once, and schedule the erasure.
    With HEARTH_ERASURE_DAYS = 0 the erasure is done before this returns."""
    if choice not in ErasureChoice.values:
        raise ApplicationError("Choose what happens to what you wrote.", code="invalid_choice")
    # A borrowed session must not be able to guess the password here.
    check_rate_limit("erasure", key=str(user.id), message="Too many attempts. Please wait {wait} and try again.")
    if not password or not user.check_password(password):
        raise ApplicationError("That password isn't right.", code="wrong_password")
    if mfa_required(user):
        _check_mfa_code(user, mfa_code)
    now = timezone.now()
    with transaction.atomic():
        if ErasureRequest.objects.filter(user=user, completed_at__isnull=True).exists():
            raise ConflictError("This account is already being deleted.", code="erasure_pending")
        request = ErasureRequest.objects.create(
            user=user, choice=choice, requested_at=now, due_at=now + timedelta(days=erasure_days())
        )
        close_account(user)
    if erasure_days() == 0:
        complete_erasure(request.id)
        request.refresh_from_db()
    return request


def close_account(user: User) -> None:
    """No more sign-in, sessions, tokens or open sockets for this account, from this moment."""
    user.is_active = False
    # Every session carries a hash of the password; an unusable one voids them all on their next request.
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    ApiToken.objects.filter(user=user).delete()
    _delete_sessions([user.id])
    send_after_commit(user_group(user.id), {"type": ERASED_EVENT})


# --- Doing -----------------------------------------------------------------------------------------------


def process_due_erasures(now: datetime | None = None) -> int:
    """Complete every erasure that is due. Safe to run again, and from several processes: each is done once."""
    now = now or timezone.now()
    due = ErasureRequest.objects.filter(completed_at__isnull=True, due_at__lte=now).order_by("due_at")
    done = 0
    for request_id in list(due.values_list("id", flat=True)):
        try:
            done += complete_erasure(request_id)
        except Exception:
            # One failing erasure must not hold up the others; it stays pending and is tried again next time.
            logger.exception("Erasure request %s failed", request_id)
    return done


def complete_erasure(request_id: int) -> bool:
    """Erase the account of one request. Returns False if it was already done."""
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().filter(id=request_id, completed_at__isnull=True).first()
        if request is None:
            return False
        user = request.user
        request.completed_at, request.user = timezone.now(), None
        request.save(update_fields=["completed_at", "user"])
        if user is None:  # the account was deleted some other way meanwhile
            return True
        user_id = user.id
        _erase(user, request.choice)
        transaction.on_commit(lambda: _forget_outside_database(user_id))
    return True


def _erase(user: User, choice: str) -> None:
    pseudonym = user.username
    emails = {user.email.lower()} if user.email else set()
    emails |= {e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    community_ids = set(Membership.objects.filter(user=user).values_list("community_id", flat=True))
    thread_ids = set(Post.objects.filter(author=user).values_list("thread_id", flat=True))
    community_ids |= set(Thread.objects.filter(id__in=thread_ids).values_list("community_id", flat=True))
    ghost = tombstone()
    if choice == ErasureChoice.KEEP:
        _keep_content(user, ghost)
    else:
        _delete_content(user, ghost)
    _delete_sign_in_records(pseudonym)
    _delete_sessions([user.id])
    user.delete()
    _recount(thread_ids, community_ids)
    # Emails first: an address can contain the pseudonym.
    scrub_everywhere([*(email_needle(e) for e in sorted(emails)), pseudonym_needle(pseudonym)])
    forget_removed_text()


def _keep_content(user: User, ghost: User) -> None:
    Thread.objects.filter(author=user).update(author=ghost)
    Post.objects.filter(author=user).update(author=ghost)
    PostRevision.objects.filter(editor=user).update(editor=ghost)
    # Retried sends are told apart by (room, author, client id): make each id unique under the shared author.
    Message.objects.filter(author=user).update(
        author=ghost, client_id=Concat(Value("erased-"), Cast("id", output_field=CharField()))
    )
    kept_types = ContentType.objects.get_for_models(Thread, Post, Message).values()
    QueueItem.objects.filter(author=user, content_type__in=list(kept_types)).update(author=ghost)
    Screening.objects.filter(author=user, content_kind__in=_CONTENT_SCREENINGS).update(author=ghost)
    # Whoever blocked or muted them keeps that choice, or the kept posts would reappear to them.
    for block in PersonBlock.objects.filter(target=user):
        existing = PersonBlock.objects.filter(owner_id=block.owner_id, target=ghost).first()
        if existing is None:
            PersonBlock.objects.filter(id=block.id).update(target=ghost)
        elif block.kind == BlockKind.BLOCK and existing.kind != BlockKind.BLOCK:
            PersonBlock.objects.filter(id=existing.id).update(kind=BlockKind.BLOCK)


def _delete_content(user: User, ghost: User) -> None:
    now = timezone.now()
    replied = set(
        Post.objects.filter(thread__author=user).exclude(author=user).values_list("thread_id", flat=True).distinct()
    )
    # Others' replies stay readable: the thread keeps its place, without the member's title or words.
    Thread.objects.filter(id__in=replied).update(author=ghost, title=REMOVED_THREAD_TITLE)
    openings = Post.objects.filter(thread_id__in=replied, number=1, author=user)
    PostRevision.objects.filter(post__in=openings).delete()
    Reaction.objects.filter(post__in=openings).delete()
    openings.update(
        author=ghost,
        body="",
        body_html="",
        topics=[],
        labels=[],
        moderator_note="",
        deleted_at=Coalesce(F("deleted_at"), Value(now)),
        deleted_by=None,
    )
    Thread.objects.filter(author=user).delete()
    Post.objects.filter(author=user).delete()
    Message.objects.filter(author=user).delete()


def _recount(thread_ids: Iterable[int], community_ids: Iterable[int]) -> None:
    """Counters count what members can see; recomputed for what the erasure touched."""
    visible = Q(status=ContentStatus.PUBLISHED, deleted_at__isnull=True)
    replies = (
        Post.objects.filter(visible, thread=OuterRef("pk"), number__gt=1)
        .values("thread")
        .annotate(n=Count("id"))
        .values("n")
    )
    Thread.objects.filter(id__in=list(thread_ids)).update(reply_count=Coalesce(Subquery(replies), 0))
    threads = (
        Thread.objects.filter(visible, community=OuterRef("pk")).values("community").annotate(n=Count("id")).values("n")
    )
    posts = (
        Post.objects.filter(visible, thread__community=OuterRef("pk"), thread__deleted_at__isnull=True)
        .values("thread__community")
        .annotate(n=Count("id"))
        .values("n")
    )
    members = (
        Membership.objects.filter(community=OuterRef("pk")).values("community").annotate(n=Count("id")).values("n")
    )
    Community.objects.filter(id__in=list(community_ids)).update(
        thread_count=Coalesce(Subquery(threads), 0),
        post_count=Coalesce(Subquery(posts), 0),
        member_count=Coalesce(Subquery(members), 0),
    )


def _delete_sign_in_records(pseudonym: str) -> None:
    if not apps.is_installed("axes"):
        return
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog  # noqa: PLC0415

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=pseudonym).delete()


def _delete_sessions(user_ids: list[int]) -> None:
    """Delete the members' rows in Django's session table (the only session store Hearth uses)."""
    from django.contrib.sessions.models import Session  # noqa: PLC0415

    wanted = {str(i) for i in user_ids}
    if apps.is_installed("allauth.usersessions"):
        from allauth.usersessions.models import UserSession  # noqa: PLC0415

        keys = list(UserSession.objects.filter(user_id__in=user_ids).values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
    # Sessions made before session tracking, or by force_login: found by decoding each live one.
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if str(s.get_decoded().get("_auth_user_id", "")) in wanted
    ]
    Session.objects.filter(session_key__in=doomed).delete()


def _forget_outside_database(user_id: int) -> None:
    """Cache entries and the channel-layer group of an erased account. Failures are logged, never raised: the
    database work is done, and these expire by themselves."""
    now = time.time()
    keys = [
        f"rl:{action}:{user_id}:{int(now // period) - back}"
        for action, (_, period) in settings.HEARTH_API_RATE_LIMITS.items()
        for back in (0, 1)
    ]
    try:
        cache.delete_many(keys)
    except Exception:
        logger.exception("Erasure: could not clear cache entries")
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(_close_and_discard)(layer, user_group(user_id))
    except Exception:
        logger.exception("Erasure: could not discard a channel-layer group")


async def _close_and_discard(layer: BaseChannelLayer, group: str) -> None:
    await layer.group_send(group, {"type": ERASED_EVENT})
    groups = getattr(layer, "groups", None)
    if isinstance(groups, dict):  # the in-memory layer
        groups.pop(group, None)
        return
    group_key = getattr(layer, "_group_key", None)
    if group_key is not None:  # channels-redis: the group is one sorted set
        connection = layer.connection(layer.consistent_hash(group))
        await connection.delete(group_key(group))
