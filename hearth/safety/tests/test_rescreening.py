"""Re-screening stored content after the analyzers change: new Screening decisions, only ever more caution.

"An older model missed it" is played by writing the text straight into a published post or message, past the
pipeline; re-screening then runs today's real pipeline over it."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from hearth.chat.models import Message
from hearth.chat.services import lobby_for, send_message
from hearth.core.testing.factories import make_thread, opening_post
from hearth.core.testing.redis import REDIS_FOR_TESTS
from hearth.forums.models import ContentStatus, Post
from hearth.forums.services import add_reply
from hearth.moderation.models import QueueItem, QueueStatus
from hearth.oncall.models import Alert
from hearth.safety import rescreening, tasks
from hearth.safety.models import Screening

pytestmark = pytest.mark.django_db

MISSED = "I am going to kill myself tonight. I have the pills ready."
KIND = "Thank you, that helped me a lot."


def _items(content: Post | Message) -> list[QueueItem]:
    content_type = ContentType.objects.get_for_model(content)
    return list(QueueItem.objects.filter(content_type=content_type, object_id=content.pk))


def _screenings(content: Post | Message) -> list[Screening]:
    content_type = ContentType.objects.get_for_model(content)
    return list(Screening.objects.filter(content_type=content_type, object_id=content.pk).order_by("id"))


@pytest.fixture
def missed_reply(community, member):
    """A published reply whose words today's pipeline sees as imminent risk, passed when it was written."""
    thread = make_thread(community)
    reply = add_reply(member, thread, body=KIND)
    Post.objects.filter(id=reply.id).update(body=MISSED)
    reply.refresh_from_db()
    return reply


def test_a_missed_crisis_reply_gets_a_new_screening_and_reaches_a_moderator(missed_reply, moderator, caplog):
    with caplog.at_level(logging.DEBUG):
        assert rescreening.rescreen_post(missed_reply.id) == rescreening.QUEUED
    first, latest = _screenings(missed_reply)
    assert first.risk_level == 0
    assert latest.risk_level == 4
    assert latest.action == "hold"
    assert latest.findings["rescreened"] is True
    assert latest.content_kind == "reply"
    (item,) = _items(missed_reply)
    assert item.screening == latest
    assert item.risk_level == 4
    assert "crisis" in item.kinds
    missed_reply.refresh_from_db()
    assert missed_reply.risk_level == 4
    assert "suicide" in missed_reply.topics
    # Nobody is on call, so on call holds it and alerts the community's moderators.
    assert missed_reply.status == ContentStatus.HELD
    assert Alert.objects.filter(item=item, recipient=moderator).exists()
    assert "pills" not in caplog.text
    assert "kill" not in caplog.text


def test_content_that_is_still_fine_gets_a_screening_and_nothing_else(community, member):
    reply = add_reply(member, make_thread(community), body=KIND)
    assert rescreening.rescreen_post(reply.id) == rescreening.SCREENED
    assert len(_screenings(reply)) == 2
    assert _items(reply) == []


def test_rescreening_never_lowers_risk_nor_releases_held_content(community, member):
    reply = add_reply(member, make_thread(community), body=KIND)
    Post.objects.filter(id=reply.id).update(risk_level=3, labels=["crisis_support"], status=ContentStatus.HELD)
    assert rescreening.rescreen_post(reply.id) == rescreening.SCREENED
    reply.refresh_from_db()
    assert reply.risk_level == 3
    assert reply.labels == ["crisis_support"]
    assert reply.status == ContentStatus.HELD


def test_an_opening_post_is_screened_with_its_title(community, member):
    thread = make_thread(community, author=member, title="Tonight is the night", body=KIND)
    post = opening_post(thread)
    Post.objects.filter(id=post.id).update(body="I have the pills ready. Goodbye everyone, I am going to kill myself.")
    assert rescreening.rescreen_post(post.id) == rescreening.QUEUED
    assert _screenings(post)[-1].content_kind == "thread"


