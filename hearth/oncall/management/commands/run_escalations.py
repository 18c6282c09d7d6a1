"""Pass on urgent alerts nobody acknowledged in time. Run it beside the server: `run_escalations --loop 30`."""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from hearth.core.ip_retention import purge_ip_addresses
from hearth.oncall.services import escalate_overdue
from hearth.privacy.erasure import process_due_erasures

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Escalate on-call alerts nobody acknowledged within HEARTH_ONCALL_ACK_MINUTES (once, or every N seconds)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--loop",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, sweeping every SECONDS seconds (e.g. 30). Without it, sweep once and exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval: int = options["loop"]
        if interval < 0:
            raise CommandError("--loop takes a number of seconds above 0.")
        if not interval:
            self._sweep()
            return
        self.stdout.write(f"Sweeping every {interval} seconds. Stop with Ctrl+C.")
        try:
            while True:
                try:
                    # A long-running process must not hold on to a connection the database has closed.
                    close_old_connections()
                    self._sweep()
                except Exception:
                    # A database that is briefly away must not stop escalations for good: try again next time.
                    logger.exception("On call: the escalation sweep failed")
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _sweep(self) -> None:
        escalated = escalate_overdue()
        if escalated:
            self.stdout.write(f"Escalated {escalated} unacknowledged alert{'s' if escalated != 1 else ''}.")
        # After escalations, so a failing erasure never holds up an urgent alert.
        erased = process_due_erasures()
        if erased:
            self.stdout.write(f"Erased {erased} account{'s' if erased != 1 else ''} (HEARTH_ERASURE_DAYS).")
        dropped = purge_ip_addresses().total
        if dropped:
            self.stdout.write(f"Dropped {dropped} stored network address(es) (HEARTH_IP_RETENTION_DAYS).")
