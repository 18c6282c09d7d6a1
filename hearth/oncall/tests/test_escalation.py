"""Safety requirements 13 and 14, end to end: urgent items reach the person on duty, unacknowledged alerts reach
the backup after HEARTH_ONCALL_ACK_MINUTES, and with nobody on duty the post is held and its author helped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from hearth.communities.models import Community, MembershipRole
from hearth.core.testing.factories import make_member, opening_post
from hearth.forums.models import ContentStatus, Thread
from hearth.forums.services import create_thread
from hearth.moderation.models import AuditLogEntry, QueueItem, QueueStatus
from hearth.moderation.services import claim_item
from hearth.notifications.models import Notification
from hearth.oncall.models import Alert, AlertTier, ShiftRole
from hearth.oncall.services import acknowledge_alert, escalate_overdue, go_on_duty
from hearth.oncall.tests.helpers import SECRET_WORDS, urgent_post
from hearth.safety.analyzers.base import RiskLevel

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # the small hours, when rotas matter most
CRISIS = "I can't do this anymore. I'm going to kill myself tonight, I've already written goodbye letters."


@pytest.fixture
def backup(community):
    return make_member(community, role=MembershipRole.MODERATOR, username="SteadyBirch5", email="birch@example.org")


@pytest.fixture
def clock():
    """Time stands still at START until a test moves it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def rota(clock, moderator, backup):
    """`moderator` on duty as primary, `backup` as backup, both for every community they moderate."""
    moderator.email = "lantern@example.org"
    moderator.save(update_fields=["email"])
    go_on_duty(moderator, role=ShiftRole.PRIMARY, hours=8)
    go_on_duty(backup, role=ShiftRole.BACKUP, hours=8)


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


