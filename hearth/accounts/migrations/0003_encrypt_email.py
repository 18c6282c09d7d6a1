"""Emails encrypted at rest, with a keyed blind index for lookups and uniqueness.

allauth's own table (account_emailaddress) kept each address in clear: its addresses move onto the account (where
one was missing) and its rows go. An address shared by two accounts stays with the older one, as the unique
index cannot hold both; the newer account loses it (it could not be used to recover either account anyway).
"""

from django.db import migrations, models

import hearth.core.fields
from hearth.core.encryption import email_index
from hearth.core.fields import run_deferred_checks, seal_existing


def absorb_allauth_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for address in EmailAddress.objects.order_by("-primary", "-verified", "id"):
        User.objects.filter(id=address.user_id, email="").update(email=address.email)
    EmailAddress.objects.all().delete()
    run_deferred_checks(schema_editor.connection)


def restore_allauth_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user_id, email in User.objects.exclude(email="").values_list("id", "email"):
        EmailAddress.objects.create(user_id=user_id, email=email.lower(), primary=True, verified=False)
    run_deferred_checks(schema_editor.connection)


def index_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen = set()
    for user_id, email in User.objects.exclude(email="").order_by("date_joined", "id").values_list("id", "email"):
        index = email_index(email)
        if index in seen:
            User.objects.filter(id=user_id).update(email="")
            continue
        seen.add(index)
        User.objects.filter(id=user_id).update(email_index=index)
    run_deferred_checks(schema_editor.connection)


def clear_indexes(apps, schema_editor):
    apps.get_model("accounts", "User").objects.update(email_index=None)
    run_deferred_checks(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_personblock"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_index",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(absorb_allauth_addresses, restore_allauth_addresses),
        migrations.RunPython(index_addresses, clear_indexes),
        migrations.AlterField(
            model_name="user",
            name="email",
            field=hearth.core.fields.EncryptedEmailField(blank=True, default="", index_field="email_index"),
        ),
        seal_existing("accounts", "User", "email"),
    ]
