"""Re-seal every encrypted value with the newest key, and re-index every encrypted email with the newest blind-index
key. Batches commit one by one, so the command can be interrupted and run again; a second run changes nothing.
Once it has finished, older keys can be taken out of HEARTH_ENCRYPTION_KEYS and HEARTH_BLIND_INDEX_KEYS.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections, transaction

from hearth.core.encryption import email_index, keyring
from hearth.core.fields import EncryptedEmailField, encrypted_fields, rewrite_column


class Command(BaseCommand):
    help = "Re-encrypt stored values with the newest key (HEARTH_ENCRYPTION_KEYS) and re-index encrypted emails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, batch_size: int, database: str, **options: Any) -> None:
        ring, connection = keyring(), connections[database]
        self.stdout.write(f"Newest key: {ring.current_id}")
        for field in encrypted_fields():
            meta = field.model._meta
            context = field.encryption_context

            def reseal(value: str, context: str = context) -> str | None:
                if ring.is_current(value):
                    return None
                return ring.encrypt(ring.decrypt(value, context=context), context=context)

            count = rewrite_column(
                connection,
                table=meta.db_table,
                pk_column=meta.pk.column,
                column=field.column,
                change=reseal,
                batch_size=batch_size,
            )
            self.stdout.write(f"{context}: {count} re-encrypted")
            if isinstance(field, EncryptedEmailField):
                self.stdout.write(
                    f"{meta.db_table}.{field.index_field}: {self._reindex(field, database, batch_size)} re-indexed"
                )

    def _reindex(self, field: EncryptedEmailField, database: str, batch_size: int) -> int:
        """Blind indexes carry no key id: each is recomputed and written where it differs."""
        manager = field.model._base_manager.db_manager(database)
        changed, last = 0, None
        while True:
            batch = manager.order_by("pk")
            if last is not None:
                batch = batch.filter(pk__gt=last)
            rows = list(batch.values_list("pk", field.name, field.index_field)[:batch_size])
            with transaction.atomic(using=database):
                for pk, address, stored in rows:
                    fresh = email_index(address or "")
                    if fresh != stored:
                        filters = {"pk": pk, field.index_field: stored}
                        changed += manager.filter(**filters).update(**{field.index_field: fresh})
            if len(rows) < batch_size:
                return changed
            last = rows[-1][0]
