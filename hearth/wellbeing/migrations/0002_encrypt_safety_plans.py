"""Safety plans encrypted at rest. The column becomes text holding the sealed JSON."""

from django.db import migrations

import hearth.core.fields
from hearth.core.fields import seal_existing


class Migration(migrations.Migration):
    dependencies = [
        ("wellbeing", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="safetyplan",
            name="sections",
            field=hearth.core.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        seal_existing("wellbeing", "SafetyPlan", "sections"),
    ]
