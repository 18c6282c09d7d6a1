"""Complete account erasures that are due (HEARTH_ERASURE_DAYS after the request). Safe to run again at any
time; the periodic sweep beside the server (`run_escalations --loop`) runs it too."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hearth.privacy.erasure import process_due_erasures


class Command(BaseCommand):
    help = "Erase the accounts whose erasure is due. Prints how many, never who."

    def handle(self, *args: Any, **options: Any) -> None:
        erased = process_due_erasures()
        self.stdout.write(f"Erased {erased} account{'s' if erased != 1 else ''}.")
