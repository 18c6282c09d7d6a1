from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from hearth.safety.resources import MAX_AGE, stale_services


class Command(BaseCommand):
    help = "List crisis-line records that were never verified or were verified more than 180 days ago."

    def handle(self, *args: Any, **options: Any) -> None:
        stale = stale_services(timezone.localdate())
        if not stale:
            self.stdout.write(self.style.SUCCESS("Every crisis-line record was verified within the last 180 days."))
            return
        for country, service in stale:
            when = service.last_verified.isoformat() if service.last_verified else "never verified"
            self.stdout.write(f"{country.code}  {service.name}: {when}  (source: {service.source})")
        self.stdout.write(
            self.style.WARNING(f"{len(stale)} record(s) need checking (older than {MAX_AGE.days} days or unverified).")
        )
