"""Drop stored network addresses older than HEARTH_IP_RETENTION_DAYS. The on-call sweep runs it beside the server."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hearth.core.ip_retention import purge_ip_addresses


class Command(BaseCommand):
    help = "Delete or blank every stored IP address older than HEARTH_IP_RETENTION_DAYS (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_ip_addresses()
        # Counts only: the addresses themselves are never printed.
        self.stdout.write(
            f"Dropped addresses older than {settings.HEARTH_IP_RETENTION_DAYS} days: "
            f"{purged.attempts} failed sign-ins deleted, {purged.access_logs} sign-in records and "
            f"{purged.failure_logs} failure records blanked, {purged.sessions} sessions blanked."
        )
