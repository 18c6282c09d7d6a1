"""Notification text encrypted at rest: a moderator's private message to a member arrives as one."""

from django.db import migrations

import hearth.core.fields
from hearth.core.fields import seal_existing


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="body",
            field=hearth.core.fields.EncryptedTextField(blank=True, default=""),
        ),
        seal_existing("notifications", "Notification", "body"),
    ]
