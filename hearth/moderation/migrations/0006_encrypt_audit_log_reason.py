"""Audit log reasons encrypted at rest: they hold listeners' hand-over notes on 1:1 chats and moderators' private
messages to members. The log stays append-only for the application; only this migration rewrites the column."""

from django.db import migrations

import hearth.core.fields
from hearth.core.fields import seal_existing


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0005_alter_auditlogentry_action"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditlogentry",
            name="reason",
            field=hearth.core.fields.EncryptedTextField(blank=True, default=""),
        ),
        seal_existing("moderation", "AuditLogEntry", "reason"),
    ]
