"""Screen recent posts and chat messages again, after the analyzers or their models change."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import islice
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from hearth.core.tasks import queue_enabled
from hearth.safety.rescreening import MESSAGES, POSTS, recent_ids
from hearth.safety.tasks import rescreen_batch, rescreen_content


class Command(BaseCommand):
    help = (
        "Re-screen the posts and chat messages of the last --hours with today's safety pipeline. With "
        "CELERY_BROKER_URL set, batches are queued for the workers; otherwise they run here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=72, help="How far back to go (default 72).")
        parser.add_argument("--batch-size", type=int, default=200, help="Posts or messages per task (default 200).")
        parser.add_argument("--only", choices=[POSTS, MESSAGES], help="Only posts, or only chat messages.")

    def handle(self, *args: Any, hours: int, batch_size: int, only: str | None, **options: Any) -> None:
        if hours < 1 or batch_size < 1:
            self.stderr.write("--hours and --batch-size must be at least 1.")
            raise SystemExit(2)
        since = timezone.now() - timedelta(hours=hours)
        queued = queue_enabled()
        for kind in [only] if only else [POSTS, MESSAGES]:
            count, tasks, outcomes = 0, 0, Counter[str]()
            rows = recent_ids(kind, since=since)
            while ids := list(islice(rows, batch_size)):
                count += len(ids)
                tasks += 1
                if queued:
                    rescreen_content.apply_async(args=[kind, ids])
                else:
                    outcomes.update(rescreen_batch(kind, ids))
            if queued:
                self.stdout.write(f"{kind}: {count} queued for re-screening in {tasks} task(s)")
            else:
                summary = ", ".join(f"{outcome} {n}" for outcome, n in sorted(outcomes.items())) or "none"
                self.stdout.write(f"{kind}: {count} re-screened ({summary})")
