"""Erasure, checked in the database afterwards: table by table, and every text column of every table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.utils import timezone

from hearth.accounts.models import ApiToken, PersonBlock, User
from hearth.accounts.services import create_api_token
from hearth.api.tests.helpers import bearer, get
from hearth.chat.models import Message
from hearth.chat.services import lobby_for, send_message
from hearth.communities.models import Community, MembershipRole
from hearth.core.errors import ApplicationError, RateLimited
from hearth.core.testing.factories import make_member, make_thread, opening_post
from hearth.forums.models import Post, PostRevision, Thread
from hearth.forums.selectors import search_posts
from hearth.forums.services import add_reply
from hearth.listeners.models import SupportRequest
from hearth.moderation.models import ActionKind, AuditLogEntry, Sanction
from hearth.moderation.services import log_action
from hearth.notifications.services import notify
from hearth.privacy.erasure import REMOVED_THREAD_TITLE, complete_erasure, process_due_erasures, request_erasure
from hearth.privacy.models import ErasureChoice, ErasureRequest
from hearth.privacy.scrub import REMOVED_MEMBER
from hearth.privacy.tests.data import populate, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


# --- Checks that look at the whole database --------------------------------------------------------------


def rows_pointing_to(user_id: int) -> list[str]:
    """Every row, in every table, whose foreign key to the user table holds this id."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not (isinstance(field, models.ForeignKey) and field.related_model is User):
                continue
            if model._base_manager.filter(**{field.attname: user_id}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def text_containing(*needles: str) -> list[str]:
    """Raw SQL over every column of every table: where any needle appears, in any case."""
    lowered = [n.lower() for n in needles]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608 (test)
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = (value.decode(errors="ignore") if isinstance(value, bytes) else str(value)).lower()
                    found += [f"{table}.{column}: {n}" for n in lowered if n in text]
    return found


def stored_values_containing(*needles: str) -> list[str]:
    """The same, for columns whose stored form is not the text (encrypted ones): read through the ORM."""
    lowered = [n.lower() for n in needles]
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if type(field).__module__.startswith("django.") or field.get_internal_type() not in (
                "TextField",
                "CharField",
                "JSONField",
            ):
                continue
            for value in model._base_manager.values_list(field.attname, flat=True):
                text = str(value).lower()
                found += [f"{model._meta.label}.{field.name}: {n}" for n in lowered if n in text]
    return found


def sessions_of(user_id: int) -> list[str]:
    return [s.session_key for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_id)]


def signs_in(pseudonym: str, password: str = PASSWORD) -> bool:
    browser = Client()
    browser.post("/accounts/login/", {"login": pseudonym, "password": password})
    return "_auth_user_id" in browser.session


def erase(user: User, choice: str, **extra: str) -> ErasureRequest:
    if Authenticator.objects.filter(user=user).exists():
        extra.setdefault("mfa_code", totp_code(user))
    request = request_erasure(user, password=PASSWORD, choice=choice, **extra)
    ErasureRequest.objects.filter(id=request.id).update(due_at=timezone.now() - timedelta(seconds=1))
    assert process_due_erasures() == 1
    return request


@pytest.fixture
def scene(member, other_member, moderator, community):
    """The member has data of every kind; others mention, quote, notify, sanction and reply to them."""
    written = populate(member, other_member, community, tag="Kingfisher")
    populate(other_member, member, community, tag="Zebrafinch")
    name = member.username
    # Others name them and their email in replies, and reply to one of their threads.
    add_reply(
        other_member,
        written.thread,
        body=f"Thanks @{name}, and {written.email} wrote to me too.",
        acknowledged=frozenset({"own_details"}),
    )
    mention = make_thread(community, author=other_member, title=f"Shout-out to {name}", body=f"{name} helped me.")
    notify(other_member, kind="test", title=f"{name} replied to your thread")
    send_message(other_member, lobby_for(community), body=f"Miss you {name}!", client_id="client-mention")
    # A moderator's warning, recorded as the moderation services record it.
    reason = f"{name} was unkind."
    Sanction.objects.create(member=member, kind="warning", community=community, reason=reason, created_by=moderator)
    log_action(moderator, ActionKind.WARN, reason=reason, subject=member)
    return written, mention


