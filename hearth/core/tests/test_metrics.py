"""/metrics: who may scrape it, what it counts, and that it names nobody."""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client, override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from hearth.chat.services import lobby_for, send_message
from hearth.core import metrics
from hearth.core.testing.factories import make_thread, opening_post
from hearth.core.testing.loops import run
from hearth.moderation.models import QueueItem, QueueStatus
from hearth.oncall.models import Alert, AlertTier
from hearth.safety.models import ContentKind, Screening

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "a-long-random-scrape-token-for-tests"
PROMETHEUS = "10.1.2.3"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(**headers: str) -> tuple[int, str]:
    response = Client(**headers).get("/metrics")
    return response.status_code, response.content.decode()


# --- Who may scrape ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(HEARTH_METRICS_TOKEN="", HEARTH_METRICS_ALLOWED_IPS=[])
def test_metrics_are_off_unless_a_token_or_an_address_list_is_set():
    assert scrape()[0] == 404
    assert scrape(HTTP_AUTHORIZATION="Bearer anything")[0] == 404


@pytest.mark.django_db
@override_settings(HEARTH_METRICS_TOKEN=TOKEN, HEARTH_METRICS_ALLOWED_IPS=[])
def test_a_scrape_needs_the_token_as_a_bearer_token():
    assert scrape()[0] == 404
    assert scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}x")[0] == 404
    assert scrape(HTTP_AUTHORIZATION=f"Basic {TOKEN}")[0] == 404
    assert scrape(HTTP_AUTHORIZATION=TOKEN)[0] == 404
    status, body = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert status == 200
    assert "django_http_requests_total_by_method_total" in body
    assert "hearth_moderation_queue_items" in body


@pytest.mark.django_db
@override_settings(HEARTH_METRICS_TOKEN=TOKEN, HEARTH_METRICS_ALLOWED_IPS=[])
def test_the_answer_is_never_cached_and_keeps_the_security_headers():
    response = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@override_settings(HEARTH_METRICS_TOKEN=TOKEN, HEARTH_METRICS_ALLOWED_IPS=[])
def test_only_get_is_answered():
    response = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").post("/metrics")
    assert response.status_code == 404


@pytest.mark.django_db
@override_settings(HEARTH_METRICS_TOKEN="", HEARTH_METRICS_ALLOWED_IPS=[ipaddress.ip_network("10.1.2.0/24")])
def test_an_address_list_lets_in_only_its_addresses():
    assert scrape(REMOTE_ADDR=PROMETHEUS)[0] == 200
    assert scrape(REMOTE_ADDR="10.1.3.1")[0] == 404
    assert scrape(REMOTE_ADDR="127.0.0.1")[0] == 404