def test_deleted_and_hidden_content_is_left_alone(missed_reply):
    Post.objects.filter(id=missed_reply.id).update(status=ContentStatus.HIDDEN)
    assert rescreening.rescreen_post(missed_reply.id) == rescreening.SKIPPED
    Post.objects.filter(id=missed_reply.id).update(status=ContentStatus.PUBLISHED, deleted_at=timezone.now())
    assert rescreening.rescreen_post(missed_reply.id) == rescreening.SKIPPED
    assert rescreening.rescreen_post(10**9) == rescreening.SKIPPED
    assert len(_screenings(missed_reply)) == 1


def test_the_queue_is_not_filled_twice(missed_reply):
    assert rescreening.rescreen_post(missed_reply.id) == rescreening.QUEUED
    assert rescreening.rescreen_post(missed_reply.id) == rescreening.SCREENED  # the open item is enough
    QueueItem.objects.filter(object_id=missed_reply.id).update(status=QueueStatus.RESOLVED)
    assert rescreening.rescreen_post(missed_reply.id) == rescreening.SCREENED  # a moderator already decided
    assert len(_items(missed_reply)) == 1


def test_a_missed_chat_message_reaches_a_moderator(community, member):
    sent = send_message(member, lobby_for(community), body=KIND, client_id="rescreen-1")
    Message.objects.filter(id=sent.message.id).update(body=MISSED)
    assert rescreening.rescreen_message(sent.message.id) == rescreening.QUEUED
    (item,) = _items(sent.message)
    assert item.risk_level == 4
    assert _screenings(sent.message)[-1].content_kind == "chat"


def test_a_batch_counts_outcomes_and_survives_a_failing_row(missed_reply, community, member, monkeypatch, caplog):
    fine = add_reply(member, missed_reply.thread, body=KIND)
    real = rescreening.rescreen_post

    def flaky(post_id: int) -> str:
        if post_id == fine.id:
            raise RuntimeError(f"could not read {MISSED}")
        return real(post_id)

    monkeypatch.setitem(rescreening.RESCREENERS, "posts", flaky)
    with caplog.at_level(logging.ERROR):
        outcomes = tasks.rescreen_content.apply(args=["posts", [missed_reply.id, fine.id, 10**9]]).get()
    assert outcomes == {"queued": 1, "failed": 1, "skipped": 1}
    assert f"Re-screening posts {fine.id} failed: RuntimeError" in caplog.text
    assert "pills" not in caplog.text


# --- The command ----------------------------------------------------------------------------------------------


def test_the_command_rescreens_recent_content_in_place_without_a_broker(missed_reply, community, member):
    old = add_reply(member, missed_reply.thread, body=KIND)
    Post.objects.filter(id=old.id).update(body=MISSED, created_at=timezone.now() - timedelta(days=10))
    out = StringIO()
    call_command("rescreen_recent", "--hours", "24", "--only", "posts", stdout=out)
    # The thread's opening post, the fine reply and the missed one; not the ten-day-old reply.
    assert out.getvalue().strip() == "posts: 2 re-screened (queued 1, screened 1)"
    assert _items(old) == []
    assert len(_items(missed_reply)) == 1
    assert "pills" not in out.getvalue()


def test_with_a_broker_the_command_queues_batches_for_the_workers(
    missed_reply, community, member, settings, monkeypatch
):
    settings.CELERY_BROKER_URL = REDIS_FOR_TESTS
    sent: list[tuple[str, list[int]]] = []
    monkeypatch.setattr(tasks.rescreen_content, "apply_async", lambda args: sent.append(tuple(args)))
    lobby = lobby_for(community)
    for n in range(3):
        send_message(member, lobby, body=KIND, client_id=f"rescreen-batch-{n}")
    out = StringIO()
    call_command("rescreen_recent", "--batch-size", "2", stdout=out)
    post_ids = sorted(Post.objects.values_list("id", flat=True))
    message_ids = sorted(Message.objects.values_list("id", flat=True))
    assert sent == [("posts", post_ids), ("messages", message_ids[:2]), ("messages", message_ids[2:])]
    assert out.getvalue().splitlines() == [
        "posts: 2 queued for re-screening in 1 task(s)",
        "messages: 3 queued for re-screening in 2 task(s)",
    ]
    assert len(_screenings(missed_reply)) == 1  # nothing ran here