# --- Asking ----------------------------------------------------------------------------------------------


def test_a_wrong_password_changes_nothing(member):
    with pytest.raises(ApplicationError, match="password"):
        request_erasure(member, password="not it", choice=ErasureChoice.DELETE)
    member.refresh_from_db()
    assert member.is_active and not ErasureRequest.objects.exists()


def test_password_guesses_are_limited(member):
    for _ in range(5):
        with pytest.raises(ApplicationError):
            request_erasure(member, password="not it", choice=ErasureChoice.DELETE)
    with pytest.raises(RateLimited):
        request_erasure(member, password=PASSWORD, choice=ErasureChoice.DELETE)
    member.refresh_from_db()
    assert member.is_active


def test_members_with_two_factor_also_give_a_code(member, other_member, community):
    populate(member, other_member, community, tag="Kingfisher")  # sets up an authenticator app
    with pytest.raises(ApplicationError, match="code"):
        request_erasure(member, password=PASSWORD, choice=ErasureChoice.DELETE)
    with pytest.raises(ApplicationError, match="code"):
        request_erasure(member, password=PASSWORD, choice=ErasureChoice.DELETE, mfa_code="000000")
    member.refresh_from_db()
    assert member.is_active
    request_erasure(member, password=PASSWORD, choice=ErasureChoice.DELETE, mfa_code=totp_code(member))
    member.refresh_from_db()
    assert not member.is_active


