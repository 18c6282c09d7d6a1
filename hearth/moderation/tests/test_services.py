from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hearth.core.errors import ApplicationError, ConflictError
from hearth.core.testing.factories import CommunityFactory, make_member, make_thread, opening_post
from hearth.forums.models import ContentStatus, Post
from hearth.moderation.models import ActionKind, AuditLogEntry, QueueItem, QueueStatus
from hearth.moderation.selectors import open_queue
from hearth.moderation.services import approve_item, claim_item, enqueue_post, hide_item, set_post_status, unclaim_item
from hearth.notifications.models import Notification
from hearth.safety.analyzers.base import RiskLevel
from hearth.safety.policy import Action, Decision


def held_reply(community, *, risk=RiskLevel.HIGH, minutes=15):
    """A reply the pipeline held, built directly so these tests don't depend on the analyzers' judgement."""
    thread = make_thread(community)
    post = Post.objects.create(
        thread=thread,
        number=2,
        author=make_member(community),
        body="Held text.",
        body_html="<p>Held text.</p>",
        status=ContentStatus.HELD,
        risk_level=int(risk),
    )
    thread.last_post_number = 2
    thread.save(update_fields=["last_post_number"])
    decision = Decision(
        action=Action.HOLD,
        risk_level=risk,
        reasons=(f"Crisis risk: {risk.label}.",),
        show_help=True,
        needs_moderator=True,
        queue_kinds=("crisis",),
    )
    item = enqueue_post(post, decision=decision, screening=None)
    assert item is not None
    return post, item


@pytest.mark.django_db
class TestQueue:
    def test_enqueue_sets_a_due_time_from_the_risk(self, community):
        _, item = held_reply(community, risk=RiskLevel.IMMINENT)
        assert item.held
        assert item.due_at - item.created_at == timedelta(minutes=5)

    def test_nothing_is_queued_when_no_moderator_is_needed(self, community):
        post = opening_post(make_thread(community))
        decision = Decision(action=Action.PUBLISH, risk_level=RiskLevel.NONE, reasons=())
        assert enqueue_post(post, decision=decision, screening=None) is None

    def test_the_queue_puts_the_riskiest_first_then_the_longest_waiting(self, moderator, community):
        _, low = held_reply(community, risk=RiskLevel.LOW)
        _, high_new = held_reply(community, risk=RiskLevel.HIGH)
        _, high_old = held_reply(community, risk=RiskLevel.HIGH)
        QueueItem.objects.filter(id=high_old.id).update(created_at=timezone.now() - timedelta(hours=1))
        assert [i.id for i in open_queue(moderator)] == [high_old.id, high_new.id, low.id]

    def test_moderators_see_only_their_communities(self, moderator, community, global_moderator):
        other = CommunityFactory()
        _, mine = held_reply(community)
        _, theirs = held_reply(other)
        assert [i.id for i in open_queue(moderator)] == [mine.id]
        assert {i.id for i in open_queue(global_moderator)} == {mine.id, theirs.id}

    def test_the_queue_uses_a_fixed_number_of_queries(self, moderator, community, django_assert_num_queries):
        for _ in range(2):
            held_reply(community)
        open_queue(moderator)  # memberships are cached on the user after this
        # items (with community, author, claimer) · their posts (with threads and authors)
        with django_assert_num_queries(2):
            open_queue(moderator)
        for _ in range(6):
            held_reply(community)
        with django_assert_num_queries(2):
            open_queue(moderator)


@pytest.mark.django_db
class TestActions:
    def test_approving_publishes_the_post_keeps_counts_exact_logs_and_tells_the_author(self, moderator, community):
        post, item = held_reply(community)
        thread = post.thread
        thread.refresh_from_db()
        replies_before = thread.reply_count
        approve_item(moderator, item, reason="Checked in with them; fine to share.")
        post.refresh_from_db()
        thread.refresh_from_db()
        item.refresh_from_db()
        assert post.status == ContentStatus.PUBLISHED
        assert thread.reply_count == replies_before + 1
        assert item.status == QueueStatus.RESOLVED
        assert item.resolution == "approved"
        entry = AuditLogEntry.objects.get(action=ActionKind.APPROVE)
        assert entry.actor == moderator
        assert entry.reason == "Checked in with them; fine to share."
        note = Notification.objects.get(user=post.author, kind="post_approved")
        assert "Checked in with them" in note.body

    def test_hiding_keeps_it_from_members_and_tells_the_author_why(self, moderator, community):
        post, item = held_reply(community)
        hide_item(moderator, item, reason="It describes a method.")
        post.refresh_from_db()
        assert post.status == ContentStatus.HIDDEN
        assert post.moderator_note == "It describes a method."
        assert Notification.objects.filter(user=post.author, kind="post_hidden").exists()

    def test_every_action_needs_a_reason(self, moderator, community):
        _, item = held_reply(community)
        with pytest.raises(ApplicationError):
            approve_item(moderator, item, reason="   ")
        with pytest.raises(ApplicationError):
            hide_item(moderator, item, reason="")

    def test_only_the_communitys_moderators_may_act(self, member, community):
        outsider_mod = make_member(CommunityFactory(), role="moderator")
        _, item = held_reply(community)
        for user in (member, outsider_mod):
            with pytest.raises(PermissionDenied):
                approve_item(user, item, reason="x")
            with pytest.raises(PermissionDenied):
                claim_item(user, item)

    def test_claiming_is_exclusive(self, moderator, community, global_moderator):
        _, item = held_reply(community)
        claim_item(moderator, item)
        with pytest.raises(ConflictError):
            claim_item(global_moderator, item)
        with pytest.raises(ConflictError):
            unclaim_item(global_moderator, item)
        unclaim_item(moderator, item)
        claim_item(global_moderator, item)

    def test_a_resolved_item_cannot_be_acted_on_again(self, moderator, community):
        _, item = held_reply(community)
        approve_item(moderator, item, reason="ok")
        with pytest.raises(ConflictError):
            hide_item(moderator, item, reason="changed my mind")

    def test_hiding_a_published_post_lowers_the_counts(self, moderator, community):
        thread = make_thread(community, replies=1)
        reply = Post.objects.get(thread=thread, number=2)
        community.refresh_from_db()
        before = community.post_count
        set_post_status(reply, ContentStatus.HIDDEN)
        community.refresh_from_db()
        thread.refresh_from_db()
        assert community.post_count == before - 1
        assert thread.reply_count == 0


@pytest.mark.django_db
def test_the_audit_log_cannot_be_changed_or_deleted(moderator, community):
    _, item = held_reply(community)
    approve_item(moderator, item, reason="ok")
    entry = AuditLogEntry.objects.get(action=ActionKind.APPROVE)
    entry.reason = "rewritten"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
