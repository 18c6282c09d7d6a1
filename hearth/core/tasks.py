"""Background tasks of the core: sending email through a Celery worker, and what every task run records.

An email is queued sealed (AES-GCM with HEARTH_ENCRYPTION_KEYS, hearth/core/encryption.py): the broker never
holds an address or a password-reset link in the clear. Failures are logged by kind only, as in mail.py.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from celery import shared_task  # type: ignore[import-untyped]
from celery.signals import task_failure, task_postrun, task_prerun  # type: ignore[import-untyped]
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection

from hearth.core import dbrouter
from hearth.core.encryption import decrypt, encrypt
from hearth.core.metrics import TASKS

logger = logging.getLogger(__name__)

EMAIL_CONTEXT = "celery.send_email"
SEND_ATTEMPTS = 6  # over about a quarter of an hour (30 s, then 1, 2, 4 and 8 minutes apart)


def queue_enabled() -> bool:
    """Whether tasks go to workers through a broker (CELERY_BROKER_URL), rather than running in place."""
    return bool(settings.CELERY_BROKER_URL)


# --- Email ---------------------------------------------------------------------------------------------------


def seal_messages(messages: list[EmailMessage]) -> str:
    """The messages as one sealed string. Attachments are not carried (Hearth sends none): such a message
    raises ValueError, and the caller sends it itself."""
    payload = []
    for message in messages:
        if message.attachments:
            raise ValueError("Queued email carries no attachments.")
        payload.append(
            {
                "subject": message.subject,
                "body": message.body,
                "from_email": message.from_email,
                "to": list(message.to),
                "cc": list(message.cc),
                "bcc": list(message.bcc),
                "reply_to": list(message.reply_to),
                "headers": dict(message.extra_headers),
                "content_subtype": message.content_subtype,
                "alternatives": [[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
            }
        )
    return encrypt(json.dumps(payload), context=EMAIL_CONTEXT)


def open_messages(sealed: str) -> list[EmailMessage]:
    messages: list[EmailMessage] = []
    for fields in json.loads(decrypt(sealed, context=EMAIL_CONTEXT)):
        message = EmailMultiAlternatives(
            subject=fields["subject"],
            body=fields["body"],
            from_email=fields["from_email"],
            to=fields["to"],
            cc=fields["cc"],
            bcc=fields["bcc"],
            reply_to=fields["reply_to"],
            headers=fields["headers"],
        )
        message.content_subtype = fields["content_subtype"]
        for content, mimetype in fields["alternatives"]:
            message.attach_alternative(content, mimetype)
        messages.append(message)
    return messages


def deliver(messages: list[EmailMessage]) -> int:
    """Send through the real backend (HEARTH_EMAIL_BACKEND); raises on failure."""
    sent: int = get_connection(settings.HEARTH_EMAIL_BACKEND, fail_silently=False).send_messages(messages) or 0
    return sent


def _send_email(self: Any, sealed: str) -> int:
    messages = open_messages(sealed)
    try:
        return deliver(messages)
    except Exception as exc:  # the error's text can hold addresses: log only its kind
        attempt = self.request.retries + 1
        if attempt >= SEND_ATTEMPTS:
            logger.error(
                "Could not send %d email(s): %s; gave up after %d tries", len(messages), type(exc).__name__, attempt
            )
            return 0
        logger.warning("Could not send %d email(s): %s; trying again", len(messages), type(exc).__name__)
        # exc=None: Celery's own retry log line would otherwise quote the error's text.
        raise self.retry(countdown=30 * 2 ** (attempt - 1), exc=None) from None


# Celery's own attempt limit is off: _send_email counts attempts itself, to log the last one by kind only.
send_email: Any = shared_task(name="hearth.core.send_email", bind=True, ignore_result=True, max_retries=None)(
    _send_email
)


def queue_email(messages: list[EmailMessage]) -> None:
    send_email.apply_async(args=[seal_messages(messages)])


# --- Every task ---------------------------------------------------------------------------------------------


def _start_unpinned(**kwargs: Any) -> None:
    # A worker runs task after task in one context: each starts reading from the replica again, until it writes.
    dbrouter.unpin()


def _count_finished(task: Any = None, state: str | None = None, **kwargs: Any) -> None:
    if task is not None:
        TASKS.labels(task=task.name, outcome=(state or "unknown").lower()).inc()


def _log_failure(sender: Any = None, exception: BaseException | None = None, **kwargs: Any) -> None:
    # Celery logs failures with the exception's text; this line says which task, by kind only.
    logger.error("Task %s failed: %s", getattr(sender, "name", "?"), type(exception).__name__)


task_prerun.connect(_start_unpinned, weak=False)
task_postrun.connect(_count_finished, weak=False)
task_failure.connect(_log_failure, weak=False)