def test_the_account_closes_at_once_and_is_erased_only_when_due(member, community, client):
    _, secret = create_api_token(member, name="script")
    elsewhere = Client()
    elsewhere.force_login(member)
    assert sessions_of(member.id)

    request = request_erasure(member, password=PASSWORD, choice=ErasureChoice.DELETE)

    member.refresh_from_db()
    assert not member.is_active and not member.has_usable_password()
    assert not ApiToken.objects.filter(user=member).exists()
    assert sessions_of(member.id) == []
    assert get(client, "/me", **bearer(secret)).status_code == 401
    assert elsewhere.get("/accounts/data/").status_code == 302  # signed out
    assert not signs_in(member.username)
    assert request.due_at - request.requested_at == timedelta(days=7)
    # Not due yet: the sweep leaves it, and the data is still there.
    assert process_due_erasures() == 0
    assert User.objects.filter(id=member.id).exists()
    call_command("process_erasures", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert User.objects.filter(id=member.id).exists()


def test_erasure_is_done_once_however_often_the_sweep_runs(member):
    request = erase(member, ErasureChoice.DELETE)
    assert process_due_erasures() == 0
    assert complete_erasure(request.id) is False
    request.refresh_from_db()
    assert request.user is None and request.completed_at is not None


def test_zero_days_erases_at_once(member, settings):
    settings.HEARTH_ERASURE_DAYS = 0
    request = request_erasure(member, password=PASSWORD, choice=ErasureChoice.KEEP)
    assert request.completed_at is not None
    assert not User.objects.filter(id=member.id).exists()


# --- Deleting everything -----------------------------------------------------------------------------------


def test_delete_leaves_nothing_of_them(scene, member, other_member, community):
    written, mention = scene
    user_id, name, email = member.id, member.username, written.email
    # The checks below can fail: before erasure they find plenty.
    assert len(rows_pointing_to(user_id)) > 20
    assert len(text_containing(name, email)) > 5

    erase(member, ErasureChoice.DELETE)

    assert rows_pointing_to(user_id) == []
    assert text_containing(name, email) == []
    assert stored_values_containing(name, email) == []
    assert sessions_of(user_id) == []
    # Their writing is gone: posts, earlier versions, messages, threads nobody replied to.
    assert not Post.objects.filter(body__contains="Kingfisher").exists()
    assert not PostRevision.objects.filter(body__contains="Kingfisher").exists()
    assert not [m for m in Message.objects.all() if "Kingfisher" in m.body]  # bodies may be encrypted at rest
    assert not Thread.objects.filter(title__contains="Kingfisher").exists()
    assert not Thread.objects.filter(id=written.anonymous_thread.id).exists()
    # A thread others replied to stays for the replies, its title and opening post removed.
    kept = Thread.objects.get(id=written.thread.id)
    assert kept.title == REMOVED_THREAD_TITLE and kept.author.username == REMOVED_MEMBER
    opening = opening_post(kept)
    assert opening.body == "" and opening.deleted_at is not None
    assert [p.author_id for p in kept.posts.filter(deleted_at__isnull=True)] == [other_member.id]
    assert kept.reply_count == 1
    # Others keep their words, without the pseudonym or the address.
    reply = kept.posts.get(author=other_member)
    assert reply.body == f"Thanks @{REMOVED_MEMBER}, and [email removed] wrote to me too."
    mention.refresh_from_db()
    assert mention.title == f"Shout-out to {REMOVED_MEMBER}"
    # The moderation record stays, pointing to nobody.
    entry = AuditLogEntry.objects.get(action="warn")
    assert entry.subject_id is None and entry.reason == f"{REMOVED_MEMBER} was unkind."
    assert not Sanction.objects.exists()
    # Search no longer finds what they wrote, and the counters count what is left.
    assert list(search_posts(other_member, "Kingfisher", page=1)) == []
    community.refresh_from_db()
    assert community.member_count == community.memberships.count()
    assert (
        community.post_count
        == Post.objects.filter(
            thread__community=community, deleted_at__isnull=True, thread__deleted_at__isnull=True, status="published"
        ).count()
    )


def test_delete_keeps_the_other_persons_side_of_a_support_chat(scene, member, other_member):
    written, _ = scene
    erase(member, ErasureChoice.DELETE)
    assert list(written.support_room.messages.values_list("author_id", flat=True)) == []
    assert written.support_room.participants.get().user_id == other_member.id


# --- Keeping posts as "Removed member" -----------------------------------------------------------------------


def test_keep_leaves_the_posts_under_the_tombstone_and_nothing_else(scene, member, other_member):
    written, _ = scene
    user_id, name, email = member.id, member.username, written.email

    erase(member, ErasureChoice.KEEP)

    assert rows_pointing_to(user_id) == []
    assert text_containing(name, email) == []
    assert stored_values_containing(name, email) == []
    ghost = User.objects.get(username=REMOVED_MEMBER)
    assert not ghost.is_active and not ghost.has_usable_password() and ghost.email == ""
    # Their writing stays, with its history, under the tombstone.
    assert Post.objects.get(id=written.reply.id).author_id == ghost.id
    thread = Thread.objects.get(id=written.thread.id)
    assert thread.author_id == ghost.id and thread.title == "Sleep thread Kingfisher"
    assert PostRevision.objects.get(post__thread=thread).body == "Opening words Kingfisher."
    assert Message.objects.get(id=written.message.id).author_id == ghost.id
    assert Thread.objects.get(id=written.anonymous_thread.id).is_anonymous
    # Search finds it, shown as the tombstone (to someone who had not muted them).
    reader = make_member(thread.community)
    found = list(search_posts(reader, "My reply Kingfisher", page=1))
    assert [p.author_label for p in found] == [REMOVED_MEMBER]
    # Their profile, preferences and private data went with the account.
    assert text_containing("Plan item Kingfisher", "muteKingfisher", "Bio of Kingfisher", "token-Kingfisher") == []


def test_keep_carries_others_blocks_over_to_the_tombstone(scene, member, other_member):
    """Whoever muted them must not see the kept posts reappear."""
    PersonBlock.objects.filter(owner=other_member, target=member).update(kind="block")
    erase(member, ErasureChoice.KEEP)
    block = PersonBlock.objects.get(owner=other_member)
    assert block.target.username == REMOVED_MEMBER and block.kind == "block"


def test_two_erased_members_can_keep_posts_in_the_same_room(scene, member, other_member, community):
    erase(member, ErasureChoice.KEEP)
    erase(other_member, ErasureChoice.KEEP)
    ghost = User.objects.get(username=REMOVED_MEMBER)
    assert Message.objects.filter(author=ghost).count() == Message.objects.count()
    assert text_containing("QuietHeron42", "BraveOtter17") == []


# --- Staff ---------------------------------------------------------------------------------------------


def test_a_moderators_erasure_keeps_their_decisions_pointing_to_nobody(scene, moderator, member):
    mod_id, mod_name = moderator.id, moderator.username
    entries = AuditLogEntry.objects.filter(actor=moderator).count()
    assert entries
    erase(moderator, ErasureChoice.DELETE)
    assert AuditLogEntry.objects.filter(actor__isnull=True).count() == entries
    assert rows_pointing_to(mod_id) == []
    assert text_containing(mod_name) == []
    # The sanction they gave stays on the member's record.
    assert Sanction.objects.get(member=member).created_by is None


def test_a_listeners_erasure_leaves_the_members_chat_history(scene, member, other_member):
    written, _ = scene  # other_member listened in the member's support chat
    erase(other_member, ErasureChoice.KEEP)
    request = SupportRequest.objects.get(room=written.support_room)
    assert request.listener_id is None and request.member_id == member.id
    assert written.support_room.messages.filter(author=member).exists()


# --- Outside the database -------------------------------------------------------------------------------


def test_their_cache_entries_are_cleared(member, django_capture_on_commit_callbacks):
    key = f"rl:post:{member.id}:{int(timezone.now().timestamp() // 3600)}"
    cache.set(key, 3)
    with django_capture_on_commit_callbacks(execute=True):
        erase(member, ErasureChoice.DELETE)
    assert cache.get(key) is None


def test_the_tombstone_has_no_profile_and_cannot_sign_in(scene, member):
    erase(member, ErasureChoice.KEEP)
    assert not signs_in(REMOVED_MEMBER, "")
    other = make_member(Community.objects.get(), role=MembershipRole.MEMBER)
    viewer = Client()
    viewer.force_login(other)
    assert viewer.get(f"/members/{REMOVED_MEMBER}/").status_code == 404


# --- Scrubbing and robustness -------------------------------------------------------------------------------


def test_scrubbing_replaces_whole_words_and_never_a_status(community, other_member):
    hidden = make_member(community, username="Hidden")
    thread = make_thread(community, author=other_member, title="Words", body="Hidden in plain sight; hiddenness.")
    post = opening_post(thread)
    Post.objects.filter(id=post.id).update(status="hidden")
    erase(hidden, ErasureChoice.DELETE)
    post.refresh_from_db()
    assert post.status == "hidden"
    assert post.body == f"{REMOVED_MEMBER} in plain sight; hiddenness."


def test_one_failing_erasure_does_not_hold_up_the_others(member, other_member, monkeypatch):
    from hearth.privacy import erasure

    for person in (member, other_member):
        request_erasure(person, password=PASSWORD, choice=ErasureChoice.DELETE)
    ErasureRequest.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    real = erasure._erase

    def flaky(user, choice):
        if user.id == member.id:
            raise RuntimeError("database hiccup")
        real(user, choice)

    monkeypatch.setattr(erasure, "_erase", flaky)
    assert process_due_erasures() == 1
    assert User.objects.filter(id=member.id).exists()  # rolled back, still pending
    assert not User.objects.filter(id=other_member.id).exists()
    monkeypatch.setattr(erasure, "_erase", real)
    assert process_due_erasures() == 1
    assert not User.objects.filter(id=member.id).exists()
