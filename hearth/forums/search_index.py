"""Upkeep of the full-text search index that migration forums 0003_post_search made."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def forget_removed_text(using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop the words of deleted and changed posts from the search index now.

    SQLite's FTS5 keeps them in its index until its segments are merged, so after an erasure a merge
    ('optimize') makes sure nothing of what was removed stays there. On PostgreSQL the words live in the post's
    own row (`search_vector`) and change with it: there is nothing to do.
    """
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO forums_post_fts (forums_post_fts) VALUES ('optimize')")
