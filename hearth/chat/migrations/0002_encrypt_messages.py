"""Chat messages encrypted at rest: their text, its HTML and the moderator's note."""

from django.db import migrations

import hearth.core.fields
from hearth.core.fields import seal_existing


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="message",
            name="body",
            field=hearth.core.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="message",
            name="body_html",
            field=hearth.core.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="message",
            name="moderator_note",
            field=hearth.core.fields.EncryptedTextField(blank=True, default="", max_length=300),
        ),
        seal_existing("chat", "Message", "body", "body_html", "moderator_note"),
    ]
