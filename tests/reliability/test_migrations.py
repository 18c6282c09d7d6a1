"""Every migration can be undone: each operation of Hearth's migrations has a reverse, and the whole schema
goes back to zero and forward again on the test database. Any migration that cannot be undone must be listed
here and in docs/backup.md ("Migrations"), with what to do instead (restore the backup taken before it)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

# (app label, migration name) -> why it cannot be undone. Keep docs/backup.md in step.
IRREVERSIBLE: dict[tuple[str, str], str] = {}


def _hearth_apps() -> set[str]:
    return {config.label for config in apps.get_app_configs() if config.name.startswith("hearth.")}


def test_every_operation_of_every_hearth_migration_has_a_reverse():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    hearth = _hearth_apps()
    checked, problems = 0, []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in hearth or (app, name) in IRREVERSIBLE:
            continue
        for operation in migration.operations:
            checked += 1
            if not operation.reversible:
                problems.append(f"{app}.{name}: {operation.describe()}")
    assert checked > 0
    assert not problems, "irreversible operations (add reverse code, or list them in IRREVERSIBLE):\n" + "\n".join(
        problems
    )


@pytest.mark.django_db(transaction=True)
def test_the_schema_goes_back_to_zero_and_forward_again():
    hearth = _hearth_apps()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    hearth_tables = {m._meta.db_table for m in apps.get_models() if m._meta.app_label in hearth and m._meta.managed}

    executor.migrate([(app, None) for app in sorted(hearth)])  # and whatever depends on them, first
    with connection.cursor() as cursor:
        left = hearth_tables & set(connection.introspection.table_names(cursor))
    assert not left, f"tables left after migrating to zero: {sorted(left)}"

    executor.loader.build_graph()
    executor.migrate(leaves)
    with connection.cursor() as cursor:
        missing = hearth_tables - set(connection.introspection.table_names(cursor))
    assert not missing
    executor.loader.build_graph()
    assert not executor.migration_plan(leaves), "everything is applied again"
