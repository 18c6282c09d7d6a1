"""Report details and appeal statements and answers encrypted at rest: each can quote a 1:1 chat message or a
moderator's private message, which are encrypted themselves."""

from django.db import migrations

import hearth.core.fields
from hearth.core.fields import seal_existing


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0006_encrypt_audit_log_reason"),
    ]

    operations = [
        migrations.AlterField(
            model_name="appeal",
            name="response",
            field=hearth.core.fields.EncryptedTextField(blank=True, default=""),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="statement",
            field=hearth.core.fields.EncryptedTextField(max_length=2000),
        ),
        migrations.AlterField(
            model_name="report",
            name="details",
            field=hearth.core.fields.EncryptedTextField(blank=True, default="", max_length=1000),
        ),
        seal_existing("moderation", "Appeal", "statement", "response"),
        seal_existing("moderation", "Report", "details"),
    ]