@pytest.mark.django_db
@override_settings(HEARTH_METRICS_TOKEN=TOKEN, HEARTH_METRICS_ALLOWED_IPS=[ipaddress.ip_network("10.1.2.0/24")])
def test_with_both_set_a_scrape_must_meet_both():
    assert scrape(REMOTE_ADDR=PROMETHEUS)[0] == 404
    assert scrape(REMOTE_ADDR="10.9.9.9", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[0] == 404
    assert scrape(REMOTE_ADDR=PROMETHEUS, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")[0] == 200


# --- What it counts -------------------------------------------------------------------------------------------


@pytest.fixture
def queue(community, member):
    """Open items at high risk (one waiting 20 minutes, past its 15-minute target) and at low risk, one claimed
    moderate item, one resolved imminent item, and unacknowledged alerts."""
    post = opening_post(make_thread(community, author=member))
    now = timezone.now()
    post_type = ContentType.objects.get_for_model(post)

    def item(risk: int, status: str, *, waited: int, target: int) -> QueueItem:
        created = now - timedelta(minutes=waited)
        return QueueItem.objects.create(
            content_type=post_type,
            object_id=post.id,
            community=community,
            author=member,
            risk_level=risk,
            status=status,
            created_at=created,
            due_at=created + timedelta(minutes=target),
        )

    high = item(3, QueueStatus.OPEN, waited=20, target=15)
    item(3, QueueStatus.OPEN, waited=2, target=15)
    item(1, QueueStatus.OPEN, waited=30, target=240)
    claimed = item(2, QueueStatus.CLAIMED, waited=5, target=60)
    resolved = item(4, QueueStatus.RESOLVED, waited=50, target=5)
    Alert.objects.create(item=high, recipient=member, tier=AlertTier.PRIMARY)
    Alert.objects.create(item=high, recipient=member, tier=AlertTier.BACKUP, acknowledged_at=now)
    Alert.objects.create(item=resolved, recipient=member, tier=AlertTier.FALLBACK)  # resolved: not waiting
    Alert.objects.create(item=claimed, recipient=member, tier=AlertTier.PRIMARY)  # claimed: someone has it
    return now


def test_the_queue_and_on_call_are_read_from_the_database(queue):
    registry = metrics.CollectorRegistry()
    registry.register(metrics.HearthCollector(now=queue))
    samples = _samples(metrics.generate_latest(registry).decode())
    assert samples[("hearth_metrics_database_up", ())] == 1
    assert samples[("hearth_moderation_queue_items", (("risk", "high"), ("status", "open")))] == 2
    assert samples[("hearth_moderation_queue_items", (("risk", "low"), ("status", "open")))] == 1
    assert samples[("hearth_moderation_queue_items", (("risk", "moderate"), ("status", "claimed")))] == 1
    assert samples[("hearth_moderation_queue_items", (("risk", "imminent"), ("status", "open")))] == 0
    assert samples[("hearth_moderation_queue_oldest_waiting_seconds", (("risk", "high"),))] == pytest.approx(1200)
    assert samples[("hearth_moderation_queue_oldest_waiting_seconds", (("risk", "low"),))] == pytest.approx(1800)
    # Claimed items have someone: they are not "waiting".
    assert samples[("hearth_moderation_queue_oldest_waiting_seconds", (("risk", "moderate"),))] == 0
    assert samples[("hearth_moderation_queue_overdue_items", (("risk", "high"),))] == 1
    assert samples[("hearth_moderation_queue_overdue_items", (("risk", "low"),))] == 0
    assert samples[("hearth_oncall_alerts_unacknowledged", (("tier", "primary"),))] == 1
    assert samples[("hearth_oncall_alerts_unacknowledged", (("tier", "backup"),))] == 0
    assert samples[("hearth_oncall_alerts_unacknowledged", (("tier", "fallback"),))] == 0


def test_a_database_that_does_not_answer_is_reported_not_raised(monkeypatch, db):
    def fail(self, now):
        raise metrics.DatabaseError("server closed the connection")

    monkeypatch.setattr(metrics.HearthCollector, "_families", fail)
    registry = metrics.CollectorRegistry()
    registry.register(metrics.HearthCollector())
    samples = _samples(metrics.generate_latest(registry).decode())
    assert samples == {("hearth_metrics_database_up", ()): 0}


def _screenings(action: str, risk: str) -> float:
    return metrics.SCREENINGS.labels(action=action, risk=risk)._value.get()


def test_screenings_are_counted_by_decision_and_risk_once_committed(
    community, member, django_capture_on_commit_callbacks
):
    before = _screenings("hold", "high")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Screening.objects.create(author=member, content_kind=ContentKind.REPLY, risk_level=3, action="hold")
    assert _screenings("hold", "high") == before  # not yet committed
    for callback in callbacks:
        callback()
    assert _screenings("hold", "high") == before + 1


def test_stored_chat_messages_are_counted(community, member, django_capture_on_commit_callbacks):
    room = lobby_for(community)
    before = metrics.CHAT_MESSAGES._value.get()
    with django_capture_on_commit_callbacks(execute=True):
        send_message(member, room, body="Hello, everyone here.", client_id="metrics-1")
        send_message(member, room, body="Hello, everyone here.", client_id="metrics-1")  # the same message again
    assert metrics.CHAT_MESSAGES._value.get() == before + 1


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/ws/chat/12/", "chat"), ("/ws/notifications/", "notifications"), ("/ws/other/", "other"), ("/", "other")],
)
def test_sockets_are_labelled_by_kind_never_by_room(path, kind):
    assert metrics.socket_kind(path) == kind


def test_an_open_websocket_counts_until_its_application_returns():
    gauge = metrics.WEBSOCKETS_OPEN.labels("chat")
    opened = metrics.WEBSOCKETS_OPENED.labels("chat")
    before, opened_before = gauge._value.get(), opened._value.get()
    seen: list[float] = []

    async def app(scope, receive, send):
        seen.append(gauge._value.get())
        raise ConnectionResetError  # a socket that dies still stops counting

    with pytest.raises(ConnectionResetError):
        run(lambda: metrics.count_websockets(app)({"type": "websocket", "path": "/ws/chat/7/"}, None, None))
    assert seen == [before + 1]
    assert gauge._value.get() == before
    assert opened._value.get() == opened_before + 1


@pytest.mark.django_db
@override_settings(HEARTH_METRICS_TOKEN=TOKEN, HEARTH_METRICS_ALLOWED_IPS=[])
def test_metrics_name_nobody(community, member):
    member.email = "heron@example.org"
    member.save()
    thread = make_thread(community, author=member, title="My own words about tonight")
    client = Client(REMOTE_ADDR="192.0.2.77")
    client.force_login(member)
    client.get(f"/members/{member.username}/")
    client.get(f"/threads/{thread.id}/")
    client.get(f"/search/?q={member.username}")
    status, body = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert status == 200
    for private in (member.username, "heron", "192.0.2.77", "own words", "tonight"):
        assert private not in body
    assert 'view="member-profile"' in body  # views are named by their URL name only


# --- Several processes -----------------------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import django
    django.setup()
    from hearth.core import metrics
    metrics.SCREENINGS.labels(action="hold", risk="imminent").inc()
    metrics.WEBSOCKETS_OPEN.labels("chat").inc()
    if sys.argv[1] == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.django_db
def test_several_processes_are_added_up_and_dead_ones_stop_counting_sockets(tmp_path, monkeypatch):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    for how in ("stopped", "killed"):
        done = subprocess.run([sys.executable, "-c", _CHILD, how], cwd=ROOT, env=env, timeout=120, check=False)  # noqa: S603
        assert done.returncode == (-signal.SIGKILL if how == "killed" else 0)
    assert any(tmp_path.glob("gauge_live*.db"))  # the killed process could not take its socket away
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    samples = _samples(metrics.generate_latest(metrics.registry()).decode())
    assert samples[("hearth_screenings_total", (("action", "hold"), ("risk", "imminent")))] == 2
    assert samples.get(("hearth_websocket_connections_open", (("socket", "chat"),)), 0) == 0
    assert ("hearth_moderation_queue_items", (("risk", "high"), ("status", "open"))) in samples


@pytest.mark.parametrize(
    ("variable", "value", "error"),
    [
        ("HEARTH_METRICS_TOKEN", "too-short", "HEARTH_METRICS_TOKEN must be at least 24 characters long"),
        ("HEARTH_METRICS_ALLOWED_IPS", "10.0.0.5,10.0.0.999", "HEARTH_METRICS_ALLOWED_IPS must list addresses"),
        ("PROMETHEUS_MULTIPROC_DIR", "/nonexistent/metrics", "PROMETHEUS_MULTIPROC_DIR is not a writable folder"),
    ],
)
def test_monitoring_settings_refuse_to_start_when_malformed(variable, value, error):
    env = {**os.environ, "DEBUG": "true", variable: value}
    command = [sys.executable, "-c", "import config.settings"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    assert done.returncode != 0
    assert error in done.stderr
