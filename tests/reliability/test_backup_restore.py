"""The backup procedure of docs/backup.md, run for real: pg_dump -Fc of a database with members, forum posts
and chat messages, pg_restore into a new, empty database, and every row compared. Then the restored database
is opened through Hearth itself, which reads the encrypted chat messages back with the same keys.

PostgreSQL only; needs pg_dump and pg_restore on PATH (the PostgreSQL client tools).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from hearth.accounts.models import User
from hearth.chat.models import Message
from hearth.chat.services import lobby_for, send_message
from hearth.core.testing.factories import make_member, make_thread
from hearth.forums.models import Post

pytestmark = pytest.mark.django_db(transaction=True)


def _conninfo(name: str) -> dict[str, str]:
    s = connection.settings_dict
    info = {"dbname": name, "user": s["USER"] or "", "host": s["HOST"] or "", "port": str(s["PORT"] or "")}
    if s["PASSWORD"]:
        info["password"] = s["PASSWORD"]
    return {k: v for k, v in info.items() if v}


def _client_env() -> dict[str, str]:
    """libpq reads the same settings from the environment, so no password appears on a command line."""
    info = _conninfo(connection.settings_dict["NAME"])
    names = {"user": "PGUSER", "host": "PGHOST", "port": "PGPORT", "password": "PGPASSWORD"}
    return {**os.environ, **{names[k]: v for k, v in info.items() if k in names}}


def _rows(dbname: str) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, as text, in a stable order."""
    with psycopg.connect(**_conninfo(dbname)) as db:
        tables = [r[0] for r in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]  # fmt: skip
        everything = {}
        for table in tables:
            query = sql.SQL("SELECT t::text FROM {} AS t").format(sql.Identifier(table))
            everything[table] = sorted(r[0] for r in db.execute(query).fetchall())
        return everything


@pytest.fixture
def restored_database():
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore use pg_dump/pg_restore: set DATABASE_URL=postgres://…")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("needs pg_dump and pg_restore (the PostgreSQL client tools) on PATH")
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    with psycopg.connect(**_conninfo(connection.settings_dict["NAME"]), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(**_conninfo(connection.settings_dict["NAME"]), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_a_custom_format_dump_restores_into_a_fresh_database_with_every_row(restored_database, community, tmp_path):
    thread = make_thread(community, replies=3)
    lobby = lobby_for(community)
    member = make_member(community, username="QuietHeron42")
    for i in range(5):
        send_message(member, lobby, body=f"Message {i}: a good day today, thank you all.", client_id=f"backup-{i:04d}")
    dump = tmp_path / "hearth.dump"
    source = connection.settings_dict["NAME"]
    env = _client_env()

    # The procedure in docs/backup.md.
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), "--dbname", source], env=env, check=True)
    subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", restored_database,
                    str(dump)], env=env, check=True)  # fmt: skip

    original, restored = _rows(source), _rows(restored_database)
    assert original == restored
    for table, expected in (("accounts_user", User), ("forums_post", Post), ("chat_message", Message)):
        assert len(restored[expected._meta.db_table]) == expected.objects.count() > 0, table
    assert len(restored["chat_message"]) == 5
    assert len(restored["forums_post"]) == thread.last_post_number == 4
    assert not any("good day today" in row for row in restored["chat_message"]), "message text is stored sealed"

    # With the same keys, the restored messages open again (as Hearth reads them, column value by column value).
    field = Message._meta.get_field("body")
    with psycopg.connect(**_conninfo(restored_database)) as db:
        sealed = [r[0] for r in db.execute(
            "SELECT body FROM chat_message WHERE room_id = %s ORDER BY seq", [lobby.id]).fetchall()]  # fmt: skip
    bodies = [field.from_db_value(value, None, connection) for value in sealed]
    assert bodies == [f"Message {i}: a good day today, thank you all." for i in range(5)]
