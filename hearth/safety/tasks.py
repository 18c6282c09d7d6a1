"""Background re-screening (Celery): batches of stored posts or chat messages through today's safety pipeline.
`manage.py rescreen_recent` queues them; without a broker it runs them itself."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from celery import shared_task  # type: ignore[import-untyped]

from hearth.safety.rescreening import RESCREENERS

logger = logging.getLogger(__name__)


def rescreen_batch(kind: str, ids: list[int]) -> dict[str, int]:
    """Re-screen each post or message (kind "posts" or "messages"), each in its own transaction; returns how
    many were skipped, screened, queued for a moderator, or failed."""
    rescreen = RESCREENERS[kind]
    outcomes: Counter[str] = Counter()
    for content_id in ids:
        try:
            outcomes[rescreen(content_id)] += 1
        except Exception as exc:  # one bad row must not stop the batch; the error's text is not logged
            logger.error("Re-screening %s %d failed: %s", kind, content_id, type(exc).__name__)
            outcomes["failed"] += 1
    return dict(outcomes)


rescreen_content: Any = shared_task(name="hearth.safety.rescreen_content", ignore_result=True)(rescreen_batch)
