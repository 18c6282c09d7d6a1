"""Full-text search over posts (forums.selectors.search_posts).

PostgreSQL: a `search_vector` tsvector column on forums_post with a GIN index, kept by a trigger; an opening post's
vector also holds its thread's title, so it lives in the post's row and one index answers a search. SQLite: an
FTS5 table (forums_post_fts, rowid = post id) kept in step by triggers. Neither is a model field: Django never
reads them, and every write that changes a body or a title (edits, moderator edits, erasure) updates them in the
same statement, so no text outlives its post in the index.

Both use English stemming without stop words ("sleeping" finds "sleep"; "again" is still a word one can search).

SQLite rebuilds a table to alter it, which drops its triggers: a later migration that alters forums_post or
forums_thread on SQLite must create the triggers again (the search tests fail if it does not).
"""

from django.db import migrations, models

POSTGRES_FORWARD = [
    # English stemming (snowball) without the stop-word list.
    "CREATE TEXT SEARCH DICTIONARY hearth_english_stem (TEMPLATE = snowball, LANGUAGE = english)",
    "CREATE TEXT SEARCH CONFIGURATION hearth_search (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION hearth_search ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, "
    "word, hword, hword_part WITH hearth_english_stem",
    "ALTER TABLE forums_post ADD COLUMN search_vector tsvector",
    """
    CREATE FUNCTION forums_post_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := to_tsvector('hearth_search', NEW.body);
        IF NEW.number = 1 THEN
            NEW.search_vector := setweight(to_tsvector('hearth_search',
                coalesce((SELECT title FROM forums_thread WHERE id = NEW.thread_id), '')), 'A') || NEW.search_vector;
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER forums_post_search_vector BEFORE INSERT OR UPDATE OF body, number, thread_id ON forums_post "
    "FOR EACH ROW EXECUTE FUNCTION forums_post_search_vector()",
    """
    CREATE FUNCTION forums_thread_search_title() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE forums_post SET search_vector =
            setweight(to_tsvector('hearth_search', NEW.title), 'A') || to_tsvector('hearth_search', body)
        WHERE thread_id = NEW.id AND number = 1;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER forums_thread_search_title AFTER UPDATE OF title ON forums_thread FOR EACH ROW "
    "WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION forums_thread_search_title()",
    """
    UPDATE forums_post AS p SET search_vector =
        CASE WHEN p.number = 1 THEN setweight(to_tsvector('hearth_search', t.title), 'A') ELSE ''::tsvector END
        || to_tsvector('hearth_search', p.body)
    FROM forums_thread AS t WHERE t.id = p.thread_id
    """,
    "CREATE INDEX forums_post_search_idx ON forums_post USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER forums_thread_search_title ON forums_thread",
    "DROP FUNCTION forums_thread_search_title()",
    "DROP TRIGGER forums_post_search_vector ON forums_post",
    "DROP FUNCTION forums_post_search_vector()",
    "ALTER TABLE forums_post DROP COLUMN search_vector",
    "DROP TEXT SEARCH CONFIGURATION hearth_search",
    "DROP TEXT SEARCH DICTIONARY hearth_english_stem",
]

_SQLITE_TITLE = (
    "CASE WHEN new.number = 1 THEN coalesce((SELECT title FROM forums_thread WHERE id = new.thread_id), '') "
    "ELSE '' END"
)
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE forums_post_fts USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"""
    CREATE TRIGGER forums_post_fts_insert AFTER INSERT ON forums_post BEGIN
        INSERT INTO forums_post_fts (rowid, title, body) VALUES (new.id, {_SQLITE_TITLE}, new.body);
    END
    """,
    f"""
    CREATE TRIGGER forums_post_fts_update AFTER UPDATE OF body, number, thread_id ON forums_post BEGIN
        DELETE FROM forums_post_fts WHERE rowid = old.id;
        INSERT INTO forums_post_fts (rowid, title, body) VALUES (new.id, {_SQLITE_TITLE}, new.body);
    END
    """,
    """
    CREATE TRIGGER forums_post_fts_delete AFTER DELETE ON forums_post BEGIN
        DELETE FROM forums_post_fts WHERE rowid = old.id;
    END
    """,
    """
    CREATE TRIGGER forums_thread_fts_title AFTER UPDATE OF title ON forums_thread BEGIN
        UPDATE forums_post_fts SET title = new.title
        WHERE rowid IN (SELECT id FROM forums_post WHERE thread_id = new.id AND number = 1);
    END
    """,
    """
    INSERT INTO forums_post_fts (rowid, title, body)
    SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, p.body
    FROM forums_post AS p JOIN forums_thread AS t ON t.id = p.thread_id
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER forums_thread_fts_title",
    "DROP TRIGGER forums_post_fts_delete",
    "DROP TRIGGER forums_post_fts_update",
    "DROP TRIGGER forums_post_fts_insert",
    "DROP TABLE forums_post_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0002_post_labels_post_moderator_note_post_risk_level_and_more"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        # Search results come newest first; this index serves that order when a word is in many posts.
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["-created_at", "-id"], name="post_recent_idx"),
        ),
    ]