@pytest.mark.django_db
class TestEscalation:
    @pytest.fixture(autouse=True)
    def _five_minutes(self, settings):
        settings.HEARTH_ONCALL_ACK_MINUTES = 5

    def test_an_imminent_post_alerts_the_one_on_duty_and_then_the_backup_when_nobody_acknowledges(
        self, community, moderator, backup, django_capture_on_commit_callbacks
    ):
        with time_machine.travel(START, tick=False) as traveller:
            moderator.email = "lantern@example.org"
            moderator.save(update_fields=["email"])
            go_on_duty(moderator, role=ShiftRole.PRIMARY, hours=8)
            go_on_duty(backup, role=ShiftRole.BACKUP, hours=8)
            author = make_member(community, username="HopefulFinch9")
            # Through the real pipeline: the writer's words pass screen_text, are held and queued.
            with django_capture_on_commit_callbacks(execute=True):
                thread = create_thread(author, community, title="I'm done", body=CRISIS)
            item = QueueItem.objects.get(object_id=opening_post(thread).id)
            assert item.risk_level >= RiskLevel.HIGH

            alert = Alert.objects.get(item=item)
            assert (alert.recipient, alert.tier) == (moderator, AlertTier.PRIMARY)
            assert kinds_for(moderator) == ["oncall_primary"]
            assert kinds_for(backup) == []
            assert [m.to for m in mail.outbox] == [["lantern@example.org"]]

            # Four minutes on, nobody has acknowledged: not yet.
            traveller.shift(timedelta(minutes=4))
            assert escalate_overdue() == 0
            assert kinds_for(backup) == []

            # Past five minutes: the backup is alerted, once.
            traveller.shift(timedelta(minutes=2))
            with django_capture_on_commit_callbacks(execute=True):
                assert escalate_overdue() == 1
            assert kinds_for(backup) == ["oncall_backup"]
            assert Alert.objects.get(item=item, recipient=backup).tier == AlertTier.BACKUP
            assert Alert.objects.get(id=alert.id).escalated_at == START + timedelta(minutes=6)
            assert mail.outbox[-1].to == ["birch@example.org"]

            # The sweep is idempotent: running it again (or in a second process) sends nothing more.
            with django_capture_on_commit_callbacks(execute=True):
                assert escalate_overdue() == 0
            assert kinds_for(backup) == ["oncall_backup"]
            assert len(mail.outbox) == 2
            # The post stayed held, as the community's policy says; nobody was on duty to be missed.
            assert opening_post(thread).status == ContentStatus.HELD
            assert not Notification.objects.filter(user=author, kind="crisis_help").exists()

    def test_an_acknowledged_alert_does_not_escalate_and_the_item_is_claimed(self, community, moderator, backup, rota):
        with time_machine.travel(START, tick=False) as traveller:
            _, item = urgent_post(community)
            alert = Alert.objects.get(item=item, recipient=moderator)
            traveller.shift(timedelta(minutes=2))
            acknowledge_alert(moderator, alert)
            traveller.shift(timedelta(minutes=30))
            assert escalate_overdue() == 0
        assert kinds_for(backup) == []
        alert.refresh_from_db()
        assert alert.acknowledged_by == moderator
        assert alert.acknowledged_at == START + timedelta(minutes=2)
        item.refresh_from_db()
        assert (item.status, item.claimed_by) == (QueueStatus.CLAIMED, moderator)

    def test_an_item_claimed_from_the_queue_does_not_escalate(self, community, moderator, backup, rota):
        with time_machine.travel(START, tick=False) as traveller:
            _, item = urgent_post(community)
            claim_item(moderator, item)
            traveller.shift(timedelta(minutes=30))
            assert escalate_overdue() == 0
        assert kinds_for(backup) == []

    def test_an_unacknowledged_backup_alert_goes_to_every_moderator(
        self, community, moderator, backup, rota, global_moderator
    ):
        other_moderator = make_member(community, role=MembershipRole.MODERATOR, username="MildHeron4")
        with time_machine.travel(START, tick=False) as traveller:
            _, item = urgent_post(community)
            traveller.shift(timedelta(minutes=6))
            assert escalate_overdue() == 1  # primary → backup
            traveller.shift(timedelta(minutes=6))
            assert escalate_overdue() == 1  # backup → everyone
            traveller.shift(timedelta(minutes=60))
            assert escalate_overdue() == 0  # nobody is left to pass it to: it stays with everyone
        fallback = set(Alert.objects.filter(item=item, tier=AlertTier.FALLBACK).values_list("recipient", flat=True))
        assert fallback == {moderator.id, backup.id, other_moderator.id, global_moderator.id}

    def test_with_no_backup_on_duty_an_overdue_alert_goes_to_every_moderator(
        self, community, moderator, global_moderator
    ):
        other_moderator = make_member(community, role=MembershipRole.MODERATOR, username="MildHeron4")
        with time_machine.travel(START, tick=False) as traveller:
            go_on_duty(moderator, hours=1)
            urgent_post(community)
            traveller.shift(timedelta(minutes=5))
            assert escalate_overdue() == 1
        assert kinds_for(other_moderator) == ["oncall_fallback"]
        assert kinds_for(global_moderator) == ["oncall_fallback"]

    def test_two_sweeps_racing_for_the_same_alert_send_once(self, community, moderator, backup, rota):
        with time_machine.travel(START, tick=False) as traveller:
            _, item = urgent_post(community)
            traveller.shift(timedelta(minutes=6))
            # The second sweep read the same due alert before the first claimed it.
            from hearth.oncall import services

            now = START + timedelta(minutes=6)
            assert services._escalate(item.id, AlertTier.PRIMARY, now) is True
            assert services._escalate(item.id, AlertTier.PRIMARY, now) is False
        assert Alert.objects.filter(item=item, tier=AlertTier.BACKUP).count() == 1
        assert kinds_for(backup) == ["oncall_backup"]

    def test_the_command_sweeps_once(self, community, moderator, backup, rota, capsys):
        with time_machine.travel(START, tick=False) as traveller:
            urgent_post(community)
            traveller.shift(timedelta(minutes=6))
            call_command("run_escalations")
            call_command("run_escalations")
        assert "Escalated 1 unacknowledged alert." in capsys.readouterr().out
        assert kinds_for(backup) == ["oncall_backup"]

    def test_the_wait_before_escalating_is_configurable(self, community, moderator, backup, rota, settings):
        settings.HEARTH_ONCALL_ACK_MINUTES = 15
        with time_machine.travel(START, tick=False) as traveller:
            urgent_post(community)
            traveller.shift(timedelta(minutes=14))
            assert escalate_overdue() == 0
            traveller.shift(timedelta(minutes=1))
            assert escalate_overdue() == 1


