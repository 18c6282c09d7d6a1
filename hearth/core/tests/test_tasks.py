"""Email through Celery: sealed on the queue, sent by a worker, retried, logged by kind only; and a real worker."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest
from celery import Celery
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings
from django.urls import reverse

from hearth.core import mail as background
from hearth.core import tasks
from hearth.core.testing.factories import UserFactory
from hearth.core.testing.redis import REDIS_FOR_TESTS

ROOT = Path(__file__).resolve().parents[3]
REDIS = REDIS_FOR_TESTS
ADDRESS = "heron@example.org"
LINK = "https://hearth.example/accounts/password/reset/key/abc-123/"


def _message() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        "Reset your password", f"Follow {LINK}", "Hearth <no-reply@hearth.example>", [ADDRESS],
        bcc=["audit@hearth.example"], reply_to=["help@hearth.example"], headers={"X-Hearth": "reset"},
    )  # fmt: skip
    message.attach_alternative(f"<a href='{LINK}'>Reset</a>", "text/html")
    return message


def test_a_queued_email_is_sealed_and_opens_unchanged():
    sealed = tasks.seal_messages([_message()])
    assert ADDRESS not in sealed
    assert "reset" not in sealed.lower()
    (opened,) = tasks.open_messages(sealed)
    assert isinstance(opened, EmailMultiAlternatives)
    original = _message()
    for field in ("subject", "body", "from_email", "to", "bcc", "reply_to", "extra_headers", "content_subtype"):
        assert getattr(opened, field) == getattr(original, field)
    assert list(opened.alternatives) == list(original.alternatives)


def test_a_message_with_attachments_is_not_queued():
    message = EmailMessage("Subject", "Body", None, [ADDRESS])
    message.attach("notes.txt", "hello", "text/plain")
    with pytest.raises(ValueError, match="no attachments"):
        tasks.seal_messages([message])


@override_settings(HEARTH_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_the_task_sends_through_the_real_backend():
    mail.outbox.clear()
    assert tasks.send_email.apply(args=[tasks.seal_messages([_message()])]).get() == 1
    (sent,) = mail.outbox
    assert sent.to == [ADDRESS]
    assert LINK in sent.body


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise OSError(f"{ADDRESS} refused at {LINK}")


@override_settings(HEARTH_EMAIL_BACKEND="hearth.core.tests.test_tasks.FailingBackend")
def test_a_failed_send_is_tried_again_later_and_logged_by_kind_only(caplog):
    sealed = tasks.seal_messages([_message()])
    with caplog.at_level(logging.INFO), pytest.raises(Retry) as retry:
        tasks.send_email.apply(args=[sealed])
    assert retry.value.when == 30
    retry_later = retry.value.sig
    assert retry_later.options["countdown"] == 30
    with caplog.at_level(logging.INFO):
        assert tasks.send_email.apply(args=[sealed], retries=tasks.SEND_ATTEMPTS - 1).get() == 0
    assert "Could not send 1 email(s): OSError; trying again" in caplog.text
    assert f"Could not send 1 email(s): OSError; gave up after {tasks.SEND_ATTEMPTS} tries" in caplog.text
    assert "heron" not in caplog.text
    assert "reset/key" not in caplog.text


# --- The mail thread, with a broker ------------------------------------------------------------------------------


class HeldQueue:
    """A broker that takes a message only when the test lets it."""

    release = threading.Event()
    queued: ClassVar[list[list[str]]] = []

    @classmethod
    def put(cls, messages: list[EmailMessage]) -> None:
        assert cls.release.wait(timeout=10)
        cls.queued.extend(message.to for message in messages)


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL=REDIS, EMAIL_BACKEND="hearth.core.mail.BackgroundEmailBackend")
def test_with_a_broker_the_reset_answer_still_does_not_wait(monkeypatch):
    """Queuing happens on the mail thread, so a known address answers as fast as an unknown one."""
    monkeypatch.setattr(background, "queue_email", HeldQueue.put)
    UserFactory(email=ADDRESS)
    HeldQueue.release.clear()
    HeldQueue.queued.clear()
    try:
        response = Client().post(reverse("account_reset_password"), {"email": ADDRESS})
        assert response.status_code == 302
        assert HeldQueue.queued == []
    finally:
        HeldQueue.release.set()
        background.send_later([]).result(timeout=10)
    assert HeldQueue.queued == [[ADDRESS]]


@override_settings(CELERY_BROKER_URL=REDIS, HEARTH_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_when_the_broker_is_down_the_mail_thread_sends_the_email_itself(monkeypatch, caplog):
    def broker_down(messages: list[EmailMessage]) -> None:
        raise ConnectionRefusedError(f"cannot reach {REDIS}")

    monkeypatch.setattr(background, "queue_email", broker_down)
    mail.outbox.clear()
    with caplog.at_level(logging.WARNING):
        background.send_later([_message()]).result(timeout=10)
    assert [m.to for m in mail.outbox] == [[ADDRESS]]
    assert "Could not queue 1 email(s) (ConnectionRefusedError): sending them now" in caplog.text
    assert "heron" not in caplog.text


@override_settings(CELERY_BROKER_URL="", HEARTH_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_without_a_broker_nothing_is_queued(monkeypatch):
    monkeypatch.setattr(background, "queue_email", lambda messages: pytest.fail("queued without a broker"))
    mail.outbox.clear()
    background.send_later([_message()]).result(timeout=10)
    assert len(mail.outbox) == 1


# --- A real worker --------------------------------------------------------------------------------------------


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip("needs Redis at 127.0.0.1:6379")


def _keys(name: str) -> str:
    return ",".join(base64.urlsafe_b64encode(key).decode() for key in getattr(settings, name))


def test_a_celery_worker_process_sends_a_queued_email(tmp_path):
    _redis_or_skip()
    import redis

    queue = f"hearth-test-{uuid.uuid4().hex[:12]}"
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "hearth.core.tests.worker_settings",
        "CELERY_BROKER_URL": REDIS,
        "HEARTH_TEST_MAIL_DIR": str(outbox),
        "HEARTH_VAR_DIR": str(tmp_path),
        "SECRET_KEY": settings.SECRET_KEY,
        "HEARTH_ENCRYPTION_KEYS": _keys("HEARTH_ENCRYPTION_KEYS"),
        "HEARTH_BLIND_INDEX_KEYS": _keys("HEARTH_BLIND_INDEX_KEYS"),
        "DEBUG": "false",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool", "solo",
               "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]  # fmt: skip
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    # The test process has no broker (tasks run in place here): a client of its own puts the task on the queue.
    client = Celery("probe", broker=REDIS)
    try:
        client.send_task("hearth.core.send_email", args=[tasks.seal_messages([_message()])], queue=queue)
        deadline = time.monotonic() + 60
        while not any(outbox.iterdir()):
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"no email from the worker in 60 s:\n{log.read_text()}"
            time.sleep(0.2)
        (written,) = outbox.iterdir()
        text = written.read_text()
        assert f"To: {ADDRESS}" in text
        assert LINK in text
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        client.close()
        # The queue, and the worker's remote-control bindings: this database is this test's alone.
        connection = redis.Redis.from_url(REDIS)
        for pattern in (f"*{queue}*", "_kombu.binding*"):
            for key in connection.scan_iter(match=pattern):
                connection.delete(key)
    assert "heron" not in log.read_text()
