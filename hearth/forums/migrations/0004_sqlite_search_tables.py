"""SQLite search: one FTS5 table for post bodies and one for thread titles, each kept by triggers that name only
their own table's row.

Migration 0003's triggers read the other table (a post's trigger read its thread's title, a thread's trigger
found its opening post), and SQLite refuses to rebuild a table that another table's trigger names, which it does
to alter a column: any later migration altering forums_post or forums_thread would fail. A rebuild still drops a
table's own triggers; hearth.forums.search_index creates them again after every migrate. PostgreSQL is unchanged.
"""

import importlib

from django.db import migrations

FORWARD = [
    "DROP TRIGGER IF EXISTS forums_thread_fts_title",
    "DROP TRIGGER IF EXISTS forums_post_fts_delete",
    "DROP TRIGGER IF EXISTS forums_post_fts_update",
    "DROP TRIGGER IF EXISTS forums_post_fts_insert",
    "DROP TABLE IF EXISTS forums_post_fts",
    "CREATE VIRTUAL TABLE forums_post_fts USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE forums_thread_fts USING fts5(title, tokenize = 'porter unicode61 remove_diacritics 2')",
    """
    CREATE TRIGGER forums_post_fts_insert AFTER INSERT ON forums_post BEGIN
        INSERT INTO forums_post_fts (rowid, body) VALUES (new.id, new.body);
    END
    """,
    """
    CREATE TRIGGER forums_post_fts_update AFTER UPDATE OF body ON forums_post BEGIN
        DELETE FROM forums_post_fts WHERE rowid = old.id;
        INSERT INTO forums_post_fts (rowid, body) VALUES (new.id, new.body);
    END
    """,
    """
    CREATE TRIGGER forums_post_fts_delete AFTER DELETE ON forums_post BEGIN
        DELETE FROM forums_post_fts WHERE rowid = old.id;
    END
    """,
    """
    CREATE TRIGGER forums_thread_fts_insert AFTER INSERT ON forums_thread BEGIN
        INSERT INTO forums_thread_fts (rowid, title) VALUES (new.id, new.title);
    END
    """,
    """
    CREATE TRIGGER forums_thread_fts_update AFTER UPDATE OF title ON forums_thread BEGIN
        DELETE FROM forums_thread_fts WHERE rowid = old.id;
        INSERT INTO forums_thread_fts (rowid, title) VALUES (new.id, new.title);
    END
    """,
    """
    CREATE TRIGGER forums_thread_fts_delete AFTER DELETE ON forums_thread BEGIN
        DELETE FROM forums_thread_fts WHERE rowid = old.id;
    END
    """,
    "INSERT INTO forums_post_fts (rowid, body) SELECT id, body FROM forums_post",
    "INSERT INTO forums_thread_fts (rowid, title) SELECT id, title FROM forums_thread",
]
BACKWARD = [
    "DROP TRIGGER forums_thread_fts_delete",
    "DROP TRIGGER forums_thread_fts_update",
    "DROP TRIGGER forums_thread_fts_insert",
    "DROP TRIGGER IF EXISTS forums_post_fts_delete",
    "DROP TRIGGER IF EXISTS forums_post_fts_update",
    "DROP TRIGGER IF EXISTS forums_post_fts_insert",
    "DROP TABLE forums_thread_fts",
    "DROP TABLE forums_post_fts",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in BACKWARD:
            schema_editor.execute(statement)
        previous = importlib.import_module("hearth.forums.migrations.0003_post_search")
        for statement in previous.SQLITE_FORWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0003_post_search"),
    ]

    operations = [migrations.RunPython(forward, backward)]
