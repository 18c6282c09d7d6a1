"""The search index's upkeep: its SQLite triggers survive a table rebuild, and erasure leaves no words in it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

from hearth.core.testing.factories import make_thread
from hearth.forums.models import Post, Thread
from hearth.forums.search_index import SQLITE_TRIGGERS, restore_after_migrate, restore_sqlite_triggers
from hearth.forums.selectors import search_posts

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the triggers are SQLite's FTS5 upkeep")


def triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


@sqlite_only
@pytest.mark.django_db
def test_the_migrations_leave_every_search_trigger_in_place_as_defined_for_restoring():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'forums_%'")
        created = {name: " ".join(sql.split()) for name, sql in cursor.fetchall()}
    defined = {name: " ".join(sql.replace("IF NOT EXISTS ", "").split()) for name, sql in SQLITE_TRIGGERS.items()}
    assert created == defined
    assert restore_sqlite_triggers() == []


@sqlite_only
@pytest.mark.django_db(transaction=True)  # SQLite rebuilds a table only outside a transaction
def test_a_thread_table_rebuild_keeps_title_search_working(community, member, outsider):
    with connection.schema_editor() as editor:
        editor._remake_table(Thread)
    restore_sqlite_triggers()
    thread = make_thread(community, author=member, title="Marmalade", body="Orange peel.")
    thread.title = "Lemon curd"
    thread.save(update_fields=["title"])

    assert [p.thread.title for p in search_posts(outsider, "lemon", page=1)] == ["Lemon curd"]
    assert list(search_posts(outsider, "marmalade", page=1)) == []


@sqlite_only
@pytest.mark.django_db(transaction=True)  # SQLite rebuilds a table only outside a transaction
def test_a_table_rebuild_loses_the_triggers_and_migrate_puts_them_back(community, member, outsider):
    with connection.schema_editor() as editor:
        editor._remake_table(Post)  # what SQLite does to alter a column of forums_post
    assert not set(SQLITE_TRIGGERS) <= triggers()

    assert sorted(restore_sqlite_triggers()) == sorted(
        ["forums_post_fts_insert", "forums_post_fts_update", "forums_post_fts_delete"]
    )
    assert set(SQLITE_TRIGGERS) <= triggers()
    make_thread(community, author=member, title="After the rebuild", body="Rhubarb crumble.")
    assert [p.thread.title for p in search_posts(outsider, "rhubarb", page=1)] == ["After the rebuild"]


def test_migrate_restores_the_triggers_after_the_forums_app():
    receivers = post_migrate._live_receivers(apps.get_app_config("forums"))
    assert restore_after_migrate in [r for group in receivers for r in (group if isinstance(group, list) else [group])]