@pytest.mark.django_db
class TestNobodyOnDuty:
    def test_a_published_post_is_held_its_author_helped_and_every_moderator_alerted(
        self, community, moderator, global_moderator
    ):
        posts_before = Community.objects.get(id=community.id).post_count
        post, item = urgent_post(community, published=True)
        # The thread's opening post still counts; the held reply no longer does.
        assert Community.objects.get(id=community.id).post_count == posts_before + 1
        post.refresh_from_db()
        item.refresh_from_db()
        assert post.status == ContentStatus.HELD
        assert item.held
        assert Thread.objects.get(id=post.thread_id).reply_count == 0

        help_note = Notification.objects.get(user=post.author, kind="crisis_help")
        assert help_note.url == "/help/"
        assert "not alone" in help_note.title

        alerted = set(Alert.objects.filter(item=item, tier=AlertTier.FALLBACK).values_list("recipient", flat=True))
        assert alerted == {moderator.id, global_moderator.id}

        entry = AuditLogEntry.objects.get(queue_item=item)
        assert entry.actor is None
        assert entry.object_id == post.id
        assert entry.details == {"by": "on-call", "no_one_on_duty": True}

    def test_a_held_post_stays_held_and_its_author_is_still_helped(self, community, moderator):
        post, item = urgent_post(community)
        post.refresh_from_db()
        assert post.status == ContentStatus.HELD
        assert Notification.objects.filter(user=post.author, kind="crisis_help").count() == 1
        assert not AuditLogEntry.objects.filter(queue_item=item).exists()  # nothing changed to log

    def test_an_opening_post_is_held_through_the_real_pipeline(self, community, moderator):
        community.high_risk_policy = "publish_and_alert"
        community.save()
        author = make_member(community, username="HopefulFinch9")
        thread = create_thread(author, community, title="I'm done", body=CRISIS)
        # The caller's own objects see the hold, so the page tells the author it is waiting for a moderator.
        assert thread.status == ContentStatus.HELD
        assert thread.opening_post.status == ContentStatus.HELD
        assert Thread.objects.get(id=thread.id).status == ContentStatus.HELD
        community.refresh_from_db()
        assert (community.thread_count, community.post_count) == (0, 0)
        assert kinds_for(author) == ["crisis_help"]
        assert kinds_for(moderator) == ["oncall_fallback"]

    def test_with_only_a_backup_on_duty_the_backup_is_alerted_at_once_and_nothing_is_held(self, community, backup):
        go_on_duty(backup, role=ShiftRole.BACKUP, hours=2)
        post, item = urgent_post(community, published=True)
        post.refresh_from_db()
        assert post.status == ContentStatus.PUBLISHED
        assert [(a.recipient, a.tier) for a in Alert.objects.filter(item=item)] == [(backup, AlertTier.BACKUP)]
        assert not Notification.objects.filter(user=post.author).exists()

    def test_a_shift_that_has_ended_does_not_count(self, community, moderator):
        with time_machine.travel(START, tick=False) as traveller:
            go_on_duty(moderator, hours=1)
            traveller.shift(timedelta(hours=1))
            post, item = urgent_post(community, published=True)
        post.refresh_from_db()
        assert post.status == ContentStatus.HELD
        assert Alert.objects.get(item=item).tier == AlertTier.FALLBACK

    def test_below_high_risk_nobody_is_paged(self, community, moderator):
        post, _ = urgent_post(community, risk=RiskLevel.MODERATE, published=True)
        post.refresh_from_db()
        assert post.status == ContentStatus.PUBLISHED
        assert not Alert.objects.exists()
        assert not Notification.objects.exists()


@pytest.mark.django_db
class TestWhatAlertsSay:
    def test_notifications_and_emails_never_carry_the_post_or_its_author(
        self, community, moderator, backup, rota, django_capture_on_commit_callbacks
    ):
        with time_machine.travel(START, tick=False) as traveller:
            with django_capture_on_commit_callbacks(execute=True):
                post, item = urgent_post(community)
            traveller.shift(timedelta(minutes=6))
            with django_capture_on_commit_callbacks(execute=True):
                escalate_overdue()
        notes = Notification.objects.filter(kind__startswith="oncall_")
        assert notes.count() == 2
        for note in notes:
            assert note.url == f"/moderation/items/{item.id}/"
            text = note.title + note.body
            assert SECRET_WORDS not in text and "blue pills" not in text
            assert post.author.username not in text
        assert len(mail.outbox) == 2
        for message in mail.outbox:
            assert "blue pills" not in message.body and "blue pills" not in message.subject
            assert post.author.username not in message.body
            assert community.name not in message.body  # a lock screen should not say which community either
            assert f"http://127.0.0.1:8000/moderation/items/{item.id}/" in message.body

    def test_a_mail_server_that_is_down_loses_nothing(
        self, community, moderator, rota, django_capture_on_commit_callbacks, monkeypatch
    ):
        from hearth.oncall import services

        def broken(*args, **kwargs):
            raise OSError("connection refused")

        monkeypatch.setattr(services, "send_mail", broken)
        with django_capture_on_commit_callbacks(execute=True):
            _, item = urgent_post(community)
        assert Alert.objects.filter(item=item, recipient=moderator).exists()
        assert Notification.objects.filter(user=moderator, kind="oncall_primary").exists()

    def test_nobody_without_an_email_address_is_emailed(self, community, backup, django_capture_on_commit_callbacks):
        backup.email = ""
        backup.save(update_fields=["email"])
        go_on_duty(backup, role=ShiftRole.BACKUP, hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            urgent_post(community)
        assert mail.outbox == []
