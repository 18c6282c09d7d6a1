"""Upkeep of the full-text search index (migrations forums 0003_post_search and 0004_sqlite_search_tables)."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

# As migration 0004 creates them. Each trigger names only its own table's row and an FTS table: a trigger that
# read another table would make SQLite refuse to rebuild that table, which it does to alter a column. A rebuild
# drops the table's own triggers, so they are created again after every migrate (see apps.py) if any is missing.
SQLITE_TRIGGERS = {
    "forums_post_fts_insert": """
        CREATE TRIGGER IF NOT EXISTS forums_post_fts_insert AFTER INSERT ON forums_post BEGIN
            INSERT INTO forums_post_fts (rowid, body) VALUES (new.id, new.body);
        END
    """,
    "forums_post_fts_update": """
        CREATE TRIGGER IF NOT EXISTS forums_post_fts_update AFTER UPDATE OF body ON forums_post BEGIN
            DELETE FROM forums_post_fts WHERE rowid = old.id;
            INSERT INTO forums_post_fts (rowid, body) VALUES (new.id, new.body);
        END
    """,
    "forums_post_fts_delete": """
        CREATE TRIGGER IF NOT EXISTS forums_post_fts_delete AFTER DELETE ON forums_post BEGIN
            DELETE FROM forums_post_fts WHERE rowid = old.id;
        END
    """,
    "forums_thread_fts_insert": """
        CREATE TRIGGER IF NOT EXISTS forums_thread_fts_insert AFTER INSERT ON forums_thread BEGIN
            INSERT INTO forums_thread_fts (rowid, title) VALUES (new.id, new.title);
        END
    """,
    "forums_thread_fts_update": """
        CREATE TRIGGER IF NOT EXISTS forums_thread_fts_update AFTER UPDATE OF title ON forums_thread BEGIN
            DELETE FROM forums_thread_fts WHERE rowid = old.id;
            INSERT INTO forums_thread_fts (rowid, title) VALUES (new.id, new.title);
        END
    """,
    "forums_thread_fts_delete": """
        CREATE TRIGGER IF NOT EXISTS forums_thread_fts_delete AFTER DELETE ON forums_thread BEGIN
            DELETE FROM forums_thread_fts WHERE rowid = old.id;
        END
    """,
}
FTS_TABLES = ("forums_post_fts", "forums_thread_fts")


def restore_sqlite_triggers(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Create again any of the search index's SQLite triggers that a table rebuild dropped; returns their names.
    Nothing to do on PostgreSQL (ALTER TABLE keeps triggers) or before migration 0004 made the index."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE %s", ["forums_%fts%"])
        present = {(kind, name) for kind, name in cursor.fetchall()}
        if not all(("table", table) in present for table in FTS_TABLES):
            return []
        missing = [name for name in SQLITE_TRIGGERS if ("trigger", name) not in present]
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
    return missing


def restore_after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    restore_sqlite_triggers(using)


def forget_removed_text(using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop the words of deleted and changed posts from the search index now.

    SQLite's FTS5 keeps them in its index until its segments are merged, so after an erasure a merge
    ('optimize') makes sure nothing of what was removed stays there. On PostgreSQL the words live in the post's
    own row (`search_vector`) and change with it: there is nothing to do.
    """
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in FTS_TABLES:
                # The table name is a constant; FTS5 takes its commands as a row inserted into a column so named.
                cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # noqa: S608  # nosec B608
