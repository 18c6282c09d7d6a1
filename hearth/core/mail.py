"""Email leaves on a worker thread, so no request waits for the mail server.

That matters beyond speed: password reset sends an email only when the address has an account, so if the request
waited for the mail server, how long the answer took would tell whether the address is known.

With a Celery broker (CELERY_BROKER_URL), the thread queues the email for a worker (hearth/core/tasks.py), which
retries a mail server that is down; the request still only hands the email to the thread, so its timing is the
same either way. If the broker cannot take it, the thread sends the email itself."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from hearth.core.tasks import deliver, queue_email, queue_enabled

logger = logging.getLogger(__name__)

# One thread: mail goes out in the order it was written, and a slow server is not hammered.
_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hearth-mail")


class BackgroundEmailBackend(BaseEmailBackend):
    """Hands messages to the backend named by HEARTH_EMAIL_BACKEND, on the sending thread."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        messages = list(email_messages)
        if messages:
            send_later(messages)
        return len(messages)


def send_later(messages: list[EmailMessage]) -> Future[None]:
    return _sender.submit(_send, messages)


def _send(messages: list[EmailMessage]) -> None:
    if not messages:
        return
    if queue_enabled():
        try:
            queue_email(messages)
            return
        except Exception as exc:
            logger.warning("Could not queue %d email(s) (%s): sending them now", len(messages), type(exc).__name__)
    try:
        deliver(messages)
    except Exception as exc:  # the error's text can hold addresses: log only its kind
        logger.error("Could not send %d email(s): %s", len(messages), type(exc).__name__)
